/**
 * Deterministic runs. A run whose tools include a function whose name appears in the last user
 * message (or that tool_choice forces) stops at `requires_action` with a tool call whose arguments
 * are a plausible JSON object for the function's parameters; after submit_tool_outputs it completes
 * with a message quoting the outputs. Otherwise it replies with text derived from the user message;
 * with file_search and vector stores it searches them and cites the best-matching file (the
 * thread's store is waited for, as the API waits up to 60 s for its files). With a `json_schema`
 * response format the reply is a value valid against the schema (`json_object`: a JSON object).
 * Streamed tool_calls steps start empty and get their calls in a `thread.run.step.delta`, as the
 * API streams them; file search contents are streamed only when `include[]` asked for them.
 * The same code runs for polling clients (on the run's due time) and for `stream: true` (at once,
 * emitting the API's events in the API's order).
 */
import { invalid } from '../errors.js';
import { PREFIX, newId } from '../ids.js';
import { publicView, type Rec } from '../model/records.js';
import type { Ctx } from '../model/context.js';
import { stepView } from '../model/runs.js';
import { searchStore, touchStore } from '../model/vector-stores.js';
import { sampleValue, words, type Schema } from './sampling.js';
import { schemaValue } from './schema-value.js';

export type Emit = (event: string, data: unknown) => void;
const noEmit: Emit = () => {};

function lastUserText(ctx: Ctx, threadId: string): string {
  const a = ctx.account;
  const idx = a.threadMessages.get(threadId);
  if (!idx) return '';
  const page = idx.page({ limit: 1, order: 'desc' }, (id) => a.get('message', id)?.role === 'user');
  const msg = page.ids[0] ? a.get('message', page.ids[0]) : undefined;
  if (!msg) return '';
  return (msg.content as { type: string; text?: { value: string } }[])
    .filter((c) => c.type === 'text')
    .map((c) => c.text?.value ?? '')
    .join('\n');
}

type FnTool = { type: 'function'; function: { name: string; parameters?: Schema; strict?: boolean } };

function plannedCalls(run: Rec, text: string): FnTool[] {
  const tools = ((run.tools as Record<string, unknown>[]) ?? []).filter((t) => t.type === 'function') as FnTool[];
  const choice = run.tool_choice as string | { type: string; function?: { name: string } } | null;
  if (choice === 'none' || tools.length === 0) return [];
  let calls: FnTool[];
  if (choice && typeof choice === 'object') {
    if (choice.type !== 'function') return [];
    calls = tools.filter((t) => t.function.name === choice.function?.name);
  } else {
    const lower = text.toLowerCase();
    calls = tools.filter((t) => lower.includes(t.function.name.toLowerCase()));
    if (calls.length === 0 && choice === 'required') calls = tools.slice(0, 1);
  }
  return run.parallel_tool_calls === false ? calls.slice(0, 1) : calls;
}

/** The reply in the run's response format: JSON valid against a `json_schema`, a JSON object for `json_object`. */
function formatted(run: Rec, text: string, reply: string): string | undefined {
  const rf = run.response_format as { type?: string; json_schema?: { schema?: unknown } } | string | null;
  if (!rf || typeof rf !== 'object') return undefined;
  if (rf.type === 'json_schema') return JSON.stringify(schemaValue(rf.json_schema?.schema ?? { type: 'object' }, { message: text, text: reply }));
  if (rf.type === 'json_object') return JSON.stringify({ reply });
  return undefined;
}

/** A tool_calls step as its `created`/`in_progress` events show it: no calls yet (they come in the delta). */
function emptyCalls(step: Rec): Record<string, unknown> {
  return { ...publicView(step), step_details: { type: 'tool_calls', tool_calls: [] } };
}

export class RunEngine {
  constructor(private readonly ctx: Ctx) {
    ctx.account.advanceRun = (run) => this.advance(run, noEmit);
  }

  private now(): number {
    return this.ctx.account.createdAt();
  }

  private put(rec: Rec): Rec {
    this.ctx.account.put(rec.object === 'thread.run' ? 'run' : rec.object === 'thread.message' ? 'message' : 'step', rec);
    return rec;
  }

  private step(run: Rec, type: 'tool_calls' | 'message_creation', details: Record<string, unknown>): Rec {
    const a = this.ctx.account;
    return this.put({
      id: newId(PREFIX.step),
      object: 'thread.run.step',
      created_at: this.now(),
      run_id: run.id,
      assistant_id: run.assistant_id,
      thread_id: run.thread_id,
      type,
      status: 'in_progress',
      cancelled_at: null,
      completed_at: null,
      expired_at: null,
      expires_at: run.expires_at,
      failed_at: null,
      last_error: null,
      step_details: details,
      metadata: {},
      usage: null,
      _seq: a.nextSeq(),
    });
  }

  /** Queue a run: it advances on its due time (polling) or at once (streaming). */
  schedule(run: Rec): void {
    const due = Date.now() + this.ctx.options.runDelayMs;
    run._due_at = due;
    this.put(run);
    this.ctx.account.runQueue.push(due, run.id);
  }

  /** Run from queued to requires_action or completed, emitting stream events. */
  advance(input: Rec, emit: Emit): Rec {
    let run: Rec = { ...input };
    if (run.status !== 'queued' && run.status !== 'in_progress') return run;
    run = this.put({ ...run, status: 'in_progress', started_at: run.started_at ?? this.now() });
    emit('thread.run.in_progress', publicView(run));
    const text = lastUserText(this.ctx, String(run.thread_id));
    if (run._phase === 'after_tools') {
      const outs = (run._tool_outputs as { name: string; output: string }[]) ?? [];
      const quoted = outs.map((o) => `The ${o.name} tool returned: ${o.output}`).join('\n');
      return this.reply(run, text, formatted(run, text, quoted) ?? quoted, [], emit);
    }
    const calls = plannedCalls(run, text);
    if (calls.length) return this.requireAction(run, calls, text, emit);
    let reply = text ? `You said: ${text}` : 'Hello! How can I help you today?';
    let annotations: Record<string, unknown>[] = [];
    const cite = this.fileSearch(run, text, emit);
    const structured = formatted(run, text, reply);
    if (structured !== undefined) return this.reply(run, text, structured, [], emit);
    if (cite) {
      const marker = `【4:0†${cite.filename}】`;
      reply += ` The best match is ${cite.filename}.`;
      const start = reply.length;
      reply += marker;
      annotations = [{ type: 'file_citation', text: marker, start_index: start, end_index: start + marker.length, file_citation: { file_id: cite.file_id } }];
    }
    return this.reply(run, text, reply, annotations, emit);
  }

  /** The function calls: a tool_calls step, and the run waits at requires_action. */
  private requireAction(input: Rec, calls: FnTool[], text: string, emit: Emit): Rec {
    const toolCalls = calls.map((c) => ({
      id: newId(PREFIX.call),
      type: 'function' as const,
      function: { name: c.function.name, arguments: JSON.stringify(sampleValue(c.function.parameters ?? { type: 'object', properties: {} }, c.function.name, text, 0, Boolean(c.function.strict))) },
    }));
    const step = this.step(input, 'tool_calls', {
      type: 'tool_calls',
      tool_calls: toolCalls.map((t) => ({ ...t, function: { ...t.function, output: null } })),
    });
    emit('thread.run.step.created', emptyCalls(step));
    emit('thread.run.step.in_progress', emptyCalls(step));
    emit('thread.run.step.delta', {
      id: step.id,
      object: 'thread.run.step.delta',
      delta: { step_details: { type: 'tool_calls', tool_calls: toolCalls.map((t, index) => ({ index, ...t, function: { ...t.function, output: null } })) } },
    });
    const run = this.put({
      ...input,
      status: 'requires_action',
      required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: toolCalls } },
      _step: step.id,
      usage: null,
    });
    emit('thread.run.requires_action', publicView(run));
    return run;
  }

  /** The message_creation step with its message, streamed in pieces; then the run completes. */
  private reply(run: Rec, text: string, reply: string, annotations: Record<string, unknown>[], emit: Emit): Rec {
    const a = this.ctx.account;
    const msg = this.put({
      id: newId(PREFIX.message),
      object: 'thread.message',
      created_at: this.now(),
      assistant_id: run.assistant_id,
      thread_id: run.thread_id,
      run_id: run.id,
      status: 'in_progress',
      incomplete_details: null,
      incomplete_at: null,
      completed_at: null,
      role: 'assistant',
      content: [],
      attachments: [],
      metadata: {},
      _seq: a.nextSeq(),
    });
    const step = this.step(run, 'message_creation', { type: 'message_creation', message_creation: { message_id: msg.id } });
    emit('thread.run.step.created', publicView(step));
    emit('thread.run.step.in_progress', publicView(step));
    emit('thread.message.created', publicView(msg));
    emit('thread.message.in_progress', publicView(msg));
    const pieces = reply.match(/\S+\s*|\s+/g) ?? [reply];
    pieces.forEach((p, i) => {
      const text: Record<string, unknown> = { value: p };
      if (i === 0) text.annotations = [];
      emit('thread.message.delta', { id: msg.id, object: 'thread.message.delta', delta: { ...(i === 0 ? { role: 'assistant' } : {}), content: [{ index: 0, type: 'text', text }] } });
    });
    if (annotations.length) {
      emit('thread.message.delta', { id: msg.id, object: 'thread.message.delta', delta: { content: [{ index: 0, type: 'text', text: { annotations: annotations.map((an, index) => ({ index, ...an })) } }] } });
    }
    return this.complete(run, { msg, step }, text, reply, annotations, emit);
  }

  /** Message, step and run completed, with usage (words for tokens; the run adds up its turns). */
  private complete(input: Rec, made: { msg: Rec; step: Rec }, text: string, reply: string, annotations: Record<string, unknown>[], emit: Emit): Rec {
    const done = this.now();
    const promptTokens = words(String(input.instructions ?? '')) + words(text) + 10;
    const completionTokens = words(reply);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const finalMsg = this.put({ ...made.msg, status: 'completed', completed_at: done, content: [{ type: 'text', text: { value: reply, annotations } }] });
    emit('thread.message.completed', publicView(finalMsg));
    const finalStep = this.put({ ...made.step, status: 'completed', completed_at: done, usage });
    emit('thread.run.step.completed', publicView(finalStep));
    const prevUsage = input.usage as typeof usage | null;
    const run = this.put({
      ...input,
      status: 'completed',
      completed_at: done,
      expires_at: null,
      required_action: null,
      usage: prevUsage
        ? { prompt_tokens: prevUsage.prompt_tokens + usage.prompt_tokens, completion_tokens: prevUsage.completion_tokens + usage.completion_tokens, total_tokens: prevUsage.total_tokens + usage.total_tokens }
        : usage,
    });
    emit('thread.run.completed', publicView(run));
    return run;
  }

  private fileSearch(run: Rec, text: string, emit: Emit): { file_id: string; filename: string } | undefined {
    const a = this.ctx.account;
    const tool = ((run.tools as Record<string, unknown>[]) ?? []).find((t) => t.type === 'file_search') as
      | { file_search?: { max_num_results?: number; ranking_options?: { ranker: string; score_threshold: number } } }
      | undefined;
    if (!tool || run.tool_choice === 'none' || !text) return undefined;
    const assistant = a.get('assistant', String(run.assistant_id));
    const thread = a.get('thread', String(run.thread_id));
    const storeIds = new Set<string>();
    for (const owner of [assistant, thread]) {
      const ids = (owner?.tool_resources as { file_search?: { vector_store_ids?: string[] } } | undefined)?.file_search?.vector_store_ids ?? [];
      for (const id of ids) {
        if (!a.get('vs', id)) continue;
        // the run waits (up to 60 s) for the thread's store to finish indexing, not for the assistant's
        if (owner === thread) a.settleVs(id, Date.now() + 60_000);
        storeIds.add(id);
      }
    }
    if (storeIds.size === 0) return undefined;
    for (const id of storeIds) touchStore(this.ctx, id);
    const ranking = tool.file_search?.ranking_options ?? { ranker: 'default_2024_08_21', score_threshold: 0 };
    const results = [...storeIds]
      .flatMap((id) => searchStore(this.ctx, id, [text], { maxResults: tool.file_search?.max_num_results ?? 20, threshold: ranking.score_threshold }))
      .sort((x, y) => y.score - x.score);
    const call = {
      id: newId(PREFIX.call),
      type: 'file_search',
      file_search: {
        ranking_options: ranking,
        results: results.map((r) => ({ file_id: r.file_id, file_name: r.filename, score: r.score, content: r.content })),
      },
    };
    const step = this.step(run, 'tool_calls', { type: 'tool_calls', tool_calls: [call] });
    emit('thread.run.step.created', emptyCalls(step));
    emit('thread.run.step.in_progress', emptyCalls(step));
    emit('thread.run.step.delta', {
      id: step.id,
      object: 'thread.run.step.delta',
      delta: { step_details: { type: 'tool_calls', tool_calls: [{ index: 0, id: call.id, type: 'file_search', file_search: { ranking_options: ranking, results: [] } }] } },
    });
    const done = this.put({ ...step, status: 'completed', completed_at: this.now(), usage: { prompt_tokens: words(text), completion_tokens: 0, total_tokens: words(text) } });
    emit('thread.run.step.completed', stepView(done, (run._include as string[] | undefined) ?? []));
    const best = results[0];
    return best ? { file_id: best.file_id, filename: best.filename } : undefined;
  }

  /** submit_tool_outputs: completes the pending tool step and queues the run again. */
  submit(input: Rec, outputs: { tool_call_id?: string; output?: string }[], emit: Emit): Rec {
    if (input.status !== 'requires_action') {
      throw invalid(`Runs in status "${String(input.status)}" do not accept tool outputs.`, null, null);
    }
    const pending = ((input.required_action as { submit_tool_outputs: { tool_calls: { id: string; function: { name: string; arguments: string } }[] } })
      .submit_tool_outputs.tool_calls);
    const byId = new Map(outputs.map((o) => [o.tool_call_id, o.output ?? '']));
    const missing = pending.filter((c) => !byId.has(c.id)).map((c) => c.id);
    if (missing.length) {
      throw invalid(`Expected tool outputs for call_ids ${JSON.stringify(pending.map((c) => c.id))}, got ${JSON.stringify(outputs.map((o) => o.tool_call_id ?? null))}`, 'tool_outputs', null);
    }
    const extra = outputs.filter((o) => !pending.some((c) => c.id === o.tool_call_id));
    if (extra.length) throw invalid(`Invalid tool_call_id: ${String(extra[0]!.tool_call_id)}`, 'tool_outputs', null);
    const a = this.ctx.account;
    const step = a.get('step', String(input._step));
    const now = this.now();
    if (step) {
      const details = step.step_details as { tool_calls: { id: string; function: Record<string, unknown> }[] };
      const done = this.put({
        ...step,
        status: 'completed',
        completed_at: now,
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        step_details: { type: 'tool_calls', tool_calls: details.tool_calls.map((c) => ({ ...c, function: { ...c.function, output: byId.get(c.id) ?? null } })) },
      });
      emit('thread.run.step.completed', publicView(done));
    }
    const run = this.put({
      ...input,
      status: 'queued',
      required_action: null,
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      _phase: 'after_tools',
      _tool_outputs: pending.map((c) => ({ name: c.function.name, output: byId.get(c.id) ?? '' })),
    });
    emit('thread.run.queued', publicView(run));
    return run;
  }

  cancel(input: Rec): Rec {
    if (!['queued', 'in_progress', 'requires_action'].includes(String(input.status))) {
      throw invalid(`Cannot cancel run with status '${String(input.status)}'.`, null, null);
    }
    const a = this.ctx.account;
    const now = this.now();
    for (const stepId of a.runSteps.get(input.id)?.all() ?? []) {
      const s = a.get('step', stepId);
      if (s && s.status === 'in_progress') this.put({ ...s, status: 'cancelled', cancelled_at: now });
    }
    return this.put({ ...input, status: 'cancelled', cancelled_at: now, required_action: null, expires_at: null });
  }
}
