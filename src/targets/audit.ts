/**
 * What `audit` reads and deletes. Reads the whole account (not one deployment) with list requests
 * only, at the largest page each endpoint serves, as plan does: assistants (or a Foundry project's
 * agents, `options.assistants`), vector stores and uploaded files in parallel, then the files of
 * every vector store, a few stores at a time. The
 * deletes are single calls; the caller retries them (src/targets/retry.ts).
 */
import type OpenAI from 'openai';
import type { ReadStats } from './live.js';
import { isNotFound, mapLimit, pagesFor, PAGE, READ, readAll } from './read.js';

interface Paged<T> {
  data: T[];
  hasNextPage(): boolean;
  getNextPage(): Promise<Paged<T>>;
}

export interface AuditAssistant {
  id: string;
  name: string | null;
  metadata: Record<string, string>;
  vector_store_ids: string[];
  file_ids: string[];
}

export interface AuditVectorStore {
  id: string;
  name: string;
  created_at: number;
  last_active_at: number | null;
  expires_after: { anchor: string; days: number } | null;
  expires_at: number | null;
  status: string;
  usage_bytes: number;
  metadata: Record<string, string>;
  /** Ids of the files attached to it (any status). */
  file_ids: string[];
}

export interface AuditFile {
  id: string;
  filename: string;
  bytes: number;
  created_at: number;
  purpose: string;
}

export interface AuditAccount {
  /** false when the target answers the assistants endpoints with 404. */
  assistantsApi: boolean;
  assistants: AuditAssistant[];
  vectorStores: AuditVectorStore[];
  files: AuditFile[];
  stats: ReadStats;
}

export interface AuditOptions {
  concurrency?: number;
  /** The assistants from another source (a Foundry project's agents, src/targets/foundry/), with the pages they took. */
  assistants?: () => Promise<{ items: AuditAssistant[]; pages: number; minimumPages: number }>;
}

/** The Assistants API's list, or none (served: false) when the target answers it with 404. */
function auditAssistants(client: OpenAI): Promise<{ items: AuditAssistant[]; pages: number; minimumPages: number; served: boolean }> {
  return readAll(client.beta.assistants.list({ limit: PAGE.list }, READ) as unknown as Promise<Paged<OpenAI.Beta.Assistant>>)
    .then((r) => ({
      items: r.items.map((a) => ({
        id: a.id,
        name: a.name ?? null,
        metadata: (a.metadata ?? {}) as Record<string, string>,
        vector_store_ids: a.tool_resources?.file_search?.vector_store_ids ?? [],
        file_ids: a.tool_resources?.code_interpreter?.file_ids ?? [],
      })),
      pages: r.pages,
      minimumPages: pagesFor(r.items.length, PAGE.list),
      served: true,
    }))
    .catch((error: unknown) => {
      if (isNotFound(error)) return { items: [] as AuditAssistant[], pages: 1, minimumPages: 1, served: false };
      throw error;
    });
}

export async function readAccountForAudit(client: OpenAI, options: AuditOptions = {}): Promise<AuditAccount> {
  const settled = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));
  const unwrap = async <T>(p: Promise<{ value: T } | { error: unknown }>): Promise<T> => {
    const r = await p;
    if ('error' in r) throw r.error;
    return r.value;
  };
  const assistantsRead = settled(options.assistants ? options.assistants().then((r) => ({ ...r, served: true })) : auditAssistants(client));
  const filesRead = settled(readAll(client.files.list({ purpose: 'assistants', limit: PAGE.files }, READ) as unknown as Promise<Paged<OpenAI.FileObject>>));
  const stores = await readAll(client.vectorStores.list({ limit: PAGE.list }, READ) as unknown as Promise<Paged<OpenAI.VectorStores.VectorStore>>);

  let storeFilePages = 0;
  const vectorStores = await mapLimit(stores.items, options.concurrency ?? 16, async (v): Promise<AuditVectorStore> => {
    let fileIds: string[] = [];
    try {
      const r = await readAll(client.vectorStores.files.list(v.id, { limit: PAGE.list }, READ) as unknown as Promise<Paged<OpenAI.VectorStores.VectorStoreFile>>);
      fileIds = r.items.map((f) => f.id);
      storeFilePages += r.pages;
    } catch (error) {
      // deleted between the two lists: it holds nothing any more
      if (!isNotFound(error)) throw error;
      storeFilePages += 1;
    }
    const raw = v as unknown as { expires_at?: number | null };
    return {
      id: v.id,
      name: v.name ?? '',
      created_at: v.created_at,
      last_active_at: v.last_active_at ?? null,
      expires_after: v.expires_after ? { anchor: v.expires_after.anchor, days: v.expires_after.days } : null,
      expires_at: raw.expires_at ?? null,
      status: v.status,
      usage_bytes: v.usage_bytes ?? 0,
      metadata: (v.metadata ?? {}) as Record<string, string>,
      file_ids: fileIds,
    };
  });
  const assistants = await unwrap(assistantsRead);
  const files = await unwrap(filesRead);

  const minimumPages =
    assistants.minimumPages +
    pagesFor(stores.items.length, PAGE.list) +
    pagesFor(files.items.length, PAGE.files) +
    vectorStores.reduce((n, s) => n + pagesFor(s.file_ids.length, PAGE.list), 0);

  return {
    assistantsApi: assistants.served,
    assistants: assistants.items,
    vectorStores,
    files: files.items.map((f) => ({ id: f.id, filename: f.filename, bytes: f.bytes, created_at: f.created_at, purpose: f.purpose })),
    stats: {
      requests: assistants.pages + stores.pages + files.pages + storeFilePages,
      pages: { assistants: assistants.pages, vector_stores: stores.pages, files: files.pages, vector_store_files: storeFilePages },
      minimumPages,
    },
  };
}

export async function deleteVectorStore(client: OpenAI, id: string): Promise<void> {
  await client.vectorStores.delete(id);
}

export async function deleteFile(client: OpenAI, id: string): Promise<void> {
  await client.files.delete(id);
}
