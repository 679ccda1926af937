/**
 * Vector stores and the files attached to them: records and views (file_counts, usage_bytes and status
 * derived from the account's counters, so they are right at every moment), attaching (`in_progress`
 * for `indexingDelayMs`, then `completed`, or `failed`: a file file_search cannot index
 * (model/indexing.ts), or the index-fail fault), the `vector_stores` create helper of tool_resources,
 * and search over the text of a store's completed files.
 */
import { ApiError, notFound } from '../errors.js';
import { PREFIX, newId } from '../ids.js';
import type { Rec } from './records.js';
import type { Ctx } from './context.js';
import { fileContent } from './files.js';
import { indexError, indexedText } from './indexing.js';
import { chunkText, matchesFilter, queryTerms, scoreText, type Attributes } from './search.js';
import { checkChunking, checkMetadata } from './limits.js';

const AUTO_CHUNKING = { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } };

function responseChunking(cs: unknown): Record<string, unknown> {
  const c = cs as { type?: string; static?: { max_chunk_size_tokens: number; chunk_overlap_tokens: number } } | undefined;
  if (c?.type === 'static' && c.static) {
    return { type: 'static', static: { max_chunk_size_tokens: c.static.max_chunk_size_tokens, chunk_overlap_tokens: c.static.chunk_overlap_tokens } };
  }
  return structuredClone(AUTO_CHUNKING);
}

export function vsView(ctx: Ctx, rec: Rec): Record<string, unknown> {
  const { counts, usage } = ctx.account.vsCounts(rec.id);
  const total = counts.in_progress + counts.completed + counts.failed + counts.cancelled;
  const expiresAt = rec.expires_at as number | null;
  const expired = typeof expiresAt === 'number' && expiresAt * 1000 <= Date.now();
  return {
    id: rec.id,
    object: 'vector_store',
    created_at: rec.created_at,
    name: rec.name,
    description: rec.description ?? null,
    usage_bytes: usage,
    file_counts: { ...counts, total },
    status: expired ? 'expired' : counts.in_progress > 0 ? 'in_progress' : 'completed',
    ...(rec.expires_after ? { expires_after: rec.expires_after } : {}),
    expires_at: expiresAt ?? null,
    last_active_at: rec.last_active_at ?? null,
    metadata: rec.metadata ?? {},
  };
}

export function vsfView(rec: Rec): Record<string, unknown> {
  return {
    id: rec.id,
    object: 'vector_store.file',
    usage_bytes: rec.status === 'completed' ? Number(rec._bytes ?? 0) : 0,
    created_at: rec.created_at,
    vector_store_id: rec.vector_store_id,
    status: rec.status,
    last_error: rec.last_error ?? null,
    chunking_strategy: rec.chunking_strategy,
    attributes: rec.attributes ?? {},
  };
}

export function getVs(ctx: Ctx, id: string): Rec {
  const rec = ctx.account.get('vs', id);
  if (!rec) throw notFound('vector store', id);
  return rec;
}

export function getVsf(ctx: Ctx, vsId: string, fileId: string): Rec {
  getVs(ctx, vsId);
  ctx.account.settleVs(vsId);
  const rec = ctx.account.get('vsf', `${vsId}/${fileId}`);
  if (!rec) throw new ApiError(404, `No file found with id '${fileId}' in vector store '${vsId}'.`, 'invalid_request_error', null, null);
  return rec;
}

/** Every id names an uploaded file (404 in the API's file wording otherwise). */
export function checkFileIds(ctx: Ctx, ids: string[]): void {
  for (const id of ids) {
    if (!ctx.account.get('file', id)) throw new ApiError(404, `No file found with id '${id}'.`, 'invalid_request_error', 'file_id', null);
  }
}

function expiry(expiresAfter: unknown, lastActive: number): number | null {
  const e = expiresAfter as { days?: number } | null | undefined;
  return e && typeof e.days === 'number' ? lastActive + e.days * 86400 : null;
}

export function createVectorStoreRecord(
  ctx: Ctx,
  b: { name?: unknown; description?: unknown; file_ids?: string[]; chunking_strategy?: unknown; metadata?: unknown; expires_after?: unknown },
): Rec {
  const a = ctx.account;
  const created = a.createdAt();
  const rec: Rec = {
    id: newId(PREFIX.vectorStore),
    object: 'vector_store',
    created_at: created,
    name: typeof b.name === 'string' ? b.name : '',
    ...(typeof b.description === 'string' ? { description: b.description } : {}),
    ...(b.expires_after ? { expires_after: b.expires_after } : {}),
    expires_at: expiry(b.expires_after, created),
    last_active_at: created,
    metadata: (b.metadata as Record<string, string> | null) ?? {},
    _seq: a.nextSeq(),
  };
  a.put('vs', rec);
  ctx.faults.noteCreated(rec.id);
  for (const fileId of b.file_ids ?? []) attachFile(ctx, rec.id, fileId, { chunking_strategy: b.chunking_strategy });
  return rec;
}

/** Modify: name, metadata, expires_after (the expiry is counted again from last_active_at). */
export function updateVectorStore(ctx: Ctx, rec: Rec, b: Record<string, unknown>): Rec {
  const next: Rec = { ...rec };
  if ('name' in b && b.name !== null) next.name = b.name;
  if ('metadata' in b) next.metadata = (b.metadata as Record<string, string> | null) ?? {};
  if ('expires_after' in b) {
    if (b.expires_after) next.expires_after = b.expires_after;
    else delete next.expires_after;
    next.expires_at = expiry(b.expires_after, Number(next.last_active_at ?? next.created_at));
  }
  ctx.account.put('vs', next);
  return next;
}

/** Delete a store with its attached files and its batches. */
export function deleteVectorStore(ctx: Ctx, rec: Rec): void {
  const a = ctx.account;
  const { files } = a.vsCounts(rec.id);
  for (const fileId of [...files.all()]) a.del('vsf', `${rec.id}/${fileId}`);
  for (const [id, b] of [...a.cols.batch]) if (b.vector_store_id === rec.id) a.del('batch', id);
  a.del('vs', rec.id);
}

export function attachFile(
  ctx: Ctx,
  vsId: string,
  fileId: string,
  opts: { chunking_strategy?: unknown; attributes?: unknown; batchId?: string },
): Rec {
  const a = ctx.account;
  const file = a.get('file', fileId);
  if (!file) throw new ApiError(404, `No file found with id '${fileId}'.`, 'invalid_request_error', 'file_id', null);
  a.settleVs(vsId);
  const existing = a.get('vsf', `${vsId}/${fileId}`);
  if (existing) {
    // Attaching again keeps the file and takes the new attributes / batch.
    const next: Rec = { ...existing };
    if (opts.attributes !== undefined) next.attributes = opts.attributes ?? {};
    if (opts.batchId) next._batch = opts.batchId;
    if (opts.batchId && existing._batch !== opts.batchId) {
      a.del('vsf', `${vsId}/${fileId}`);
      next._seq = a.nextSeq();
      a.put('vsf', next);
    } else a.replaceVsf(next);
    return next;
  }
  const rec: Rec = {
    id: fileId,
    object: 'vector_store.file',
    created_at: a.createdAt(),
    vector_store_id: vsId,
    status: 'in_progress',
    last_error: null,
    chunking_strategy: responseChunking(opts.chunking_strategy),
    attributes: (opts.attributes as Attributes) ?? {},
    _bytes: Number(file.bytes ?? 0),
    _ready_at: Date.now() + ctx.options.indexingDelayMs,
    ...(opts.batchId ? { _batch: opts.batchId } : {}),
    // indexing ends `failed` when its time comes: a file file_search cannot index, or the faults' index-fail
    ...attachFailure(ctx, file),
    _seq: a.nextSeq(),
  };
  a.put('vsf', rec);
  return rec;
}

function attachFailure(ctx: Ctx, file: Rec): { _fail?: { code: string; message: string } } {
  const unindexable = indexError(file, () => fileContent(ctx, file));
  // The fault is drawn for every attached file, so the draws do not depend on the files' types.
  const fault = ctx.faults.indexingFails();
  if (unindexable) return { _fail: { ...unindexable } };
  return fault ? { _fail: { code: 'server_error', message: 'The file could not be indexed. Please try again.' } } : {};
}

/** The text file_search holds for an attached file (empty unless it completed). */
export function vectorStoreFileText(ctx: Ctx, vsf: Rec): string {
  const file = ctx.account.get('file', vsf.id);
  if (!file || vsf.status !== 'completed') return '';
  return indexedText(ctx, file, () => fileContent(ctx, file));
}

export function removeVectorStoreFile(ctx: Ctx, vsId: string, fileId: string): void {
  ctx.account.del('vsf', `${vsId}/${fileId}`);
}

/** What a thread's own stores (its `vector_stores` helper, message attachments) expire after: 7 days idle (D17). */
export const THREAD_STORE_EXPIRY = { anchor: 'last_active_at', days: 7 } as const;

/**
 * The ids tool_resources name must exist: each vector store (404 `No vector store found with id …`)
 * and each code interpreter file (404 `No file found with id …`), param the field (D16).
 */
export function checkToolResourceRefs(ctx: Ctx, tr: unknown, param = 'tool_resources'): void {
  if (!tr || typeof tr !== 'object') return;
  const t = tr as { code_interpreter?: { file_ids?: unknown } | null; file_search?: { vector_store_ids?: unknown } | null };
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  for (const id of ids(t.file_search?.vector_store_ids)) {
    if (!ctx.account.get('vs', id)) throw notFound('vector store', id, `${param}.file_search.vector_store_ids`);
  }
  for (const id of ids(t.code_interpreter?.file_ids)) {
    if (!ctx.account.get('file', id)) throw new ApiError(404, `No file found with id '${id}'.`, 'invalid_request_error', `${param}.code_interpreter.file_ids`, null);
  }
}

/** A run searched the store: it was active now, and its expiry counts from now. */
export function touchStore(ctx: Ctx, vsId: string): void {
  const rec = ctx.account.get('vs', vsId);
  if (!rec) return;
  const now = ctx.account.createdAt();
  ctx.account.put('vs', { ...rec, last_active_at: now, expires_at: expiry(rec.expires_after, now) });
}

/**
 * The `tool_resources.file_search.vector_stores` helper: create the store, return its id. A
 * thread's helper stores get the thread default expiry (`expires_after`).
 */
export function vectorStoresHelper(ctx: Ctx, tr: unknown, param: string, expires_after?: unknown): string[] | undefined {
  const fs = (tr as { file_search?: { vector_stores?: { file_ids?: string[]; chunking_strategy?: unknown; metadata?: unknown }[] } } | null)
    ?.file_search;
  if (!fs?.vector_stores) return undefined;
  const ids: string[] = [];
  fs.vector_stores.forEach((spec, i) => {
    checkMetadata(spec.metadata, `${param}.file_search.vector_stores[${i}].metadata`);
    checkChunking(spec.chunking_strategy, `${param}.file_search.vector_stores[${i}].chunking_strategy`);
    checkFileIds(ctx, spec.file_ids ?? []);
  });
  for (const spec of fs.vector_stores) {
    const vs = createVectorStoreRecord(ctx, {
      file_ids: spec.file_ids ?? [],
      chunking_strategy: spec.chunking_strategy,
      metadata: spec.metadata,
      ...(expires_after ? { expires_after } : {}),
    });
    ids.push(vs.id);
  }
  return ids;
}

export interface SearchResult {
  file_id: string;
  filename: string;
  score: number;
  attributes: Attributes;
  content: { type: 'text'; text: string }[];
}

/** Search one store: results best first. */
export function searchStore(ctx: Ctx, vsId: string, query: string[], opts: { maxResults: number; threshold: number; filters?: unknown }): SearchResult[] {
  const a = ctx.account;
  const { files } = a.vsCounts(vsId);
  const q = query.flatMap((s) => queryTerms(s));
  const results: (SearchResult & { seq: number })[] = [];
  for (const fileId of files.all()) {
    const vsf = a.get('vsf', `${vsId}/${fileId}`);
    const file = a.get('file', fileId);
    if (!vsf || !file || vsf.status !== 'completed') continue;
    const attrs = (vsf.attributes as Attributes) ?? {};
    if (!matchesFilter(opts.filters, attrs)) continue;
    const cs = vsf.chunking_strategy as { static?: { max_chunk_size_tokens: number; chunk_overlap_tokens: number } };
    const text = indexedText(ctx, file, () => fileContent(ctx, file));
    for (const chunk of chunkText(text, cs.static?.max_chunk_size_tokens, cs.static?.chunk_overlap_tokens)) {
      const score = scoreText(q, chunk);
      if (score <= 0 || score < opts.threshold) continue;
      results.push({ file_id: fileId, filename: String(file.filename), score, attributes: attrs, content: [{ type: 'text', text: chunk }], seq: vsf._seq });
    }
  }
  results.sort((x, y) => y.score - x.score || x.seq - y.seq);
  return results.slice(0, opts.maxResults).map(({ seq: _seq, ...r }) => r);
}
