/**
 * The Responses API subset that `codegen python --api responses` uses: /v1/responses (create, with
 * `stream: true` as server-sent events in the API's order, retrieve, delete, cancel, input items).
 * The request is checked by model/responses.ts and answered by engines/responses.ts.
 * Shapes follow ../shared/openai-api/openapi.responses.yaml.
 */
import { invalid } from '../errors.js';
import { bindRoutes, body, listQuery, param, queryString, type CtxHandler, type Router } from '../http.js';
import { publicView } from '../model/records.js';
import type { Ctx } from '../model/context.js';
import type { Item } from '../model/items.js';
import { checkCreateRequest, getResponse, pageOf } from '../model/responses.js';
import { createResponse } from '../engines/responses.js';
import { sendResponseEvents } from '../sse.js';

const create: CtxHandler = async (ctx, req, reply) => {
  const b = body(req, true);
  const request = checkCreateRequest(ctx, b);
  const { response, events } = createResponse(ctx, b, request);
  if (b.stream === true) {
    await sendResponseEvents(ctx, reply, events);
    return reply;
  }
  return publicView(response);
};

const retrieve: CtxHandler = (ctx, req) => {
  const rec = getResponse(ctx, param(req, 'response_id'));
  if (queryString(req, 'stream') === 'true') throw invalid('Streaming a stored response is not supported by this emulator.', 'stream', null);
  return publicView(rec);
};

const remove: CtxHandler = (ctx, req) => {
  const rec = getResponse(ctx, param(req, 'response_id'));
  ctx.account.del('response', rec.id);
  return { id: rec.id, object: 'response', deleted: true };
};

const cancel: CtxHandler = (ctx, req) => {
  const rec = getResponse(ctx, param(req, 'response_id'));
  if (rec.background !== true) throw invalid('Only responses created with background=true can be cancelled.', null, null);
  return publicView(rec);
};

const inputItems: CtxHandler = (ctx, req) => {
  const rec = getResponse(ctx, param(req, 'response_id'));
  const q = listQuery(req, { before: false });
  return pageOf((rec._input as Item[]) ?? [], q);
};

export function registerResponses(r: Router, ctx: Ctx): void {
  const on = bindRoutes(r, ctx);
  on('POST', '/v1/responses', create);
  on('GET', '/v1/responses/{response_id}', retrieve);
  on('DELETE', '/v1/responses/{response_id}', remove);
  on('POST', '/v1/responses/{response_id}/cancel', cancel);
  on('GET', '/v1/responses/{response_id}/input_items', inputItems);
}
