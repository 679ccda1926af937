/**
 * The deployed ids generated code and configurations name (`codegen python --resolve-ids`,
 * `codegen promptfoo`), read from the live account by the ownership tags: every one must exist.
 */
import { UserError } from '../errors.js';
import { protectedContent } from '../manifest/desired.js';
import type { Desired } from '../manifest/desired.js';
import { resourceKeyOf } from '../ownership/index.js';
import { uploadName } from '../ownership/upload-name.js';
import type { ResolvedIds } from '../codegen/python/generate.js';
import type { Api } from '../codegen/python/versions.js';
import type { Live } from '../targets/live.js';

/** The ids the generated code will use, from the live account; every one must exist. */
export function resolveIds(desired: Desired, live: Live, api: Api): ResolvedIds {
  const out: ResolvedIds = { assistants: {}, vectorStores: {}, files: {} };
  const missing: string[] = [];
  if (api === 'assistants') {
    if (!live.assistantsApi) {
      throw new UserError(
        'this target does not serve the Assistants API (404 on /v1/assistants), so there are no assistant ids to resolve',
        'generate Responses API code instead: assistants-deploy codegen python --api responses',
      );
    }
    for (const a of desired.assistants) {
      const found = live.assistants.find((x) => resourceKeyOf(x.metadata) === a.key);
      if (found) out.assistants[a.key] = found.id;
      else missing.push(`assistant ${a.key}`);
    }
  } else {
    for (const a of desired.assistants) {
      for (const key of a.vectorStores) {
        const found = live.vectorStores.find((x) => resourceKeyOf(x.metadata) === key);
        if (found) out.vectorStores[key] = found.id;
        else missing.push(`vector store ${key}`);
      }
      if (!a.tools.some((t) => t.type === 'code_interpreter')) continue;
      for (const setKey of a.fileSets) {
        for (const f of desired.fileSets.find((s) => s.key === setKey)?.files ?? []) {
          const name = uploadName(desired.deployment, f.sha256!, f.path, { protect: protectedContent(desired).has(f.sha256!) });
          const found = live.files.find((x) => x.filename === name);
          if (found) out.files[name] = found.id;
          else missing.push(`file ${f.path} (file set ${setKey})`);
        }
      }
    }
  }
  if (missing.length) {
    throw new UserError(
      `--resolve-ids: not deployed on this target: ${[...new Set(missing)].join(', ')}`,
      'run `assistants-deploy apply` first, or leave out --resolve-ids so the code finds them by their tags at run time',
    );
  }
  return out;
}

