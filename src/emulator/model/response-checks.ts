/**
 * The checks a create request to /v1/responses goes through, in the order the API reports problems:
 * unknown parameters, `model`, the input items, the body against `CreateResponse` of
 * openapi.responses.yaml (types, enums, ranges such as `max_output_tokens` >= 16, `text.format.name`,
 * tool types, `prompt.id`), then the rules the description states only in prose or the API applies
 * beyond it: the model catalogue, sampling and `reasoning` by kind of model, `tool_choice` against
 * `tools`, the objects referred to (conversation, previous response, vector stores), JSON mode's word
 * "json", the calls `function_call_output` items answer, and background mode's `store`. What passes is
 * returned normalised, so that nothing the API would refuse is echoed back in the response object.
 */
import { invalid, missingParam, notFound } from '../errors.js';
import type { Rec } from './records.js';
import type { Ctx } from './context.js';
import { getConversation, resolveReferences } from './conversations.js';
import { normalizeInput, textOf, type Item } from './items.js';
import { checkModel, isReasoningModel } from './models.js';
import { callName, historyOf, type CreateRequest, type Tool } from './responses.js';
import { validateResponsesValue } from './validation.js';
import { checkMetadata } from './limits.js';
import { echoedMcpTool } from './tools.js';

/** Top-level parameters of CreateResponse (openapi.responses.yaml), and those the current SDKs add (docs/API-DEVIATIONS.md R9). */
const CREATE_PARAMS = new Set([
  'metadata', 'top_logprobs', 'temperature', 'top_p', 'user', 'safety_identifier', 'prompt_cache_key', 'service_tier',
  'prompt_cache_retention', 'previous_response_id', 'model', 'reasoning', 'background', 'max_output_tokens', 'max_tool_calls',
  'text', 'tools', 'tool_choice', 'prompt', 'truncation', 'input', 'include', 'parallel_tool_calls', 'store', 'instructions',
  'stream', 'stream_options', 'conversation', 'context_management', 'moderation', 'prompt_cache_options',
  'background_options', 'access_programs', 'image',
]);

/** Tools as returned: functions get `strict: true` and nulls, file_search its defaults (types already checked). */
function normalizeTools(tools: unknown): Tool[] {
  if (!Array.isArray(tools)) return [];
  return tools.map((t, i) => {
    const p = `tools[${i}]`;
    const tool = t as Tool;
    if (tool.type === 'function') {
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(String(tool.name))) {
        throw invalid(`Invalid '${p}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, `${p}.name`, 'invalid_value');
      }
      return { type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? true };
    }
    if (tool.type === 'file_search') {
      const ro = tool.ranking_options as Record<string, unknown> | undefined;
      return { ...tool, filters: tool.filters ?? null, max_num_results: tool.max_num_results ?? 10, ranking_options: { ranker: 'auto', score_threshold: 0, ...(ro ?? {}) } };
    }
    // an MCP server's secrets are not echoed (R16)
    if (tool.type === 'mcp') return echoedMcpTool(tool);
    return { ...tool };
  });
}

/** The text format as returned: only the fields the API defines for each type. */
function normalizeText(text: unknown): Record<string, unknown> {
  const t = (text ?? {}) as { format?: Record<string, unknown>; verbosity?: string | null };
  const f = t.format ?? { type: 'text' };
  let format: Record<string, unknown> = { type: f.type };
  if (f.type === 'json_schema') {
    if (f.strict === true) checkStrictSchema(f.schema, String(f.name));
    format = { type: 'json_schema', name: f.name, schema: f.schema, strict: f.strict ?? false, ...(typeof f.description === 'string' ? { description: f.description } : {}) };
  }
  return { format, verbosity: t.verbosity ?? 'medium' };
}

type SchemaNode = { type?: unknown; properties?: Record<string, SchemaNode>; required?: unknown; additionalProperties?: unknown; items?: SchemaNode; anyOf?: SchemaNode[]; $defs?: Record<string, SchemaNode>; definitions?: Record<string, SchemaNode> };

/** Structured Outputs' strict mode: every object closed (`additionalProperties: false`) and every property required (docs/API-DEVIATIONS.md R14). */
function checkStrictSchema(node: unknown, name: string, at: (string | number)[] = []): void {
  if (!node || typeof node !== 'object') return;
  const s = node as SchemaNode;
  const context = `(${at.map((x) => (typeof x === 'number' ? String(x) : `'${x}'`)).join(', ')}${at.length === 1 ? ',' : ''})`;
  const fail = (why: string) => invalid(`Invalid schema for response_format '${name}': In context=${context}, ${why}`, 'text.format.schema', 'invalid_json_schema');
  const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || s.properties !== undefined;
  if (isObject) {
    if (s.additionalProperties !== false) throw fail("'additionalProperties' is required to be supplied and to be false.");
    const required = Array.isArray(s.required) ? s.required : [];
    const missing = Object.keys(s.properties ?? {}).find((k) => !required.includes(k));
    if (missing !== undefined) throw fail(`'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`);
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) checkStrictSchema(v, name, [...at, 'properties', k]);
  if (s.items) checkStrictSchema(s.items, name, [...at, 'items']);
  (s.anyOf ?? []).forEach((v, i) => checkStrictSchema(v, name, [...at, 'anyOf', i]));
  for (const key of ['$defs', 'definitions'] as const) for (const [k, v] of Object.entries(s[key] ?? {})) checkStrictSchema(v, name, [...at, key, k]);
}

/** gpt-5.1 and later (not the pro or codex models) reason with effort `none` unless told otherwise, and then sample. */
function defaultEffort(model: string): string {
  return /^gpt-5\.[1-9]/.test(model) && !/-(pro|codex)/.test(model) ? 'none' : 'medium';
}

/** `temperature`/`top_p` only where the model samples; `reasoning` only for reasoning models. Returns `reasoning` as echoed. */
function checkReasoning(ctx: Ctx, b: Record<string, unknown>, model: string): Record<string, unknown> {
  const r = (b.reasoning ?? {}) as Record<string, unknown>;
  // A Foundry deployment's name does not say which model it serves: nothing is refused (F13).
  if (ctx.options.foundry) return { effort: r.effort ?? null, summary: r.summary ?? r.generate_summary ?? null };
  if (!isReasoningModel(model)) {
    for (const k of ['effort', 'summary', 'generate_summary']) {
      if (r[k] !== undefined && r[k] !== null) {
        throw invalid(`Unsupported parameter: 'reasoning.${k}' is not supported with this model.`, `reasoning.${k}`, 'unsupported_parameter');
      }
    }
    return { effort: null, summary: null };
  }
  const effort = (r.effort as string | null | undefined) ?? defaultEffort(model);
  if (effort !== 'none') {
    for (const k of ['temperature', 'top_p']) {
      if (b[k] !== undefined && b[k] !== null && b[k] !== 1) throw invalid(`Unsupported parameter: '${k}' is not supported with this model.`, k, 'unsupported_parameter');
    }
  }
  return { effort, summary: r.summary ?? r.generate_summary ?? null };
}

/** A tool_choice naming a function (or a hosted tool) must name one of `tools`. */
function checkToolChoice(choice: unknown, tools: Tool[]): void {
  if (!choice || typeof choice !== 'object') return;
  const c = choice as { type?: string; name?: unknown };
  if (c.type === 'allowed_tools') return;
  if (c.type === 'function' && typeof c.name !== 'string') throw missingParam('tool_choice.name');
  const name = c.type === 'function' || c.type === 'custom' ? String(c.name) : String(c.type);
  const found = tools.some((t) => (c.type === 'function' || c.type === 'custom' ? t.type === c.type && t.name === c.name : t.type === c.type || (c.type === 'web_search_preview' && t.type === 'web_search')));
  if (!found) throw invalid(`Tool choice '${name}' not found in 'tools' parameter.`, 'tool_choice', null);
}

/** The vector stores file_search names must exist (docs/API-DEVIATIONS.md R6). */
function checkStores(ctx: Ctx, tools: Tool[]): void {
  tools.forEach((t, i) => {
    if (t.type !== 'file_search') return;
    for (const id of t.vector_store_ids as string[]) if (!ctx.account.get('vs', id)) throw notFound('vector store', id, `tools[${i}].vector_store_ids`);
  });
}

/** The conversation or the previous response this one continues (never both). */
function continued(ctx: Ctx, b: Record<string, unknown>): { conversationId: string | undefined; previous: Rec | undefined } {
  let conversationId: string | undefined;
  if (b.conversation !== undefined && b.conversation !== null) {
    conversationId = typeof b.conversation === 'string' ? b.conversation : String((b.conversation as { id?: unknown }).id ?? '');
    if (b.previous_response_id) {
      throw invalid("Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.", null, 'mutually_exclusive_parameters');
    }
    getConversation(ctx, conversationId, 'conversation');
  }
  const id = b.previous_response_id;
  const previous = typeof id === 'string' ? ctx.account.get('response', id) : undefined;
  if (typeof id === 'string' && !previous) {
    throw invalid(`Previous response with id '${id}' not found.`, 'previous_response_id', 'previous_response_not_found');
  }
  return { conversationId, previous };
}

/** JSON mode needs the word "json" in the input messages (instructions do not count). */
function checkJsonWord(ctx: Ctx, request: CreateRequest): void {
  if ((request.text.format as { type: string }).type !== 'json_object') return;
  const messages = [...historyOf(ctx, request), ...request.input].filter((it) => it.type === 'message');
  if (!messages.some((m) => /json/i.test(textOf(m)))) {
    throw invalid("Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.", 'input', null);
  }
}

/** Check a CreateResponse body, in the order the API reports problems; returns what the engine works from. */
export function checkCreateRequest(ctx: Ctx, b: Record<string, unknown>): CreateRequest {
  for (const k of Object.keys(b)) if (!CREATE_PARAMS.has(k)) throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
  if (b.model === undefined || b.model === null || b.model === '') throw missingParam('model');
  const input = normalizeInput(b.input);
  validateResponsesValue('CreateResponse', b);
  checkMetadata(b.metadata);
  const tools = normalizeTools(b.tools);
  const model = String(b.model);
  checkModel(ctx, model);
  const reasoning = checkReasoning(ctx, b, model);
  checkToolChoice(b.tool_choice, tools);
  const { conversationId, previous } = continued(ctx, b);
  resolveReferences(ctx, input, 'input');
  checkStores(ctx, tools);
  const request: CreateRequest = { tools, include: (b.include as unknown[] | null) ?? [], input, conversationId, previous, text: normalizeText(b.text), reasoning };
  checkJsonWord(ctx, request);
  for (const it of input) {
    if (it.type === 'function_call_output' && callName(ctx, request, String(it.call_id)) === 'function') {
      throw invalid(`No tool call found for function call output with call_id ${String(it.call_id)}.`, 'input', null);
    }
  }
  if (b.background === true && b.store === false) throw invalid('Background mode requires store=true.', 'store', null);
  return request;
}

/** Parameters of POST /v1/responses/input_tokens (openai-node 7.59 `InputTokenCountParams`). */
const COUNT_PARAMS = new Set([
  'conversation', 'input', 'instructions', 'model', 'parallel_tool_calls', 'personality', 'previous_response_id', 'reasoning', 'text', 'tool_choice', 'tools', 'truncation',
]);

/** Check an input token count request; returns the input and its context. */
export function checkCountRequest(ctx: Ctx, b: Record<string, unknown>): CreateRequest {
  for (const k of Object.keys(b)) if (!COUNT_PARAMS.has(k)) throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
  const input = normalizeInput(b.input);
  const { personality, ...rest } = b;
  if (personality !== undefined && (typeof personality !== 'string' || personality.length > 64)) throw invalid("Invalid 'personality': expected a string of at most 64 characters.", 'personality', 'invalid_value');
  validateResponsesValue('CreateResponse', rest);
  if (b.model !== undefined && b.model !== null) checkModel(ctx, b.model);
  const tools = normalizeTools(b.tools);
  const { conversationId, previous } = continued(ctx, b);
  return { tools, include: [], input, conversationId, previous, text: normalizeText(b.text), reasoning: {} };
}

/** Parameters of POST /v1/responses/compact (openai-node 7.59 `ResponseCompactParams`). */
const COMPACT_PARAMS = new Set(['model', 'image', 'input', 'instructions', 'previous_response_id', 'prompt_cache_key', 'prompt_cache_options', 'prompt_cache_retention', 'service_tier']);

/** Check a compaction request (model required); returns the input and its context. */
export function checkCompactRequest(ctx: Ctx, b: Record<string, unknown>): CreateRequest {
  for (const k of Object.keys(b)) if (!COMPACT_PARAMS.has(k)) throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
  if (b.model === undefined || b.model === null || b.model === '') throw missingParam('model');
  const input = normalizeInput(b.input);
  validateResponsesValue('CreateResponse', b);
  checkModel(ctx, b.model);
  const { previous } = continued(ctx, b);
  return { tools: [], include: [], input, conversationId: undefined, previous, text: normalizeText(undefined), reasoning: {} };
}
