/**
 * The plan's hot loops at 100,000 files were rewritten for speed (no sort of a whole store, ids
 * sorted as plain strings, upload names parsed without split, the hash fed in batches). Each is
 * held here to the straightforward version it replaced, written out in this file: over generated
 * inputs (ties in creation time, the same path twice, files without a path, failed ones, renames,
 * the same id twice, hostile upload names), the fast one gives exactly the same result.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonical, chunkKey, flatKey } from '../../src/canonical.js';
import { liveAssistantSpec, liveVectorStoreSpec, normalizeChunking } from '../../src/kinds/index.js';
import type { LiveFile, LiveVectorStore, LiveVectorStoreFile } from '../../src/kinds/index.js';
import { ATTR_PATH, ATTR_SHA256 } from '../../src/ownership/metadata.js';
import { TAG_RESOURCE } from '../../src/ownership/index.js';
import { parseUploadName } from '../../src/ownership/upload-name.js';
import { attributesOf, diffStoreFiles, type StoreFileSettings, type WantedFile } from '../../src/plan/files-diff.js';
import { Content } from '../../src/plan/content.js';
import type { DesiredFileSet, LocalFile } from '../../src/kinds/index.js';
import { liveFingerprint } from '../../src/plan/fingerprint.js';
import type { FileAttach, FileDetach, FileReattribute, VectorStoreFiles } from '../../src/plan/types.js';
import type { Live } from '../../src/targets/live.js';

const PATHS = ['a.md', 'b.md', 'c.md', 'docs/d.md', 'docs/e.md', 'f.txt'];
const SHAS = ['1', '2', '3', '4', '5', '6', '7'].map((c) => c.repeat(64));
const STATIC = { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } };
const OTHER = { type: 'static', static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 100 } };

/** The version before: every live file sorted by creation, each path's first kept, the rest detached. */
function referenceDiff(wanted: WantedFile[], live: LiveVectorStoreFile[], duplicates: VectorStoreFiles['duplicates'], settings: StoreFileSettings): VectorStoreFiles {
  const attach: FileAttach[] = [];
  const detach: FileDetach[] = [];
  const update_attributes: FileReattribute[] = [];
  let unchanged = 0;
  const pathOf = (f: LiveVectorStoreFile) => (typeof f.attributes?.[ATTR_PATH] === 'string' ? (f.attributes[ATTR_PATH] as string) : undefined);
  const keyOf = (f: LiveVectorStoreFile) => chunkKey(normalizeChunking(f.chunking_strategy));
  const before = (l: LiveVectorStoreFile) => ({ file_id: l.id, attributes: l.attributes ?? {}, chunking_strategy: normalizeChunking(l.chunking_strategy) });
  const matches = (l: LiveVectorStoreFile, w: WantedFile) => {
    const a = l.attributes;
    if (!a || a[ATTR_PATH] !== w.file.path || a[ATTR_SHA256] !== w.file.sha256) return false;
    const keys = Object.keys(w.storeAttributes);
    return Object.keys(a).length === keys.length + 2 && keys.every((k) => a[k] === w.storeAttributes[k]);
  };
  const byPath = new Map<string, LiveVectorStoreFile>();
  for (const f of [...live].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1))) {
    const p = pathOf(f);
    if (p === undefined) detach.push({ file_id: f.id, path: null, reason: 'unmanaged' });
    else if (byPath.has(p)) detach.push({ file_id: f.id, path: p, reason: 'duplicate' });
    else byPath.set(p, f);
  }
  const wantedPaths = new Set(wanted.map((w) => w.file.path));
  const spare = new Map<string, LiveVectorStoreFile>();
  for (const [p, f] of byPath) {
    const sha = f.attributes?.[ATTR_SHA256];
    if (!wantedPaths.has(p) && typeof sha === 'string' && f.status !== 'failed' && f.status !== 'cancelled' && !spare.has(sha)) spare.set(sha, f);
  }
  const claimed = new Set<string>();
  const toAttach = (w: WantedFile, reason: FileAttach['reason'], replaced?: LiveVectorStoreFile): FileAttach => ({
    path: w.file.path,
    sha256: w.file.sha256,
    size: w.file.size,
    attributes: attributesOf(w),
    chunking_strategy: w.chunking,
    reason,
    ...(replaced ? { before: before(replaced) } : {}),
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
      } else if (keyOf(l) !== w.chunkKey) {
        detach.push({ file_id: l.id, path: w.file.path, reason: 'chunking_changed' });
        attach.push(toAttach(w, 'chunking_changed', l));
      } else if (!matches(l, w)) {
        update_attributes.push({ file_id: l.id, path: w.file.path, from_path: null, attributes: attributesOf(w), reason: 'attributes_changed', before: before(l) });
      } else {
        unchanged++;
      }
      continue;
    }
    const renamed = spare.get(w.file.sha256);
    if (renamed && !claimed.has(renamed.id) && keyOf(renamed) === w.chunkKey) {
      claimed.add(renamed.id);
      update_attributes.push({ file_id: renamed.id, path: w.file.path, from_path: pathOf(renamed) ?? null, attributes: attributesOf(w), reason: 'renamed', before: before(renamed) });
      continue;
    }
    attach.push(toAttach(w, 'new'));
  }
  for (const [p, f] of byPath) if (!claimed.has(f.id)) detach.push({ file_id: f.id, path: p, reason: 'removed' });
  return { ...settings, attach, detach, update_attributes, unchanged, total_after: wanted.length, duplicates };
}

const liveFileArb = fc.record({
  path: fc.option(fc.constantFrom(...PATHS), { nil: undefined }),
  sha: fc.option(fc.constantFrom(...SHAS), { nil: undefined }),
  extra: fc.boolean(),
  created_at: fc.integer({ min: 1, max: 4 }),
  status: fc.constantFrom('completed', 'completed', 'in_progress', 'failed', 'cancelled'),
  chunking: fc.constantFrom<unknown>(STATIC, STATIC, OTHER, null, { type: 'auto' }),
});

const storeArb = fc.record({
  live: fc.array(liveFileArb, { maxLength: 14 }),
  wanted: fc.uniqueArray(fc.record({ path: fc.constantFrom(...PATHS), sha: fc.constantFrom(...SHAS) }), { selector: (w) => w.path, maxLength: 6 }),
  teamAttr: fc.boolean(),
  chunking: fc.constantFrom<unknown>(STATIC, OTHER, { type: 'auto' }),
  ids: fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 14, maxLength: 14 }),
});

describe('diffStoreFiles without sorting the whole store', () => {
  it('gives what sorting every live file first gave, over generated stores', () => {
    fc.assert(
      fc.property(storeArb, ({ live: spec, wanted: wspec, teamAttr, chunking, ids }) => {
        const storeAttributes: Record<string, string> = teamAttr ? { team: 'x' } : {};
        // ids distinct, in an order unrelated to creation
        const live: LiveVectorStoreFile[] = spec.map((f, i) => ({
          id: `file-${String(ids[i]).padStart(3, '0')}-${i}`,
          status: f.status,
          attributes: f.path === undefined && f.sha === undefined ? null : { ...(f.path ? { [ATTR_PATH]: f.path } : {}), ...(f.sha ? { [ATTR_SHA256]: f.sha } : {}), ...(f.extra ? { team: 'x' } : {}) },
          chunking_strategy: f.chunking as LiveVectorStoreFile['chunking_strategy'],
          usage_bytes: 10,
          created_at: f.created_at,
        }));
        const canon = normalizeChunking(chunking as never);
        const wanted: WantedFile[] = wspec
          .filter((w, i) => wspec.findIndex((x) => x.sha === w.sha) === i)
          .map((w) => ({ file: { path: w.path, abs: `/m/${w.path}`, size: 5, mtimeMs: 0, ino: 0, sha256: w.sha }, storeAttributes, chunking: canon, chunkKey: chunkKey(canon) }));
        const settings: StoreFileSettings = { chunking_strategy: canon, attributes: storeAttributes };
        expect(diffStoreFiles(wanted, live, [], settings)).toEqual(referenceDiff(wanted, live, [], settings));
      }),
      { numRuns: 400, seed: 20261202 },
    );
  });
});

/** The version before: every list sorted with a comparator, one hash update per line. */
function referenceFingerprint(live: Live): string {
  const hash = createHash('sha256');
  const put = (v: unknown) => hash.update(`${canonical(v)}\n`);
  const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const flat = (a: Record<string, unknown> | null | undefined) => (a ? Object.keys(a).sort().map((k) => `${JSON.stringify(k)}=${JSON.stringify(a[k])}`).join(',') : '');
  put({ assistants_api: live.assistantsApi });
  for (const v of byId(live.vectorStores)) {
    put({ id: v.id, spec: liveVectorStoreSpec(v), tag: v.metadata[TAG_RESOURCE] ?? null });
    for (const f of byId(v.files ?? [])) {
      const failed = f.status === 'failed' || f.status === 'cancelled' ? 1 : 0;
      hash.update(`${f.id}\t${flat(f.attributes)}\t${chunkKey(f.chunking_strategy)}\t${failed}\n`);
    }
  }
  for (const a of byId(live.assistants)) put({ id: a.id, spec: liveAssistantSpec(a), tag: a.metadata[TAG_RESOURCE] ?? null });
  for (const f of byId(live.files)) hash.update(`${f.id}\t${f.filename}\n`);
  for (const u of [...(live.foreignUses ?? [])].sort((a, b) => (a.assistant_id < b.assistant_id ? -1 : 1))) put({ foreign: u });
  for (const h of [...(live.foreignHoldings ?? [])].sort((a, b) => (a.vector_store_id < b.vector_store_id ? -1 : 1))) put({ held: h });
  return hash.digest('hex');
}

// ids of mixed length and case, sharing prefixes (so `<` and a plain sort meet every kind of tie-break)
const idArb = fc.stringMatching(/^(file-|file-a|vs_|)[A-Za-z0-9_-]{0,6}$/);

const liveArb = fc.record({
  storeFiles: fc.array(fc.array(fc.record({ id: idArb, attr: fc.constantFrom<Record<string, string | number | boolean> | null>(null, { b: 1, a: 'x' }, { 'ad:path': 'p', 'ad:sha256': 's', z: true }), status: fc.constantFrom('completed', 'failed', 'cancelled') }), { maxLength: 700, size: 'max' }), { maxLength: 3 }),
  uploads: fc.array(fc.record({ id: idArb, filename: fc.string({ maxLength: 12 }) }), { maxLength: 700, size: 'max' }),
});

describe('liveFingerprint with ids sorted as strings and the hash fed in batches', () => {
  it('is the hash the per-line version gave, long lists and repeated ids included', () => {
    fc.assert(
      fc.property(liveArb, ({ storeFiles, uploads }) => {
        const vectorStores: LiveVectorStore[] = storeFiles.map((files, i) => ({
          id: `vs_${i}`,
          created_at: 1,
          name: `kb${i}`,
          expires_after: null,
          metadata: { [TAG_RESOURCE]: `kb${i}` },
          usage_bytes: 0,
          status: 'completed',
          last_active_at: null,
          file_counts: { in_progress: 0, completed: files.length, failed: 0, cancelled: 0, total: files.length },
          files: files.map((f, j) => ({ id: f.id, status: f.status, attributes: f.attr, chunking_strategy: (j % 3 === 0 ? null : STATIC) as LiveVectorStoreFile['chunking_strategy'], usage_bytes: 1, created_at: j })),
        }));
        const files: LiveFile[] = uploads.map((u) => ({ id: u.id, filename: u.filename, bytes: 1, created_at: 1, purpose: 'assistants' }));
        const live: Live = { assistantsApi: true, assistants: [], vectorStores, files, others: { assistants: 0, vectorStores: 0 }, stats: { requests: 0, pages: { assistants: 0, vector_stores: 0, files: 0, vector_store_files: 0 }, minimumPages: 0 } };
        expect(liveFingerprint(live)).toBe(referenceFingerprint(live));
      }),
      { numRuns: 60, seed: 20261202, endOnFailure: true },
    );
  });

  it('flatKey keeps its text: keys sorted, each JSON-quoted', () => {
    expect(flatKey({ b: 1, a: 'x', 'q"': true })).toBe('"a"="x","b"=1,"q\\""=true');
    expect(flatKey(null)).toBe('');
    expect(flatKey({})).toBe('');
  });
});

/** The version before: split on `~`. */
function referenceParse(filename: string) {
  const parts = filename.split('~');
  if (parts.length < 4 || (parts[0] !== 'ad' && parts[0] !== 'adp')) return undefined;
  const [, deployment, sha16] = parts as [string, string, string];
  if (!/^[0-9a-f]{16}$/.test(sha16) || !/^[a-z0-9][a-z0-9._-]*$/.test(deployment)) return undefined;
  return { deployment, sha16, basename: parts.slice(3).join('~'), protected: parts[0] === 'adp' };
}

describe('parseUploadName without split', () => {
  it('reads every name as the split version did, ours and hostile ones', () => {
    const part = fc.oneof(fc.constantFrom('ad', 'adp', 'adx', 'a', '', 'bench', 'lab.v2', '-x', 'Ab', '0123456789abcdef', '0123456789ABCDEF', '0123456789abcde'), fc.string({ maxLength: 5 }));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 7 }), (parts) => {
        const name = parts.join('~');
        expect(parseUploadName(name)).toEqual(referenceParse(name));
      }),
      { numRuns: 3000, seed: 20261202 },
    );
  });
});

/** The version before: every candidate of a content filtered, the first attached one, else the first. */
function referenceExisting(f: LocalFile, live: Live, protectedShas: Set<string>): string | undefined {
  const attached = new Set<string>();
  for (const v of live.vectorStores) for (const x of v.files ?? []) attached.add(x.id);
  for (const a of live.assistants) for (const id of a.tool_resources?.code_interpreter?.file_ids ?? []) attached.add(id);
  const want = protectedShas.has(f.sha256!);
  const candidates = live.files.filter((c) => {
    const n = referenceParse(c.filename);
    return n !== undefined && n.sha16 === f.sha256!.slice(0, 16) && c.bytes === f.size && n.protected === want;
  });
  return (candidates.find((c) => attached.has(c.id)) ?? candidates[0])?.id;
}

describe('Content finds the upload of each content as before', () => {
  it('one upload or several of a content, of other sizes, protected or not, attached or not', () => {
    const sha = fc.constantFrom('a', 'b', 'c').map((c) => c.repeat(64));
    fc.assert(
      fc.property(
        fc.array(fc.record({ sha, bytes: fc.constantFrom(5, 6), protect: fc.boolean(), attached: fc.boolean(), otherDeployment: fc.boolean() }), { maxLength: 8 }),
        fc.array(fc.record({ sha, size: fc.constantFrom(5, 6), inProtectedSet: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        (uploads, locals) => {
          const files: LiveFile[] = uploads.map((u, i) => ({ id: `file-${i}`, filename: `${u.protect ? 'adp' : 'ad'}~${u.otherDeployment ? 'x' : 'd'}~${u.sha.slice(0, 16)}~f${i}.md`, bytes: u.bytes, created_at: i, purpose: 'assistants' }));
          const storeFiles = uploads.flatMap((u, i) => (u.attached ? [{ id: `file-${i}`, status: 'completed', attributes: null, chunking_strategy: null, usage_bytes: 1, created_at: i }] : []));
          const vectorStores = [{ id: 'vs_1', created_at: 1, name: 'kb', expires_after: null, metadata: {}, usage_bytes: 0, status: 'completed', last_active_at: null, file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 }, files: storeFiles }] as unknown as LiveVectorStore[];
          const live: Live = { assistantsApi: true, assistants: [], vectorStores, files, others: { assistants: 0, vectorStores: 0 }, stats: { requests: 0, pages: { assistants: 0, vector_stores: 0, files: 0, vector_store_files: 0 }, minimumPages: 0 } };
          const local = locals.map((l, i): LocalFile => ({ path: `p${i}.md`, abs: `/m/p${i}.md`, size: l.size, mtimeMs: 0, ino: 0, sha256: l.sha }));
          const fileSets: DesiredFileSet[] = [{ key: 'safe', protect: true, files: local.filter((_, i) => locals[i]!.inProtectedSet) }];
          const content = new Content('d', fileSets, live);
          const protectedShas = new Set(fileSets[0]!.files.map((f) => f.sha256!));
          for (const f of local) {
            const want = referenceExisting(f, live, protectedShas);
            expect(content.ref(f)).toEqual(want ?? { $ref: `file:${f.sha256}` });
          }
        },
      ),
      { numRuns: 500, seed: 20261202 },
    );
  });
});
