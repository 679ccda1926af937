/**
 * Responses as records: what a checked create request carries (model/response-checks.ts checks it),
 * the stored record in its first shape (`in_progress`, or `queued` in background mode), the context a
 * response continues (its conversation's items, or the previous responses' input and output), lookups,
 * and input item pages. What the model answers is engines/responses.ts's. Shapes follow
 * ../shared/openai-api/openapi.responses.yaml.
 */
import { ApiError } from '../errors.js';
import { hex } from '../ids.js';
import type { Rec } from './records.js';
import type { Ctx } from './context.js';
import type { Item } from './items.js';

export type Tool = Record<string, unknown> & { type: string };

/** A create request once checked: what the engine works from. */
export interface CreateRequest {
  tools: Tool[];
  include: unknown[];
  input: Item[];
  conversationId: string | undefined;
  previous: Rec | undefined;
  /** `text` as echoed: `{format, verbosity}` with only the fields the format type defines. */
  text: Record<string, unknown>;
  /** `reasoning` as echoed. */
  reasoning: Record<string, unknown>;
}

/** The responses a request continues, oldest first (at most 100 back). */
function previousChain(ctx: Ctx, previous: Rec | undefined): Rec[] {
  const chain: Rec[] = [];
  for (let prev = previous; prev && chain.length < 100; prev = prev.previous_response_id ? ctx.account.get('response', String(prev.previous_response_id)) : undefined) chain.unshift(prev);
  return chain;
}

/** The items before this request's input: its conversation's, or each previous response's input then output. */
export function historyOf(ctx: Ctx, request: Pick<CreateRequest, 'conversationId' | 'previous'>): Item[] {
  const a = ctx.account;
  if (request.conversationId) {
    return [...(a.conversationItems.get(request.conversationId)?.all() ?? [])].map((id) => a.get('conv_item', id)).filter((it): it is Rec & Item => Boolean(it));
  }
  return previousChain(ctx, request.previous).flatMap((r) => [...((r._input as Item[]) ?? []), ...((r.output as Item[]) ?? [])]);
}

/** The name of the function a call id belongs to: in this input or what came before ('function' if none). */
export function callName(ctx: Ctx, request: Pick<CreateRequest, 'input' | 'conversationId' | 'previous'>, callId: string): string {
  for (const it of [...request.input, ...historyOf(ctx, request)]) if (it.type === 'function_call' && it.call_id === callId) return String(it.name);
  return 'function';
}

/** The response record as it starts: `in_progress` (`queued` in background mode), the request's settings with the API's defaults. */
export function responseRecord(ctx: Ctx, b: Record<string, unknown>, request: CreateRequest): Rec {
  const a = ctx.account;
  const prompt = b.prompt as { id: string; version?: string | null; variables?: unknown } | null | undefined;
  return {
    id: `resp_${hex()}`,
    object: 'response',
    created_at: a.createdAt(),
    status: b.background === true ? 'queued' : 'in_progress',
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
    ...(prompt ? { prompt: { id: prompt.id, version: prompt.version ?? null, variables: prompt.variables ?? null } } : {}),
    prompt_cache_key: b.prompt_cache_key ?? null,
    reasoning: request.reasoning,
    safety_identifier: b.safety_identifier ?? null,
    service_tier: 'default',
    store: b.store !== false,
    temperature: b.temperature ?? 1,
    text: request.text,
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
