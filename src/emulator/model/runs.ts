/**
 * Runs and run steps as records: a run from a CreateRunRequest (the assistant's settings unless the
 * request overrides them; one active run per thread), lookups, and the step view that leaves file
 * search contents out unless `include` asks for them. Advancing runs is engines/runs.ts's.
 */
import { invalid, notFound } from '../errors.js';
import { PREFIX, newId } from '../ids.js';
import { publicView, type Rec } from './records.js';
import type { Ctx } from './context.js';
import { checkModel } from './models.js';
import { addMessage, getThread } from './threads.js';
import { normalizeTools } from './tools.js';
import { checkMetadata, checkTools } from './limits.js';

export function getRun(ctx: Ctx, threadId: string, runId: string): Rec {
  getThread(ctx, threadId);
  const rec = ctx.account.get('run', runId);
  if (!rec || rec.thread_id !== threadId) throw notFound('run', runId);
  return rec;
}

/** The thread's last run, if it is still going. */
export function activeRun(ctx: Ctx, threadId: string): Rec | undefined {
  const a = ctx.account;
  const idx = a.threadRuns.get(threadId);
  if (!idx) return undefined;
  const page = idx.page({ limit: 1, order: 'desc' });
  const last = page.ids[0] ? a.get('run', page.ids[0]) : undefined;
  return last && ['queued', 'in_progress', 'requires_action', 'cancelling'].includes(String(last.status)) ? last : undefined;
}

/** Build and store a run from a CreateRunRequest-like body. */
export function createRun(ctx: Ctx, thread: Rec, b: Record<string, unknown>): Rec {
  const a = ctx.account;
  const assistant = a.get('assistant', String(b.assistant_id));
  if (!assistant) throw notFound('assistant', String(b.assistant_id), 'assistant_id');
  checkMetadata(b.metadata);
  checkTools(b.tools);
  checkModel(ctx, b.model);
  const active = activeRun(ctx, thread.id);
  if (active) throw invalid(`Thread ${thread.id} already has an active run ${active.id}.`, null, null);
  for (const [i, m] of ((b.additional_messages as Record<string, unknown>[] | null) ?? []).entries()) {
    checkMetadata(m.metadata, `additional_messages[${i}].metadata`);
    addMessage(ctx, thread.id, m);
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
    // `include[]` of create run: what its streamed steps carry
    ...(Array.isArray(b._include) && b._include.length ? { _include: b._include } : {}),
    _seq: a.nextSeq(),
  };
  a.put('run', run);
  ctx.faults.noteCreated(run.id);
  return run;
}

export function stepView(rec: Rec, include: string[]): Record<string, unknown> {
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
