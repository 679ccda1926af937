/**
 * Phase 3 of an execution: the files of each store. A file re-attached with other chunking or
 * after a failure leaves first (one id per store); then the attaches, in batches of up to
 * `batchSize` (the API takes 2,000); then the other detaches and the re-attributions.
 */
import { adds } from '../plan/impact.js';
import type { FileAttach, FileDetach, ResourceChange, VectorStoreFiles } from '../plan/types.js';
import { Skip, type Run } from './run.js';

/** A batch attached to one store, to poll until its files are indexed. */
export interface PendingBatch {
  storeKey: string;
  storeId: string;
  batchId: string | null;
  files: FileAttach[];
  fileIds: string[];
}

/**
 * Attaches files to a store in one batch; an answer lost is recovered by listing the store's
 * files (all there: the batch happened).
 */
export async function attachBatch(run: Run, storeId: string, what: string, files: readonly FileAttach[], ids: readonly string[], justCreated: boolean): Promise<{ id: string; status: string }> {
  const { account, budget } = run;
  return run.call(what, () => account.attachBatch(storeId, files.map((a, i) => ({ file_id: ids[i]!, attributes: a.attributes, chunking_strategy: a.chunking_strategy }))), {
    bucket: budget.attachRequests(storeId),
    extraBucket: budget.attachedFiles,
    tokens: files.length,
    justCreated,
    recover: async () => {
      const present = new Set((await account.storeFileStatus(storeId)).map((f) => f.id));
      return ids.every((id) => present.has(id)) ? { id: '', status: 'in_progress' } : undefined;
    },
  });
}

const fileWork = (f: VectorStoreFiles | undefined) => (f ? f.attach.length + f.detach.length + f.update_attributes.length : 0);

/** How many file changes the stores' changes hold (phase 3 has work when this is not 0). */
export function fileChanges(storeChanges: readonly ResourceChange[]): number {
  return storeChanges.reduce((n, c) => n + fileWork(c.files), 0);
}

/** Runs phase 3 over every store; returns the batches attached, to wait for. */
export async function writeStoreFiles(run: Run, storeChanges: readonly ResourceChange[], batchSize: number): Promise<PendingBatch[]> {
  const batches: PendingBatch[] = [];
  const attachTotal = storeChanges.reduce((n, c) => n + (c.files?.attach.length ?? 0), 0);
  run.emit({ type: 'phase', name: 'attach', total: attachTotal });
  await Promise.all(storeChanges.map((c) => writeFilesOf(run, c, { batchSize, attachTotal, batches })));
  return batches;
}

async function writeFilesOf(run: Run, c: ResourceChange, o: { batchSize: number; attachTotal: number; batches: PendingBatch[] }): Promise<void> {
  const files = c.files;
  if (!files) return;
  const storeId = run.storeIds.get(c.key);
  if (!storeId) {
    if (fileWork(files) > 0) run.fail(`${c.address} files`, new Skip(`skipped: ${c.address} was not created`));
    return;
  }
  const attachable = files.attach.filter((a) => {
    if (run.failedContent.has(a.sha256) || !run.fileIds.has(a.sha256)) {
      run.fail(`${c.address} ${a.path}`, new Skip(`not attached: the upload of ${a.path} failed`));
      return false;
    }
    return true;
  });
  const attachIds = new Set(attachable.map((a) => run.fileIds.get(a.sha256)!));
  const detach = (d: FileDetach) =>
    run
      .call(`detach ${d.path ?? d.file_id} from ${c.address}`, () => run.account.detachFile(storeId, d.file_id), { bucket: run.budget.attachRequests(storeId), gone: () => undefined })
      .then(() => {
        run.result.files.detached++;
      })
      .catch((error: unknown) => run.fail(`${c.address} ${d.path ?? d.file_id}`, error));
  await run.each(files.detach.filter((d) => attachIds.has(d.file_id)), detach);
  const chunks: FileAttach[][] = [];
  for (let i = 0; i < attachable.length; i += o.batchSize) chunks.push(attachable.slice(i, i + o.batchSize));
  await Promise.all(chunks.map((chunk) => attachChunk(run, c, storeId, chunk, o)));
  await run.each(files.detach.filter((d) => !attachIds.has(d.file_id)), detach);
  await run.each(files.update_attributes, (u) =>
    run
      .call(`update attributes of ${u.path} in ${c.address}`, () => run.account.updateFileAttributes(storeId, u.file_id, u.attributes), { bucket: run.budget.attachRequests(storeId) })
      .then(() => {
        run.result.files.reattributed++;
      })
      .catch((error: unknown) => run.fail(`${c.address} ${u.path}`, error)),
  );
}

async function attachChunk(run: Run, c: ResourceChange, storeId: string, chunk: FileAttach[], o: { attachTotal: number; batches: PendingBatch[] }): Promise<void> {
  const ids = chunk.map((a) => run.fileIds.get(a.sha256)!);
  let slot: () => void;
  try {
    slot = await run.budget.batches.acquire(run.signal);
  } catch (error) {
    run.fail(`${c.address} (${chunk.length} files)`, error);
    return;
  }
  try {
    const batch = await attachBatch(run, storeId, `attach ${chunk.length} files to ${c.address}`, chunk, ids, adds(c));
    run.result.files.attached += chunk.length;
    o.batches.push({ storeKey: c.key, storeId, batchId: batch.id || null, files: chunk, fileIds: ids });
    run.emit({ type: 'progress', phase: 'attach', done: run.result.files.attached, total: o.attachTotal, item: c.address });
  } catch (error) {
    run.fail(`${c.address} (${chunk.length} files)`, error);
  } finally {
    slot();
  }
}
