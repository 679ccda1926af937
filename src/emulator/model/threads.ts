/**
 * Threads and their messages: message content as the API returns it, creating a thread (with its
 * messages and the `vector_stores` helper), a request's message (its file_search attachments go
 * into the thread's vector store, made on demand with the 7-day thread expiry), the checks the
 * description states in prose for message content and the files messages name, and deleting a
 * thread with its messages, runs and steps.
 */
import { ApiError, invalid, notFound } from '../errors.js';
import { PREFIX, newId } from '../ids.js';
import type { Account } from './account.js';
import type { Rec } from './records.js';
import type { Ctx } from './context.js';
import { normalizeToolResources } from './tools.js';
import { checkMetadata } from './limits.js';
import { THREAD_STORE_EXPIRY, attachFile, checkToolResourceRefs, createVectorStoreRecord, vectorStoresHelper } from './vector-stores.js';

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

/** The file ids of a message's attachments that name this tool. */
function attachedFor(m: Record<string, unknown>, tool: string): string[] {
  const atts = Array.isArray(m.attachments) ? (m.attachments as { file_id?: unknown; tools?: { type?: unknown }[] }[]) : [];
  return atts.filter((x) => typeof x.file_id === 'string' && (x.tools ?? []).some((t) => t?.type === tool)).map((x) => x.file_id as string);
}

/**
 * file_search attachments go into the thread's vector store: the one attached to the thread, or a
 * new one (no name, expiring 7 days after it was last active) that the thread then names.
 */
function attachToThreadStore(ctx: Ctx, threadId: string, fileIds: string[]): void {
  const a = ctx.account;
  const thread = a.get('thread', threadId);
  if (!thread || fileIds.length === 0) return;
  const tr = (thread.tool_resources ?? {}) as Record<string, unknown>;
  const current = ((tr.file_search as { vector_store_ids?: string[] } | undefined)?.vector_store_ids ?? []).find((id) => a.get('vs', id));
  if (current) {
    for (const id of new Set(fileIds)) attachFile(ctx, current, id, {});
    return;
  }
  const vs = createVectorStoreRecord(ctx, { file_ids: [...new Set(fileIds)], expires_after: THREAD_STORE_EXPIRY });
  a.put('thread', { ...thread, tool_resources: { ...tr, file_search: { vector_store_ids: [vs.id] } } });
}

/** A message a request adds (create message, a new thread's messages, additional_messages). */
export function addMessage(ctx: Ctx, threadId: string, m: Record<string, unknown>): Rec {
  const rec = createMessage(ctx.account, threadId, m);
  attachToThreadStore(ctx, threadId, attachedFor(m, 'file_search'));
  return rec;
}

/** Create a thread from a CreateThreadRequest body (already validated). */
export function createThread(ctx: Ctx, b: Record<string, unknown>, param = ''): Rec {
  const a = ctx.account;
  checkMetadata(b.metadata, param ? `${param}.metadata` : 'metadata');
  const messages = (b.messages as Record<string, unknown>[] | undefined) ?? [];
  messages.forEach((m, i) => checkMetadata(m.metadata, `${param ? `${param}.` : ''}messages[${i}].metadata`));
  checkToolResourceRefs(ctx, b.tool_resources, param ? `${param}.tool_resources` : 'tool_resources');
  const vsIds = vectorStoresHelper(ctx, b.tool_resources, param ? `${param}.tool_resources` : 'tool_resources', THREAD_STORE_EXPIRY);
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
  for (const m of messages) addMessage(ctx, rec.id, m);
  return a.get('thread', rec.id) ?? rec;
}

/** `image_url.url` must be a URL (`format: uri` in the description); attachments name uploaded files (404 otherwise). */
export function checkMessages(ctx: Ctx, messages: unknown[] | undefined, param: string): void {
  (messages ?? []).forEach((m, i) => {
    const atts = (m as { attachments?: unknown }).attachments;
    if (Array.isArray(atts)) {
      atts.forEach((att, j) => {
        const id = (att as { file_id?: unknown } | null)?.file_id;
        if (typeof id === 'string' && !ctx.account.get('file', id)) {
          throw new ApiError(404, `No file found with id '${id}'.`, 'invalid_request_error', `${param ? `${param}[${i}].` : ''}attachments[${j}].file_id`, null);
        }
      });
    }
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
