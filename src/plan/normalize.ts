/**
 * One normaliser per kind: turns both the manifest's view (Desired) and the account's (Live) into
 * the same canonical spec, with the API's defaults filled in and server-added fields dropped, so a
 * plan right after an apply is empty.
 */
import type { Json, LiveAssistant, LiveVectorStore } from '../account/live.js';
import type { DesiredAssistant, DesiredTool, DesiredVectorStore } from '../manifest/desired.js';
import type { ChunkingStrategy } from '../manifest/types.js';
import { isReservedKey } from '../ownership.js';
import { sortKeys } from './canonical.js';

export interface AssistantSpec {
  name: string | null;
  description: string | null;
  model: string;
  instructions: string | null;
  tools: unknown[];
  tool_resources: { file_search?: { vector_store_ids: string[] }; code_interpreter?: { file_ids: string[] } };
  metadata: Record<string, string>;
  temperature: number;
  top_p: number;
  response_format: unknown;
  reasoning_effort: string | null;
}

/** Fields of an assistant in the order the ownership fingerprint records them. */
export const ASSISTANT_FIELDS = [
  'name',
  'description',
  'model',
  'instructions',
  'tools',
  'tool_resources',
  'metadata',
  'temperature',
  'top_p',
  'response_format',
  'reasoning_effort',
] as const satisfies readonly (keyof AssistantSpec)[];

export interface VectorStoreSpec {
  name: string;
  description: string | null;
  expires_after: { anchor: string; days: number } | null;
  metadata: Record<string, string>;
}

export const VECTOR_STORE_FIELDS = ['name', 'description', 'expires_after', 'metadata'] as const satisfies readonly (keyof VectorStoreSpec)[];
/** Vector store fields the API cannot change after create: a change replaces the store. */
export const VECTOR_STORE_CREATE_ONLY: ReadonlySet<string> = new Set(['description']);

/** The API's defaults (shared/openai-api: CreateAssistantRequest, AssistantToolsFileSearch, FunctionObject). */
export const DEFAULTS = {
  temperature: 1,
  top_p: 1,
  response_format: 'auto',
  chunking: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } },
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function userMetadata(metadata: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) if (!isReservedKey(k)) out[k] = v;
  return sortKeys(out) as Record<string, string>;
}

/**
 * A tool in canonical form. Defaults the API fills in are removed: file_search's ranking options
 * when they are the ones the API fills in (`default_2024_08_21`, threshold 0), function
 * `strict: false`, empty descriptions.
 */
export function normalizeTool(tool: unknown): unknown {
  if (!isObj(tool)) return tool;
  if (tool.type === 'file_search') {
    const fs = isObj(tool.file_search) ? { ...tool.file_search } : {};
    const ro = isObj(fs.ranking_options) ? fs.ranking_options : undefined;
    if (ro) {
      // the API fills in {ranker: default_2024_08_21, score_threshold: 0} when none is given
      const ranker = ro.ranker ?? 'default_2024_08_21';
      const threshold = ro.score_threshold ?? 0;
      if (ranker === 'default_2024_08_21' && threshold === 0) delete fs.ranking_options;
      else fs.ranking_options = { ranker, score_threshold: threshold };
    }
    if (fs.max_num_results === undefined || fs.max_num_results === null) delete fs.max_num_results;
    return Object.keys(fs).length > 0 ? { type: 'file_search', file_search: sortKeys(fs) } : { type: 'file_search' };
  }
  if (tool.type === 'function' && isObj(tool.function)) {
    const fn = tool.function;
    const out: Obj = { name: fn.name };
    if (typeof fn.description === 'string' && fn.description !== '') out.description = fn.description;
    if (isObj(fn.parameters)) out.parameters = sortKeys(fn.parameters);
    if (fn.strict === true) out.strict = true;
    return { type: 'function', function: out };
  }
  if (tool.type === 'code_interpreter') return { type: 'code_interpreter' };
  return sortKeys(tool);
}

export function normalizeResponseFormat(rf: unknown): unknown {
  if (rf === null || rf === undefined || rf === 'auto') return DEFAULTS.response_format;
  if (isObj(rf) && rf.type === 'json_schema' && isObj(rf.json_schema)) {
    const js = rf.json_schema;
    const out: Obj = { name: js.name };
    if (typeof js.description === 'string' && js.description !== '') out.description = js.description;
    if (isObj(js.schema)) out.schema = sortKeys(js.schema);
    if (js.strict === true) out.strict = true;
    return { type: 'json_schema', json_schema: out };
  }
  return sortKeys(rf);
}

function toolResources(fileSearch: string[], codeInterpreter: string[]): AssistantSpec['tool_resources'] {
  const out: AssistantSpec['tool_resources'] = {};
  if (fileSearch.length > 0) out.file_search = { vector_store_ids: [...fileSearch] };
  if (codeInterpreter.length > 0) out.code_interpreter = { file_ids: [...codeInterpreter].sort() };
  return out;
}

/** Ids for the resources an assistant refers to, or placeholders for those not created yet. */
export interface RefResolver {
  vectorStore(key: string): string;
  fileSet(key: string): string[];
}

export function desiredAssistantSpec(a: DesiredAssistant, refs: RefResolver): AssistantSpec {
  const files = [...new Set(a.fileSets.flatMap((k) => refs.fileSet(k)))];
  return {
    name: a.name,
    description: a.description ?? null,
    model: a.model,
    instructions: a.instructions ?? null,
    tools: a.tools.map((t: DesiredTool) => normalizeTool(t)),
    tool_resources: toolResources(a.vectorStores.map((k) => refs.vectorStore(k)), files),
    metadata: userMetadata(a.metadata),
    temperature: a.temperature ?? DEFAULTS.temperature,
    top_p: a.top_p ?? DEFAULTS.top_p,
    response_format: normalizeResponseFormat(a.response_format),
    reasoning_effort: a.reasoning_effort ?? null,
  };
}

export function liveAssistantSpec(a: LiveAssistant): AssistantSpec {
  const tr = a.tool_resources ?? {};
  return {
    name: a.name,
    description: a.description,
    model: a.model,
    instructions: a.instructions,
    tools: a.tools.map((t: Json) => normalizeTool(t)),
    tool_resources: toolResources(tr.file_search?.vector_store_ids ?? [], tr.code_interpreter?.file_ids ?? []),
    metadata: userMetadata(a.metadata),
    temperature: a.temperature ?? DEFAULTS.temperature,
    top_p: a.top_p ?? DEFAULTS.top_p,
    response_format: normalizeResponseFormat(a.response_format),
    reasoning_effort: a.reasoning_effort ?? null,
  };
}

export function desiredVectorStoreSpec(v: DesiredVectorStore): VectorStoreSpec {
  return {
    name: v.name,
    description: v.description ?? null,
    expires_after: v.expires_after ? { anchor: v.expires_after.anchor, days: v.expires_after.days } : null,
    metadata: userMetadata(v.metadata),
  };
}

/** `description` is undefined when the target does not return it (then the fingerprint decides). */
export function liveVectorStoreSpec(v: LiveVectorStore): Omit<VectorStoreSpec, 'description'> & { description: string | null | undefined } {
  return {
    name: v.name,
    description: v.description === undefined ? undefined : (v.description ?? null),
    expires_after: v.expires_after ? { anchor: v.expires_after.anchor, days: v.expires_after.days } : null,
    metadata: userMetadata(v.metadata),
  };
}

/** A chunking strategy as the API reports it on a vector store file. */
export function normalizeChunking(c: ChunkingStrategy | Json | undefined): unknown {
  if (c === undefined || c === null) return DEFAULTS.chunking;
  if (isObj(c) && c.type === 'auto') return DEFAULTS.chunking;
  return sortKeys(c);
}
