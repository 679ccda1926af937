/** /v1/assistants: create, list, retrieve, modify, delete. */
import { bindRoutes, listQuery, param, validBody, type CtxHandler, type Router } from '../http.js';
import { assistantView, createAssistant, getAssistant, updateAssistant } from '../model/assistants.js';
import type { Ctx } from '../model/context.js';
import { checkMetadata, checkTools } from '../model/limits.js';

const create: CtxHandler = (ctx, req) => {
  const b = validBody(req, 'CreateAssistantRequest');
  checkMetadata(b.metadata);
  checkTools(b.tools);
  return assistantView(createAssistant(ctx, b));
};

const list: CtxHandler = (ctx, req) => {
  const a = ctx.account;
  const q = listQuery(req);
  return a.list(a.assistantIndex, q, (id) => {
    const rec = a.get('assistant', id);
    return rec ? assistantView(rec) : undefined;
  });
};

const modify: CtxHandler = (ctx, req) => {
  const rec = getAssistant(ctx, param(req, 'assistant_id'));
  const b = validBody(req, 'ModifyAssistantRequest');
  checkMetadata(b.metadata);
  checkTools(b.tools);
  return assistantView(updateAssistant(ctx, rec, b));
};

const remove: CtxHandler = (ctx, req) => {
  const rec = getAssistant(ctx, param(req, 'assistant_id'));
  ctx.account.del('assistant', rec.id);
  return { id: rec.id, object: 'assistant.deleted', deleted: true };
};

export function registerAssistants(r: Router, ctx: Ctx): void {
  const on = bindRoutes(r, ctx);
  on('POST', '/v1/assistants', create);
  on('GET', '/v1/assistants', list);
  on('GET', '/v1/assistants/{assistant_id}', (c, req) => assistantView(getAssistant(c, param(req, 'assistant_id'))));
  on('POST', '/v1/assistants/{assistant_id}', modify);
  on('DELETE', '/v1/assistants/{assistant_id}', remove);
}
