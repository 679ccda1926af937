/**
 * The list pages a plan reads, over node:http(s) instead of the openai SDK. A no-op plan of
 * 100,000 files reads about a thousand pages; the SDK spends close to a millisecond of CPU on each
 * (building the request, its headers and the page through fetch), on the thread that globs and
 * hashes the manifest's files at the same time, and fetch itself takes tens of milliseconds to
 * load before the first request. This sends the requests the SDK sends (the same URL and query,
 * bearer key, OpenAI-Organization / OpenAI-Project, `OpenAI-Beta: assistants=v2` where the SDK
 * adds it), retries as the SDK does (connection errors and timeouts, 408, 409, 429 and 5xx,
 * `x-should-retry`, `retry-after-ms` / `retry-after`, the same backoff), pages as its cursor pages
 * do, and throws what the SDK would (its APIError for the status; a connection error as fetch
 * reports one), so every message stays the same.
 *
 * Used only where the SDK would add nothing (target.ts): a plain http(s) base URL, without
 * credentials, query or fragment, a bearer key, no proxy from the environment, and no fetch
 * wrapper (apply's lease and stop fences go through the SDK's fetch). Closed (its read dropped
 * because the manifest proved bad), it sends nothing more: no retry, and what is in flight ends.
 */
import type { Agent, IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import type OpenAI from 'openai';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai/core/error';

/** A page of a cursor-paginated list, as the SDK's CursorPage offers it. */
export interface Paged<T> {
  data: T[];
  hasNextPage(): boolean;
  getNextPage(): Promise<Paged<T>>;
}

/** The lists src/targets/read.ts reads, each from its first page. */
export interface ListSource {
  assistants(): Promise<Paged<OpenAI.Beta.Assistant>>;
  files(): Promise<Paged<OpenAI.FileObject>>;
  vectorStores(): Promise<Paged<OpenAI.VectorStores.VectorStore>>;
  vectorStoreFiles(storeId: string): Promise<Paged<OpenAI.VectorStores.VectorStoreFile>>;
  models(): Promise<{ data: OpenAI.Models.Model[] }>;
  close?(): void;
}

export interface HttpListOptions {
  baseURL: string;
  apiKey: string;
  organization: string | null;
  project: string | null;
  /** Per attempt, until the answer's headers (the SDK's `timeout`). */
  timeoutMs: number;
  maxRetries: number;
  pageSize: { list: number; files: number };
  /** Called once per attempt, as target.ts's instrumented fetch reports one. */
  onRequest?: (r: { method: string; route: string; status: number | 'error'; ms: number }) => void;
  /** For what this reader does not send itself (a store id that is not a plain token): the SDK's. */
  fallback: Pick<ListSource, 'vectorStoreFiles'>;
}

/** Whether the SDK's requests to this base URL are ones this reader sends the same. */
export function listsOverHttp(baseURL: string, env: NodeJS.ProcessEnv): boolean {
  if (env.NODE_USE_ENV_PROXY || /--use-env-proxy/.test(env.NODE_OPTIONS ?? '') || process.execArgv.some((a) => a.startsWith('--use-env-proxy'))) return false;
  if (baseURL.includes('?') || baseURL.includes('#')) return false;
  try {
    const u = new URL(baseURL);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

type Query = Record<string, string | number>;

/** The SDK's query string (qs, RFC 3986): encodeURIComponent, and `!'()*` too. */
function encode(value: string | number): string {
  return encodeURIComponent(String(value)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function queryString(query: Query): string {
  return Object.entries(query)
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&');
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  text: string;
}


/** The SDK's shouldRetry. */
function retryable(a: Answer): boolean {
  const header = a.headers['x-should-retry'];
  if (header === 'true') return true;
  if (header === 'false') return false;
  return a.status === 408 || a.status === 409 || a.status === 429 || a.status >= 500;
}

/** The SDK's wait before a retry: what the answer asks (up to a minute), else exponential backoff with jitter. */
function retryDelay(headers: IncomingMessage['headers'] | undefined, retriesRemaining: number, maxRetries: number): number {
  let ms: number | undefined;
  const afterMs = headers?.['retry-after-ms'];
  if (typeof afterMs === 'string' && afterMs) {
    const n = parseFloat(afterMs);
    if (!Number.isNaN(n)) ms = n;
  }
  const after = headers?.['retry-after'];
  if (typeof after === 'string' && after && ms === undefined) {
    const seconds = parseFloat(after);
    ms = Number.isNaN(seconds) ? Date.parse(after) - Date.now() : seconds * 1000;
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > 60_000) {
    const seconds = Math.min(0.5 * Math.pow(2, maxRetries - retriesRemaining), 8);
    ms = seconds * (1 - Math.random() * 0.25) * 1000;
  }
  return ms;
}

/** What the SDK throws for an answer that is not 2xx (its makeStatusError). */
function statusError(a: Answer): APIError {
  let json: unknown;
  try {
    json = JSON.parse(a.text);
  } catch {
    json = undefined;
  }
  const message = json ? undefined : a.text;
  const normalized = json && typeof json === 'object' && (json as { error?: unknown }).error == null ? { error: json } : json;
  const headers = new Headers();
  for (let i = 0; i + 1 < a.rawHeaders.length; i += 2) headers.append(a.rawHeaders[i]!, a.rawHeaders[i + 1]!);
  return APIError.generate(a.status, normalized as object | undefined, message, headers);
}

/** What the SDK throws when fetch fails (a timeout, or the connection: fetch's own `fetch failed`). */
function connectionError(cause: unknown, timedOut: boolean): APIError {
  const failed = new TypeError('fetch failed', { cause });
  if (timedOut || /timed? ?out/i.test(String(failed) + String(cause))) return Object.assign(new APIConnectionTimeoutError(), { cause: failed });
  return new APIConnectionError({ cause: failed });
}

class Timeout extends Error {}

/** Thrown by a read of a closed reader: its plan was dropped (the manifest proved bad), so nothing more is sent. */
export class ListsClosed extends Error {
  constructor() {
    super('the account read was dropped');
  }
}

/** The SDK's parsing of a 2xx answer: JSON by media type, nothing for 204 or an empty body, else the text. */
function bodyOf(a: Answer): unknown {
  if (a.status === 204) return null;
  const mediaType = String(a.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType && (mediaType.includes('application/json') || mediaType.endsWith('+json'))) {
    if (a.headers['content-length'] === '0' || !a.text) return undefined;
    return JSON.parse(a.text);
  }
  return a.text;
}

/**
 * node:http and node:https as CommonJS modules: an ESM import of node:http makes its ESM facade,
 * which reads every export, the lazy WebSocket ones too, and so loads fetch's undici (tens of
 * milliseconds, before the first request) that this reader exists to do without.
 */
function httpModule(https: boolean): typeof import('node:http') {
  return process.getBuiltinModule(https ? 'node:https' : 'node:http') as typeof import('node:http');
}

/** A decoder for a compressed answer (zlib loaded only then). */
function decoder(encoding: string): Transform | undefined {
  if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate' && encoding !== 'br') return undefined;
  const zlib = process.getBuiltinModule('node:zlib') as typeof import('node:zlib');
  return encoding === 'deflate' ? zlib.createInflate() : encoding === 'br' ? zlib.createBrotliDecompress() : zlib.createGunzip();
}

export class HttpLists implements ListSource {
  private readonly agent: Agent;
  private readonly client: typeof import('node:http');
  private readonly headers: Record<string, string>;
  /** Once closed, no request is sent, no retry waited for, and what is in flight ends now. */
  private closed = false;
  private readonly pending = new Set<() => void>();
  /** Requests not yet written out, and who waits for there to be none (sent()). */
  private unsent = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly o: HttpListOptions) {
    this.client = httpModule(new URL(o.baseURL).protocol === 'https:');
    this.agent = new this.client.Agent({ keepAlive: true });
    this.headers = {
      accept: 'application/json',
      'accept-encoding': 'gzip, deflate, br',
      authorization: `Bearer ${o.apiKey}`,
      ...(o.organization ? { 'openai-organization': o.organization } : {}),
      ...(o.project ? { 'openai-project': o.project } : {}),
    };
  }

  assistants = () => this.list<OpenAI.Beta.Assistant>('/assistants', { limit: this.o.pageSize.list }, true);
  files = () => this.list<OpenAI.FileObject>('/files', { purpose: 'assistants', limit: this.o.pageSize.files }, false);
  vectorStores = () => this.list<OpenAI.VectorStores.VectorStore>('/vector_stores', { limit: this.o.pageSize.list }, true);
  vectorStoreFiles = (storeId: string) =>
    /^[A-Za-z0-9_-]+$/.test(storeId) ? this.list<OpenAI.VectorStores.VectorStoreFile>(`/vector_stores/${storeId}/files`, { limit: this.o.pageSize.list }, true) : this.o.fallback.vectorStoreFiles(storeId);

  async models(): Promise<{ data: OpenAI.Models.Model[] }> {
    const body = (await this.get(this.url('/models', {}), false)) as { data?: OpenAI.Models.Model[] };
    return { data: body.data || [] };
  }

  close(): void {
    this.closed = true;
    for (const stop of [...this.pending]) stop();
    this.agent.destroy();
  }

  /**
   * Once every request made so far is written out (connected, its headers sent): what loads next
   * (the SDK, tens of milliseconds of one turn) waits for this, not the other way round.
   */
  sent(): Promise<void> {
    return this.unsent === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }

  private written(): void {
    if (--this.unsent > 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w();
  }

  /** A wait before a retry that ends early (with ListsClosed) when the reader is closed. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        this.pending.delete(stop);
        reject(new ListsClosed());
      };
      const timer = setTimeout(() => {
        this.pending.delete(stop);
        resolve();
      }, ms);
      this.pending.add(stop);
    });
  }

  /** The SDK's buildURL: the path appended to the base URL (one `/` between), then the query. */
  private url(path: string, query: Query): URL {
    const base = this.o.baseURL;
    const url = new URL(base + (base.endsWith('/') && path.startsWith('/') ? path.slice(1) : path));
    if (Object.keys(query).length > 0) url.search = queryString(query);
    return url;
  }

  /** The first page of a list; each page's getNextPage asks for the one after its last item, as the SDK's CursorPage does. */
  private async list<T>(path: string, query: Query, beta: boolean): Promise<Paged<T>> {
    const body = (await this.get(this.url(path, query), beta)) as { data?: T[]; has_more?: boolean };
    const data = body.data || [];
    const hasMore = body.has_more || false;
    const last = (data[data.length - 1] as { id?: string } | undefined)?.id;
    return {
      data,
      hasNextPage: () => hasMore !== false && data.length > 0 && Boolean(last),
      getNextPage: () => this.list<T>(path, { ...query, after: last! }, beta),
    };
  }

  /** GET with the SDK's retries; the 2xx answer's body, parsed as the SDK parses it. */
  private async get(url: URL, beta: boolean): Promise<unknown> {
    const max = this.o.maxRetries;
    const route = url.pathname + url.search;
    for (let remaining = max; ; remaining--) {
      if (this.closed) throw new ListsClosed();
      const started = performance.now();
      let answer: Answer;
      try {
        answer = await this.once(url, beta);
      } catch (error) {
        if (this.closed) throw new ListsClosed();
        this.o.onRequest?.({ method: 'GET', route, status: 'error', ms: performance.now() - started });
        if (remaining > 0) {
          await this.pause(retryDelay(undefined, remaining, max));
          continue;
        }
        throw connectionError(error instanceof Timeout ? new DOMException('This operation was aborted', 'AbortError') : error, error instanceof Timeout);
      }
      this.o.onRequest?.({ method: 'GET', route, status: answer.status, ms: performance.now() - started });
      if (answer.status >= 200 && answer.status < 300) return bodyOf(answer);
      if (remaining > 0 && retryable(answer)) {
        await this.pause(retryDelay(answer.headers, remaining, max));
        continue;
      }
      throw statusError(answer);
    }
  }

  /** One attempt, following redirects as fetch does (the key not sent to another origin). */
  private async once(url: URL, beta: boolean): Promise<Answer> {
    let headers: Record<string, string> = beta ? { ...this.headers, 'openai-beta': 'assistants=v2' } : this.headers;
    let at = url;
    for (let hops = 0; ; hops++) {
      const a = await this.request(at, headers);
      const location = a.headers.location;
      if (![301, 302, 303, 307, 308].includes(a.status) || typeof location !== 'string' || hops >= 20) return a;
      const next = new URL(location, at);
      if (next.origin !== at.origin) {
        const { authorization: _key, ...rest } = headers;
        headers = rest;
      }
      at = next;
    }
  }

  private request(url: URL, headers: Record<string, string>): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = this.client.request(url, { method: 'GET', headers, agent: this.agent });
      const stop = () => req.destroy(new ListsClosed());
      this.pending.add(stop);
      const timer = setTimeout(() => req.destroy(new Timeout('timed out')), this.o.timeoutMs);
      this.unsent++;
      let written = false;
      const out = () => {
        if (written) return;
        written = true;
        this.written();
      };
      req.on('finish', out);
      req.on('close', () => {
        this.pending.delete(stop);
        out();
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.on('response', (res) => {
        clearTimeout(timer);
        const chunks: Buffer[] = [];
        const unzip = decoder(String(res.headers['content-encoding'] ?? '').toLowerCase());
        const stream = unzip ? res.pipe(unzip) : res;
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error('terminated'));
        });
        stream.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.end();
    });
  }
}
