/**
 * A manifest assistant as a Microsoft Foundry prompt agent (../shared/azure-foundry/README.md §6,
 * §10, §11): its Foundry name (an identifier derived from the deployment and the key), the
 * version apply creates from an assistant's request (definition, description, metadata with the
 * display name and the ownership tags; web_search and mcp as they are, an mcp tool's secrets read
 * from the environment only then, src/kinds/tools.ts), and the reverse: a version read back as a LiveAssistant,
 * so that plans compare agents in the assistant's canonical form and a plan right after an apply is
 * empty. What the manifest says that Foundry has no place for is a located problem
 * (agent-checks.ts), never dropped.
 */
import { FOUNDRY_AGENT_NAME, foundryAgentName, TAG_DISPLAY_NAME } from '../ownership/index.js';
import { isResponsesEraTool, sendableTool, type DesiredTool } from './tools.js';
import type { Json } from './values.js';
import type { LiveAssistant } from './assistant.js';
import { DEFAULTS } from './normalize.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ≤ 63 characters, letters, digits and hyphens, starting and ending with a letter or digit (§6): the rule of src/ownership/foundry-name.ts. */
export const AGENT_NAME = FOUNDRY_AGENT_NAME;

/** The Foundry name of a manifest key: `<deployment>-<key>`, lower case, `_` and `.` as `-` (one rule with codegen's, src/ownership/foundry-name.ts). */
export const agentNameFor = foundryAgentName;

/** What one version carries besides its number: the body of create agent and create version. */
export interface AgentVersionBody {
  definition: Obj;
  description: string;
  metadata: Record<string, string>;
  /** Environment variables an mcp tool's secrets name that are not set: the version is not to be sent. */
  missing?: string[];
}

/**
 * One tool of an assistant's request as a prompt agent's tool: resources move into the tool,
 * functions are flat; a tool of the Responses era is already in the agent's shape, its secrets read
 * from `env` now (the variables not set go to `missing`: the version must not be sent).
 */
function agentTool(tool: unknown, resources: Obj, env: Record<string, string | undefined>, missing: string[]): unknown {
  if (!isObj(tool)) return tool;
  const desired = tool as unknown as DesiredTool;
  if (isResponsesEraTool(desired)) {
    const sent = sendableTool(desired, env);
    for (const m of sent.missing) if (!missing.includes(m)) missing.push(m);
    return sent.tool;
  }
  if (tool.type === 'function' && isObj(tool.function)) {
    const fn = tool.function;
    const out: Obj = { type: 'function', name: fn.name };
    if (typeof fn.description === 'string') out.description = fn.description;
    // SW requires parameters and strict; an empty schema is the API's "no parameters"
    out.parameters = isObj(fn.parameters) ? fn.parameters : {};
    out.strict = fn.strict === true;
    return out;
  }
  if (tool.type === 'file_search') {
    const ids = (isObj(resources.file_search) ? resources.file_search.vector_store_ids : undefined) ?? [];
    return { type: 'file_search', vector_store_ids: ids, ...(isObj(tool.file_search) ? tool.file_search : {}) };
  }
  if (tool.type === 'code_interpreter') {
    const ids = (isObj(resources.code_interpreter) ? resources.code_interpreter.file_ids : undefined) as unknown[] | undefined;
    return { type: 'code_interpreter', container: { type: 'auto', ...(ids && ids.length > 0 ? { file_ids: ids } : {}) } };
  }
  return structuredClone(tool);
}

function textFormat(rf: unknown): unknown {
  if (rf === undefined || rf === null || rf === 'auto') return undefined;
  if (isObj(rf) && rf.type === 'json_schema' && isObj(rf.json_schema)) return { type: 'json_schema', ...rf.json_schema };
  return rf;
}

/**
 * The version for an assistant's whole request (`assistantRequest(body, metadata, null)`,
 * src/kinds/assistant.ts): the same fields as a prompt agent definition; sampling at the API's
 * defaults is left out (a deployment of a reasoning model refuses it); the display name in the
 * metadata beside the ownership tags.
 */
export function versionBody(request: Obj, env: Record<string, string | undefined> = {}): AgentVersionBody {
  const missing: string[] = [];
  const definition: Obj = { kind: 'prompt', model: request.model };
  if (typeof request.instructions === 'string') definition.instructions = request.instructions;
  if (typeof request.temperature === 'number' && request.temperature !== DEFAULTS.temperature) definition.temperature = request.temperature;
  if (typeof request.top_p === 'number' && request.top_p !== DEFAULTS.top_p) definition.top_p = request.top_p;
  if (typeof request.reasoning_effort === 'string') definition.reasoning = { effort: request.reasoning_effort };
  const resources = isObj(request.tool_resources) ? request.tool_resources : {};
  const tools = (Array.isArray(request.tools) ? request.tools : []).map((t) => agentTool(t, resources, env, missing));
  if (tools.length > 0) definition.tools = tools;
  const format = textFormat(request.response_format);
  if (format !== undefined) definition.text = { format };
  const metadata = { ...(request.metadata as Record<string, string>) };
  if (typeof request.name === 'string') metadata[TAG_DISPLAY_NAME] = request.name;
  return { definition, description: typeof request.description === 'string' ? request.description : '', metadata, ...(missing.length > 0 ? { missing } : {}) };
}

/** A version as the service (or the SDK) returns it. */
export interface AgentVersionRecord {
  name: string;
  version: string;
  description?: string | null;
  metadata?: Record<string, string> | null;
  /** Unix seconds (the SDK gives a Date). */
  created_at: number | Date;
  definition: unknown;
}

/** The definition's fields the manifest has a place for; the rest is `unmapped`. */
const MAPPED = new Set(['kind', 'model', 'instructions', 'temperature', 'top_p', 'reasoning', 'tools', 'text']);

interface Reading {
  unmapped: Obj;
  fileSearch: string[];
  codeInterpreter: string[];
}

function extra(into: Obj, prefix: string, o: Obj, known: readonly string[]): void {
  for (const [k, v] of Object.entries(o)) if (!known.includes(k) && v !== undefined && v !== null) into[`${prefix}.${k}`] = v;
}

/** A prompt agent's tool as an assistant's, its resources collected. */
function assistantTool(tool: unknown, i: number, r: Reading): unknown {
  if (!isObj(tool)) return tool;
  const at = `definition.tools[${i}]`;
  if (tool.type === 'function') {
    extra(r.unmapped, at, tool, ['type', 'name', 'description', 'parameters', 'strict']);
    const fn: Obj = { name: tool.name };
    if (typeof tool.description === 'string') fn.description = tool.description;
    if (isObj(tool.parameters) && Object.keys(tool.parameters).length > 0) fn.parameters = tool.parameters;
    if (tool.strict === true) fn.strict = true;
    return { type: 'function', function: fn };
  }
  if (tool.type === 'file_search') {
    const { type: _t, vector_store_ids: ids, ...options } = tool;
    if (Array.isArray(ids)) r.fileSearch.push(...(ids as string[]));
    const kept = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null));
    return Object.keys(kept).length > 0 ? { type: 'file_search', file_search: kept } : { type: 'file_search' };
  }
  if (tool.type === 'code_interpreter') {
    extra(r.unmapped, at, tool, ['type', 'container']);
    const c = tool.container;
    if (isObj(c)) {
      if (c.type !== undefined && c.type !== 'auto') r.unmapped[`${at}.container.type`] = c.type;
      extra(r.unmapped, `${at}.container`, c, ['type', 'file_ids']);
      if (Array.isArray(c.file_ids)) r.codeInterpreter.push(...(c.file_ids as string[]));
    } else if (c !== undefined && c !== null) {
      r.unmapped[`${at}.container`] = c;
    }
    return { type: 'code_interpreter' };
  }
  return tool;
}

function responseFormat(text: unknown, r: Reading): Json {
  if (!isObj(text)) return 'auto';
  extra(r.unmapped, 'definition.text', text, ['format']);
  const f = text.format;
  if (!isObj(f)) return 'auto';
  if (f.type === 'json_schema') {
    const { type: _t, ...js } = f;
    return { type: 'json_schema', json_schema: js } as Json;
  }
  return f as Json;
}

/** The latest version of an agent as the live assistant plans compare (`agent` says which version it is). */
export function liveFromVersion(v: AgentVersionRecord): LiveAssistant {
  const def = isObj(v.definition) ? v.definition : {};
  const r: Reading = { unmapped: {}, fileSearch: [], codeInterpreter: [] };
  extra(r.unmapped, 'definition', def, [...MAPPED]);
  if (def.kind !== 'prompt') r.unmapped['definition.kind'] = def.kind ?? null;
  const tools = (Array.isArray(def.tools) ? def.tools : []).map((t, i) => assistantTool(t, i, r)) as Json[];
  const reasoning = isObj(def.reasoning) ? def.reasoning : undefined;
  if (reasoning) extra(r.unmapped, 'definition.reasoning', reasoning, ['effort']);
  const metadata = { ...(v.metadata ?? {}) };
  const tool_resources: LiveAssistant['tool_resources'] = {};
  if (r.fileSearch.length > 0) tool_resources.file_search = { vector_store_ids: r.fileSearch };
  if (r.codeInterpreter.length > 0) tool_resources.code_interpreter = { file_ids: r.codeInterpreter };
  const created = v.created_at instanceof Date ? Math.floor(v.created_at.getTime() / 1000) : v.created_at;
  return {
    id: v.name,
    created_at: created,
    name: metadata[TAG_DISPLAY_NAME] ?? v.name,
    description: v.description ? v.description : null,
    model: typeof def.model === 'string' ? def.model : '',
    instructions: typeof def.instructions === 'string' ? def.instructions : null,
    tools,
    tool_resources,
    metadata,
    temperature: typeof def.temperature === 'number' ? def.temperature : null,
    top_p: typeof def.top_p === 'number' ? def.top_p : null,
    response_format: responseFormat(def.text, r),
    reasoning_effort: typeof reasoning?.effort === 'string' ? reasoning.effort : null,
    agent: { name: v.name, version: String(v.version), ...(Object.keys(r.unmapped).length > 0 ? { unmapped: r.unmapped } : {}) },
  };
}
