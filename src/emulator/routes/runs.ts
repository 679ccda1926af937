/** Runs and run steps: /v1/threads/{thread_id}/runs…, /v1/threads/runs (create thread and run). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalid, notFound } from '../errors.js';
import { includeParam, listQuery, param, validBody, type Router } from '../http.js';
import { PREFIX, newId } from '../ids.js';
import { publicView, type Rec } from '../model/account.js';
import { normalizeToolResources, normalizeTools } from '../model/tools.js';
import { checkMetadata, checkTools } from '../model/validation.js';
import { RunEngine } from '../engines/runs.js';
import { eventBuffer, sendEvents, type EventBuffer } from '../sse.js';
import type { Ctx } from '../model/context.js';
import { checkMessages, createMessage, createThread, getThread } from './threads.js';

function stepView(rec: Rec, include: string[]): Record<string, unknown> {
  const v = publicView(rec);
  if (include.length === 0 && rec.type === 'tool_calls') {
    const d = v.step_details as { type: string; tool_calls: Record<string, unknown>[] };
    v.step_details = {
      ...d,
      tool_calls: d.tool_calls.map((c) => {
        if (c.type !== 'file_search') return c;
        const fs = c.file_search as { results?: Record<string, unknown>[] };
        return { ...c, file_search: { ...fs, results: (fs.results ?? []).map(({ content: _c, ...r }) => r) } };
      }),
    };
  }
  return v;
}

export function registerRuns(r: Router, ctx: Ctx): void {
  const a = ctx.account;
  const engine = new RunEngine(ctx);

  const getRun = (threadId: string, runId: string): Rec => {
    getThread(ctx, threadId);
    const rec = a.get('run', runId);
    if (!rec || rec.thread_id !== threadId) throw notFound('run', runId);
    return rec;
  };

  function activeRun(threadId: string): Rec | undefined {
    const idx = a.threadRuns.get(threadId);
    if (!idx) return undefined;
    const page = idx.page({ limit: 1, order: 'desc' });
    const last = page.ids[0] ? a.get('run', page.ids[0]) : undefined;
    return last && ['queued', 'in_progress', 'requires_action', 'cancelling'].includes(String(last.status)) ? last : undefined;
  }

  /** Build and store a run from a CreateRunRequest-like body. */
  function newRun(thread: Rec, b: Record<string, unknown>): Rec {
    const assistant = a.get('assistant', String(b.assistant_id));
    if (!assistant) throw notFound('assistant', String(b.assistant_id), 'assistant_id');
    checkMetadata(b.metadata);
    checkTools(b.tools);
    const active = activeRun(thread.id);
    if (active) throw invalid(`Thread ${thread.id} already has an active run ${active.id}.`, null, null);
    for (const [i, m] of ((b.additional_messages as Record<string, unknown>[] | null) ?? []).entries()) {
      checkMetadata(m.metadata, `additional_messages[${i}].metadata`);
      createMessage(a, thread.id, m);
    }
    let instructions = typeof b.instructions === 'string' ? b.instructions : String(assistant.instructions ?? '');
    if (typeof b.additional_instructions === 'string' && b.additional_instructions) instructions += `\n${b.additional_instructions}`;
    const created = a.createdAt();
    const run: Rec = {
      id: newId(PREFIX.run),
      object: 'thread.run',
      created_at: created,
      assistant_id: assistant.id,
      thread_id: thread.id,
      status: 'queued',
      started_at: null,
      expires_at: created + 600,
      cancelled_at: null,
      failed_at: null,
      completed_at: null,
      required_action: null,
      last_error: null,
      model: typeof b.model === 'string' ? b.model : assistant.model,
      instructions,
      tools: b.tools !== undefined && b.tools !== null ? normalizeTools(b.tools) : (assistant.tools as unknown[]),
      tool_resources: (b._tool_resources as Record<string, unknown> | undefined) ?? {},
      metadata: (b.metadata as Record<string, string> | null) ?? {},
      temperature: typeof b.temperature === 'number' ? b.temperature : (assistant.temperature ?? 1.0),
      top_p: typeof b.top_p === 'number' ? b.top_p : (assistant.top_p ?? 1.0),
      reasoning_effort: b.reasoning_effort ?? assistant.reasoning_effort ?? null,
      max_completion_tokens: b.max_completion_tokens ?? null,
      max_prompt_tokens: b.max_prompt_tokens ?? null,
      truncation_strategy: b.truncation_strategy ?? { type: 'auto', last_messages: null },
      incomplete_details: null,
      usage: null,
      response_format: b.response_format ?? assistant.response_format ?? 'auto',
      tool_choice: b.tool_choice ?? 'auto',
      parallel_tool_calls: b.parallel_tool_calls ?? true,
      _seq: a.nextSeq(),
    };
    a.put('run', run);
    ctx.faults.noteCreated(run.id);
    return run;
  }

  async function start(req: FastifyRequest, reply: FastifyReply, run: Rec, stream: boolean, buf?: EventBuffer): Promise<unknown> {
    if (!stream) {
      engine.schedule(run);
      reply.header('openai-poll-after-ms', String(Math.max(5, ctx.options.runDelayMs)));
      return publicView(run);
    }
    const events = buf ?? eventBuffer();
    events.emit('thread.run.created', publicView(run));
    events.emit('thread.run.queued', publicView(run));
    engine.advance(run, events.emit);
    await sendEvents(ctx, reply, events);
    return reply;
  }

  r.route('POST', '/v1/threads/{thread_id}/runs', async (req, reply) => {
    const thread = getThread(ctx, param(req, 'thread_id'));
    includeParam(req);
    const b = validBody(req, 'CreateRunRequest');
    checkMessages(b.additional_messages as unknown[] | undefined, 'additional_messages');
    const run = newRun(thread, b);
    return start(req, reply, run, b.stream === true);
  });

  r.route('POST', '/v1/threads/runs', async (req, reply) => {
    const b = validBody(req, 'CreateThreadAndRunRequest');
    checkMessages(((b.thread as { messages?: unknown[] } | undefined)?.messages), 'thread.messages');
    if (!a.get('assistant', String(b.assistant_id))) throw notFound('assistant', String(b.assistant_id), 'assistant_id');
    checkMetadata(b.metadata);
    checkTools(b.tools);
    const thread = createThread(ctx, (b.thread as Record<string, unknown> | undefined) ?? {}, 'thread');
    const run = newRun(thread, { ...b, _tool_resources: b.tool_resources ? normalizeToolResources(b.tool_resources) : undefined });
    const buf = eventBuffer();
    if (b.stream === true) buf.emit('thread.created', publicView(thread));
    return start(req, reply, run, b.stream === true, buf);
  });

  r.route('GET', '/v1/threads/{thread_id}/runs', (req) => {
    const thread = getThread(ctx, param(req, 'thread_id'));
    return a.list(a.threadRuns.get(thread.id), listQuery(req), (id) => {
      const rec = a.get('run', id);
      return rec ? publicView(rec) : undefined;
    });
  });

  r.route('GET', '/v1/threads/{thread_id}/runs/{run_id}', (req, reply) => {
    const run = getRun(param(req, 'thread_id'), param(req, 'run_id'));
    if (run.status === 'queued' || run.status === 'in_progress') reply.header('openai-poll-after-ms', String(Math.max(5, ctx.options.runDelayMs)));
    return publicView(run);
  });

  r.route('POST', '/v1/threads/{thread_id}/runs/{run_id}', (req) => {
    const run = getRun(param(req, 'thread_id'), param(req, 'run_id'));
    const b = validBody(req, 'ModifyRunRequest');
    checkMetadata(b.metadata);
    const next: Rec = { ...run };
    if ('metadata' in b) next.metadata = (b.metadata as Record<string, string> | null) ?? {};
    a.put('run', next);
    return publicView(next);
  });

  r.route('POST', '/v1/threads/{thread_id}/runs/{run_id}/cancel', (req) => {
    const run = getRun(param(req, 'thread_id'), param(req, 'run_id'));
    return publicView(engine.cancel(run));
  });

  r.route('POST', '/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs', async (req, reply) => {
    const run = getRun(param(req, 'thread_id'), param(req, 'run_id'));
    const b = validBody(req, 'SubmitToolOutputsRunRequest');
    const stream = b.stream === true;
    const buf = eventBuffer();
    const queued = engine.submit(run, b.tool_outputs as { tool_call_id?: string; output?: string }[], stream ? buf.emit : () => {});
    if (!stream) {
      engine.schedule(queued);
      reply.header('openai-poll-after-ms', String(Math.max(5, ctx.options.runDelayMs)));
      return publicView(queued);
    }
    engine.advance(queued, buf.emit);
    await sendEvents(ctx, reply, buf);
    return reply;
  });

  r.route('GET', '/v1/threads/{thread_id}/runs/{run_id}/steps', (req) => {
    const run = getRun(param(req, 'thread_id'), param(req, 'run_id'));
    const include = includeParam(req);
    return a.list(a.runSteps.get(run.id), listQuery(req), (id) => {
      const rec = a.get('step', id);
      return rec ? stepView(rec, include) : undefined;
    });
  });

  r.route('GET', '/v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}', (req) => {
    const run = getRun(param(req, 'thread_id'), param(req, 'run_id'));
    const include = includeParam(req);
    const stepId = param(req, 'step_id');
    const rec = a.get('step', stepId);
    if (!rec || rec.run_id !== run.id) throw notFound('run step', stepId);
    return stepView(rec, include);
  });
}
