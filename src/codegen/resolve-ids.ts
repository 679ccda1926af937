/**
 * The deployed ids generated code and configurations name (`codegen python --resolve-ids`,
 * `codegen promptfoo`), found in the live account by their ownership tags: a loop over the tagged
 * kinds (src/kinds), then the uploads of the file sets code_interpreter reads. Assistants API code
 * needs each assistant's id; Responses API code (and promptfoo's configuration) the vector stores
 * and files its requests name. Every one must exist.
 */
import { UserError } from '../errors.js';
import { KINDS } from '../kinds/index.js';
import { protectedContent } from '../manifest/desired.js';
import type { Desired } from '../manifest/desired.js';
import { resourceKeyOf } from '../ownership/index.js';
import { uploadName } from '../ownership/upload-name.js';
import type { Live } from '../targets/live.js';
import type { ResolvedIds } from './python/types.js';
import type { Api } from './python/versions.js';

export function resolveIds(desired: Desired, live: Live, api: Api): ResolvedIds {
  if (api === 'assistants' && !live.assistantsApi) {
    throw new UserError(
      'this target does not serve the Assistants API (404 on /v1/assistants), so there are no assistant ids to resolve',
      'generate Responses API code instead: assistants-deploy codegen python --api responses',
    );
  }
  const out: ResolvedIds = { assistants: {}, vectorStores: {}, files: {} };
  const missing: string[] = [];
  for (const a of desired.assistants) {
    // the keys of each kind this assistant's code names
    const wanted: Record<keyof Omit<ResolvedIds, 'files'>, readonly string[]> = { assistants: api === 'assistants' ? [a.key] : [], vectorStores: api !== 'assistants' ? a.vectorStores : [] };
    for (const kind of KINDS) {
      for (const key of wanted[kind.collection]) {
        const found = live[kind.collection].find((x) => resourceKeyOf(x.metadata) === key);
        if (found) out[kind.collection][key] = found.id;
        else missing.push(`${kind.label} ${key}`);
      }
    }
    if (api !== 'assistants' && a.tools.some((t) => t.type === 'code_interpreter')) missing.push(...resolveFiles(desired, a.fileSets, live, out));
  }
  if (missing.length) {
    throw new UserError(
      `--resolve-ids: not deployed on this target: ${[...new Set(missing)].join(', ')}`,
      'run `assistants-deploy apply` first, or leave out --resolve-ids so the code finds them by their tags at run time',
    );
  }
  return out;
}

/** The uploads of the file sets, by upload name, into `out.files`; returns what is missing. */
function resolveFiles(desired: Desired, fileSets: readonly string[], live: Live, out: ResolvedIds): string[] {
  const missing: string[] = [];
  for (const setKey of fileSets) {
    for (const f of desired.fileSets.find((s) => s.key === setKey)?.files ?? []) {
      const name = uploadName(desired.deployment, f.sha256!, f.path, { protect: protectedContent(desired).has(f.sha256!) });
      const found = live.files.find((x) => x.filename === name);
      if (found) out.files[name] = found.id;
      else missing.push(`file ${f.path} (file set ${setKey})`);
    }
  }
  return missing;
}
