/**
 * The fingerprint of the deployment's live state a plan was made against: `apply PLANFILE` and the
 * re-read after the lease refuse (or re-plan) when the account's fingerprint differs. Streamed
 * into the hash, resource by resource and file by file: a store of 100,000 files is never one big
 * string.
 */
import { createHash, type Hash } from 'node:crypto';
import { canonical, chunkKey, flatKey } from '../canonical.js';
import { liveAssistantSpec, liveVectorStoreSpec } from '../kinds/index.js';
import { TAG_RESOURCE } from '../ownership/index.js';
import type { Live } from '../targets/live.js';

const compareIds = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The list ordered by id. A long one (a store's files, the uploads) sorts its ids as plain strings
 * (the same order as `<`, without a call per comparison) and looks each item up again.
 */
function byId<T extends { id: string }>(list: readonly T[]): T[] {
  if (list.length < 256) return [...list].sort(compareIds);
  const items = new Map<string, T>();
  for (const x of list) items.set(x.id, x);
  // the same id twice: the stable sort keeps them in the order read
  if (items.size !== list.length) return [...list].sort(compareIds);
  return list.map((x) => x.id).sort().map((id) => items.get(id)!);
}

/** chunkKey of a live file's chunking, once per distinct object (src/targets/read.ts shares one per distinct strategy). */
const chunkKeys = new WeakMap<object, string>();
function chunkKeyOf(c: unknown): string {
  if (c === null || typeof c !== 'object') return chunkKey(c);
  let key = chunkKeys.get(c);
  if (key === undefined) chunkKeys.set(c, (key = chunkKey(c)));
  return key;
}

/** One line per item into the hash: the same bytes as an update per line, handed over a few thousand lines at a time. */
function putLines<T>(hash: Hash, items: readonly T[], line: (item: T) => string): void {
  let text = '';
  for (let i = 0; i < items.length; i++) {
    text += line(items[i]!);
    if (i % 4096 === 4095) {
      hash.update(text);
      text = '';
    }
  }
  if (text) hash.update(text);
}

export function liveFingerprint(live: Live): string {
  const hash = createHash('sha256');
  const put = (v: unknown) => hash.update(`${canonical(v)}\n`);
  put({ assistants_api: live.assistantsApi });
  for (const v of byId(live.vectorStores)) {
    put({ id: v.id, spec: liveVectorStoreSpec(v), tag: v.metadata[TAG_RESOURCE] ?? null });
    putLines(hash, byId(v.files ?? []), (f) => `${f.id}\t${flatKey(f.attributes)}\t${chunkKeyOf(f.chunking_strategy)}\t${f.status === 'failed' || f.status === 'cancelled' ? 1 : 0}\n`);
  }
  for (const a of byId(live.assistants)) put({ id: a.id, spec: liveAssistantSpec(a), tag: a.metadata[TAG_RESOURCE] ?? null });
  putLines(hash, byId(live.files), (f) => `${f.id}\t${f.filename}\n`);
  // who outside the deployment uses its resources: a saved plan that would now harm one is stale
  for (const u of [...(live.foreignUses ?? [])].sort((a, b) => (a.assistant_id < b.assistant_id ? -1 : 1))) put({ foreign: u });
  // and which stores it does not own hold the uploads the plan deletes (src/targets/foreign.ts)
  for (const h of [...(live.foreignHoldings ?? [])].sort((a, b) => (a.vector_store_id < b.vector_store_id ? -1 : 1))) put({ held: h });
  return hash.digest('hex');
}

/**
 * liveFingerprint(live), made the first time it is asked for and then kept, `live` let go once it
 * is: a plan shown as text never needs it (at 100,000 files, a fifth of a second after the read).
 */
export function fingerprintOnce(live: Live): () => string {
  let from: Live | undefined = live;
  let value: string | undefined;
  return () => {
    if (value === undefined) {
      value = liveFingerprint(from!);
      from = undefined;
    }
    return value;
  };
}
