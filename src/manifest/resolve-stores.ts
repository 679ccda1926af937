/**
 * The manifest's vector stores and file sets -> Desired: their file lists expanded and checked
 * against what each tool accepts (type, size, not empty), and the vector stores' limits that the
 * schema cannot state (chunk overlap, reserved and too many attributes).
 */
import { formatBytes } from '../format.js';
import { isReservedKey, RESERVED_PREFIX, USER_MAX_ATTRIBUTES } from '../ownership/metadata.js';
import type { DesiredFileSet, DesiredVectorStore, LocalFile } from './desired.js';
import { CODE_INTERPRETER_EXTENSIONS, extensionOf, FILE_SEARCH_EXTENSIONS, MAX_FILE_BYTES } from './file-types.js';
import { expandGlobs } from './globs.js';
import type { PatternAt } from './globs.js';
import type { Path } from './locations.js';
import type { ResolveScope } from './resolve-scope.js';
import type { FileSetSpec, VectorStoreSpec } from './types.js';

/** The files `patterns` (listed at `base`) match that `tool` accepts; the others are problems. */
async function expandFiles(s: ResolveScope, base: Path, patterns: string[], accept: ReadonlySet<string>, tool: string): Promise<LocalFile[]> {
  const list: PatternAt[] = patterns.map((pattern, i) => ({ pattern, ...s.at([...base, i]) }));
  const expansion = await expandGlobs(s.ctx.root, s.baseDirFor(base), list, { offThread: s.ctx.offThread === true });
  s.problems.push(...expansion.problems);
  const ok: LocalFile[] = [];
  for (const f of expansion.files) {
    const by = expansion.matchedBy.get(f.path)!;
    const why = refusal(f, by, accept, tool);
    if (why !== undefined) {
      s.problems.push({ path: by.path, loc: by.loc, message: why });
    } else {
      f.matched = by;
      ok.push(f);
    }
  }
  return ok;
}

/** Why the API would refuse `f` for `tool`, or undefined when it accepts it. */
function refusal(f: LocalFile, by: PatternAt, accept: ReadonlySet<string>, tool: string): string | undefined {
  const ext = extensionOf(f.path);
  if (!accept.has(ext)) {
    return `"${f.path}" (matched by "${by.pattern}") is ${ext ? `a .${ext} file` : 'a file without an extension'}, which ${tool} does not accept; exclude it with "!${f.path}" (accepted: ${[...accept].sort().join(', ')})`;
  }
  if (f.size > MAX_FILE_BYTES) return `"${f.path}" is ${formatBytes(f.size)}; the API accepts files up to 512 MiB`;
  if (f.size === 0) return `"${f.path}" is empty; the API refuses empty files`;
  return undefined;
}

export async function resolveVectorStore(s: ResolveScope, key: string, spec: VectorStoreSpec): Promise<DesiredVectorStore> {
  const base: Path = ['vector_stores', key];
  const files = await expandFiles(s, [...base, 'files'], spec.files ?? [], FILE_SEARCH_EXTENSIONS, 'file_search');
  const cs = spec.chunking_strategy;
  if (cs?.type === 'static' && cs.static && cs.static.chunk_overlap_tokens > cs.static.max_chunk_size_tokens / 2) {
    s.problems.push({
      ...s.at([...base, 'chunking_strategy', 'static', 'chunk_overlap_tokens']),
      message: `is ${cs.static.chunk_overlap_tokens}; the overlap must not exceed half of max_chunk_size_tokens (${Math.floor(cs.static.max_chunk_size_tokens / 2)})`,
    });
  }
  const attributes = spec.attributes ?? {};
  checkAttributes(s, [...base, 'attributes'], attributes);
  return {
    key,
    name: spec.name ?? key,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    files,
    attributes: { ...attributes },
    ...(cs ? { chunking_strategy: cs } : {}),
    ...(spec.expires_after ? { expires_after: spec.expires_after } : {}),
    metadata: s.metadata([...base, 'metadata'], spec.metadata),
    protect: spec.protect ?? false,
    loc: s.at(base, true).loc,
  };
}

/** The attributes every file of a store gets: no reserved name, and room left for the two ownership ones. */
function checkAttributes(s: ResolveScope, p: Path, attributes: Record<string, unknown>): void {
  for (const k of Object.keys(attributes)) {
    if (isReservedKey(k)) {
      s.problems.push({
        ...s.at([...p, k], true),
        message: `attribute names starting with "${RESERVED_PREFIX}" are reserved (they hold each file's path and content hash); rename it`,
      });
    }
  }
  if (Object.keys(attributes).length > USER_MAX_ATTRIBUTES) {
    s.problems.push({
      ...s.at(p),
      message: `has ${Object.keys(attributes).length} keys; the limit is ${USER_MAX_ATTRIBUTES} (the API allows 16 and assistants-deploy reserves 2)`,
    });
  }
}

export async function resolveFileSet(s: ResolveScope, key: string, spec: FileSetSpec): Promise<DesiredFileSet> {
  const base: Path = ['file_sets', key];
  const files = await expandFiles(s, [...base, 'files'], spec.files, CODE_INTERPRETER_EXTENSIONS, 'code_interpreter');
  return { key, files, protect: spec.protect ?? false, loc: s.at(base, true).loc };
}
