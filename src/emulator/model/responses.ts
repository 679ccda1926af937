/**
 * Responses as records: the checks a create request goes through, in the API's order (parameters,
 * tools, input, conversation or previous response, the calls that function_call_output items answer),
 * the stored record in its `in_progress` shape, lookups, and input item pages. What the model answers
 * is engines/responses.ts's. Shapes follow ../shared/openai-api/openapi.responses.yaml.
 */
import { ApiError, invalid, missingParam, notFound } from '../errors.js';
import { hex } from '../ids.js';
import type { Rec } from './records.js';
import type { Ctx } from './context.js';
import { getConversation } from './conversations.js';
import { normalizeInput, type Item } from './items.js';
import { checkMetadata, typeName } from './validation.js';

/** Top-level parameters of CreateResponse (openapi.responses.yaml), for unknown-parameter errors. */
const CREATE_PARAMS = new Set([
  'metadata', 'top_logprobs', 'temperature', 'top_p', 'user', 'safety_identifier', 'prompt_cache_key', 'service_tier',
  'prompt_cache_retention', 'previous_response_id', 'model', 'reasoning', 'background', 'max_output_tokens', 'max_tool_calls',
  'text', 'tools', 'tool_choice', 'prompt', 'truncation', 'input', 'include', 'parallel_tool_calls', 'store', 'instructions',
  'stream', 'stream_options', 'conversation', 'context_management', 'moderation', 'prompt_cache_options',
]);
const INCLUDE_VALUES = new Set([
  'code_interpreter_call.outputs', 'computer_call_output.output.image_url', 'file_search_call.results',
  'message.input_image.image_url', 'message.output_text.logprobs', 'reasoning.encrypted_content', 'web_search_call.action.sources',
  'web_search_call.results',
]);

export type Tool = Record<string, unknown> & { type: string };

/** A create request once checked: what the engine works from. */
export interface CreateRequest {
  tools: Tool[];
  include: unknown[];
  input: Item[];
  conversationId: string | undefined;
  previous: Rec | undefined;
}

/** Tools as returned: functions get `strict: true` and nulls, file_search its defaults. */
function checkTools(tools: unknown): Tool[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalid(`Invalid type for 'tools': expected an array, but got ${typeName(tools)} instead.`, 'tools', 'invalid_type');
  return tools.map((t, i) => {
    const p = `tools[${i}]`;
    const tool = t as Tool;
    if (!tool || typeof tool !== 'object' || typeof tool.type !== 'string') throw missingParam(`${p}.type`);
    if (tool.type === 'function') {
      if (typeof tool.name !== 'string') throw missingParam(`${p}.name`);
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) {
        throw invalid(`Invalid '${p}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, `${p}.name`, 'invalid_value');
      }
      return { type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? true };
    }
    if (tool.type === 'file_search') {
      if (!Array.isArray(tool.vector_store_ids)) throw missingParam(`${p}.vector_store_ids`);
      const ro = tool.ranking_options as Record<string, unknown> | undefined;
      if (ro?.ranker !== undefined && ro.ranker !== 'auto' && ro.ranker !== 'default-2024-11-15') {
        throw invalid(`Invalid value: '${String(ro.ranker)}'. Supported values are: 'auto' and 'default-2024-11-15'.`, `${p}.ranking_options.ranker`, 'invalid_value');
      }
      return { ...tool, filters: tool.filters ?? null, max_num_results: tool.max_num_results ?? 10, ranking_options: { ranker: 'auto', score_threshold: 0, ...(ro ?? {}) } };
    }
    if (tool.type === 'code_interpreter') {
      if (tool.container === undefined) throw missingParam(`${p}.container`);
      return { ...tool };
    }
    return { ...tool };
  });
}

/** Unknown parameters, `model`, metadata, temperature / top_p ranges and `include`; returns `include`. */
function checkParams(b: Record<string, unknown>): unknown[] {
  for (const k of Object.keys(b)) if (!CREATE_PARAMS.has(k)) throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
  if (typeof b.model !== 'string' || !b.model) throw missingParam('model');
  checkMetadata(b.metadata);
  for (const k of ['temperature', 'top_p'] as const) {
    const v = b[k];
    const max = k === 'temperature' ? 2 : 1;
    if (v !== undefined && v !== null && (typeof v !== 'number' || v < 0 || v > max)) {
      if (typeof v !== 'number') throw invalid(`Invalid type for '${k}': expected a decimal, but got ${typeName(v)} instead.`, k, 'invalid_type');
      throw invalid(`Invalid '${k}': decimal ${v < 0 ? 'below minimum' : 'above maximum'} value. Expected a value ${v < 0 ? '>= 0' : `<= ${max}`}, but got ${v} instead.`, k, `decimal_${v < 0 ? 'below_min' : 'above_max'}_value`);
    }
  }
  const include = (b.include as unknown[] | null | undefined) ?? [];
  if (!Array.isArray(include)) throw invalid(`Invalid type for 'include': expected an array, but got ${typeName(include)} instead.`, 'include', 'invalid_type');
  for (const v of include) {
    if (!INCLUDE_VALUES.has(String(v))) throw invalid(`Invalid value: '${String(v)}'. Supported values are: ${[...INCLUDE_VALUES].map((x) => `'${x}'`).join(', ')}.`, 'include', 'invalid_value');
  }
  return include;
}

/** Check a CreateResponse body, in the order the API reports problems. */
export function checkCreateRequest(ctx: Ctx, b: Record<string, unknown>): CreateRequest {
  const a = ctx.account;
  const include = checkParams(b);
  const tools = checkTools(b.tools);
  // a file_search tool's stores must exist, as tool_resources' must (docs/API-DEVIATIONS.md, D16)
  tools.forEach((t, i) => {
    for (const id of t.type === 'file_search' ? (t.vector_store_ids as string[]) : []) if (!a.get('vs', id)) throw notFound('vector store', id, `tools[${i}].vector_store_ids`);
  });
  const input = normalizeInput(b.input);
  let conversationId: string | undefined;
  if (b.conversation !== undefined && b.conversation !== null) {
    conversationId = typeof b.conversation === 'string' ? b.conversation : String((b.conversation as { id?: unknown }).id ?? '');
    if (b.previous_response_id) {
      throw invalid('Mutually exclusive parameters: Ensure you are only providing one of: \'previous_response_id\' or \'conversation\'.', null, 'mutually_exclusive_parameters');
    }
    getConversation(ctx, conversationId, 'conversation');
  }
  const previous = typeof b.previous_response_id === 'string' ? a.get('response', b.previous_response_id) : undefined;
  if (typeof b.previous_response_id === 'string' && !previous) {
    throw new ApiError(404, `Previous response with id '${b.previous_response_id}' not found.`, 'invalid_request_error', 'previous_response_id', 'previous_response_not_found');
  }
  const request = { tools, include, input, conversationId, previous };
  for (const it of input) {
    if (it.type === 'function_call_output' && callName(ctx, request, String(it.call_id)) === 'function') {
      throw invalid(`No tool call found for function call output with call_id ${String(it.call_id)}.`, 'input', null);
    }
  }
  return request;
}

/** The name of the function a call id belongs to: in this input, the conversation, or earlier responses ('function' if none). */
export function callName(ctx: Ctx, request: Pick<CreateRequest, 'input' | 'conversationId' | 'previous'>, callId: string): string {
  const a = ctx.account;
  for (const it of request.input) if (it.type === 'function_call' && it.call_id === callId) return String(it.name);
  if (request.conversationId) {
    for (const id of a.conversationItems.get(request.conversationId)?.all() ?? []) {
      const it = a.get('conv_item', id);
      if (it?.type === 'function_call' && it.call_id === callId) return String(it.name);
    }
  }
  for (let prev = request.previous, n = 0; prev && n < 100; prev = prev.previous_response_id ? a.get('response', String(prev.previous_response_id)) : undefined, n++) {
    for (const it of (prev.output as Item[]) ?? []) if (it.type === 'function_call' && it.call_id === callId) return String(it.name);
  }
  return 'function';
}

/** The response record as it starts: `in_progress`, the request's settings with the API's defaults. */
export function responseRecord(ctx: Ctx, b: Record<string, unknown>, request: CreateRequest): Rec {
  const a = ctx.account;
  const created = a.createdAt();
  const id = `resp_${hex()}`;
  const store = b.store !== false;
  const textParam = (b.text as Record<string, unknown> | undefined) ?? {};
  return {
    id,
    object: 'response',
    created_at: created,
    status: 'in_progress',
    background: b.background ?? false,
    completed_at: null,
    conversation: request.conversationId ? { id: request.conversationId } : null,
    error: null,
    incomplete_details: null,
    instructions: (b.instructions as string | null | undefined) ?? null,
    max_output_tokens: b.max_output_tokens ?? null,
    max_tool_calls: b.max_tool_calls ?? null,
    model: b.model,
    output: [],
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: b.previous_response_id ?? null,
    prompt_cache_key: b.prompt_cache_key ?? null,
    reasoning: b.reasoning ?? { effort: null, summary: null },
    safety_identifier: b.safety_identifier ?? null,
    service_tier: 'default',
    store,
    temperature: b.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium', ...textParam },
    tool_choice: b.tool_choice ?? 'auto',
    tools: request.tools,
    top_logprobs: b.top_logprobs ?? 0,
    top_p: b.top_p ?? 1,
    truncation: b.truncation ?? 'disabled',
    ...(typeof b.user === 'string' ? { user: b.user } : {}),
    metadata: (b.metadata as Record<string, string> | null) ?? {},
    _seq: a.nextSeq(),
    _input: request.input,
  };
}

export function getResponse(ctx: Ctx, id: string): Rec {
  const rec = ctx.account.get('response', id);
  if (!rec) throw new ApiError(404, `Response with id '${id}' not found.`, 'invalid_request_error', null, null);
  return rec;
}

/** A list page over items held in an array (input items). */
export function pageOf(items: Item[], q: { limit: number; order: 'asc' | 'desc'; after?: string | undefined }): Record<string, unknown> {
  const ordered = q.order === 'asc' ? items : [...items].reverse();
  let start = 0;
  if (q.after) {
    const i = ordered.findIndex((it) => it.id === q.after);
    start = i < 0 ? ordered.length : i + 1;
  }
  const data = ordered.slice(start, start + q.limit);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: start + q.limit < ordered.length };
}
