/** /v1/threads and /v1/threads/{thread_id}/messages. */
import type { FastifyRequest } from 'fastify';
import { invalid } from '../errors.js';
import { bindRoutes, listQuery, param, queryString, validBody, type CtxHandler, type Router } from '../http.js';
import { publicView, type Rec } from '../model/records.js';
import type { Ctx } from '../model/context.js';
import { activeRun } from '../model/runs.js';
import { addMessage, checkMessages, createThread, deleteThread, getMessage, getThread } from '../model/threads.js';
import { checkToolResourceRefs } from '../model/vector-stores.js';
import { normalizeToolResources } from '../model/tools.js';
import { checkMetadata } from '../model/limits.js';

const create: CtxHandler = (ctx, req) => {
  const b = validBody(req, 'CreateThreadRequest', false);
  checkMessages(ctx, b.messages as unknown[] | undefined, 'messages');
  return publicView(createThread(ctx, b));
};

const modify: CtxHandler = (ctx, req) => {
  const rec = getThread(ctx, param(req, 'thread_id'));
  const b = validBody(req, 'ModifyThreadRequest');
  checkMetadata(b.metadata);
  checkToolResourceRefs(ctx, b.tool_resources);
  const next: Rec = { ...rec };
  if ('metadata' in b) next.metadata = (b.metadata as Record<string, string> | null) ?? {};
  if ('tool_resources' in b) next.tool_resources = normalizeToolResources(b.tool_resources);
  ctx.account.put('thread', next);
  return publicView(next);
};

const remove: CtxHandler = (ctx, req) => {
  const rec = getThread(ctx, param(req, 'thread_id'));
  deleteThread(ctx, rec);
  return { id: rec.id, object: 'thread.deleted', deleted: true };
};

// ---- messages

const messageOf = (ctx: Ctx, req: FastifyRequest): Rec => getMessage(ctx, param(req, 'thread_id'), param(req, 'message_id'));

const createMsg: CtxHandler = (ctx, req) => {
  const thread = getThread(ctx, param(req, 'thread_id'));
  const b = validBody(req, 'CreateMessageRequest');
  checkMetadata(b.metadata);
  checkMessages(ctx, [b], '');
  const active = activeRun(ctx, thread.id);
  if (active) throw invalid(`Can't add messages to ${thread.id} while a run ${active.id} is active.`);
  const rec = addMessage(ctx, thread.id, b);
  ctx.faults.noteCreated(rec.id);
  return publicView(rec);
};

const listMsgs: CtxHandler = (ctx, req) => {
  const a = ctx.account;
  const thread = getThread(ctx, param(req, 'thread_id'));
  const q = listQuery(req);
  const runId = queryString(req, 'run_id');
  return a.list(
    a.threadMessages.get(thread.id),
    q,
    (id) => {
      const rec = a.get('message', id);
      return rec ? publicView(rec) : undefined;
    },
    runId ? (id) => a.get('message', id)?.run_id === runId : undefined,
  );
};

const modifyMsg: CtxHandler = (ctx, req) => {
  const rec = messageOf(ctx, req);
  const b = validBody(req, 'ModifyMessageRequest');
  checkMetadata(b.metadata);
  const next: Rec = { ...rec };
  if ('metadata' in b) next.metadata = (b.metadata as Record<string, string> | null) ?? {};
  ctx.account.put('message', next);
  return publicView(next);
};

const removeMsg: CtxHandler = (ctx, req) => {
  const rec = messageOf(ctx, req);
  ctx.account.del('message', rec.id);
  return { id: rec.id, object: 'thread.message.deleted', deleted: true };
};

export function registerThreads(r: Router, ctx: Ctx): void {
  const on = bindRoutes(r, ctx);
  on('POST', '/v1/threads', create);
  on('GET', '/v1/threads/{thread_id}', (c, req) => publicView(getThread(c, param(req, 'thread_id'))));
  on('POST', '/v1/threads/{thread_id}', modify);
  on('DELETE', '/v1/threads/{thread_id}', remove);
  on('POST', '/v1/threads/{thread_id}/messages', createMsg);
  on('GET', '/v1/threads/{thread_id}/messages', listMsgs);
  on('GET', '/v1/threads/{thread_id}/messages/{message_id}', (c, req) => publicView(messageOf(c, req)));
  on('POST', '/v1/threads/{thread_id}/messages/{message_id}', modifyMsg);
  on('DELETE', '/v1/threads/{thread_id}/messages/{message_id}', removeMsg);
}
