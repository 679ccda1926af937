/**
 * The canonical forms the kinds share (Grizzly's normaliser per kind, src/kinds/<kind>.ts, is made
 * of these): a tool, a response format and a chunking strategy, with the API's defaults filled in
 * and server-added fields dropped, so that the manifest's view and the account's compare equal
 * when they mean the same thing and a plan right after an apply is empty.
 */
import { sortKeys } from '../canonical.js';
import type { ChunkingStrategy, Json } from './values.js';

/** The API's defaults (shared/openai-api: CreateAssistantRequest, AssistantToolsFileSearch, FunctionObject). */
export const DEFAULTS = {
  temperature: 1,
  top_p: 1,
  response_format: 'auto',
  chunking: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } },
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  if (tool.type === 'mcp') return normalizeMcp(tool);
  return sortKeys(tool);
}

/** An mcp tool's secrets as compared and shown: never the value (the manifest's `${env:…}` template, or what the account echoes). */
export const SECRET = '(secret)';

/**
 * An mcp tool in canonical form: its header names and whether it has an authorization, never their
 * values, whichever side they come from (the manifest keeps templates, a Foundry agent's version
 * the values sent): a secret changed in the environment is not a change a plan can see.
 */
function normalizeMcp(tool: Obj): unknown {
  const { headers, authorization, ...rest } = tool;
  const out = sortKeys(rest) as Obj;
  if (isObj(headers) && Object.keys(headers).length > 0) out.headers = Object.fromEntries(Object.keys(headers).sort().map((k) => [k, SECRET]));
  if (authorization !== undefined && authorization !== null && authorization !== '') out.authorization = SECRET;
  return out;
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

/** A chunking strategy as the API reports it on a vector store file. */
export function normalizeChunking(c: ChunkingStrategy | Json | undefined): unknown {
  if (c === undefined || c === null) return DEFAULTS.chunking;
  if (isObj(c) && c.type === 'auto') return DEFAULTS.chunking;
  return sortKeys(c);
}
