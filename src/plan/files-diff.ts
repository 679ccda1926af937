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

/** A live file's values, in the canonical form the plan compares them in (objects shared, not copied). */
function beforeOf(l: LiveVectorStoreFile): FileBefore {
  const raw = l.chunking_strategy;
  let chunking = raw !== null && typeof raw === 'object' ? canonicalChunking.get(raw) : undefined;
  if (chunking === undefined) {
    chunking = normalizeChunking(raw);
    if (raw !== null && typeof raw === 'object') canonicalChunking.set(raw, chunking);
  }
  return { file_id: l.id, attributes: l.attributes ?? {}, chunking_strategy: chunking };
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

  const byPath = new Map<string, LiveVectorStoreFile>();
  const sorted = [...live].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
  for (const f of sorted) {
    const p = managedPath(f);
    if (p === undefined) detach.push({ file_id: f.id, path: null, reason: 'unmanaged' });
    else if (byPath.has(p)) detach.push({ file_id: f.id, path: p, reason: 'duplicate' });
    else byPath.set(p, f);
  }
  const wantedPaths = new Set(wanted.map((w) => w.file.path));
  // live files whose path the manifest no longer names: candidates for a rename, by content
  const spare = new Map<string, LiveVectorStoreFile>();
  for (const [p, f] of byPath) {
    const sha = f.attributes?.[ATTR_SHA256];
    if (!wantedPaths.has(p) && typeof sha === 'string' && f.status !== 'failed' && f.status !== 'cancelled' && !spare.has(sha)) {
      spare.set(sha, f);
    }
  }
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
      } else if (chunkKey(normalizeChunking(l.chunking_strategy)) !== w.chunkKey) {
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
    if (renamed && !claimed.has(renamed.id) && chunkKey(normalizeChunking(renamed.chunking_strategy)) === w.chunkKey) {
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
  for (const [p, f] of byPath) {
    if (!claimed.has(f.id)) detach.push({ file_id: f.id, path: p, reason: 'removed' });
  }
  const { chunking_strategy, attributes } = settings;
  return { chunking_strategy, attributes, attach, detach, update_attributes, unchanged, total_after: wanted.length, duplicates };
}

/** Every file attached on creation of a store. */
export function allNew(wanted: WantedFile[], duplicates: VectorStoreFiles['duplicates'], settings: StoreFileSettings): VectorStoreFiles {
  return diffStoreFiles(wanted, [], duplicates, settings);
}
