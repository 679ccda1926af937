/**
 * Manifest -> Desired: reads `{ file: path }` references, expands file globs, and enforces what
 * the schema cannot say: references between resources, the API's limits stated only in prose
 * (LIMITS.md), reserved ownership keys, strict-mode schema rules, file types and sizes.
 */
import path from 'node:path';
import type { Problem, SourceLoc } from '../errors.js';
import { isReservedKey, RESERVED_PREFIX, USER_MAX_ATTRIBUTES, USER_MAX_METADATA } from '../ownership/metadata.js';
import type {
  Desired,
  DesiredAssistant,
  DesiredFileSet,
  DesiredResponseFormat,
  DesiredTool,
  DesiredVectorStore,
  LocalFile,
  Warning,
} from './desired.js';
import { CODE_INTERPRETER_EXTENSIONS, extensionOf, FILE_SEARCH_EXTENSIONS, MAX_FILE_BYTES } from './file-types.js';
import { formatBytes } from '../format.js';
import { expandGlobs } from './globs.js';
import { readTextFile } from './text-file.js';
import type { PatternAt } from './globs.js';
import { checkJsonSchema } from './json-schema-check.js';
import type { JsonAt } from './json-schema-check.js';
import { displayPath, locate, toPointer } from './locations.js';
import type { LocMap, Path } from './locations.js';
import { displayFile, escapesLexically, escapesReally } from './paths.js';
import type { Root } from './paths.js';
import { closest } from './suggest.js';
import type { AssistantSpec, FileSetSpec, JsonObject, ManifestDoc, VectorStoreSpec } from './types.js';
import { isFileRef } from './types.js';
import { parseSource } from './yaml-source.js';

export const MAX_INSTRUCTIONS = 256_000;
export const MAX_CODE_INTERPRETER_FILES = 20;

export interface ResolveContext {
  root: Root;
  cwd: string;
  locs: LocMap;
  /** Absolute folder of the manifest file shown as `label` in locations. */
  dirOf(label: string): string;
  environment?: string;
  sources: string[];
}

export interface Resolved {
  desired: Desired;
  problems: Problem[];
  warnings: Warning[];
}

export async function resolveDesired(doc: ManifestDoc, ctx: ResolveContext): Promise<Resolved> {
  const problems: Problem[] = [];
  const warnings: Warning[] = [];
  const at = (p: Path, preferKey = false) => ({ path: displayPath(p), loc: locate(ctx.locs, toPointer(p), preferKey) });
  const baseDirFor = (p: Path) => {
    const loc = locate(ctx.locs, toPointer(p));
    return loc ? ctx.dirOf(loc.file) : ctx.root.dir;
  };

  const vsEntries = Object.entries(doc.vector_stores ?? {});
  const fsEntries = Object.entries(doc.file_sets ?? {});
  const [vectorStores, fileSets] = await Promise.all([
    Promise.all(vsEntries.map(([key, spec]) => resolveVectorStore(key, spec))),
    Promise.all(fsEntries.map(([key, spec]) => resolveFileSet(key, spec))),
  ]);
  const assistants = await Promise.all(Object.entries(doc.assistants ?? {}).map(([key, spec]) => resolveAssistant(key, spec)));

  async function expandFiles(base: Path, patterns: string[], accept: ReadonlySet<string>, tool: string): Promise<LocalFile[]> {
    const list: PatternAt[] = patterns.map((pattern, i) => ({ pattern, ...at([...base, i]) }));
    const expansion = await expandGlobs(ctx.root, baseDirFor(base), list);
    problems.push(...expansion.problems);
    const ok: LocalFile[] = [];
    for (const f of expansion.files) {
      const by = expansion.matchedBy.get(f.path)!;
      const ext = extensionOf(f.path);
      if (!accept.has(ext)) {
        problems.push({
          path: by.path,
          loc: by.loc,
          message: `"${f.path}" (matched by "${by.pattern}") is ${ext ? `a .${ext} file` : 'a file without an extension'}, which ${tool} does not accept; exclude it with "!${f.path}" (accepted: ${[...accept].sort().join(', ')})`,
        });
      } else if (f.size > MAX_FILE_BYTES) {
        problems.push({
          path: by.path,
          loc: by.loc,
          message: `"${f.path}" is ${formatBytes(f.size)}; the API accepts files up to 512 MiB`,
        });
      } else if (f.size === 0) {
        problems.push({ path: by.path, loc: by.loc, message: `"${f.path}" is empty; the API refuses empty files` });
      } else {
        f.matched = by;
        ok.push(f);
      }
    }
    return ok;
  }

  function checkMetadata(base: Path, metadata: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    if (!metadata) return out;
    const keys = Object.keys(metadata);
    for (const k of keys) {
      if (isReservedKey(k)) {
        problems.push({
          ...at([...base, k], true),
          message: `metadata keys starting with "${RESERVED_PREFIX}" are reserved for ownership tags; rename this key`,
        });
      }
    }
    if (keys.length > USER_MAX_METADATA) {
      problems.push({
        ...at(base),
        message: `has ${keys.length} keys; the limit is ${USER_MAX_METADATA} (the API allows 16 and assistants-deploy reserves 2 for ownership tags)`,
      });
    }
    return { ...metadata };
  }

  async function resolveVectorStore(key: string, spec: VectorStoreSpec): Promise<DesiredVectorStore> {
    const base: Path = ['vector_stores', key];
    const files = await expandFiles([...base, 'files'], spec.files ?? [], FILE_SEARCH_EXTENSIONS, 'file_search');
    const cs = spec.chunking_strategy;
    if (cs?.type === 'static' && cs.static && cs.static.chunk_overlap_tokens > cs.static.max_chunk_size_tokens / 2) {
      problems.push({
        ...at([...base, 'chunking_strategy', 'static', 'chunk_overlap_tokens']),
        message: `is ${cs.static.chunk_overlap_tokens}; the overlap must not exceed half of max_chunk_size_tokens (${Math.floor(cs.static.max_chunk_size_tokens / 2)})`,
      });
    }
    const attributes = spec.attributes ?? {};
    for (const k of Object.keys(attributes)) {
      if (isReservedKey(k)) {
        problems.push({
          ...at([...base, 'attributes', k], true),
          message: `attribute names starting with "${RESERVED_PREFIX}" are reserved (they hold each file's path and content hash); rename it`,
        });
      }
    }
    if (Object.keys(attributes).length > USER_MAX_ATTRIBUTES) {
      problems.push({
        ...at([...base, 'attributes']),
        message: `has ${Object.keys(attributes).length} keys; the limit is ${USER_MAX_ATTRIBUTES} (the API allows 16 and assistants-deploy reserves 2)`,
      });
    }
    return {
      key,
      name: spec.name ?? key,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      files,
      attributes: { ...attributes },
      ...(cs ? { chunking_strategy: cs } : {}),
      ...(spec.expires_after ? { expires_after: spec.expires_after } : {}),
      metadata: checkMetadata([...base, 'metadata'], spec.metadata),
      protect: spec.protect ?? false,
      loc: at(base, true).loc,
    };
  }

  async function resolveFileSet(key: string, spec: FileSetSpec): Promise<DesiredFileSet> {
    const base: Path = ['file_sets', key];
    const files = await expandFiles([...base, 'files'], spec.files, CODE_INTERPRETER_EXTENSIONS, 'code_interpreter');
    return { key, files, protect: spec.protect ?? false, loc: at(base, true).loc };
  }

  /** Reads a `{ file }` reference named at `p`, or reports why it cannot. */
  async function readRef(p: Path, file: string): Promise<{ text: string; abs: string; label: string } | undefined> {
    const where = at([...p, 'file']);
    const baseDir = baseDirFor(p);
    const abs = path.resolve(baseDir, file);
    if (!ctx.root.allowOutside && (escapesLexically(ctx.root, baseDir, file) || (await escapesReally(ctx.root, abs)))) {
      problems.push({
        ...where,
        message: `"${file}" is outside the manifest folder (${ctx.root.dir}); move it inside, or pass --allow-outside-root`,
      });
      return undefined;
    }
    try {
      const read = await readTextFile(abs);
      if (!read.ok) {
        problems.push({ ...where, message: `"${file}" ${read.why}` });
        return undefined;
      }
      return { text: read.text, abs, label: displayFile(abs, ctx.cwd) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${code ?? 'error'})`;
      problems.push({ ...where, message: `"${file}": ${why} (paths are relative to the manifest's folder, ${baseDir})` });
      return undefined;
    }
  }

  /** An inline JSON object or one read from a .json/.yaml file, with where its parts are. */
  async function readJson(p: Path, value: JsonObject | { file: string }): Promise<{ value: JsonObject; at: JsonAt } | undefined> {
    if (!isFileRef(value)) return { value, at: { locs: ctx.locs, pointer: toPointer(p), path: p } };
    const read = await readRef(p, value.file);
    if (!read) return undefined;
    const parsed = parseSource(read.text, read.label);
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems);
      return undefined;
    }
    if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      problems.push({ loc: { file: read.label, line: 1, col: 1 }, message: 'must hold a JSON object (a JSON Schema)' });
      return undefined;
    }
    return { value: parsed.value as JsonObject, at: { locs: parsed.locs, pointer: '', path: p } };
  }

  async function resolveAssistant(key: string, spec: AssistantSpec): Promise<DesiredAssistant> {
    const base: Path = ['assistants', key];
    let instructions: string | undefined;
    if (typeof spec.instructions === 'string') instructions = spec.instructions;
    else if (spec.instructions) {
      const read = await readRef([...base, 'instructions'], spec.instructions.file);
      if (read) {
        instructions = read.text;
        if (instructions.length > MAX_INSTRUCTIONS) {
          problems.push({
            ...at([...base, 'instructions', 'file']),
            message: `"${spec.instructions.file}" holds ${instructions.length.toLocaleString('en-US')} characters; instructions are limited to 256,000`,
          });
        }
      }
    }

    const tools: DesiredTool[] = [];
    const functionNames = new Map<string, number>();
    const typeCounts = new Map<string, number>();
    for (const [i, tool] of (spec.tools ?? []).entries()) {
      const tp: Path = [...base, 'tools', i];
      typeCounts.set(tool.type, (typeCounts.get(tool.type) ?? 0) + 1);
      if (tool.type !== 'function') {
        if (typeCounts.get(tool.type)! > 1) {
          problems.push({ ...at([...tp, 'type']), message: `${tool.type} is listed twice; an assistant has at most one` });
        }
        tools.push(structuredClone(tool));
        continue;
      }
      const fn = tool.function;
      const seenAt = functionNames.get(fn.name);
      if (seenAt !== undefined) {
        problems.push({
          ...at([...tp, 'function', 'name']),
          message: `function "${fn.name}" is already defined by tools[${seenAt}]; function names must be unique`,
        });
      }
      functionNames.set(fn.name, i);
      const out: DesiredTool = { type: 'function', function: { name: fn.name } };
      if (fn.description !== undefined) out.function.description = fn.description;
      if (fn.parameters !== undefined) {
        const json = await readJson([...tp, 'function', 'parameters'], fn.parameters);
        if (json) {
          problems.push(...(await checkJsonSchema(json.value, json.at, fn.strict === true)));
          out.function.parameters = json.value;
        }
      } else if (fn.strict === true) {
        problems.push({ ...at([...tp, 'function']), message: 'strict: true needs parameters (a JSON Schema with type: object)' });
      }
      if (fn.strict !== undefined) out.function.strict = fn.strict;
      tools.push(out);
    }

    let responseFormat: DesiredResponseFormat | undefined;
    const rf = spec.response_format;
    if (rf !== undefined) {
      if (typeof rf === 'string' || rf.type !== 'json_schema') responseFormat = structuredClone(rf) as DesiredResponseFormat;
      else {
        const js = rf.json_schema;
        const outJs: { name: string; description?: string; schema?: JsonObject; strict?: boolean } = { name: js.name };
        if (js.description !== undefined) outJs.description = js.description;
        if (js.schema !== undefined) {
          const json = await readJson([...base, 'response_format', 'json_schema', 'schema'], js.schema);
          if (json) {
            problems.push(...(await checkJsonSchema(json.value, json.at, js.strict === true)));
            outJs.schema = json.value;
          }
        } else if (js.strict === true) {
          problems.push({ ...at([...base, 'response_format', 'json_schema']), message: 'strict: true needs a schema' });
        }
        if (js.strict !== undefined) outJs.strict = js.strict;
        responseFormat = { type: 'json_schema', json_schema: outJs };
      }
    }

    const vsKeys = spec.tool_resources?.file_search?.vector_stores ?? [];
    const fsKeys = spec.tool_resources?.code_interpreter?.file_sets ?? [];
    checkRefs([...base, 'tool_resources', 'file_search', 'vector_stores'], vsKeys, Object.keys(doc.vector_stores ?? {}), 'vector_stores');
    checkRefs([...base, 'tool_resources', 'code_interpreter', 'file_sets'], fsKeys, Object.keys(doc.file_sets ?? {}), 'file_sets');
    if (vsKeys.length > 0 && !typeCounts.has('file_search')) {
      warnings.push({
        ...at([...base, 'tool_resources', 'file_search']),
        message: 'vector stores are attached but the assistant has no file_search tool, so it will not search them; add { type: file_search } to tools',
      });
    }
    if (fsKeys.length > 0 && !typeCounts.has('code_interpreter')) {
      warnings.push({
        ...at([...base, 'tool_resources', 'code_interpreter']),
        message: 'file sets are attached but the assistant has no code_interpreter tool; add { type: code_interpreter } to tools',
      });
    }

    const desired: DesiredAssistant = {
      key,
      model: spec.model,
      name: spec.name ?? key,
      tools,
      vectorStores: [...vsKeys],
      fileSets: [...fsKeys],
      metadata: checkMetadata([...base, 'metadata'], spec.metadata),
      protect: spec.protect ?? false,
      loc: at(base, true).loc,
    };
    const modelLoc = at([...base, 'model']).loc;
    if (modelLoc) desired.modelLoc = modelLoc;
    if (spec.description !== undefined) desired.description = spec.description;
    if (instructions !== undefined) desired.instructions = instructions;
    if (spec.reasoning_effort !== undefined) desired.reasoning_effort = spec.reasoning_effort;
    if (spec.temperature !== undefined) desired.temperature = spec.temperature;
    if (spec.top_p !== undefined) desired.top_p = spec.top_p;
    if (responseFormat !== undefined) desired.response_format = responseFormat;
    return desired;
  }

  function checkRefs(p: Path, keys: string[], known: string[], section: string): void {
    keys.forEach((k, i) => {
      if (known.includes(k)) return;
      const guess = closest(k, known);
      problems.push({
        ...at([...p, i]),
        message: `no ${section} entry named "${k}"${guess ? ` (did you mean "${guess}"?)` : ''}${known.length > 0 ? `; defined: ${known.join(', ')}` : `; the manifest defines no ${section}`}`,
      });
    });
  }

  // code_interpreter: at most 20 files per assistant, counted over its file sets
  const fileSetByKey = new Map(fileSets.map((f) => [f.key, f]));
  for (const a of assistants) {
    const paths = new Set<string>();
    for (const k of a.fileSets) for (const f of fileSetByKey.get(k)?.files ?? []) paths.add(f.path);
    if (paths.size > MAX_CODE_INTERPRETER_FILES) {
      problems.push({
        ...at(['assistants', a.key, 'tool_resources', 'code_interpreter', 'file_sets']),
        message: `gives code_interpreter ${paths.size} files; the API allows ${MAX_CODE_INTERPRETER_FILES} per assistant`,
      });
    }
  }

  const desired: Desired = {
    deployment: doc.deployment,
    ...(ctx.environment ? { environment: ctx.environment } : {}),
    root: ctx.root.dir,
    sources: ctx.sources,
    vectorStores: sortByKey(vectorStores),
    fileSets: sortByKey(fileSets),
    assistants: sortByKey(assistants),
  };
  return { desired, problems: sortProblems(problems), warnings };
}

function sortByKey<T extends { key: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Problems in file order, then line and column; unlocated ones last. */
export function sortProblems(problems: Problem[]): Problem[] {
  const key = (loc?: SourceLoc) => (loc ? [loc.file, loc.line, loc.col] as const : ['\uffff', 0, 0] as const);
  return [...problems].sort((a, b) => {
    const [fa, la, ca] = key(a.loc);
    const [fb, lb, cb] = key(b.loc);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
}
