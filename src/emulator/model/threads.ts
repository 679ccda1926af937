/**
 * Threads and their messages: message content as the API returns it, creating a thread (with its
 * messages and the `vector_stores` helper), the checks the description states in prose for message
 * content, and deleting a thread with its messages, runs and steps.
 */
import { invalid, notFound } from '../errors.js';
import { PREFIX, newId } from '../ids.js';
import type { Account } from './account.js';
import type { Rec } from './records.js';
import type { Ctx } from './context.js';
import { normalizeToolResources } from './tools.js';
import { checkMetadata } from './validation.js';
import { vectorStoresHelper } from './vector-stores.js';

export function messageContent(content: unknown): Record<string, unknown>[] {
  if (typeof content === 'string') return [{ type: 'text', text: { value: content, annotations: [] } }];
  if (!Array.isArray(content)) return [];
  return content.map((part) => {
    const p = part as Record<string, unknown>;
    if (p.type === 'text') return { type: 'text', text: { value: String(p.text ?? ''), annotations: [] } };
    if (p.type === 'image_file') {
      const f = p.image_file as Record<string, unknown>;
      return { type: 'image_file', image_file: { file_id: f.file_id, detail: f.detail ?? 'auto' } };
    }
    const u = p.image_url as Record<string, unknown>;
    return { type: 'image_url', image_url: { url: u.url, detail: u.detail ?? 'auto' } };
  });
}

export function createMessage(
  a: Account,
  threadId: string,
  m: Record<string, unknown>,
  extra: { assistant_id?: string | null; run_id?: string | null } = {},
): Rec {
  const created = a.createdAt();
  const rec: Rec = {
    id: newId(PREFIX.message),
    object: 'thread.message',
    created_at: created,
    assistant_id: extra.assistant_id ?? null,
    thread_id: threadId,
    run_id: extra.run_id ?? null,
    role: m.role,
    content: messageContent(m.content),
    attachments: (m.attachments as unknown[] | null) ?? [],
    metadata: (m.metadata as Record<string, string> | null) ?? {},
    status: 'completed',
    incomplete_details: null,
    completed_at: null,
    incomplete_at: null,
    _seq: a.nextSeq(),
  };
  a.put('message', rec);
  return rec;
}

/** Create a thread from a CreateThreadRequest body (already validated). */
export function createThread(ctx: Ctx, b: Record<string, unknown>, param = ''): Rec {
  const a = ctx.account;
  checkMetadata(b.metadata, param ? `${param}.metadata` : 'metadata');
  const messages = (b.messages as Record<string, unknown>[] | undefined) ?? [];
  messages.forEach((m, i) => checkMetadata(m.metadata, `${param ? `${param}.` : ''}messages[${i}].metadata`));
  const vsIds = vectorStoresHelper(ctx, b.tool_resources, param ? `${param}.tool_resources` : 'tool_resources');
  const rec: Rec = {
    id: newId(PREFIX.thread),
    object: 'thread',
    created_at: a.createdAt(),
    metadata: (b.metadata as Record<string, string> | null) ?? {},
    tool_resources: normalizeToolResources(b.tool_resources, vsIds),
    _seq: a.nextSeq(),
  };
  a.put('thread', rec);
  ctx.faults.noteCreated(rec.id);
  for (const m of messages) createMessage(a, rec.id, m);
  return rec;
}

/** `image_url.url` must be a URL (`format: uri` in the description). */
export function checkMessages(messages: unknown[] | undefined, param: string): void {
  (messages ?? []).forEach((m, i) => {
    const content = (m as { content?: unknown }).content;
    if (!Array.isArray(content)) return;
    content.forEach((part, j) => {
      const p = part as { type?: string; image_url?: { url?: unknown } };
      if (p.type !== 'image_url') return;
      const where = `${param ? `${param}[${i}].` : ''}content[${j}].image_url.url`;
      let ok = false;
      try {
        ok = typeof p.image_url?.url === 'string' && Boolean(new URL(p.image_url.url).protocol);
      } catch {
        ok = false;
      }
      if (!ok) throw invalid(`Invalid '${where}': Expected a valid URL, but got a value that is not a URL.`, where, 'invalid_value');
    });
  });
}

export function getThread(ctx: Ctx, id: string): Rec {
  const rec = ctx.account.get('thread', id);
  if (!rec) throw notFound('thread', id);
  return rec;
}

export function getMessage(ctx: Ctx, threadId: string, id: string): Rec {
  getThread(ctx, threadId);
  const rec = ctx.account.get('message', id);
  if (!rec || rec.thread_id !== threadId) throw notFound('message', id);
  return rec;
}

/** Delete a thread with its messages, runs and run steps. */
export function deleteThread(ctx: Ctx, rec: Rec): void {
  const a = ctx.account;
  for (const id of [...(a.threadMessages.get(rec.id)?.all() ?? [])]) a.del('message', id);
  for (const runId of [...(a.threadRuns.get(rec.id)?.all() ?? [])]) {
    for (const stepId of [...(a.runSteps.get(runId)?.all() ?? [])]) a.del('step', stepId);
    a.del('run', runId);
  }
  a.del('thread', rec.id);
}
