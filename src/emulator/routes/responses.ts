/**
 * The Responses API: /v1/responses (create, with `stream: true` as server-sent events in the API's
 * order, and `background: true`; retrieve, and with `?stream=true&starting_after=N` the events of a
 * background stream again; delete, cancel, input items), /v1/responses/input_tokens and
 * /v1/responses/compact. The request is checked by model/response-checks.ts and answered by
 * engines/responses.ts (engines/background.ts moves background responses on, before each request).
 * Shapes follow ../shared/openai-api/openapi.responses.yaml (and the SDK's types where it is silent).
 */
import { invalid } from '../errors.js';
import { bindRoutes, body, listQuery, param, queryString, type CtxHandler, type Router } from '../http.js';
import { publicView } from '../model/records.js';
import type { Ctx } from '../model/context.js';
import type { Item } from '../model/items.js';
import { checkCompactRequest, checkCountRequest, checkCreateRequest } from '../model/response-checks.js';
import { getResponse, historyOf, pageOf } from '../model/responses.js';
import { agentInvocation, echoedTools } from '../model/foundry.js';
import { createResponse, inputTokens } from '../engines/responses.js';
import { cancelResponse, checkStreamable, settleBackground, streamStep } from '../engines/background.js';
import { compactResponse } from '../engines/compaction.js';
import { sendResponseEvents, streamResponseEvents, type StreamStep } from '../sse.js';

const create: CtxHandler = async (ctx, req, reply) => {
  // On a Foundry project the body may name an agent, whose definition makes the request (model/foundry.ts).
  const invocation = agentInvocation(ctx, body(req, true), queryString(req, 'api-version') !== undefined);
  const b = invocation?.body ?? body(req, true);
  const request = checkCreateRequest(ctx, b);
  const agent = invocation ? { agent: invocation.agent, tools: echoedTools(invocation, request.tools) } : undefined;
  const { response, events } = createResponse(ctx, b, request, agent);
  if (b.stream !== true) return publicView(response);
  if (response.background === true) await streamResponseEvents(ctx, reply, follow(ctx, response.id, -1));
  else await sendResponseEvents(ctx, reply, events);
  return reply;
};

/** The steps of a background response's stream: each time, the events after the last one sent. */
function follow(ctx: Ctx, id: string, from: number): StreamStep {
  let after = from;
  return () => {
    const step = streamStep(ctx, id, after);
    for (const [, e] of step.events) after = Math.max(after, Number(e.sequence_number));
    return step;
  };
}

/** `starting_after`: an integer sequence number (default: from the first event). */
function startingAfter(raw: string | undefined): number {
  if (raw === undefined || raw === '') return -1;
  if (!/^-?\d+$/.test(raw)) throw invalid(`Invalid type for 'starting_after': expected an integer, but got a string instead.`, 'starting_after', 'invalid_type');
  return Number(raw);
}

const retrieve: CtxHandler = async (ctx, req, reply) => {
  const rec = getResponse(ctx, param(req, 'response_id'));
  const stream = queryString(req, 'stream');
  if (stream !== 'true') return publicView(rec);
  checkStreamable(rec);
  await streamResponseEvents(ctx, reply, follow(ctx, rec.id, startingAfter(queryString(req, 'starting_after'))));
  return reply;
};

const remove: CtxHandler = (ctx, req) => {
  const rec = getResponse(ctx, param(req, 'response_id'));
  ctx.account.del('response', rec.id);
  return { id: rec.id, object: 'response', deleted: true };
};

const cancel: CtxHandler = (ctx, req) => publicView(cancelResponse(ctx, getResponse(ctx, param(req, 'response_id'))));

const inputItems: CtxHandler = (ctx, req) => {
  const rec = getResponse(ctx, param(req, 'response_id'));
  const q = listQuery(req, { before: false });
  return pageOf((rec._input as Item[]) ?? [], q);
};

const countTokens: CtxHandler = (ctx, req) => {
  const b = body(req, false);
  const request = checkCountRequest(ctx, b);
  return { object: 'response.input_tokens', input_tokens: inputTokens(b.instructions, [...historyOf(ctx, request), ...request.input]) };
};

const compact: CtxHandler = (ctx, req) => {
  const b = body(req, true);
  return compactResponse(ctx, b, checkCompactRequest(ctx, b));
};

export function registerResponses(r: Router, ctx: Ctx): void {
  const on = bindRoutes(r, ctx, settleBackground);
  on('POST', '/v1/responses', create);
  on('POST', '/v1/responses/input_tokens', countTokens);
  on('POST', '/v1/responses/compact', compact);
  on('GET', '/v1/responses/{response_id}', retrieve);
  on('DELETE', '/v1/responses/{response_id}', remove);
  on('POST', '/v1/responses/{response_id}/cancel', cancel);
  on('GET', '/v1/responses/{response_id}/input_items', inputItems);
}
