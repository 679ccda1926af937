/**
 * Which failures are worth another try, and how long to wait: 429 (honouring retry-after-ms /
 * retry-after when sent), 408, 409, 5xx, timeouts and dropped connections, and a 404 for an object
 * this run just created (accounts answer reads of new objects with 404 for a moment). Backoff is
 * exponential with full jitter, capped.
 */
import { APIConnectionError, APIError } from 'openai/core/error';
import type { Clock } from './pace.js';
import { realClock, sleepFor } from './pace.js';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
  random: () => number;
  clock: Clock;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseMs: 250, capMs: 20_000, random: Math.random, clock: realClock };

export type Failure =
  | { retry: false }
  | { retry: true; kind: 'rate_limited'; waitMs?: number }
  | { retry: true; kind: 'server' | 'timeout' | 'connection' | 'not_visible_yet' };

function headerWait(error: APIError): number | undefined {
  const h = error.headers;
  const get = (name: string) => (h && typeof h.get === 'function' ? h.get(name) : undefined) ?? undefined;
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const s = get('retry-after');
  if (s) {
    const n = Number(s);
    if (Number.isFinite(n)) return n * 1000;
    const date = Date.parse(s);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  return undefined;
}

/** `ambiguous`: the request may have been carried out even though no answer came back. */
export function classify(error: unknown, justCreated: boolean): Failure & { ambiguous?: boolean } {
  if (error instanceof APIConnectionError) {
    return { retry: true, kind: error.constructor.name === 'APIConnectionTimeoutError' ? 'timeout' : 'connection', ambiguous: true };
  }
  if (error instanceof APIError) {
    const status = error.status;
    if (status === 429) {
      const waitMs = headerWait(error);
      return waitMs !== undefined ? { retry: true, kind: 'rate_limited', waitMs } : { retry: true, kind: 'rate_limited' };
    }
    if (status === 408) return { retry: true, kind: 'timeout', ambiguous: true };
    if (status === 409) return { retry: true, kind: 'server' };
    if (status !== undefined && status >= 500) return { retry: true, kind: 'server', ambiguous: true };
    if (status === 404 && justCreated) return { retry: true, kind: 'not_visible_yet' };
    if (status === undefined) return { retry: true, kind: 'connection', ambiguous: true };
  }
  return { retry: false };
}

export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}

export interface RetryHooks {
  /** Called before waiting for another attempt. */
  onRetry?(info: { attempt: number; waitMs: number; failure: Failure; error: unknown }): void;
  /** A 429 that named its wait: hold back every request of the same kind. */
  onRateLimited?(waitMs: number): void;
  /**
   * After an ambiguous failure: did the operation happen after all? Return its result to stop,
   * undefined when it did not happen (it is then sent again); a lookup that throws ends the retries.
   */
  recover?(): Promise<unknown>;
}

/**
 * Runs `fn`, again after each transient failure. Once `signal` aborts, no further attempt starts:
 * the signal's reason is thrown in place of a transient failure (a request cut off by the stop
 * fails that way too), while a definite answer (a 400, say) is still thrown as itself.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  options: { justCreated?: boolean; policy?: RetryPolicy; hooks?: RetryHooks; signal?: AbortSignal } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const signal = options.signal;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn();
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error;
      const failure = classify(error, options.justCreated ?? false);
      if (signal?.aborted && failure.retry) throw signal.reason;
      if (!failure.retry || attempt + 1 >= policy.attempts) throw error;
      let waitMs = backoffMs(attempt, policy);
      if (failure.kind === 'rate_limited' && failure.waitMs !== undefined) {
        waitMs = Math.max(waitMs, failure.waitMs + Math.floor(policy.random() * 100));
        options.hooks?.onRateLimited?.(failure.waitMs);
      }
      options.hooks?.onRetry?.({ attempt: attempt + 1, waitMs, failure, error });
      await sleepFor(policy.clock, waitMs, signal);
      if (failure.ambiguous && options.hooks?.recover) {
        // did it happen after all? A lookup that fails says nothing: sending again could make a
        // second one, so the step fails with its own error (the next run finds it by its tags)
        let recovered: unknown;
        try {
          recovered = await options.hooks.recover();
        } catch {
          throw error;
        }
        if (recovered !== undefined) return recovered as T;
      }
    }
  }
}
