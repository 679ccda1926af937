/**
 * Reads the live state of one deployment with list requests only: assistants, vector stores,
 * uploaded files and the model list in parallel, then the files of each of the deployment's vector
 * stores, a few stores at a time. No per-resource reads.
 */
import type OpenAI from 'openai';
import { APIError } from 'openai/core/error';
import { isNotFound } from './errors.js';
import { deploymentOf, parseUploadName } from '../ownership/index.js';
import type { ListSource } from './list-http.js';
import type { ForeignStore, ForeignUse, Json, Live, LiveAssistant, LiveFile, LiveModels, LiveVectorStore, LiveVectorStoreFile } from './live.js';

/** Reads are safe to repeat: the SDK retries them on 429, 5xx, timeouts and dropped connections. */
export const READ = { maxRetries: 8 } as const;

/** Largest page each list endpoint serves (LIMITS.md). */
export const PAGE = { list: 100, files: 10_000 } as const;

export interface ReadOptions {
  deployment: string;
  /** Vector store file lists read at once. */
  concurrency?: number;
  /** The assistants from another source, in the live shape (a Foundry project's agents, src/targets/foundry/), with the pages they took. */
  assistants?: () => Promise<{ items: LiveAssistant[]; pages: number; minimumPages: number }>;
  /** false: the target has no model list, none is requested. */
  models?: boolean;
}

interface Paged<T> {
  data: T[];
  hasNextPage(): boolean;
  getNextPage(): Promise<Paged<T>>;
}

/** Every item of a cursor-paginated list, and how many pages it took. */
export async function readAll<T>(first: Promise<Paged<T>>): Promise<{ items: T[]; pages: number }> {
  return readAllAs(first, (x) => x);
}

/**
 * readAll, converting each page's items as it arrives (the API's objects are dropped page by page).
 * The next page is asked for before this one's items are converted: a chain of pages waits for
 * the answers only, not for the work on them.
 */
export async function readAllAs<T, R>(first: Promise<Paged<T>>, convert: (item: T) => R): Promise<{ items: R[]; pages: number }> {
  let page = await first;
  const items: R[] = [];
  let pages = 1;
  for (;;) {
    const next = page.hasNextPage() ? page.getNextPage() : undefined;
    next?.catch(() => {}); // awaited below, or dropped with a conversion that threw
    for (const item of page.data) items.push(convert(item));
    if (!next) return { items, pages };
    page = await next;
    pages++;
  }
}

export function pagesFor(count: number, pageSize: number): number {
  return Math.max(1, Math.ceil(count / pageSize));
}

export { isNotFound };

function toLiveAssistant(a: OpenAI.Beta.Assistant): LiveAssistant {
  const raw = a as unknown as Record<string, unknown>;
  return {
    id: a.id,
    created_at: a.created_at,
    name: a.name ?? null,
    description: a.description ?? null,
    model: a.model,
    instructions: a.instructions ?? null,
    tools: (a.tools ?? []) as unknown as Json[],
    tool_resources: (a.tool_resources ?? null) as LiveAssistant['tool_resources'],
    metadata: (a.metadata ?? {}) as Record<string, string>,
    temperature: a.temperature ?? null,
    top_p: a.top_p ?? null,
    response_format: (a.response_format ?? null) as Json,
    ...('reasoning_effort' in raw ? { reasoning_effort: (raw.reasoning_effort as string | null) ?? null } : {}),
  };
}

function toLiveVectorStore(v: OpenAI.VectorStores.VectorStore): LiveVectorStore {
  const raw = v as unknown as Record<string, unknown>;
  return {
    id: v.id,
    created_at: v.created_at,
    name: v.name ?? '',
    ...('description' in raw ? { description: (raw.description as string | null) ?? null } : {}),
    expires_after: v.expires_after ? { anchor: v.expires_after.anchor, days: v.expires_after.days } : null,
    metadata: (v.metadata ?? {}) as Record<string, string>,
    usage_bytes: v.usage_bytes,
    status: v.status,
    last_active_at: v.last_active_at ?? null,
    file_counts: v.file_counts,
  };
}

/** Chunking strategies repeat file after file: one shared object per distinct one. */
const chunkings = new Map<string, Json>();
function shared(c: unknown): Json {
  if (c === null || c === undefined) return null;
  const s = (c as { type?: unknown; static?: { max_chunk_size_tokens?: unknown; chunk_overlap_tokens?: unknown } }).static;
  // the usual one keyed without JSON.stringify (100,000 files: one call each)
  const key =
    (c as { type?: unknown }).type === 'static' && s && typeof s.max_chunk_size_tokens === 'number' && typeof s.chunk_overlap_tokens === 'number' && Object.keys(c).length === 2 && Object.keys(s).length === 2
      ? `static:${String(s.max_chunk_size_tokens)}:${String(s.chunk_overlap_tokens)}`
      : JSON.stringify(c);
  let found = chunkings.get(key);
  if (found === undefined) chunkings.set(key, (found = c as Json));
  return found;
}

function toLiveVectorStoreFile(f: OpenAI.VectorStores.VectorStoreFile): LiveVectorStoreFile {
  return {
    id: f.id,
    status: f.status,
    attributes: (f.attributes ?? null) as LiveVectorStoreFile['attributes'],
    chunking_strategy: shared(f.chunking_strategy),
    usage_bytes: f.usage_bytes,
    created_at: f.created_at,
  };
}

/** YYYY-MM-DD of a Unix time in seconds, or undefined. */
function dayOf(seconds: unknown): string | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().slice(0, 10) : undefined;
}

/**
 * The target's model list: one request (`GET /v1/models` is not paged). A target without it (404)
 * or a key that may not read it (403, a restricted key without the models scope) gives none, and
 * the plan checks no model.
 */
export async function readModels(from: OpenAI | Pick<ListSource, 'models'>): Promise<LiveModels | undefined> {
  try {
    const page = typeof from.models === 'function' ? await from.models() : await (from as OpenAI).models.list(READ);
    const ids: string[] = [];
    const shutdowns: Record<string, string> = {};
    for (const m of page.data) {
      ids.push(m.id);
      const day = dayOf((m as unknown as { deprecation?: { inference?: unknown } }).deprecation?.inference);
      if (day) shutdowns[m.id] = day;
    }
    return { ids, shutdowns };
  } catch (error) {
    if (error instanceof APIError && (error.status === 404 || error.status === 403)) return undefined;
    throw error;
  }
}

/** Runs tasks with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** The lists readLive reads, through the SDK. */
export function sdkLists(client: OpenAI): ListSource {
  return {
    assistants: () => client.beta.assistants.list({ limit: PAGE.list }, READ) as unknown as Promise<Paged<OpenAI.Beta.Assistant>>,
    files: () => client.files.list({ purpose: 'assistants', limit: PAGE.files }, READ) as unknown as Promise<Paged<OpenAI.FileObject>>,
    vectorStores: () => client.vectorStores.list({ limit: PAGE.list }, READ) as unknown as Promise<Paged<OpenAI.VectorStores.VectorStore>>,
    vectorStoreFiles: (id) => client.vectorStores.files.list(id, { limit: PAGE.list }, READ) as unknown as Promise<Paged<OpenAI.VectorStores.VectorStoreFile>>,
    models: () => client.models.list(READ),
  };
}

export async function readLive(lists: ListSource, options: ReadOptions): Promise<Live> {
  const { deployment } = options;
  const ours = (metadata: unknown) => deploymentOf(metadata) === deployment;
  const tagged = (metadata: unknown) => deploymentOf(metadata) !== undefined;

  const reads = startReads(lists, options);
  const stores = await reads.stores;
  const owned = stores.items.filter((v) => ours(v.metadata)).map(toLiveVectorStore);
  const storeFilePages = await readStoreFiles(lists, owned, options.concurrency ?? 32);
  const assistants = await unwrap(reads.assistants);
  const files = await unwrap(reads.files);
  const models = await unwrap(reads.models);

  const liveFiles = files.items.filter((f): f is LiveFile => f !== undefined);
  return {
    assistantsApi: assistants.served,
    // another source's assistants are in the live shape already
    assistants: assistants.items.filter((a) => ours(a.metadata)).map(options.assistants ? (a) => a as unknown as LiveAssistant : toLiveAssistant),
    vectorStores: owned,
    files: liveFiles,
    others: {
      assistants: assistants.items.filter((a) => tagged(a.metadata) && !ours(a.metadata)).length,
      vectorStores: stores.items.filter((v) => tagged(v.metadata) && !ours(v.metadata)).length,
    },
    foreignUses: foreignUsesOf(assistants.items, ours, owned, liveFiles),
    // what src/targets/foreign.ts needs to check them for the uploads a plan deletes, without listing stores again
    foreignStores: stores.items
      .filter((v) => !ours(v.metadata))
      .map((v): ForeignStore => {
        return { id: v.id, deployment: deploymentOf(v.metadata) ?? null, files: typeof v.file_counts?.total === 'number' ? v.file_counts.total : null };
      }),
    ...(models ? { models } : {}),
    accountUsage: { vectorStores: stores.items.length, vectorStoreBytes: stores.items.reduce((n, v) => n + (v.usage_bytes ?? 0), 0) },
    stats: readStats({ assistants, stores, files, owned, storeFilePages, models: options.models !== false }),
  };
}

type Settled<T> = Promise<{ value: T } | { error: unknown }>;

// every read is awaited; settled at once so a failure of one never goes unhandled
const settled = <T>(p: Promise<T>): Settled<T> => p.then((value) => ({ value }), (error: unknown) => ({ error }));

async function unwrap<T>(p: Settled<T>): Promise<T> {
  const r = await p;
  if ('error' in r) throw r.error;
  return r.value;
}

/** `minimumPages`: what another source of assistants says it could have read them in. */
type AssistantsRead = { items: OpenAI.Beta.Assistant[]; pages: number; served: boolean; minimumPages?: number };
type FilesRead = { items: (LiveFile | undefined)[]; pages: number; count: number };

/**
/**
 * The four account lists: vector stores first, alone (the chains of store file pages, the longest
 * wait of the read, start from its answer, which a server busy with a page of 10,000 uploads would
 * hold back), then assistants (a 404 says the API is not served; or another source's, a Foundry
 * project's agents), uploads and models (unless the target has none), together.
 */
function startReads(lists: ListSource, options: ReadOptions) {
  const { deployment } = options;
  const stores = readAll(lists.vectorStores());
  // a failed first read (a 401, say) sends no more
  const after = stores.then(() => undefined);
  const assistants = options.assistants
    ? options.assistants().then((r): AssistantsRead => ({ ...r, items: r.items as unknown as OpenAI.Beta.Assistant[], served: true }))
    : after.then(() => readAll(lists.assistants()))
        .then((r): AssistantsRead => ({ ...r, served: true }))
        .catch((error: unknown): AssistantsRead => {
          if (isNotFound(error)) return { items: [], pages: 1, served: false };
          throw error;
        });
  // only this deployment's uploads are kept: the rest of a 100,000-file account is counted and dropped
  let count = 0;
  const files = after.then(() => readAllAs(
    lists.files(),
    (f): LiveFile | undefined => {
      count++;
      return parseUploadName(f.filename)?.deployment === deployment
        ? { id: f.id, filename: f.filename, bytes: f.bytes, created_at: f.created_at, purpose: f.purpose }
        : undefined;
    },
  )).then((r): FilesRead => ({ ...r, count }));
  const models = options.models === false ? Promise.resolve(undefined) : after.then(() => readModels(lists));
  return { assistants: settled(assistants), files: settled(files), stores, models: settled(models) };
}

/** Fills in each owned store's files, `concurrency` stores at a time; returns the pages read. */
async function readStoreFiles(lists: ListSource, owned: LiveVectorStore[], concurrency: number): Promise<number> {
  let pages = 0;
  await mapLimit(owned, concurrency, async (store) => {
    const r = await readAllAs(lists.vectorStoreFiles(store.id), toLiveVectorStoreFile);
    store.files = r.items;
    pages += r.pages;
  });
  return pages;
}

/** Assistants outside the deployment that use its stores or uploads. */
function foreignUsesOf(assistants: OpenAI.Beta.Assistant[], ours: (metadata: unknown) => boolean, owned: LiveVectorStore[], liveFiles: LiveFile[]): ForeignUse[] {
  const ownStoreIds = new Set(owned.map((v) => v.id));
  // the deployment's uploads by id only when an outside assistant names files (100,000 ids otherwise built for nothing)
  let ownFileIds: Set<string> | undefined;
  const out: ForeignUse[] = [];
  for (const a of assistants) {
    if (ours(a.metadata)) continue;
    const vector_store_ids = (a.tool_resources?.file_search?.vector_store_ids ?? []).filter((id) => ownStoreIds.has(id));
    const named = a.tool_resources?.code_interpreter?.file_ids ?? [];
    if (named.length > 0) ownFileIds ??= new Set(liveFiles.map((f) => f.id));
    const file_ids = named.filter((id) => ownFileIds!.has(id));
    if (vector_store_ids.length + file_ids.length === 0) continue;
    out.push({ assistant_id: a.id, deployment: deploymentOf(a.metadata) ?? null, vector_store_ids, file_ids });
  }
  return out;
}

/** Requests sent, pages per list, and the fewest pages the lists could have taken at the largest page size. */
function readStats(r: { assistants: AssistantsRead; stores: { items: unknown[]; pages: number }; files: FilesRead; owned: LiveVectorStore[]; storeFilePages: number; models: boolean }): Live['stats'] {
  const { assistants, stores, files, owned, storeFilePages } = r;
  // GET /v1/models: one request, answered or not (none on a target without a model list)
  const modelRequests = r.models ? 1 : 0;
  const minimumPages =
    (assistants.minimumPages ?? (assistants.served ? pagesFor(assistants.items.length, PAGE.list) : 1)) +
    pagesFor(stores.items.length, PAGE.list) +
    pagesFor(files.count, PAGE.files) +
    owned.reduce((n, s) => n + pagesFor(s.files?.length ?? 0, PAGE.list), 0) +
    modelRequests;
  const requests = assistants.pages + stores.pages + files.pages + storeFilePages + modelRequests;
  return {
    requests,
    pages: { assistants: assistants.pages, vector_stores: stores.pages, files: files.pages, vector_store_files: storeFilePages, ...(r.models ? { models: 1 } : {}) },
    minimumPages,
  };
}

/** One assistant by id (for import and pull of resources chosen by id). */
export async function readAssistant(client: OpenAI, id: string): Promise<LiveAssistant> {
  return toLiveAssistant(await client.beta.assistants.retrieve(id, READ));
}

/** One vector store by id, with its files. */
export async function readVectorStore(client: OpenAI, id: string): Promise<LiveVectorStore> {
  const store = toLiveVectorStore(await client.vectorStores.retrieve(id, READ));
  const r = await readAll(client.vectorStores.files.list(id, { limit: PAGE.list }, READ) as unknown as Promise<Paged<OpenAI.VectorStores.VectorStoreFile>>);
  store.files = r.items.map(toLiveVectorStoreFile);
  return store;
}

/** Every uploaded file of purpose `assistants` (names and sizes), by id. */
export async function readUploads(client: OpenAI): Promise<Map<string, LiveFile>> {
  const r = await readAll(client.files.list({ purpose: 'assistants', limit: PAGE.files }, READ) as unknown as Promise<Paged<OpenAI.FileObject>>);
  return new Map(r.items.map((f) => [f.id, { id: f.id, filename: f.filename, bytes: f.bytes, created_at: f.created_at, purpose: f.purpose }]));
}
