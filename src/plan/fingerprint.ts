/**
 * The fingerprint of the deployment's live state a plan was made against: `apply PLANFILE` and the
 * re-read after the lease refuse (or re-plan) when the account's fingerprint differs. Streamed
 * into the hash, resource by resource and file by file: a store of 100,000 files is never one big
 * string.
 */
import { createHash } from 'node:crypto';
import { canonical, chunkKey, flatKey } from '../canonical.js';
import { liveAssistantSpec, liveVectorStoreSpec } from '../kinds/index.js';
import { TAG_RESOURCE } from '../ownership/index.js';
import type { Live } from '../targets/live.js';

export function liveFingerprint(live: Live): string {
  const hash = createHash('sha256');
  const put = (v: unknown) => hash.update(`${canonical(v)}\n`);
  const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  put({ assistants_api: live.assistantsApi });
  for (const v of byId(live.vectorStores)) {
    put({ id: v.id, spec: liveVectorStoreSpec(v), tag: v.metadata[TAG_RESOURCE] ?? null });
    for (const f of byId(v.files ?? [])) {
      const failed = f.status === 'failed' || f.status === 'cancelled' ? 1 : 0;
      hash.update(`${f.id}\t${flatKey(f.attributes)}\t${chunkKey(f.chunking_strategy)}\t${failed}\n`);
    }
  }
  for (const a of byId(live.assistants)) put({ id: a.id, spec: liveAssistantSpec(a), tag: a.metadata[TAG_RESOURCE] ?? null });
  for (const f of byId(live.files)) hash.update(`${f.id}\t${f.filename}\n`);
  // who outside the deployment uses its resources: a saved plan that would now harm one is stale
  for (const u of [...(live.foreignUses ?? [])].sort((a, b) => (a.assistant_id < b.assistant_id ? -1 : 1))) put({ foreign: u });
  // and which stores it does not own hold the uploads the plan deletes (src/targets/foreign.ts)
  for (const h of [...(live.foreignHoldings ?? [])].sort((a, b) => (a.vector_store_id < b.vector_store_id ? -1 : 1))) put({ held: h });
  return hash.digest('hex');
}

