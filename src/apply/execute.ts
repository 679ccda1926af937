/**
 * Executes a Plan, exactly its changes, in dependency order: upload files, create and update
 * vector stores, attach / detach / re-attribute files, wait for indexing, create and update
 * assistants, then prune (assistants, vector stores, files). Independent work runs concurrently
 * under one budget; a failure stops only what depends on it, and the run ends with the list.
 *
 * Stopping: once `signal` aborts, no new request starts (queued work, pacing waits, retries and
 * polling end at once), the requests in flight finish, and the run returns what it did and, in
 * `stopped`, what it did not. Every step is idempotent, so the next run finishes the job.
 */
import path from 'node:path';
import type { Account } from '../targets/write.js';
import { ContentChanged } from '../targets/write.js';
import { errorText, isNotFound } from '../targets/errors.js';
import { assistantMetadata, assistantRequest, isRef, vectorStoreMetadata } from '../kinds/index.js';
import type { AssistantBody, FileAttach, Plan, Ref, ResourceChange, VectorStoreBody } from '../plan/types.js';
import type { ApplyEvent, ApplyResult, NotDone } from './events.js';
import type { Budget, Clock, TokenBucket } from '../targets/pace.js';
import { realClock, sleepFor } from '../targets/pace.js';
import { DEFAULT_RETRY, withRetry } from '../targets/retry.js';
import type { RetryPolicy } from '../targets/retry.js';
import { adds, impactOf, removes } from '../plan/impact.js';

export interface ApplyContext {
  plan: Plan;
  account: Account;
  budget: Budget;
  /** Absolute manifest root: where the plan's file paths start. */
  root: string;
  onEvent?: (event: ApplyEvent) => void;
  policy?: RetryPolicy;
  clock?: Clock;
  /** Largest file batch (the API takes 2,000). */
  batchSize?: number;
  pollIntervalMs?: number;
  /** Give up waiting for indexing after this long (the files stay attached; the next plan sees them). */
  indexTimeoutMs?: number;
  /** Aborted: start nothing new, let the requests in flight finish, return (see `ApplyResult.stopped`). */
  signal?: AbortSignal;
  /**
   * Awaited before each phase that writes after the uploads (vector stores, files, assistants,
   * prune): apply renews its lease there, and a lease found lost aborts `signal`, so the run stops
   * at that phase instead of at the next heartbeat.
   */
  checkpoint?: () => Promise<unknown>;
  /** How many times a file whose indexing ends `failed` is attached in all (default 3). */
  indexAttempts?: number;
}

class Skip extends Error {}

/**
 * Runs `fn` over a list with at most `limit` in flight: a list of 100,000 uploads is walked by a
 * few workers, never turned into 100,000 pending promises at once.
 */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Pending batch of one store, to poll. */
interface PendingBatch {
  storeKey: string;
  storeId: string;
  batchId: string | null;
  files: FileAttach[];
  fileIds: string[];
}

export async function executePlan(ctx: ApplyContext): Promise<ApplyResult> {
  const { plan, account, budget } = ctx;
  const clock = ctx.clock ?? realClock;
  const emit = ctx.onEvent ?? (() => {});
  const signal = ctx.signal;
  const each = <T>(items: readonly T[], fn: (item: T) => Promise<unknown>) => forEachLimit(items, budget.inFlight.limit, fn, signal);
  const policy = { ...(ctx.policy ?? DEFAULT_RETRY), clock };
  // a create whose answer was lost may still have happened: it is found by its tags, created after
  // this run started, and not one of the resources the plan already knew
  const startedAt = Math.floor(clock.now() / 1000) - 1;
  const known = new Set(plan.resource_changes.map((c) => c.id).filter((id): id is string => id !== null));
  const result: ApplyResult = {
    failures: [],
    created: 0,
    updated: 0,
    deleted: 0,
    files: { uploaded: 0, attached: 0, detached: 0, reattributed: 0, deleted: 0, indexed: 0, failed_indexing: 0 },
  };
  const failed = new Set<string>();
  /** What the run did, by address and action (`vector_store.docs create`), for the report of a stopped run. */
  const did = new Set<string>();
  const stoppedBy = (error: unknown) => signal?.aborted === true && error === signal.reason;
  const fail = (address: string, error: unknown) => {
    // a step the stop kept from starting (or cut off) is not a failure: it is left for the next run
    if (stoppedBy(error)) return;
    failed.add(address);
    const message = error instanceof Skip ? error.message : errorText(error);
    result.failures.push({ address, message });
    emit({ type: 'fail', address, message });
  };

  /** One API call under the shared budget, retried on transient failures. */
  const call = <T>(
    what: string,
    op: () => Promise<T>,
    opts: { bucket?: TokenBucket; tokens?: number; extraBucket?: TokenBucket; justCreated?: boolean; recover?: () => Promise<T | undefined>; gone?: () => T } = {},
  ): Promise<T> =>
    withRetry(
      async () => {
        if (opts.bucket) await opts.bucket.take(1, signal);
        if (opts.extraBucket) await opts.extraBucket.take(opts.tokens ?? 1, signal);
        const release = await budget.inFlight.acquire(signal);
        signal?.throwIfAborted();
        try {
          return await op();
        } catch (error) {
          if (opts.gone && isNotFound(error)) return opts.gone();
          throw error;
        } finally {
          release();
        }
      },
      {
        justCreated: opts.justCreated ?? false,
        policy,
        ...(signal ? { signal } : {}),
        hooks: {
          onRetry: ({ attempt, waitMs, failure }) => emit({ type: 'retry', what, attempt, waitMs, reason: failure.retry ? failure.kind : 'error' }),
          onRateLimited: (ms) => {
            opts.bucket?.pause(ms);
            opts.extraBucket?.pause(ms);
          },
          ...(opts.recover ? { recover: opts.recover } : {}),
        },
      },
    );

  // --- 1. uploads ---
  const fileIds = new Map<string, string>(Object.entries(plan.existing_files));
  const failedContent = new Set<string>();
  emit({ type: 'phase', name: 'upload', total: plan.uploads.length });
  let uploaded = 0;
  await each(
    plan.uploads,
    async (u) => {
      try {
        const abs = path.join(ctx.root, ...u.path.split('/'));
        // the bytes sent are hashed as they are read: content that changed since the plan hashed
        // it is refused before anything is sent (its name and attributes carry the planned hash)
        const { id } = await call(`upload ${u.path}`, () => account.uploadFile(abs, u.filename, u.sha256), {
          bucket: budget.uploads,
          recover: () => account.findUpload(u.filename, u.size),
        });
        fileIds.set(u.sha256, id);
        result.files.uploaded++;
        emit({ type: 'progress', phase: 'upload', done: ++uploaded, total: plan.uploads.length, item: u.path });
      } catch (error) {
        failedContent.add(u.sha256);
        if (error instanceof ContentChanged) {
          fail(
            `file ${u.path}`,
            new Skip(
              `${u.path} changed after the plan hashed it (planned sha256 ${error.planned.slice(0, 16)}…, the bytes read for the upload have ${error.read.slice(0, 16)}…): nothing of it was uploaded; run plan again`,
            ),
          );
        } else fail(`file ${u.path}`, error);
      }
    },
  );

  const stop = () => {
    result.stopped = notDone(plan, result, did, indexing);
    return result;
  };
  /** Attached files whose indexing this run saw end (completed or failed). */
  const indexing = { seen: 0 };
  /** Before a phase with writes to do: the caller's checkpoint (the lease), then the signal. */
  const stopsBefore = async (work: number) => {
    if (work > 0 && !signal?.aborted) await ctx.checkpoint?.();
    return signal?.aborted === true;
  };

  // --- 2. vector stores ---
  const storeChanges = plan.resource_changes.filter((c) => c.type === 'vector_store' && (adds(c) || impactOf(c) === 'update'));
  const storeIds = new Map<string, string>();
  for (const c of plan.resource_changes) if (c.type === 'vector_store' && c.id && impactOf(c) === 'update') storeIds.set(c.key, c.id);
  if (await stopsBefore(storeChanges.filter((c) => adds(c) || c.field_changes.length > 0).length)) return stop();
  emit({ type: 'phase', name: 'vector_stores', total: storeChanges.length });
  await Promise.all(
    storeChanges.map(async (c) => {
      const body = c.body as VectorStoreBody;
      const metadata = vectorStoreMetadata(plan.deployment, c.key, body, c.protect);
      try {
        if (adds(c)) {
          const { id } = await call(`create ${c.address}`, () => account.createVectorStore({ ...body, metadata }), {
            recover: () => account.findVectorStore(plan.deployment, c.key, startedAt, known),
          });
          storeIds.set(c.key, id);
          result.created++;
          did.add(`${c.address} create`);
          emit({ type: 'done', address: c.address, action: 'create', id });
        } else if (c.field_changes.length > 0) {
          await call(`update ${c.address}`, () => account.updateVectorStore(c.id!, { name: body.name, expires_after: body.expires_after, metadata }));
          result.updated++;
          did.add(`${c.address} update`);
          emit({ type: 'done', address: c.address, action: 'update', id: c.id! });
        } else {
          result.updated++;
          did.add(`${c.address} update`);
        }
      } catch (error) {
        fail(c.address, error);
      }
    }),
  );

  // --- 3. files of each store ---
  const batches: PendingBatch[] = [];
  const attachTotal = storeChanges.reduce((n, c) => n + (c.files?.attach.length ?? 0), 0);
  if (await stopsBefore(storeChanges.reduce((n, c) => n + (c.files ? c.files.attach.length + c.files.detach.length + c.files.update_attributes.length : 0), 0))) return stop();
  emit({ type: 'phase', name: 'attach', total: attachTotal });
  await Promise.all(
    storeChanges.map(async (c) => {
      const files = c.files;
      if (!files) return;
      const storeId = storeIds.get(c.key);
      if (!storeId) {
        if (files.attach.length + files.detach.length + files.update_attributes.length > 0) {
          fail(`${c.address} files`, new Skip(`skipped: ${c.address} was not created`));
        }
        return;
      }
      const attachable = files.attach.filter((a) => {
        if (failedContent.has(a.sha256) || !fileIds.has(a.sha256)) {
          fail(`${c.address} ${a.path}`, new Skip(`not attached: the upload of ${a.path} failed`));
          return false;
        }
        return true;
      });
      const attachIds = new Set(attachable.map((a) => fileIds.get(a.sha256)!));
      const detach = (fileId: string, p: string | null) =>
        call(`detach ${p ?? fileId} from ${c.address}`, () => account.detachFile(storeId, fileId), {
          bucket: budget.attachRequests(storeId),
          gone: () => undefined,
        })
          .then(() => {
            result.files.detached++;
          })
          .catch((error: unknown) => fail(`${c.address} ${p ?? fileId}`, error));
      // a file re-attached with other chunking or after a failure must leave first (one id per store)
      const first = files.detach.filter((d) => attachIds.has(d.file_id));
      const later = files.detach.filter((d) => !attachIds.has(d.file_id));
      await each(first, (d) => detach(d.file_id, d.path));
      const size = ctx.batchSize ?? 2000;
      const chunks: FileAttach[][] = [];
      for (let i = 0; i < attachable.length; i += size) chunks.push(attachable.slice(i, i + size));
      await Promise.all(
        chunks.map(async (chunk) => {
          const ids = chunk.map((a) => fileIds.get(a.sha256)!);
          let slot: () => void;
          try {
            slot = await budget.batches.acquire(signal);
          } catch (error) {
            fail(`${c.address} (${chunk.length} files)`, error);
            return;
          }
          try {
            const batch = await call(
              `attach ${chunk.length} files to ${c.address}`,
              () =>
                account.attachBatch(
                  storeId,
                  chunk.map((a, i) => ({ file_id: ids[i]!, attributes: a.attributes, chunking_strategy: a.chunking_strategy })),
                ),
              {
                bucket: budget.attachRequests(storeId),
                extraBucket: budget.attachedFiles,
                tokens: chunk.length,
                justCreated: adds(c),
                recover: async () => {
                  const present = new Set((await account.storeFileStatus(storeId)).map((f) => f.id));
                  return ids.every((id) => present.has(id)) ? { id: '', status: 'in_progress' } : undefined;
                },
              },
            );
            result.files.attached += chunk.length;
            batches.push({ storeKey: c.key, storeId, batchId: batch.id || null, files: chunk, fileIds: ids });
            emit({ type: 'progress', phase: 'attach', done: result.files.attached, total: attachTotal, item: c.address });
          } catch (error) {
            fail(`${c.address} (${chunk.length} files)`, error);
          } finally {
            slot();
          }
        }),
      );
      await each(later, (d) => detach(d.file_id, d.path));
      await each(files.update_attributes, (u) =>
        call(`update attributes of ${u.path} in ${c.address}`, () => account.updateFileAttributes(storeId, u.file_id, u.attributes), {
          bucket: budget.attachRequests(storeId),
        })
          .then(() => {
            result.files.reattributed++;
          })
          .catch((error: unknown) => fail(`${c.address} ${u.path}`, error)),
      );
    }),
  );

  if (signal?.aborted) return stop();

  // --- 4. wait for indexing ---
  const toIndex = batches.reduce((n, b) => n + b.files.length, 0);
  emit({ type: 'phase', name: 'index', total: toIndex });
  if (toIndex > 0) indexing.seen = await waitForIndexing(batches, ctx, call, clock, emit, result, fail);
  if (signal?.aborted) return stop();

  // --- 5. assistants ---
  const assistantChanges = plan.resource_changes.filter((c) => c.type === 'assistant' && !removes(c));
  if (await stopsBefore(assistantChanges.length)) return stop();
  emit({ type: 'phase', name: 'assistants', total: assistantChanges.length });
  await each(
    assistantChanges,
    async (c) => {
      try {
        const body = resolveAssistant(c, storeIds, fileIds, failed);
        const metadata = assistantMetadata(plan.deployment, c.key, body, c.protect);
        if (impactOf(c) === 'create') {
          const { id } = await call(`create ${c.address}`, () => account.createAssistant(assistantRequest(body, metadata, null)), {
            recover: () => account.findAssistant(plan.deployment, c.key, startedAt, known),
          });
          result.created++;
          did.add(`${c.address} create`);
          emit({ type: 'done', address: c.address, action: 'create', id });
        } else {
          const fields = new Set(c.field_changes.map((f) => f.field));
          await call(`update ${c.address}`, () => account.updateAssistant(c.id!, assistantRequest(body, metadata, fields)));
          result.updated++;
          did.add(`${c.address} update`);
          emit({ type: 'done', address: c.address, action: 'update', id: c.id! });
        }
      } catch (error) {
        fail(c.address, error);
      }
    },
  );

  // --- 6. prune ---
  const deletions = plan.resource_changes.filter((c) => removes(c));
  if (await stopsBefore(deletions.length + plan.file_deletions.length)) return stop();
  emit({ type: 'phase', name: 'prune', total: deletions.length + plan.file_deletions.length });
  const deleteOne = async (c: ResourceChange) => {
    const replaced = impactOf(c) === 'replace';
    if (replaced) {
      // the old store goes only once its replacement exists and every assistant moved to it
      const blockers = [...failed].filter((a) => a === c.address || a.startsWith(`${c.address} `) || a.startsWith('assistant.'));
      if (blockers.length > 0) {
        fail(`${c.address} (old ${c.id})`, new Skip('kept the old store: its replacement or an assistant update failed'));
        return;
      }
    }
    try {
      if (c.type === 'assistant') await call(`delete ${c.address}`, () => account.deleteAssistant(c.id!), { gone: () => undefined });
      else await call(`delete ${c.address}`, () => account.deleteVectorStore(c.id!), { gone: () => undefined });
      result.deleted++;
      did.add(`${c.address} delete`);
      emit({ type: 'done', address: c.address, action: 'delete', id: c.id! });
    } catch (error) {
      fail(c.address, error);
    }
  };
  await each(deletions.filter((c) => c.type === 'assistant'), deleteOne);
  await each(deletions.filter((c) => c.type === 'vector_store'), deleteOne);
  if (plan.file_deletions.length > 0) {
    if (result.failures.length > 0) {
      emit({ type: 'note', message: `left ${plan.file_deletions.length} unused files in place because something failed; the next run of the same command removes them` });
    } else {
      await each(plan.file_deletions, (d) =>
        call(`delete file ${d.filename}`, () => account.deleteFile(d.file_id), { gone: () => undefined })
          .then(() => {
            result.files.deleted++;
          })
          .catch((error: unknown) => fail(`file ${d.filename}`, error)),
      );
    }
  }
  if (signal?.aborted) {
    const left = notDone(plan, result, did, indexing);
    if (left.add.length + left.change.length + left.destroy.length + Object.values(left.files).reduce((a, b) => a + b, 0) > 0) result.stopped = left;
  }
  return result;
}

/** What a stopped run left undone: the plan's changes less what was done (failures included). */
function notDone(plan: Plan, result: ApplyResult, did: Set<string>, indexing: { seen: number }): NotDone {
  const has: Record<'create' | 'update' | 'delete', (c: ResourceChange) => boolean> = { create: adds, update: (c) => impactOf(c) === 'update', delete: removes };
  const left = (action: 'create' | 'update' | 'delete') =>
    plan.resource_changes
      .filter(has[action])
      .filter((c) => !did.has(`${c.address} ${action}`))
      .map((c) => c.address);
  const f = plan.summary.files;
  const r = result.files;
  return {
    add: left('create'),
    change: left('update'),
    destroy: left('delete'),
    files: {
      upload: Math.max(0, f.upload - r.uploaded),
      attach: Math.max(0, f.attach - r.attached),
      update_attributes: Math.max(0, f.update_attributes - r.reattributed),
      detach: Math.max(0, f.detach - r.detached),
      delete: Math.max(0, f.delete - r.deleted),
      // attached, but the run did not wait to see them indexed (indexing goes on without it)
      index: Math.max(0, r.attached - indexing.seen),
    },
  };
}

type Call = <T>(
  what: string,
  op: () => Promise<T>,
  opts?: { bucket?: TokenBucket; tokens?: number; extraBucket?: TokenBucket; justCreated?: boolean; recover?: () => Promise<T | undefined>; gone?: () => T },
) => Promise<T>;

/**
 * Polls the attached batches until their files are indexed. A file whose indexing ends `failed`
 * (or `cancelled`) is detached and attached again (the retry path files-diff plans for a failed
 * file, taken at once), up to `indexAttempts` attachments in all; one that still fails is
 * reported with the API's last_error and stays attached as failed, so the next plan retries it.
 */
async function waitForIndexing(
  batches: PendingBatch[],
  ctx: ApplyContext,
  call: Call,
  clock: Clock,
  emit: (e: ApplyEvent) => void,
  result: ApplyResult,
  fail: (address: string, error: unknown) => void,
): Promise<number> {
  const total = batches.reduce((n, b) => n + b.files.length, 0);
  const deadline = clock.now() + (ctx.indexTimeoutMs ?? 30 * 60_000);
  const maxAttempts = Math.max(1, ctx.indexAttempts ?? 3);
  /** Attachments made so far, by store and file id (the first one counts). */
  const attempts = new Map<string, number>();
  let interval = ctx.pollIntervalMs ?? 100;
  let pending = [...batches];
  let done = 0;
  const reattach = async (b: PendingBatch, retry: { file: FileAttach; id: string; error: string | null }[], still: PendingBatch[]) => {
    const address = `vector_store.${b.storeKey}`;
    const sent: typeof retry = [];
    await Promise.all(
      retry.map(async (r) => {
        try {
          await call(`detach ${r.file.path} from ${address} (indexing failed)`, () => ctx.account.detachFile(b.storeId, r.id), {
            bucket: ctx.budget.attachRequests(b.storeId),
            gone: () => undefined,
          });
          sent.push(r);
        } catch (error) {
          fail(`${address} ${r.file.path}`, error);
        }
      }),
    );
    if (sent.length === 0) return;
    for (const r of sent) {
      const n = (attempts.get(`${b.storeId}/${r.id}`) ?? 1) + 1;
      attempts.set(`${b.storeId}/${r.id}`, n);
      emit({ type: 'note', message: `indexing of ${r.file.path} in ${address} failed${r.error ? ` (${r.error})` : ''}; attaching it again (attempt ${n} of ${maxAttempts})` });
    }
    try {
      const ids = sent.map((r) => r.id);
      const batch = await call(
        `attach ${sent.length} files to ${address} again`,
        () => ctx.account.attachBatch(b.storeId, sent.map((r) => ({ file_id: r.id, attributes: r.file.attributes, chunking_strategy: r.file.chunking_strategy }))),
        {
          bucket: ctx.budget.attachRequests(b.storeId),
          extraBucket: ctx.budget.attachedFiles,
          tokens: sent.length,
          recover: async () => {
            const present = new Set((await ctx.account.storeFileStatus(b.storeId)).map((f) => f.id));
            return ids.every((id) => present.has(id)) ? { id: '', status: 'in_progress' } : undefined;
          },
        },
      );
      still.push({ storeKey: b.storeKey, storeId: b.storeId, batchId: batch.id || null, files: sent.map((r) => r.file), fileIds: ids });
      interval = ctx.pollIntervalMs ?? 100; // the new batch is polled from the start again
    } catch (error) {
      for (const r of sent) fail(`${address} ${r.file.path}`, error);
      done += sent.length;
    }
  };
  while (pending.length > 0 && !ctx.signal?.aborted) {
    const still: PendingBatch[] = [];
    await Promise.all(
      pending.map(async (b) => {
        try {
          const status = b.batchId
            ? await call(`poll ${b.storeKey}`, () => ctx.account.batchStatus(b.storeId, b.batchId!), { justCreated: true })
            : await storeStatusFor(b, ctx, call);
          if (status.status === 'in_progress') {
            still.push(b);
            return;
          }
          const retry: { file: FileAttach; id: string; error: string | null }[] = [];
          if (status.failed > 0 || status.status === 'failed' || status.status === 'cancelled') {
            const files = await call(`list files of ${b.storeKey}`, () => ctx.account.storeFileStatus(b.storeId));
            const byId = new Map(files.map((f) => [f.id, f]));
            b.fileIds.forEach((id, i) => {
              const f = byId.get(id);
              if (f && (f.status === 'failed' || f.status === 'cancelled')) {
                const made = attempts.get(`${b.storeId}/${id}`) ?? 1;
                if (made < maxAttempts && !ctx.signal?.aborted) {
                  retry.push({ file: b.files[i]!, id, error: f.error });
                  return;
                }
                done++;
                result.files.failed_indexing++;
                fail(
                  `vector_store.${b.storeKey} ${b.files[i]!.path}`,
                  new Skip(
                    `indexing ${f.status}${f.error ? `: ${f.error}` : ''}${made > 1 ? ` (attached ${made} times, every one ${f.status})` : ''}; it stays attached, marked ${f.status}, and the next apply attaches it again`,
                  ),
                );
              } else {
                done++;
                result.files.indexed++;
              }
            });
          } else {
            done += b.files.length;
            result.files.indexed += b.files.length;
          }
          if (retry.length > 0) await reattach(b, retry, still);
          emit({ type: 'progress', phase: 'index', done, total, item: `vector_store.${b.storeKey}` });
        } catch (error) {
          fail(`vector_store.${b.storeKey} indexing`, error);
        }
      }),
    );
    pending = still;
    if (pending.length === 0) break;
    if (clock.now() > deadline) {
      emit({ type: 'note', message: `stopped waiting for indexing of ${pending.reduce((n, b) => n + b.files.length, 0)} files; they stay attached and finish on their own` });
      break;
    }
    try {
      await sleepFor(clock, interval, ctx.signal);
    } catch (error) {
      if (ctx.signal?.aborted && error === ctx.signal.reason) break;
      throw error;
    }
    interval = Math.min(interval * 1.5, 5000);
  }
  return done;
}

async function storeStatusFor(b: PendingBatch, ctx: ApplyContext, call: Call): Promise<{ status: string; failed: number; in_progress: number }> {
  const files = await call(`list files of ${b.storeKey}`, () => ctx.account.storeFileStatus(b.storeId));
  const mine = new Set(b.fileIds);
  const relevant = files.filter((f) => mine.has(f.id));
  const inProgress = relevant.filter((f) => f.status === 'in_progress').length;
  const failedCount = relevant.filter((f) => f.status === 'failed' || f.status === 'cancelled').length;
  return { status: inProgress > 0 ? 'in_progress' : 'completed', failed: failedCount, in_progress: inProgress };
}

/** Replaces references with the ids they name; a reference to something that failed fails too. */
function resolveAssistant(c: ResourceChange, storeIds: Map<string, string>, fileIds: Map<string, string>, failed: Set<string>): AssistantBody {
  const body = structuredClone(c.body as AssistantBody);
  const resolve = (v: string | Ref): string => {
    if (!isRef(v)) return v;
    if (v.$ref.startsWith('file:')) {
      const id = fileIds.get(v.$ref.slice(5));
      if (!id) throw new Skip(`skipped: a code_interpreter file was not uploaded`);
      return id;
    }
    const key = v.$ref.replace(/^vector_store\./, '');
    const id = storeIds.get(key);
    if (!id || failed.has(v.$ref)) throw new Skip(`skipped: ${v.$ref} was not created`);
    return id;
  };
  if (body.tool_resources.file_search) body.tool_resources.file_search.vector_store_ids = body.tool_resources.file_search.vector_store_ids.map(resolve);
  if (body.tool_resources.code_interpreter) body.tool_resources.code_interpreter.file_ids = body.tool_resources.code_interpreter.file_ids.map(resolve);
  return body;
}
