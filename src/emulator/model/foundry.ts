/**
 * A Foundry project's OpenAI-compatible surface (`{project}/openai/v1`, and the preview-era
 * `{project}/openai` with `?api-version=2025-11-15-preview`): the objects as the service shapes them
 * (recordings/09–11: files carry `expires_at` and `status_details` as null, a vector store no
 * `description` and `expires_after: null`, a vector store file no `attributes` when none were set;
 * docs/API-DEVIATIONS.md F14), and Responses that name an agent (`agent_reference`, or the preview's
 * `agent`): the request the agent version's definition makes of it (its model, instructions, tools,
 * text format, reasoning, sampling), the `agent` echo (`{type: "agent_id", name, version}`) and the
 * `tools` echoed (the definition's, in its order). Overriding what the definition sets is refused
 * (400 `invalid_payload`, "Not allowed when agent is specified.", F15).
 */
import { ApiError, invalid, missingParam } from '../errors.js';
import type { Ctx } from './context.js';
import type { Rec } from './records.js';
import type { Tool } from './responses.js';
import { typeName } from './validation.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shape(v: Obj): Obj {
  switch (v.object) {
    case 'file':
      return { ...v, expires_at: v.expires_at ?? null, status_details: v.status_details ?? null };
    case 'vector_store': {
      const { description, ...rest } = v;
      return { ...rest, ...(description !== null && description !== undefined ? { description } : {}), expires_after: v.expires_after ?? null };
    }
    case 'vector_store.file': {
      const { attributes, ...rest } = v;
      return isObj(attributes) && Object.keys(attributes).length === 0 ? rest : v;
    }
    default:
      return v;
  }
}

/** An answer of the OpenAI-compatible surface as the Foundry project shapes it (lists item by item). */
export function foundryView(value: unknown): unknown {
  if (!isObj(value)) return value;
  if (value.object === 'list' && Array.isArray(value.data)) return { ...value, data: value.data.map((d) => (isObj(d) ? shape(d) : d)) };
  return shape(value);
}

/** What an agent's definition sets, so a request naming the agent may not (F15). */
const SET_BY_AGENT = ['model', 'instructions', 'tools', 'tool_choice', 'text', 'reasoning', 'temperature', 'top_p', 'prompt'];
/** The tool types the emulator's Responses engine acts on (web_search and mcp offline, R15, R16); the others are echoed, never called (F16). */
const ENGINE_TOOLS = new Set(['function', 'file_search', 'code_interpreter', 'web_search', 'mcp']);

export interface AgentInvocation {
  /** The request the agent's definition makes of this one. */
  body: Obj;
  agent: { type: 'agent_id'; name: string; version: string };
  definitionTools: Tool[];
}

function notAllowed(param: string): ApiError {
  return new ApiError(400, 'Not allowed when agent is specified.', 'invalid_request_error', param, 'invalid_payload');
}

/** The agent version a reference names: `version` if given, else the latest (F17). */
function referencedVersion(ctx: Ctx, ref: unknown, key: string): Rec {
  if (!isObj(ref)) throw invalid(`Invalid type for '${key}': expected an object, but got ${typeName(ref)} instead.`, key, 'invalid_type');
  if (ref.type !== undefined && ref.type !== 'agent_reference') {
    throw invalid(`Invalid value: '${String(ref.type)}'. Supported values are: 'agent_reference'.`, `${key}.type`, 'invalid_value');
  }
  const fromId = typeof ref.id === 'string' ? ref.id.split(':') : [];
  const name = typeof ref.name === 'string' ? ref.name : fromId[0];
  if (!name) throw missingParam(`${key}.name`);
  const version = typeof ref.version === 'string' && ref.version ? ref.version : fromId[1];
  const index = ctx.account.agentVersions.get(name);
  if (!ctx.account.get('agent', name) || !index) throw new ApiError(404, `Agent '${name}' not found.`, 'invalid_request_error', `${key}.name`, 'not_found');
  let rec: Rec | undefined;
  if (version) rec = ctx.account.get('agent_version', `${name}:${version}`);
  else for (const id of index.all()) rec = ctx.account.get('agent_version', id);
  if (!rec) throw new ApiError(404, `Version '${String(version)}' of agent '${name}' not found.`, 'invalid_request_error', `${key}.version`, 'not_found');
  return rec;
}

/**
 * A Responses create body that names an agent, made into the request the agent's definition makes
 * (undefined when it names none). `preview`: the preview-era surface, where the key was `agent`;
 * on `/openai/v1` that key is refused (F15).
 */
export function agentInvocation(ctx: Ctx, b: Obj, preview: boolean): AgentInvocation | undefined {
  if (!ctx.options.foundry) return undefined;
  const key = b.agent_reference !== undefined ? 'agent_reference' : b.agent !== undefined ? 'agent' : undefined;
  if (!key) return undefined;
  if (key === 'agent' && !preview) {
    throw new ApiError(400, "The 'agent' property is deprecated; use 'agent_reference' instead.", 'invalid_request_error', 'agent', 'invalid_payload');
  }
  for (const k of SET_BY_AGENT) if (b[k] !== undefined && b[k] !== null) throw notAllowed(k);
  const rec = referencedVersion(ctx, b[key], key);
  const def = rec.definition as Obj;
  if (def.kind !== 'prompt') {
    throw invalid(`Agent '${String(rec.name)}' is a ${String(def.kind)} agent; the emulator answers only prompt agents.`, `${key}.name`, 'unsupported_value');
  }
  // `structured_inputs` (SW) fill the definition's template variables: accepted, not applied (F16)
  const { agent_reference: _r, agent: _a, structured_inputs: _s, ...rest } = b;
  const definitionTools = (Array.isArray(def.tools) ? def.tools : []) as Tool[];
  const body: Obj = { ...rest, model: def.model, tools: definitionTools.filter((t) => ENGINE_TOOLS.has(t.type)) };
  for (const k of ['instructions', 'text', 'reasoning', 'temperature', 'top_p', 'tool_choice']) if (def[k] !== undefined && def[k] !== null) body[k] = def[k];
  return { body, agent: { type: 'agent_id', name: String(rec.name), version: String(rec.version) }, definitionTools };
}

/** The `tools` a response names: the definition's in its order, the engine's checked form where it has one. */
export function echoedTools(invocation: AgentInvocation, checked: Tool[]): Tool[] {
  let i = 0;
  return invocation.definitionTools.map((t) => (ENGINE_TOOLS.has(t.type) ? (checked[i++] ?? t) : t));
}
