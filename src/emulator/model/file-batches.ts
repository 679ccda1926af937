/**
 * Vector store file batches: a batch attaches its files to the store (model/vector-stores.ts) and
 * takes its counts and status from them; cancelling stops the files still in progress.
 */
import { invalid, notFound } from '../errors.js';
import { PREFIX, newId } from '../ids.js';
import type { Rec } from './records.js';
import type { Ctx } from './context.js';
import { attachFile, getVs } from './vector-stores.js';

export interface BatchItem {
  file_id: string;
  attributes?: unknown;
  chunking_strategy?: unknown;
}

export function batchView(ctx: Ctx, rec: Rec): Record<string, unknown> {
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

export function getBatch(ctx: Ctx, vsId: string, id: string): Rec {
  getVs(ctx, vsId);
  const rec = ctx.account.get('batch', id);
  if (!rec || rec.vector_store_id !== vsId) throw notFound('file batch', id);
  return rec;
}

export function createBatch(ctx: Ctx, vsId: string, items: BatchItem[]): Rec {
  const a = ctx.account;
  const rec: Rec = {
    id: newId(PREFIX.batch),
    object: 'vector_store.files_batch',
    created_at: a.createdAt(),
    vector_store_id: vsId,
    status: 'in_progress',
    _seq: a.nextSeq(),
  };
  a.put('batch', rec);
  ctx.faults.noteCreated(rec.id);
  for (const it of items) attachFile(ctx, vsId, it.file_id, { attributes: it.attributes, chunking_strategy: it.chunking_strategy, batchId: rec.id });
  return rec;
}

/** Cancel: files still in progress end `cancelled`; a batch already done cannot be cancelled. */
export function cancelBatch(ctx: Ctx, rec: Rec): Rec {
  const a = ctx.account;
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
  return next;
}
