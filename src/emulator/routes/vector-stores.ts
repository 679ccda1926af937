/**
 * /v1/vector_stores: stores, their files, file batches, search and file content.
 * Files attach `in_progress` and complete `indexingDelayMs` later; file_counts and usage_bytes follow.
 */
import type { FastifyReply } from 'fastify';
import { ApiError, invalid, notFound } from '../errors.js';
import { listQuery, param, statusFilter, validBody, type Router } from '../http.js';
import { PREFIX, newId } from '../ids.js';
import { publicView, type Rec } from '../model/account.js';
import { chunkText, matchesFilter, queryTerms, scoreText, type Attributes } from '../model/search.js';
import { checkChunking, checkMetadata } from '../model/validation.js';
import type { Ctx } from '../model/context.js';
import { fileContent } from './files.js';

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

function getVs(ctx: Ctx, id: string): Rec {
  const rec = ctx.account.get('vs', id);
  if (!rec) throw notFound('vector store', id);
  return rec;
}

function getVsf(ctx: Ctx, vsId: string, fileId: string): Rec {
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
    // the faults' index-fail: indexing ends `failed` when its time comes
    ...(ctx.faults.indexingFails() ? { _fail: { code: 'server_error', message: 'The file could not be indexed. Please try again.' } } : {}),
    _seq: a.nextSeq(),
  };
  a.put('vsf', rec);
  return rec;
}

export function removeVectorStoreFile(ctx: Ctx, vsId: string, fileId: string): void {
  ctx.account.del('vsf', `${vsId}/${fileId}`);
}

function batchView(ctx: Ctx, rec: Rec): Record<string, unknown> {
  const a = ctx.account;
  const vsId = String(rec.vector_store_id);
  a.settleVs(vsId);
  const counts = { in_progress: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const fileId of a.batchFiles.get(rec.id)?.all() ?? []) {
    const f = a.get('vsf', `${vsId}/${fileId}`);
    if (f) counts[f.status as keyof typeof counts]++;
  }
  const total = counts.in_progress + counts.completed + counts.failed + counts.cancelled;
  const status = rec.status === 'cancelled' ? 'cancelled' : counts.in_progress > 0 ? 'in_progress' : counts.failed === total && total > 0 ? 'failed' : 'completed';
  return { id: rec.id, object: 'vector_store.files_batch', created_at: rec.created_at, vector_store_id: vsId, status, file_counts: { ...counts, total } };
}

/** Search one store: results best first. */
export function searchStore(
  ctx: Ctx,
  vsId: string,
  query: string[],
  opts: { maxResults: number; threshold: number; filters?: unknown },
): { file_id: string; filename: string; score: number; attributes: Attributes; content: { type: 'text'; text: string }[] }[] {
  const a = ctx.account;
  const { files } = a.vsCounts(vsId);
  const q = query.flatMap((s) => queryTerms(s));
  const results: { file_id: string; filename: string; score: number; attributes: Attributes; content: { type: 'text'; text: string }[]; seq: number }[] = [];
  for (const fileId of files.all()) {
    const vsf = a.get('vsf', `${vsId}/${fileId}`);
    const file = a.get('file', fileId);
    if (!vsf || !file || vsf.status !== 'completed') continue;
    const attrs = (vsf.attributes as Attributes) ?? {};
    if (!matchesFilter(opts.filters, attrs)) continue;
    const cs = vsf.chunking_strategy as { static?: { max_chunk_size_tokens: number; chunk_overlap_tokens: number } };
    const text = fileContent(ctx, file).toString('utf8');
    for (const chunk of chunkText(text, cs.static?.max_chunk_size_tokens, cs.static?.chunk_overlap_tokens)) {
      const score = scoreText(q, chunk);
      if (score <= 0 || score < opts.threshold) continue;
      results.push({ file_id: fileId, filename: String(file.filename), score, attributes: attrs, content: [{ type: 'text', text: chunk }], seq: vsf._seq });
    }
  }
  results.sort((x, y) => y.score - x.score || x.seq - y.seq);
  return results.slice(0, opts.maxResults).map(({ seq: _seq, ...r }) => r);
}

/** `in` / `nin` compare against a list; the other comparisons against one value. */
function checkFilter(f: unknown, param: string): void {
  if (!f || typeof f !== 'object') return;
  const x = f as { type?: string; value?: unknown; filters?: unknown[] };
  if (x.type === 'and' || x.type === 'or') {
    (x.filters ?? []).forEach((sub, i) => checkFilter(sub, `${param}.filters[${i}]`));
    return;
  }
  const list = x.type === 'in' || x.type === 'nin';
  if (list !== Array.isArray(x.value)) {
    throw invalid(
      `Invalid type for '${param}.value': expected ${list ? 'an array' : 'a string, number or boolean'} for comparison type '${String(x.type)}'.`,
      `${param}.value`,
      'invalid_type',
    );
  }
}

export function registerVectorStores(r: Router, ctx: Ctx): void {
  const a = ctx.account;
  // Pollers (the SDK's createAndPoll / uploadAndPoll) follow this header, as with the API.
  const pollAfter = (reply: FastifyReply) => reply.header('openai-poll-after-ms', String(Math.min(1000, Math.max(5, Math.ceil(ctx.options.indexingDelayMs / 2)))));

  r.route('POST', '/v1/vector_stores', (req) => {
    const b = validBody(req, 'CreateVectorStoreRequest');
    checkMetadata(b.metadata);
    checkChunking(b.chunking_strategy);
    const fileIds = (b.file_ids as string[] | undefined) ?? [];
    checkFileIds(ctx, fileIds);
    const rec = createVectorStoreRecord(ctx, b as Parameters<typeof createVectorStoreRecord>[1]);
    return vsView(ctx, rec);
  });

  r.route('GET', '/v1/vector_stores', (req) =>
    a.list(a.vsIndex, listQuery(req), (id) => {
      const rec = a.get('vs', id);
      return rec ? vsView(ctx, rec) : undefined;
    }),
  );

  r.route('GET', '/v1/vector_stores/{vector_store_id}', (req) => vsView(ctx, getVs(ctx, param(req, 'vector_store_id'))));

  r.route('POST', '/v1/vector_stores/{vector_store_id}', (req) => {
    const rec = getVs(ctx, param(req, 'vector_store_id'));
    const b = validBody(req, 'UpdateVectorStoreRequest');
    checkMetadata(b.metadata);
    const next: Rec = { ...rec };
    if ('name' in b && b.name !== null) next.name = b.name;
    if ('metadata' in b) next.metadata = (b.metadata as Record<string, string> | null) ?? {};
    if ('expires_after' in b) {
      if (b.expires_after) next.expires_after = b.expires_after;
      else delete next.expires_after;
      next.expires_at = expiry(b.expires_after, Number(next.last_active_at ?? next.created_at));
    }
    a.put('vs', next);
    return vsView(ctx, next);
  });

  r.route('DELETE', '/v1/vector_stores/{vector_store_id}', (req) => {
    const rec = getVs(ctx, param(req, 'vector_store_id'));
    const { files } = a.vsCounts(rec.id);
    for (const fileId of [...files.all()]) a.del('vsf', `${rec.id}/${fileId}`);
    for (const [id, b] of [...a.cols.batch]) if (b.vector_store_id === rec.id) a.del('batch', id);
    a.del('vs', rec.id);
    return { id: rec.id, object: 'vector_store.deleted', deleted: true };
  });

  // ---- files in a store
  r.route('POST', '/v1/vector_stores/{vector_store_id}/files', (req, reply) => {
    pollAfter(reply);
    const vs = getVs(ctx, param(req, 'vector_store_id'));
    const b = validBody(req, 'CreateVectorStoreFileRequest');
    checkChunking(b.chunking_strategy);
    checkFileIds(ctx, [String(b.file_id)]);
    ctx.limiter?.attach(vs.id, 1);
    const rec = attachFile(ctx, vs.id, String(b.file_id), { chunking_strategy: b.chunking_strategy, attributes: b.attributes });
    return vsfView(rec);
  });

  r.route('GET', '/v1/vector_stores/{vector_store_id}/files', (req) => {
    const vs = getVs(ctx, param(req, 'vector_store_id'));
    const q = listQuery(req);
    const filter = statusFilter(req);
    const { files } = a.vsCounts(vs.id);
    return a.list(
      files,
      q,
      (id) => {
        const rec = a.get('vsf', `${vs.id}/${id}`);
        return rec ? vsfView(rec) : undefined;
      },
      filter ? (id) => a.get('vsf', `${vs.id}/${id}`)?.status === filter : undefined,
    );
  });

  r.route('GET', '/v1/vector_stores/{vector_store_id}/files/{file_id}', (req, reply) => {
    pollAfter(reply);
    return vsfView(getVsf(ctx, param(req, 'vector_store_id'), param(req, 'file_id')));
  });

  r.route('POST', '/v1/vector_stores/{vector_store_id}/files/{file_id}', (req) => {
    const rec = getVsf(ctx, param(req, 'vector_store_id'), param(req, 'file_id'));
    const b = validBody(req, 'UpdateVectorStoreFileAttributesRequest');
    const next: Rec = { ...rec, attributes: (b.attributes as Attributes) ?? {} };
    a.replaceVsf(next);
    return vsfView(next);
  });

  r.route('DELETE', '/v1/vector_stores/{vector_store_id}/files/{file_id}', (req) => {
    const rec = getVsf(ctx, param(req, 'vector_store_id'), param(req, 'file_id'));
    removeVectorStoreFile(ctx, String(rec.vector_store_id), rec.id);
    return { id: rec.id, object: 'vector_store.file.deleted', deleted: true };
  });

  r.route('GET', '/v1/vector_stores/{vector_store_id}/files/{file_id}/content', (req) => {
    const rec = getVsf(ctx, param(req, 'vector_store_id'), param(req, 'file_id'));
    const file = a.get('file', rec.id);
    const text = file ? fileContent(ctx, file).toString('utf8') : '';
    return { object: 'vector_store.file_content.page', data: text ? [{ type: 'text', text }] : [], has_more: false, next_page: null };
  });

  // ---- file batches
  r.route('POST', '/v1/vector_stores/{vector_store_id}/file_batches', (req, reply) => {
    pollAfter(reply);
    const vs = getVs(ctx, param(req, 'vector_store_id'));
    const b = validBody(req, 'CreateVectorStoreFileBatchRequest');
    if (b.file_ids !== undefined && b.files !== undefined) {
      throw invalid("Invalid request: 'file_ids' and 'files' are mutually exclusive; provide only one.", 'files', 'invalid_value');
    }
    type Item = { file_id: string; attributes?: unknown; chunking_strategy?: unknown };
    const items: Item[] = b.files
      ? (b.files as Item[])
      : (b.file_ids as string[]).map((id) => ({ file_id: id, attributes: b.attributes, chunking_strategy: b.chunking_strategy }));
    items.forEach((it, i) => checkChunking(it.chunking_strategy, b.files ? `files[${i}].chunking_strategy` : 'chunking_strategy'));
    checkFileIds(
      ctx,
      items.map((i) => i.file_id),
    );
    ctx.limiter?.attach(vs.id, items.length);
    const rec: Rec = {
      id: newId(PREFIX.batch),
      object: 'vector_store.files_batch',
      created_at: a.createdAt(),
      vector_store_id: vs.id,
      status: 'in_progress',
      _seq: a.nextSeq(),
    };
    a.put('batch', rec);
    ctx.faults.noteCreated(rec.id);
    for (const it of items) attachFile(ctx, vs.id, it.file_id, { attributes: it.attributes, chunking_strategy: it.chunking_strategy, batchId: rec.id });
    return batchView(ctx, rec);
  });

  const getBatch = (vsId: string, id: string): Rec => {
    getVs(ctx, vsId);
    const rec = a.get('batch', id);
    if (!rec || rec.vector_store_id !== vsId) throw notFound('file batch', id);
    return rec;
  };

  r.route('GET', '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}', (req, reply) => {
    pollAfter(reply);
    return batchView(ctx, getBatch(param(req, 'vector_store_id'), param(req, 'batch_id')));
  });

  r.route('POST', '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel', (req) => {
    const rec = getBatch(param(req, 'vector_store_id'), param(req, 'batch_id'));
    const vsId = String(rec.vector_store_id);
    a.settleVs(vsId);
    const view = batchView(ctx, rec);
    if (view.status === 'completed' || view.status === 'failed') {
      throw invalid(`Cannot cancel a file batch with status '${String(view.status)}'.`, null, null);
    }
    for (const fileId of [...(a.batchFiles.get(rec.id)?.all() ?? [])]) {
      const f = a.get('vsf', `${vsId}/${fileId}`);
      if (f && f.status === 'in_progress') a.setVsfStatus(f, 'cancelled');
    }
    const next: Rec = { ...rec, status: 'cancelled' };
    a.put('batch', next);
    return batchView(ctx, next);
  });

  r.route('GET', '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/files', (req) => {
    const rec = getBatch(param(req, 'vector_store_id'), param(req, 'batch_id'));
    const vsId = String(rec.vector_store_id);
    const q = listQuery(req);
    const filter = statusFilter(req);
    a.settleVs(vsId);
    return a.list(
      a.batchFiles.get(rec.id),
      q,
      (id) => {
        const f = a.get('vsf', `${vsId}/${id}`);
        return f ? vsfView(f) : undefined;
      },
      filter ? (id) => a.get('vsf', `${vsId}/${id}`)?.status === filter : undefined,
    );
  });

  // ---- search
  r.route('POST', '/v1/vector_stores/{vector_store_id}/search', (req) => {
    const vs = getVs(ctx, param(req, 'vector_store_id'));
    const b = validBody(req, 'VectorStoreSearchRequest');
    checkFilter(b.filters, 'filters');
    const query = Array.isArray(b.query) ? (b.query as string[]) : [String(b.query)];
    const ro = (b.ranking_options as { score_threshold?: number } | undefined) ?? {};
    const data = searchStore(ctx, vs.id, query, {
      maxResults: Number(b.max_num_results ?? 10),
      threshold: ro.score_threshold ?? 0,
      filters: b.filters,
    });
    return { object: 'vector_store.search_results.page', search_query: query, data, has_more: false, next_page: null };
  });
}

export { publicView };
