/**
 * Runs and run steps: /v1/threads/{thread_id}/runs…, /v1/threads/runs (create thread and run). Runs are
 * built by model/runs.ts and advanced by engines/runs.ts: on their due time for polling clients, at
 * once with `stream: true` (the events are sent when every write they describe is durable).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../errors.js';
import { bindRoutes, includeParam, listQuery, param, validBody, type CtxHandler, type Router } from '../http.js';
import { publicView, type Rec } from '../model/records.js';
import type { Ctx } from '../model/context.js';
import { createRun, getRun, stepView } from '../model/runs.js';
import { checkMessages, createThread, getThread } from '../model/threads.js';
import { checkModel } from '../model/models.js';
import { normalizeToolResources } from '../model/tools.js';
import { checkToolResourceRefs } from '../model/vector-stores.js';
import { checkMetadata, checkTools } from '../model/limits.js';
import { RunEngine } from '../engines/runs.js';
import { eventBuffer, sendEvents, type EventBuffer } from '../sse.js';

const runOf = (ctx: Ctx, req: FastifyRequest): Rec => getRun(ctx, param(req, 'thread_id'), param(req, 'run_id'));

function pollAfter(ctx: Ctx, reply: FastifyReply): void {
  reply.header('openai-poll-after-ms', String(Math.max(5, ctx.options.runDelayMs)));
}

/** Queue the run for pollers, or run it now and stream its events. */
async function start(ctx: Ctx, engine: RunEngine, reply: FastifyReply, run: Rec, stream: boolean, buf?: EventBuffer): Promise<unknown> {
  if (!stream) {
    engine.schedule(run);
    pollAfter(ctx, reply);
    return publicView(run);
  }
  const events = buf ?? eventBuffer();
  events.emit('thread.run.created', publicView(run));
  events.emit('thread.run.queued', publicView(run));
  engine.advance(run, events.emit);
  await sendEvents(ctx, reply, events);
  return reply;
}

const create =
  (engine: RunEngine): CtxHandler =>
  async (ctx, req, reply) => {
    const thread = getThread(ctx, param(req, 'thread_id'));
    const include = includeParam(req);
    const b = validBody(req, 'CreateRunRequest');
    checkMessages(ctx, b.additional_messages as unknown[] | undefined, 'additional_messages');
    const run = createRun(ctx, thread, { ...b, _include: include });
    return start(ctx, engine, reply, run, b.stream === true);
  };

const createThreadAndRun =
  (engine: RunEngine): CtxHandler =>
  async (ctx, req, reply) => {
    const b = validBody(req, 'CreateThreadAndRunRequest');
    checkMessages(ctx, (b.thread as { messages?: unknown[] } | undefined)?.messages, 'thread.messages');
    if (!ctx.account.get('assistant', String(b.assistant_id))) throw notFound('assistant', String(b.assistant_id), 'assistant_id');
    checkMetadata(b.metadata);
    checkTools(b.tools);
    checkModel(ctx, b.model);
    checkToolResourceRefs(ctx, b.tool_resources);
    const thread = createThread(ctx, (b.thread as Record<string, unknown> | undefined) ?? {}, 'thread');
    const run = createRun(ctx, thread, { ...b, _tool_resources: b.tool_resources ? normalizeToolResources(b.tool_resources) : undefined });
    const buf = eventBuffer();
    if (b.stream === true) buf.emit('thread.created', publicView(thread));
    return start(ctx, engine, reply, run, b.stream === true, buf);
  };

const submitToolOutputs =
  (engine: RunEngine): CtxHandler =>
  async (ctx, req, reply) => {
    const run = runOf(ctx, req);
    const b = validBody(req, 'SubmitToolOutputsRunRequest');
    const stream = b.stream === true;
    const buf = eventBuffer();
    const queued = engine.submit(run, b.tool_outputs as { tool_call_id?: string; output?: string }[], stream ? buf.emit : () => {});
    if (!stream) {
      engine.schedule(queued);
      pollAfter(ctx, reply);
      return publicView(queued);
    }
    engine.advance(queued, buf.emit);
    await sendEvents(ctx, reply, buf);
    return reply;
  };

const list: CtxHandler = (ctx, req) => {
  const a = ctx.account;
  const thread = getThread(ctx, param(req, 'thread_id'));
  return a.list(a.threadRuns.get(thread.id), listQuery(req), (id) => {
    const rec = a.get('run', id);
    return rec ? publicView(rec) : undefined;
  });
};

const retrieve: CtxHandler = (ctx, req, reply) => {
  const run = runOf(ctx, req);
  if (run.status === 'queued' || run.status === 'in_progress') pollAfter(ctx, reply);
  return publicView(run);
};

const modify: CtxHandler = (ctx, req) => {
  const run = runOf(ctx, req);
  const b = validBody(req, 'ModifyRunRequest');
  checkMetadata(b.metadata);
  const next: Rec = { ...run };
  if ('metadata' in b) next.metadata = (b.metadata as Record<string, string> | null) ?? {};
  ctx.account.put('run', next);
  return publicView(next);
};

const listSteps: CtxHandler = (ctx, req) => {
  const a = ctx.account;
  const run = runOf(ctx, req);
  const include = includeParam(req);
  return a.list(a.runSteps.get(run.id), listQuery(req), (id) => {
    const rec = a.get('step', id);
    return rec ? stepView(rec, include) : undefined;
  });
};

const retrieveStep: CtxHandler = (ctx, req) => {
  const run = runOf(ctx, req);
  const include = includeParam(req);
  const stepId = param(req, 'step_id');
  const rec = ctx.account.get('step', stepId);
  if (!rec || rec.run_id !== run.id) throw notFound('run step', stepId);
  return stepView(rec, include);
};

export function registerRuns(r: Router, ctx: Ctx): void {
  const on = bindRoutes(r, ctx);
  const engine = new RunEngine(ctx);
  on('POST', '/v1/threads/{thread_id}/runs', create(engine));
  on('POST', '/v1/threads/runs', createThreadAndRun(engine));
  on('GET', '/v1/threads/{thread_id}/runs', list);
  on('GET', '/v1/threads/{thread_id}/runs/{run_id}', retrieve);
  on('POST', '/v1/threads/{thread_id}/runs/{run_id}', modify);
  on('POST', '/v1/threads/{thread_id}/runs/{run_id}/cancel', (c, req) => publicView(engine.cancel(runOf(c, req))));
  on('POST', '/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs', submitToolOutputs(engine));
  on('GET', '/v1/threads/{thread_id}/runs/{run_id}/steps', listSteps);
  on('GET', '/v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}', retrieveStep);
}
