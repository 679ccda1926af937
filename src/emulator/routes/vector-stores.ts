/**
 * /v1/vector_stores: stores, their files, file batches, search and file content. Each handler reads
 * and checks the request, calls model/vector-stores.ts or model/file-batches.ts, and shapes the answer.
 * Files attach `in_progress` and complete `indexingDelayMs` later; file_counts and usage_bytes follow.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '../errors.js';
import { bindRoutes, listQuery, param, statusFilter, validBody, type CtxHandler, type Router } from '../http.js';
import type { Rec } from '../model/records.js';
import type { Ctx } from '../model/context.js';
import { batchView, cancelBatch, createBatch, getBatch, type BatchItem } from '../model/file-batches.js';
import type { Attributes } from '../model/search.js';
import { checkChunking, checkMetadata } from '../model/limits.js';
import {
  attachFile,
  checkFileIds,
  createVectorStoreRecord,
  deleteVectorStore,
  getVs,
  getVsf,
  removeVectorStoreFile,
  searchStore,
  updateVectorStore,
  vectorStoreFileText,
  vsView,
  vsfView,
} from '../model/vector-stores.js';

/** Pollers (the SDK's createAndPoll / uploadAndPoll) follow this header, as with the API. */
function pollAfter(ctx: Ctx, reply: FastifyReply): void {
  reply.header('openai-poll-after-ms', String(Math.min(1000, Math.max(5, Math.ceil(ctx.options.indexingDelayMs / 2)))));
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

// ---- stores

const createStore: CtxHandler = (ctx, req) => {
  const b = validBody(req, 'CreateVectorStoreRequest');
  checkMetadata(b.metadata);
  checkChunking(b.chunking_strategy);
  const fileIds = (b.file_ids as string[] | undefined) ?? [];
  checkFileIds(ctx, fileIds);
  const rec = createVectorStoreRecord(ctx, b as Parameters<typeof createVectorStoreRecord>[1]);
  return vsView(ctx, rec);
};

const listStores: CtxHandler = (ctx, req) => {
  const a = ctx.account;
  return a.list(a.vsIndex, listQuery(req), (id) => {
    const rec = a.get('vs', id);
    return rec ? vsView(ctx, rec) : undefined;
  });
};

const modifyStore: CtxHandler = (ctx, req) => {
  const rec = getVs(ctx, param(req, 'vector_store_id'));
  const b = validBody(req, 'UpdateVectorStoreRequest');
  checkMetadata(b.metadata);
  return vsView(ctx, updateVectorStore(ctx, rec, b));
};

const deleteStore: CtxHandler = (ctx, req) => {
  const rec = getVs(ctx, param(req, 'vector_store_id'));
  deleteVectorStore(ctx, rec);
  return { id: rec.id, object: 'vector_store.deleted', deleted: true };
};

const search: CtxHandler = (ctx, req) => {
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
};

// ---- files in a store

const vsfOf = (ctx: Ctx, req: FastifyRequest): Rec => getVsf(ctx, param(req, 'vector_store_id'), param(req, 'file_id'));

/** A page of a store's (or a batch's) files, with the `filter` on status. */
function filePage(ctx: Ctx, req: FastifyRequest, vsId: string, index: Parameters<Ctx['account']['list']>[0]): unknown {
  const a = ctx.account;
  const q = listQuery(req);
  const filter = statusFilter(req);
  a.settleVs(vsId);
  return a.list(
    index,
    q,
    (id) => {
      const rec = a.vsf(vsId, id);
      return rec ? vsfView(rec) : undefined;
    },
    filter ? (id) => a.vsf(vsId, id)?.status === filter : undefined,
  );
}

const attach: CtxHandler = (ctx, req, reply) => {
  pollAfter(ctx, reply);
  const vs = getVs(ctx, param(req, 'vector_store_id'));
  const b = validBody(req, 'CreateVectorStoreFileRequest');
  checkChunking(b.chunking_strategy);
  checkFileIds(ctx, [String(b.file_id)]);
  ctx.limiter?.attach(vs.id, 1);
  const rec = attachFile(ctx, vs.id, String(b.file_id), { chunking_strategy: b.chunking_strategy, attributes: b.attributes });
  return vsfView(rec);
};

const listFiles: CtxHandler = (ctx, req) => {
  const vs = getVs(ctx, param(req, 'vector_store_id'));
  return filePage(ctx, req, vs.id, ctx.account.vsCounts(vs.id).files);
};

const updateAttributes: CtxHandler = (ctx, req) => {
  const rec = vsfOf(ctx, req);
  const b = validBody(req, 'UpdateVectorStoreFileAttributesRequest');
  const next: Rec = { ...rec, attributes: (b.attributes as Attributes) ?? {} };
  ctx.account.replaceVsf(next);
  return vsfView(next);
};

const detach: CtxHandler = (ctx, req) => {
  const rec = vsfOf(ctx, req);
  removeVectorStoreFile(ctx, String(rec.vector_store_id), rec.id);
  return { id: rec.id, object: 'vector_store.file.deleted', deleted: true };
};

const fileText: CtxHandler = (ctx, req) => {
  const text = vectorStoreFileText(ctx, vsfOf(ctx, req));
  return { object: 'vector_store.file_content.page', data: text ? [{ type: 'text', text }] : [], has_more: false, next_page: null };
};

// ---- file batches

const batchOf = (ctx: Ctx, req: FastifyRequest): Rec => getBatch(ctx, param(req, 'vector_store_id'), param(req, 'batch_id'));

const createFileBatch: CtxHandler = (ctx, req, reply) => {
  pollAfter(ctx, reply);
  const vs = getVs(ctx, param(req, 'vector_store_id'));
  const b = validBody(req, 'CreateVectorStoreFileBatchRequest');
  if (b.file_ids !== undefined && b.files !== undefined) {
    throw invalid("Invalid request: 'file_ids' and 'files' are mutually exclusive; provide only one.", 'files', 'invalid_value');
  }
  const items: BatchItem[] = b.files
    ? (b.files as BatchItem[])
    : (b.file_ids as string[]).map((id) => ({ file_id: id, attributes: b.attributes, chunking_strategy: b.chunking_strategy }));
  items.forEach((it, i) => checkChunking(it.chunking_strategy, b.files ? `files[${i}].chunking_strategy` : 'chunking_strategy'));
  checkFileIds(
    ctx,
    items.map((i) => i.file_id),
  );
  ctx.limiter?.attach(vs.id, items.length);
  return batchView(ctx, createBatch(ctx, vs.id, items));
};

const listBatchFiles: CtxHandler = (ctx, req) => {
  const rec = batchOf(ctx, req);
  return filePage(ctx, req, String(rec.vector_store_id), ctx.account.batchFiles.get(rec.id));
};

export function registerVectorStores(r: Router, ctx: Ctx): void {
  const on = bindRoutes(r, ctx);
  on('POST', '/v1/vector_stores', createStore);
  on('GET', '/v1/vector_stores', listStores);
  on('GET', '/v1/vector_stores/{vector_store_id}', (c, req) => vsView(c, getVs(c, param(req, 'vector_store_id'))));
  on('POST', '/v1/vector_stores/{vector_store_id}', modifyStore);
  on('DELETE', '/v1/vector_stores/{vector_store_id}', deleteStore);

  on('POST', '/v1/vector_stores/{vector_store_id}/files', attach);
  on('GET', '/v1/vector_stores/{vector_store_id}/files', listFiles);
  on('GET', '/v1/vector_stores/{vector_store_id}/files/{file_id}', (c, req, reply) => {
    pollAfter(c, reply);
    return vsfView(vsfOf(c, req));
  });
  on('POST', '/v1/vector_stores/{vector_store_id}/files/{file_id}', updateAttributes);
  on('DELETE', '/v1/vector_stores/{vector_store_id}/files/{file_id}', detach);
  on('GET', '/v1/vector_stores/{vector_store_id}/files/{file_id}/content', fileText);

  on('POST', '/v1/vector_stores/{vector_store_id}/file_batches', createFileBatch);
  on('GET', '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}', (c, req, reply) => {
    pollAfter(c, reply);
    return batchView(c, batchOf(c, req));
  });
  on('POST', '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel', (c, req) => batchView(c, cancelBatch(c, batchOf(c, req))));
  on('GET', '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/files', listBatchFiles);

  on('POST', '/v1/vector_stores/{vector_store_id}/search', search);
}
