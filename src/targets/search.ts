/**
 * The searches of `assistants-deploy test`: one `POST /v1/vector_stores/{id}/search` per check,
 * through the openai SDK, under the rules apply's requests follow (src/targets/pace.ts,
 * retry.ts): a cap on requests in flight, and each failure that is worth another try (429, honouring
 * its retry-after, and holding back every search while it lasts; 408, 409, 5xx, timeouts, dropped
 * connections) retried with jittered backoff. A search changes nothing, so a lost answer is simply
 * asked again. A search that still fails is that check's error (described as the API answered),
 * never the end of the others.
 */
import type { SearchHit, SearchRequest } from '../kinds/checks.js';
import { describeApiError, errorText } from './errors.js';
import { Semaphore, TokenBucket, realClock } from './pace.js';
import type { Clock } from './pace.js';
import type { Target } from './provider.js';
import { DEFAULT_RETRY, withRetry } from './retry.js';
import type { RetryPolicy } from './retry.js';

export interface SearchJob {
  vectorStoreId: string;
  body: SearchRequest;
  /** For messages: `vector_store.docs: refund window`. */
  what: string;
}

export type SearchOutcome = { ok: true; hits: SearchHit[]; attempts: number } | { ok: false; error: string; attempts: number };

export interface SearchOptions {
  /** Searches in flight at once (default 8). */
  concurrency?: number;
  policy?: RetryPolicy;
  clock?: Clock;
  /** Called before each retry, for --verbose. */
  onRetry?: (job: SearchJob, attempt: number, waitMs: number, why: string) => void;
}

/** The API's search page, trimmed to what reports show. */
function hitsOf(page: { data?: unknown[] }): SearchHit[] {
  return (page.data ?? []).map((raw) => {
    const r = raw as { file_id: string; filename: string; score: number; attributes?: SearchHit['attributes'] };
    return { file_id: r.file_id, filename: r.filename, score: r.score, attributes: r.attributes ?? null };
  });
}

/** Every job's outcome, in the jobs' order. */
export async function runSearches(target: Target, jobs: readonly SearchJob[], options: SearchOptions = {}): Promise<SearchOutcome[]> {
  const clock = options.clock ?? realClock;
  const inFlight = new Semaphore(Math.max(1, options.concurrency ?? 8));
  // no published limit for search: dormant until a 429 that names its wait holds every search back
  const held = new TokenBucket(1, 1, clock, false);
  // apply's rules, with the lease's 6 attempts: someone waits on a read, and a search changes nothing
  const policy = options.policy ?? { ...DEFAULT_RETRY, attempts: 6, clock };
  return Promise.all(
    jobs.map(async (job): Promise<SearchOutcome> => {
      let attempts = 0;
      const release = await inFlight.acquire();
      try {
        const hits = await withRetry(
          async () => {
            await held.take();
            attempts++;
            const page = await target.client.vectorStores.search(job.vectorStoreId, job.body as never, { maxRetries: 0 });
            return hitsOf(page as unknown as { data?: unknown[] });
          },
          {
            policy,
            hooks: {
              onRateLimited: (ms) => held.pause(ms),
              onRetry: ({ attempt, waitMs, error }) => options.onRetry?.(job, attempt, waitMs, errorText(error)),
            },
          },
        );
        return { ok: true, hits, attempts };
      } catch (error) {
        const described = describeApiError(error, `searching ${job.what}`, target.baseUrl);
        return { ok: false, error: described ? described.message : errorText(error), attempts };
      } finally {
        release();
      }
    }),
  );
}
