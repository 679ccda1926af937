/**
 * The vector store: what the manifest asks for (DesiredVectorStore, with its files), what the
 * account holds (LiveVectorStore, LiveVectorStoreFile), the canonical spec both compare in (its
 * `description` can only be set at create: a change replaces the store), the body a plan records,
 * the ownership metadata, pull's manifest block and import's fingerprint. The files of a store are
 * planned by src/plan/files-diff.ts.
 */
import type { SourceLoc } from '../errors.js';
import { chunkKey, equal, flatKey } from '../canonical.js';
import { ATTR_PATH, fieldHashes, isReservedKey, ownershipMetadata, recordsProtect, userMetadata } from '../ownership/index.js';
import type { PullContext, TaggedKind } from './kind.js';
import { DEFAULTS, normalizeChunking } from './normalize.js';
import type { AttributeValue, ChunkingStrategy, ExpiresAfter, Json, LocalFile } from './values.js';

export interface DesiredVectorStore {
  key: string;
  name: string;
  description?: string;
  files: LocalFile[];
  attributes: Record<string, AttributeValue>;
  chunking_strategy?: ChunkingStrategy;
  expires_after?: ExpiresAfter;
  metadata: Record<string, string>;
  protect: boolean;
  loc?: SourceLoc;
}

export interface LiveVectorStoreFile {
  /** The file's id (a vector store file shares the id of its File). */
  id: string;
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed';
  attributes: Record<string, string | number | boolean> | null;
  chunking_strategy: Json;
  usage_bytes: number;
  created_at: number;
}

export interface LiveVectorStore {
  id: string;
  created_at: number;
  name: string;
  /** undefined when the target does not return it. */
  description?: string | null;
  expires_after: { anchor: string; days: number } | null;
  metadata: Record<string, string>;
  usage_bytes: number;
  status: string;
  last_active_at: number | null;
  file_counts: { in_progress: number; completed: number; failed: number; cancelled: number; total: number };
  /** Read for the deployment's own stores only. */
  files?: LiveVectorStoreFile[];
}

export interface VectorStoreSpec {
  name: string;
  description: string | null;
  expires_after: { anchor: string; days: number } | null;
  metadata: Record<string, string>;
}

/** What a plan records for apply to send on create or update. */
export type VectorStoreBody = VectorStoreSpec;

export const VECTOR_STORE_FIELDS = ['name', 'description', 'expires_after', 'metadata'] as const satisfies readonly (keyof VectorStoreSpec)[];
/** Vector store fields the API cannot change after create: a change replaces the store. */
export const VECTOR_STORE_CREATE_ONLY: ReadonlySet<string> = new Set(['description']);

export function desiredVectorStoreSpec(v: DesiredVectorStore): VectorStoreSpec {
  return {
    name: v.name,
    description: v.description ?? null,
    expires_after: v.expires_after ? { anchor: v.expires_after.anchor, days: v.expires_after.days } : null,
    metadata: userMetadata(v.metadata),
  };
}

/** `description` is undefined when the target does not return it (then the fingerprint decides). */
export function liveVectorStoreSpec(v: LiveVectorStore): Omit<VectorStoreSpec, 'description'> & { description: string | null | undefined } {
  return {
    name: v.name,
    description: v.description === undefined ? undefined : (v.description ?? null),
    expires_after: v.expires_after ? { anchor: v.expires_after.anchor, days: v.expires_after.days } : null,
    metadata: userMetadata(v.metadata),
  };
}

export function vectorStoreBody(spec: VectorStoreSpec): VectorStoreBody {
  return { name: spec.name, description: spec.description, expires_after: spec.expires_after, metadata: spec.metadata };
}

/** The ownership metadata apply writes with the body; `protect`: what the manifest says. */
export function vectorStoreMetadata(deployment: string, key: string, body: VectorStoreBody, protect: boolean): Record<string, string> {
  const spec: VectorStoreSpec = { name: body.name, description: body.description, expires_after: body.expires_after, metadata: userMetadata(body.metadata) };
  return ownershipMetadata(body.metadata, deployment, key, fieldHashes(spec, VECTOR_STORE_FIELDS), protect);
}

/** The value most items have (ties: the smallest key, so pulls are stable), and how many have another. */
function mostCommon<T>(items: readonly T[], keyOf: (item: T) => string): { value: T; others: number } | undefined {
  const counts = new Map<string, { value: T; n: number }>();
  for (const item of items) {
    const k = keyOf(item);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { value: item, n: 1 });
  }
  let best: [string, { value: T; n: number }] | undefined;
  for (const entry of counts) {
    if (!best || entry[1].n > best[1].n || (entry[1].n === best[1].n && entry[0] < best[0])) best = entry;
  }
  return best && { value: best[1].value, others: items.length - best[1].n };
}

/**
 * pull: a store's manifest block. Chunking and attributes are per file in the API and per store in
 * the manifest: the block has what most files carry (the managed ones; for a store adopted with
 * --ids, which has none yet, every file), and a note and a comment count the files that differ.
 */
function pullEntry(key: string, live: LiveVectorStore, ctx: PullContext): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  if (live.name !== key) entry.name = live.name;
  if (live.description) entry.description = live.description;
  const storeFiles = live.files ?? [];
  const managed = storeFiles.filter((f) => typeof f.attributes?.[ATTR_PATH] === 'string');
  const paths = managed.map((f) => f.attributes![ATTR_PATH] as string).sort();
  if (paths.length > 0) entry.files = paths;
  for (const f of managed) ctx.needed.push({ path: f.attributes![ATTR_PATH] as string, fileId: f.id });
  const unmanaged = storeFiles.filter((f) => typeof f.attributes?.[ATTR_PATH] !== 'string');
  if (unmanaged.length > 0) {
    const names = unmanaged.map((f) => ctx.uploads.get(f.id)?.filename ?? f.id);
    ctx.notes.push(
      `vector_stores.${key}: ${unmanaged.length} file(s) were not deployed by assistants-deploy (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}); add them under files: to keep them (the next apply attaches managed copies)`,
    );
  }
  const adopting = managed.length === 0;
  pullFileSettings(key, adopting ? storeFiles : managed, adopting, entry, ctx);
  if (live.expires_after) entry.expires_after = { anchor: live.expires_after.anchor, days: live.expires_after.days };
  const metadata = userMetadata(live.metadata);
  if (Object.keys(metadata).length > 0) entry.metadata = metadata;
  if (recordsProtect(live.metadata)) entry.protect = true;
  return entry;
}

function pullFileSettings(key: string, settingsFrom: readonly LiveVectorStoreFile[], adopting: boolean, entry: Record<string, unknown>, ctx: PullContext): void {
  const n = settingsFrom.length;
  const userAttrs = settingsFrom.map((f) => Object.fromEntries(Object.entries(f.attributes ?? {}).filter(([k]) => !isReservedKey(k))));
  const attrs = mostCommon(userAttrs, (a) => flatKey(a));
  if (attrs && Object.keys(attrs.value).length > 0) entry.attributes = attrs.value;
  if (attrs && attrs.others > 0) {
    const o = attrs.others;
    const which = entry.attributes ? 'whose attributes these are' : 'which have none (so none are written)';
    const text = `${o} of ${n} files ${o === 1 ? 'carries' : 'carry'} other attributes than the other ${n - o}, ${which}; the manifest sets one set per store, so ${adopting ? `the managed copies the next apply attaches all get ${entry.attributes ? 'these' : 'none'}` : `the next apply re-attributes ${o === 1 ? 'it' : 'them'}`}`;
    ctx.notes.push(`vector_stores.${key}: ${text}`);
    ctx.comments.push({ path: entry.attributes ? ['vector_stores', key, 'attributes'] : ['vector_stores', key], text });
  }
  const chunking = mostCommon(
    settingsFrom.map((f) => normalizeChunking(f.chunking_strategy)),
    (c) => chunkKey(c),
  );
  if (chunking && !equal(chunking.value, DEFAULTS.chunking)) {
    const c = chunking.value as { type: string; static?: { max_chunk_size_tokens: number; chunk_overlap_tokens: number } };
    entry.chunking_strategy = c.static ? { type: c.type, static: { max_chunk_size_tokens: c.static.max_chunk_size_tokens, chunk_overlap_tokens: c.static.chunk_overlap_tokens } } : c;
  }
  if (chunking && chunking.others > 0) {
    const o = chunking.others;
    const which = entry.chunking_strategy ? 'whose chunking this is' : "which have the API's default chunking (so none is written)";
    const text = `${o} of ${n} files ${o === 1 ? 'is' : 'are'} chunked otherwise than the other ${n - o}, ${which}; the manifest sets one chunking per store, so ${adopting ? 'the managed copies the next apply attaches all get' : `the next apply attaches ${o === 1 ? 'it' : 'them'} again with`} ${entry.chunking_strategy ? 'this one' : 'the default'}`;
    ctx.notes.push(`vector_stores.${key}: ${text}`);
    ctx.comments.push({ path: entry.chunking_strategy ? ['vector_stores', key, 'chunking_strategy'] : ['vector_stores', key], text });
  }
}

export const vectorStoreKind = {
  type: 'vector_store',
  section: 'vector_stores',
  collection: 'vectorStores',
  noun: 'a vector store',
  label: 'vector store',
  idPrefix: 'vs_',
  fields: VECTOR_STORE_FIELDS,
  createOnly: VECTOR_STORE_CREATE_ONLY,
  liveSpec: liveVectorStoreSpec,
  importMetadata(live, deployment, key) {
    // a protection the resource records stays: only an apply with protect: false lifts it
    const spec = liveVectorStoreSpec(live) as VectorStoreSpec;
    return ownershipMetadata(userMetadata(live.metadata), deployment, key, fieldHashes(spec, VECTOR_STORE_FIELDS), recordsProtect(live.metadata));
  },
  pullEntry,
} as const satisfies TaggedKind<LiveVectorStore, VectorStoreSpec>;
