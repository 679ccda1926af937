/**
 * Phase 4 of an execution: wait until the attached files are indexed. A file whose indexing ends
 * `failed` (or `cancelled`) is detached and attached again (the retry path files-diff plans for a
 * failed file, taken at once), up to `indexAttempts` attachments in all; one that still fails is
 * reported with the API's last_error and stays attached as failed, so the next plan retries it.
 */
import { sleepFor } from '../targets/pace.js';
import type { FileAttach } from '../plan/types.js';
import { Skip, type Run } from './run.js';
import { attachBatch, type PendingBatch } from './store-files.js';

interface Retry {
  file: FileAttach;
  id: string;
  error: string | null;
}

type Status = { status: string; failed: number; in_progress: number };

class Indexing {
  private readonly total: number;
  private readonly maxAttempts: number;
  /** Attachments made so far, by store and file id (the first one counts). */
  private readonly attempts = new Map<string, number>();
  private interval: number;
  done = 0;

  constructor(
    private readonly run: Run,
    batches: readonly PendingBatch[],
  ) {
    this.total = batches.reduce((n, b) => n + b.files.length, 0);
    this.maxAttempts = Math.max(1, run.ctx.indexAttempts ?? 3);
    this.interval = run.ctx.pollIntervalMs ?? 100;
  }

  async wait(batches: readonly PendingBatch[]): Promise<number> {
    const { run } = this;
    const deadline = run.clock.now() + (run.ctx.indexTimeoutMs ?? 30 * 60_000);
    let pending = [...batches];
    while (pending.length > 0 && !run.aborted) {
      const still: PendingBatch[] = [];
      await Promise.all(pending.map((b) => this.poll(b, still)));
      pending = still;
      if (pending.length === 0) break;
      if (run.clock.now() > deadline) {
        run.emit({ type: 'note', message: `stopped waiting for indexing of ${pending.reduce((n, b) => n + b.files.length, 0)} files; they stay attached and finish on their own` });
        break;
      }
      try {
        await sleepFor(run.clock, this.interval, run.signal);
      } catch (error) {
        if (run.signal?.aborted && error === run.signal.reason) break;
        throw error;
      }
      this.interval = Math.min(this.interval * 1.5, 5000);
    }
    return this.done;
  }

  private async status(b: PendingBatch): Promise<Status> {
    const { run } = this;
    if (b.batchId) return run.call(`poll ${b.storeKey}`, () => run.account.batchStatus(b.storeId, b.batchId!), { justCreated: true });
    const files = await run.call(`list files of ${b.storeKey}`, () => run.account.storeFileStatus(b.storeId));
    const mine = new Set(b.fileIds);
    const relevant = files.filter((f) => mine.has(f.id));
    const inProgress = relevant.filter((f) => f.status === 'in_progress').length;
    const failedCount = relevant.filter((f) => f.status === 'failed' || f.status === 'cancelled').length;
    return { status: inProgress > 0 ? 'in_progress' : 'completed', failed: failedCount, in_progress: inProgress };
  }

  private async poll(b: PendingBatch, still: PendingBatch[]): Promise<void> {
    const { run } = this;
    try {
      const status = await this.status(b);
      if (status.status === 'in_progress') {
        still.push(b);
        return;
      }
      const retry = status.failed > 0 || status.status === 'failed' || status.status === 'cancelled' ? await this.settle(b) : this.allIndexed(b);
      if (retry.length > 0) await this.reattach(b, retry, still);
      run.emit({ type: 'progress', phase: 'index', done: this.done, total: this.total, item: `vector_store.${b.storeKey}` });
    } catch (error) {
      run.fail(`vector_store.${b.storeKey} indexing`, error);
    }
  }

  private allIndexed(b: PendingBatch): Retry[] {
    this.done += b.files.length;
    this.run.result.files.indexed += b.files.length;
    return [];
  }

  /** A batch with failures: each file indexed, failed for good, or to attach again. */
  private async settle(b: PendingBatch): Promise<Retry[]> {
    const { run } = this;
    const files = await run.call(`list files of ${b.storeKey}`, () => run.account.storeFileStatus(b.storeId));
    const byId = new Map(files.map((f) => [f.id, f]));
    const retry: Retry[] = [];
    b.fileIds.forEach((id, i) => {
      const f = byId.get(id);
      if (!f || (f.status !== 'failed' && f.status !== 'cancelled')) {
        this.done++;
        run.result.files.indexed++;
        return;
      }
      const made = this.attempts.get(`${b.storeId}/${id}`) ?? 1;
      if (made < this.maxAttempts && !run.aborted) {
        retry.push({ file: b.files[i]!, id, error: f.error });
        return;
      }
      this.done++;
      run.result.files.failed_indexing++;
      run.fail(
        `vector_store.${b.storeKey} ${b.files[i]!.path}`,
        new Skip(`indexing ${f.status}${f.error ? `: ${f.error}` : ''}${made > 1 ? ` (attached ${made} times, every one ${f.status})` : ''}; it stays attached, marked ${f.status}, and the next apply attaches it again`),
      );
    });
    return retry;
  }

  private async reattach(b: PendingBatch, retry: Retry[], still: PendingBatch[]): Promise<void> {
    const { run } = this;
    const address = `vector_store.${b.storeKey}`;
    const sent: Retry[] = [];
    await Promise.all(
      retry.map(async (r) => {
        try {
          await run.call(`detach ${r.file.path} from ${address} (indexing failed)`, () => run.account.detachFile(b.storeId, r.id), { bucket: run.budget.attachRequests(b.storeId), gone: () => undefined });
          sent.push(r);
        } catch (error) {
          run.fail(`${address} ${r.file.path}`, error);
        }
      }),
    );
    if (sent.length === 0) return;
    for (const r of sent) {
      const n = (this.attempts.get(`${b.storeId}/${r.id}`) ?? 1) + 1;
      this.attempts.set(`${b.storeId}/${r.id}`, n);
      run.emit({ type: 'note', message: `indexing of ${r.file.path} in ${address} failed${r.error ? ` (${r.error})` : ''}; attaching it again (attempt ${n} of ${this.maxAttempts})` });
    }
    try {
      const ids = sent.map((r) => r.id);
      const batch = await attachBatch(run, b.storeId, `attach ${sent.length} files to ${address} again`, sent.map((r) => r.file), ids, false);
      still.push({ storeKey: b.storeKey, storeId: b.storeId, batchId: batch.id || null, files: sent.map((r) => r.file), fileIds: ids });
      this.interval = run.ctx.pollIntervalMs ?? 100; // the new batch is polled from the start again
    } catch (error) {
      for (const r of sent) run.fail(`${address} ${r.file.path}`, error);
      this.done += sent.length;
    }
  }
}

/** Waits for the batches' files to be indexed; returns how many this run saw end (completed or failed). */
export function waitForIndexing(run: Run, batches: readonly PendingBatch[]): Promise<number> {
  return new Indexing(run, batches).wait(batches);
}
