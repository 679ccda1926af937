/**
 * The published rate limits (LIMITS.md): 1,000 file uploads per minute, 300 attach requests per minute
 * per vector store (shared by /files and /file_batches), 2,000 attached files per minute per
 * organization. Fixed one-minute windows; `timeScale` > 1 shortens the minute (a benchmark runs a
 * minute's budget in 60/timeScale seconds).
 */
import { ApiError } from './errors.js';

export const LIMITS = { uploadsPerMin: 1000, attachRequestsPerMinPerStore: 300, attachedFilesPerMin: 2000 };

class Window {
  private start = 0;
  private used = 0;
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}
  /** Take n; returns ms to wait when over the limit. */
  take(n: number, now: number): number {
    if (now - this.start >= this.windowMs) {
      this.start = now;
      this.used = 0;
    }
    if (this.used + n > this.limit) return this.start + this.windowMs - now;
    this.used += n;
    return 0;
  }
}

export class RateLimiter {
  private readonly windowMs: number;
  private readonly uploads: Window;
  private readonly attachedFiles: Window;
  private readonly perStore = new Map<string, Window>();

  constructor(timeScale = 1) {
    this.windowMs = 60_000 / (timeScale > 0 ? timeScale : 1);
    this.uploads = new Window(LIMITS.uploadsPerMin, this.windowMs);
    this.attachedFiles = new Window(LIMITS.attachedFilesPerMin, this.windowMs);
  }

  private reject(what: string, limit: number, waitMs: number): ApiError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new ApiError(
      429,
      `Rate limit reached for ${what}: Limit ${limit}, per minute. Please try again in ${(waitMs / 1000).toFixed(3)}s.`,
      'requests',
      null,
      'rate_limit_exceeded',
      { 'retry-after': String(seconds), 'retry-after-ms': String(Math.ceil(waitMs)) },
    );
  }

  upload(now = Date.now()): void {
    const wait = this.uploads.take(1, now);
    if (wait > 0) throw this.reject('file uploads', LIMITS.uploadsPerMin, wait);
  }

  /** One attach request to a vector store attaching `files` files. */
  attach(vectorStoreId: string, files: number, now = Date.now()): void {
    let w = this.perStore.get(vectorStoreId);
    if (!w) this.perStore.set(vectorStoreId, (w = new Window(LIMITS.attachRequestsPerMinPerStore, this.windowMs)));
    const wait = w.take(1, now);
    if (wait > 0) throw this.reject(`requests to vector store ${vectorStoreId} files`, LIMITS.attachRequestsPerMinPerStore, wait);
    const wait2 = this.attachedFiles.take(files, now);
    if (wait2 > 0) {
      // Give the per-store request back: this one was not served.
      (w as unknown as { used: number }).used--;
      throw this.reject('files attached to vector stores', LIMITS.attachedFilesPerMin, wait2);
    }
  }
}
