/**
 * File-level changes inside one vector store: which files to attach, detach, or re-attribute
 * (a rename, or changed attributes), matched by the path and content hash each file carries.
 * Entries that touch a live file carry its values (`before`), taken from the list pages already
 * read: showing what changes costs no request.
 */
import type { LiveVectorStoreFile } from '../targets/live.js';
import type { DesiredVectorStore, LocalFile } from '../manifest/desired.js';
import { ATTR_PATH, ATTR_SHA256 } from '../ownership/metadata.js';
import { chunkKey, sortKeys } from '../canonical.js';
import { normalizeChunking } from '../kinds/index.js';
import type { FileAttach, FileBefore, FileDetach, FileReattribute, VectorStoreFiles } from './types.js';

type Attributes = Record<string, string | number | boolean>;

export interface WantedFile {
  file: LocalFile & { sha256: string };
  /** The store's attributes; the file's own (path, hash) are added by attributesOf(). */
  storeAttributes: Attributes;
  chunking: unknown;
  /** chunkKey(chunking), computed once. */
  chunkKey: string;
}

/** What every file of a store carries once the plan is applied (the plan's `files.chunking_strategy`, `files.attributes`). */
export interface StoreFileSettings {
  chunking_strategy: unknown;
  attributes: Attributes;
}

/** The files a store should hold: one per content (the first path in order wins). */
export function wantedFiles(store: DesiredVectorStore): { wanted: WantedFile[]; duplicates: { path: string; same_as: string }[]; settings: StoreFileSettings } {
  const byContent = new Map<string, string>();
  const wanted: WantedFile[] = [];
  const duplicates: { path: string; same_as: string }[] = [];
  const chunking = normalizeChunking(store.chunking_strategy);
  const chunkingKey = chunkKey(chunking);
  for (const f of store.files) {
    if (!f.sha256) throw new Error(`internal: ${f.path} was not hashed before planning`);
    const first = byContent.get(f.sha256);
    if (first !== undefined) {
      duplicates.push({ path: f.path, same_as: first });
      continue;
    }
    byContent.set(f.sha256, f.path);
    wanted.push({
      file: f as LocalFile & { sha256: string },
      storeAttributes: store.attributes,
      chunking,
      chunkKey: chunkingKey,
    });
  }
  return { wanted, duplicates, settings: { chunking_strategy: chunking, attributes: sortKeys(store.attributes) as Attributes } };
}

/** Every attribute a file should carry (built only for the files that change). */
export function attributesOf(w: WantedFile): Attributes {
  return { ...w.storeAttributes, [ATTR_PATH]: w.file.path, [ATTR_SHA256]: w.file.sha256 };
}

/** Whether live attributes are exactly the ones the file should carry, without building them. */
function attributesMatch(live: LiveVectorStoreFile['attributes'], w: WantedFile): boolean {
  if (!live || live[ATTR_PATH] !== w.file.path || live[ATTR_SHA256] !== w.file.sha256) return false;
  const keys = Object.keys(w.storeAttributes);
  if (Object.keys(live).length !== keys.length + 2) return false;
  for (const k of keys) if (live[k] !== w.storeAttributes[k]) return false;
  return true;
}

const managedPath = (f: LiveVectorStoreFile) => {
  const p = f.attributes?.[ATTR_PATH];
  return typeof p === 'string' ? p : undefined;
};

/** Canonical chunkings by the live object (src/targets/read.ts shares one object per distinct strategy). */
const canonicalChunking = new WeakMap<object, unknown>();

/** chunkKey of each canonical chunking, by the live object, so a store of 100,000 files normalises each distinct strategy once. */
const liveChunkKeys = new WeakMap<object, string>();

/** A live file's chunking in canonical form (one shared object per distinct live one). */
function canonicalOf(raw: LiveVectorStoreFile['chunking_strategy']): unknown {
  if (raw === null || typeof raw !== 'object') return normalizeChunking(raw);
  let chunking = canonicalChunking.get(raw);
  if (chunking === undefined) canonicalChunking.set(raw, (chunking = normalizeChunking(raw)));
  return chunking;
}

/** chunkKey(normalizeChunking(raw)), computed once per distinct live object. */
function liveChunkKey(raw: LiveVectorStoreFile['chunking_strategy']): string {
  if (raw === null || typeof raw !== 'object') return chunkKey(normalizeChunking(raw));
  let key = liveChunkKeys.get(raw);
  if (key === undefined) liveChunkKeys.set(raw, (key = chunkKey(canonicalOf(raw))));
  return key;
}

/** A live file's values, in the canonical form the plan compares them in (objects shared, not copied). */
function beforeOf(l: LiveVectorStoreFile): FileBefore {
  return { file_id: l.id, attributes: l.attributes ?? {}, chunking_strategy: canonicalOf(l.chunking_strategy) };
}

/** Live files in the order they were created (ties by id). */
const byCreation = (a: LiveVectorStoreFile, b: LiveVectorStoreFile): number => a.created_at - b.created_at || (a.id < b.id ? -1 : 1);

/**
 * The live files by path: per path the earliest (created first, then by id); the others, and the
 * files without a path, go to `detach` in that order. Only those few and the paths the manifest no
 * longer names (`unnamed`, in that order too) are sorted, not the whole store; `spare` holds the
 * unnamed ones by content, candidates for a rename.
 */
function indexLive(wanted: WantedFile[], live: LiveVectorStoreFile[], detach: FileDetach[]) {
  const byPath = new Map<string, LiveVectorStoreFile>();
  const extra: LiveVectorStoreFile[] = [];
  for (const f of live) {
    const p = managedPath(f);
    const had = p === undefined ? undefined : byPath.get(p);
    if (p === undefined) extra.push(f);
    else if (had === undefined) byPath.set(p, f);
    else if (byCreation(f, had) < 0) {
      byPath.set(p, f);
      extra.push(had);
    } else extra.push(f);
  }
  for (const f of extra.sort(byCreation)) {
    const p = managedPath(f);
    detach.push(p === undefined ? { file_id: f.id, path: null, reason: 'unmanaged' } : { file_id: f.id, path: p, reason: 'duplicate' });
  }
  const wantedPaths = new Set(wanted.map((w) => w.file.path));
  const unnamed: [string, LiveVectorStoreFile][] = [];
  for (const entry of byPath) if (!wantedPaths.has(entry[0])) unnamed.push(entry);
  unnamed.sort((a, b) => byCreation(a[1], b[1]));
  const spare = new Map<string, LiveVectorStoreFile>();
  for (const [, f] of unnamed) {
    const sha = f.attributes?.[ATTR_SHA256];
    if (typeof sha === 'string' && f.status !== 'failed' && f.status !== 'cancelled' && !spare.has(sha)) spare.set(sha, f);
  }
  return { byPath, unnamed, spare };
}

export function diffStoreFiles(
  wanted: WantedFile[],
  live: LiveVectorStoreFile[],
  duplicates: VectorStoreFiles['duplicates'],
  settings: StoreFileSettings,
): VectorStoreFiles {
  const attach: FileAttach[] = [];
  const detach: FileDetach[] = [];
  const update_attributes: FileReattribute[] = [];
  let unchanged = 0;

  const { byPath, unnamed, spare } = indexLive(wanted, live, detach);
  const claimed = new Set<string>();

  const toAttach = (w: WantedFile, reason: FileAttach['reason'], replaced?: LiveVectorStoreFile): FileAttach => ({
    path: w.file.path,
    sha256: w.file.sha256,
    size: w.file.size,
    attributes: attributesOf(w),
    chunking_strategy: w.chunking,
    reason,
    ...(replaced ? { before: beforeOf(replaced) } : {}),
  });

  for (const w of wanted) {
    const l = byPath.get(w.file.path);
    if (l) {
      claimed.add(l.id);
      if (l.attributes?.[ATTR_SHA256] !== w.file.sha256) {
        detach.push({ file_id: l.id, path: w.file.path, reason: 'content_changed' });
        attach.push(toAttach(w, 'content_changed', l));
      } else if (l.status === 'failed' || l.status === 'cancelled') {
        detach.push({ file_id: l.id, path: w.file.path, reason: 'failed' });
        attach.push(toAttach(w, 'retry_failed', l));
      } else if (liveChunkKey(l.chunking_strategy) !== w.chunkKey) {
        detach.push({ file_id: l.id, path: w.file.path, reason: 'chunking_changed' });
        attach.push(toAttach(w, 'chunking_changed', l));
      } else if (!attributesMatch(l.attributes, w)) {
        update_attributes.push({ file_id: l.id, path: w.file.path, from_path: null, attributes: attributesOf(w), reason: 'attributes_changed', before: beforeOf(l) });
      } else {
        unchanged++;
      }
      continue;
    }
    const renamed = spare.get(w.file.sha256);
    if (renamed && !claimed.has(renamed.id) && liveChunkKey(renamed.chunking_strategy) === w.chunkKey) {
      claimed.add(renamed.id);
      update_attributes.push({
        file_id: renamed.id,
        path: w.file.path,
        from_path: managedPath(renamed) ?? null,
        attributes: attributesOf(w),
        reason: 'renamed',
        before: beforeOf(renamed),
      });
      continue;
    }
    attach.push(toAttach(w, 'new'));
  }
  // every path the manifest names was claimed above: what is left unclaimed is among the unnamed ones
  for (const [p, f] of unnamed) {
    if (!claimed.has(f.id)) detach.push({ file_id: f.id, path: p, reason: 'removed' });
  }
  const { chunking_strategy, attributes } = settings;
  return { chunking_strategy, attributes, attach, detach, update_attributes, unchanged, total_after: wanted.length, duplicates };
}

/** Every file attached on creation of a store. */
export function allNew(wanted: WantedFile[], duplicates: VectorStoreFiles['duplicates'], settings: StoreFileSettings): VectorStoreFiles {
  return diffStoreFiles(wanted, [], duplicates, settings);
}
