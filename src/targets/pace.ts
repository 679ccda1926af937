/**
 * Pace, then retry: one budget shared by every request of an apply. A cap on requests in flight,
 * and token buckets for the published rate limits (LIMITS.md), run a little under the limit so the
 * account rarely answers 429; when it does, the bucket waits as long as the answer says.
 */

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as it aborts (if the clock can). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Waits `ms` on `clock`, or until `signal` aborts (then rejects with its reason), whichever comes
 * first, also for clocks that ignore the signal (tests' fake clocks).
 */
export function sleepFor(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return clock.sleep(ms);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    clock.sleep(ms, signal).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** At most `limit` holders at once; waiters are served in order. A waiter whose signal aborts leaves the queue. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal!.reason);
        };
        const entry = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.waiting.push(entry);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }
}

/**
 * A token bucket: `ratePerMs` tokens refill per millisecond up to `capacity`. take(n) waits until
 * n tokens are there (requests larger than the capacity take the whole bucket and wait for the
 * debt). pause(ms) holds everyone back after a 429 that named its wait.
 *
 * A dormant bucket lets everything through until the first 429 wakes it: targets other than
 * OpenAI's platform (the emulator, compatible servers) may not limit at all, and should not be
 * slowed to limits they do not have.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly capacity: number,
    readonly ratePerMs: number,
    private readonly clock: Clock = realClock,
    private active = true,
  ) {
    this.tokens = capacity;
    this.last = clock.now();
  }

  get pacing(): boolean {
    return this.active;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.ratePerMs);
    this.last = now;
  }

  /** Waits for `n` tokens; rejects with `signal`'s reason once it aborts (the tokens are not taken). */
  take(n = 1, signal?: AbortSignal): Promise<void> {
    if (!this.active) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    const turn = this.queue.then(async () => {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.clock.now();
        if (now < this.pausedUntil) {
          await sleepFor(this.clock, this.pausedUntil - now, signal);
          continue;
        }
        this.refill();
        const need = Math.min(n, this.capacity);
        if (this.tokens >= need) {
          this.tokens -= n; // may go negative for n > capacity: the debt is paid by waiting
          return;
        }
        await sleepFor(this.clock, Math.ceil((need - this.tokens) / this.ratePerMs), signal);
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  pause(ms: number): void {
    if (!this.active) {
      this.active = true;
      this.last = this.clock.now();
    }
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
    this.tokens = Math.min(this.tokens, 0);
  }
}

/** The published limits, per minute (shared/openai-api/LIMITS.md). */
export const PUBLISHED_LIMITS = {
  uploadsPerMinute: 1000,
  attachRequestsPerMinutePerStore: 300,
  attachedFilesPerMinute: 2000,
} as const;

export interface BudgetOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** Share of each published limit to use (default 0.95): a little headroom against window edges. */
  share?: number;
  /** > 1 when the account's minute is shorter (a time-scaled emulator). */
  timeScale?: number;
  /** Pace from the first request (OpenAI's platform), or only once the target answers 429. */
  paceFromStart?: boolean;
  clock?: Clock;
}

export class Budget {
  readonly inFlight: Semaphore;
  /**
   * File batch requests in flight at once, over all stores. Each carries up to 2,000 files with
   * their attributes (a body of about 1 MB), and the published 2,000 attached files a minute let
   * barely one through a minute anyway: more at once would only hold more bodies in memory.
   */
  readonly batches = new Semaphore(4);
  readonly uploads: TokenBucket;
  readonly attachedFiles: TokenBucket;
  private readonly stores = new Map<string, TokenBucket>();
  private readonly minuteMs: number;
  private readonly share: number;
  private readonly clock: Clock;
  private readonly paceFromStart: boolean;

  constructor(options: BudgetOptions) {
    this.clock = options.clock ?? realClock;
    this.paceFromStart = options.paceFromStart ?? true;
    this.share = options.share ?? 0.95;
    this.minuteMs = 60_000 / Math.max(1e-9, options.timeScale ?? 1);
    this.inFlight = new Semaphore(Math.max(1, options.concurrency));
    this.uploads = this.bucket(PUBLISHED_LIMITS.uploadsPerMinute);
    this.attachedFiles = this.bucket(PUBLISHED_LIMITS.attachedFilesPerMinute);
  }

  /** A bucket for `perMinute`: refills at `share` of the rate, bursts up to 2% of a minute's worth. */
  private bucket(perMinute: number): TokenBucket {
    const rate = (perMinute * this.share) / this.minuteMs;
    const capacity = Math.max(1, Math.floor(perMinute * 0.02));
    return new TokenBucket(capacity, rate, this.clock, this.paceFromStart);
  }

  attachRequests(storeId: string): TokenBucket {
    let b = this.stores.get(storeId);
    if (!b) this.stores.set(storeId, (b = this.bucket(PUBLISHED_LIMITS.attachRequestsPerMinutePerStore)));
    return b;
  }
}
