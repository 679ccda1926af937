/**
 * What the phases of one execution share (src/apply/execute.ts): the plan, the account's verbs,
 * the budget, the result so far, the failures (a failure stops only what depends on it), what was
 * done (for the report of a stopped run), and `call`, one API call under the shared budget,
 * retried on transient failures.
 */
import type { Account } from '../targets/write.js';
import type { Budget, Clock, TokenBucket } from '../targets/pace.js';
import { realClock } from '../targets/pace.js';
import { errorText, isNotFound } from '../targets/errors.js';
import { DEFAULT_RETRY, withRetry } from '../targets/retry.js';
import type { RetryPolicy } from '../targets/retry.js';
import { adds, impactOf, removes } from '../plan/impact.js';
import type { Plan, ResourceChange } from '../plan/types.js';
import type { ApplyEvent, ApplyResult, NotDone } from './events.js';

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

/** A step not taken, with why (not an API error: its message is the failure's). */
export class Skip extends Error {}

export interface CallOptions<T> {
  bucket?: TokenBucket;
  tokens?: number;
  extraBucket?: TokenBucket;
  justCreated?: boolean;
  /** Did the write whose answer was lost happen? Its result, when it did. */
  recover?: () => Promise<T | undefined>;
  /** What a 404 means (the object is gone: nothing left to do). */
  gone?: () => T;
}

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

export class Run {
  readonly plan: Plan;
  readonly account: Account;
  readonly budget: Budget;
  readonly clock: Clock;
  readonly signal: AbortSignal | undefined;
  readonly emit: (event: ApplyEvent) => void;
  private readonly policy: RetryPolicy & { clock: Clock };
  /** A create whose answer was lost may still have happened: found by its tags, created after this run started... */
  readonly startedAt: number;
  /** ...and not one of the resources the plan already knew. */
  readonly known: ReadonlySet<string>;
  readonly result: ApplyResult = {
    failures: [],
    created: 0,
    updated: 0,
    deleted: 0,
    files: { uploaded: 0, attached: 0, detached: 0, reattributed: 0, deleted: 0, indexed: 0, failed_indexing: 0 },
  };
  /** Addresses that failed (and what depends on them is skipped). */
  readonly failed = new Set<string>();
  /** What the run did, by address and action (`vector_store.docs create`), for the report of a stopped run. */
  readonly did = new Set<string>();
  /** Content (sha256) whose upload failed. */
  readonly failedContent = new Set<string>();
  /** Upload ids by content: the plan's existing files, then what this run uploads. */
  readonly fileIds: Map<string, string>;
  /** Store ids by key: the plan's updated stores, then what this run creates. */
  readonly storeIds = new Map<string, string>();
  /** Attached files whose indexing this run saw end (completed or failed). */
  indexingSeen = 0;

  constructor(readonly ctx: ApplyContext) {
    this.plan = ctx.plan;
    this.account = ctx.account;
    this.budget = ctx.budget;
    this.clock = ctx.clock ?? realClock;
    this.signal = ctx.signal;
    this.emit = ctx.onEvent ?? (() => {});
    this.policy = { ...(ctx.policy ?? DEFAULT_RETRY), clock: this.clock };
    this.startedAt = Math.floor(this.clock.now() / 1000) - 1;
    this.known = new Set(this.plan.resource_changes.map((c) => c.id).filter((id): id is string => id !== null));
    this.fileIds = new Map(Object.entries(this.plan.existing_files));
  }

  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** `fn` over the items, as many at once as the budget lets requests be in flight. */
  each<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
    return forEachLimit(items, this.budget.inFlight.limit, fn, this.signal);
  }

  private stoppedBy(error: unknown): boolean {
    return this.signal?.aborted === true && error === this.signal.reason;
  }

  fail(address: string, error: unknown): void {
    // a step the stop kept from starting (or cut off) is not a failure: it is left for the next run
    if (this.stoppedBy(error)) return;
    this.failed.add(address);
    const message = error instanceof Skip ? error.message : errorText(error);
    this.result.failures.push({ address, message });
    this.emit({ type: 'fail', address, message });
  }

  /** One API call under the shared budget, retried on transient failures. */
  call<T>(what: string, op: () => Promise<T>, opts: CallOptions<T> = {}): Promise<T> {
    const { budget, signal } = this;
    return withRetry(
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
        policy: this.policy,
        ...(signal ? { signal } : {}),
        hooks: {
          onRetry: ({ attempt, waitMs, failure }) => this.emit({ type: 'retry', what, attempt, waitMs, reason: failure.retry ? failure.kind : 'error' }),
          onRateLimited: (ms) => {
            opts.bucket?.pause(ms);
            opts.extraBucket?.pause(ms);
          },
          ...(opts.recover ? { recover: opts.recover } : {}),
        },
      },
    );
  }

  /** Before a phase with writes to do: the caller's checkpoint (the lease), then the signal. True: stop here. */
  async stopsBefore(work: number): Promise<boolean> {
    if (work > 0 && !this.aborted) await this.ctx.checkpoint?.();
    return this.aborted;
  }

  /** The result of a run stopped now, with what it left undone. */
  stop(): ApplyResult {
    this.result.stopped = this.notDone();
    return this.result;
  }

  /** What a stopped run left undone: the plan's changes less what was done (failures included). */
  notDone(): NotDone {
    const has: Record<'create' | 'update' | 'delete', (c: ResourceChange) => boolean> = { create: adds, update: (c) => impactOf(c) === 'update', delete: removes };
    const left = (action: 'create' | 'update' | 'delete') =>
      this.plan.resource_changes
        .filter(has[action])
        .filter((c) => !this.did.has(`${c.address} ${action}`))
        .map((c) => c.address);
    const f = this.plan.summary.files;
    const r = this.result.files;
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
        index: Math.max(0, r.attached - this.indexingSeen),
      },
    };
  }
}
