/**
 * Conflicts: the plan's deletions and replacements that would harm what the deployment does not
 * own (DESIGN.md, "Protection and ownership rules"). Apply and destroy refuse them unless
 * --allow-conflicts.
 */
import type { ForeignHolding, ForeignUse, Live } from '../targets/live.js';
import { impactOf, removes } from './impact.js';
import type { Conflict, FileDeletion, ResourceChange } from './types.js';

/**
 * The plan's deletions and replacements that would change what the deployment does not own: a
 * vector store or upload an assistant outside it uses, and an upload a vector store outside it
 * holds (deleting a file removes it from every store).
 */
export function conflictsOf(changes: readonly ResourceChange[], fileDeletions: readonly FileDeletion[], live: Live): Conflict[] {
  const uses = live.foreignUses ?? [];
  const holdings = live.foreignHoldings ?? [];
  if (uses.length + holdings.length === 0) return [];
  const out: Conflict[] = [];
  const owner = (u: ForeignUse) => (u.deployment === null ? 'an assistant no deployment manages' : `an assistant of deployment "${u.deployment}"`);
  const storeOwner = (h: ForeignHolding) => (h.deployment === null ? 'a vector store no deployment manages' : `a vector store of deployment "${h.deployment}"`);
  for (const c of changes) {
    if (c.type !== 'vector_store' || c.id === null || !removes(c)) continue;
    const replace = impactOf(c) === 'replace';
    for (const u of uses) {
      if (!u.vector_store_ids.includes(c.id)) continue;
      out.push({
        address: c.address,
        id: c.id,
        used_by: u.assistant_id,
        used_by_type: 'assistant',
        used_by_deployment: u.deployment,
        message: replace
          ? `the plan replaces it, and ${owner(u)} would be left searching the deleted store`
          : `the plan deletes it, and ${owner(u)} searches it`,
      });
    }
  }
  for (const d of fileDeletions) {
    for (const u of uses) {
      if (!u.file_ids.includes(d.file_id)) continue;
      out.push({ address: `file ${d.filename}`, id: d.file_id, used_by: u.assistant_id, used_by_type: 'assistant', used_by_deployment: u.deployment, message: `the plan deletes it, and ${owner(u)} uses it with code_interpreter` });
    }
    for (const h of holdings) {
      if (!h.file_ids.includes(d.file_id)) continue;
      out.push({
        address: `file ${d.filename}`,
        id: d.file_id,
        used_by: h.vector_store_id,
        used_by_type: 'vector_store',
        used_by_deployment: h.deployment,
        message: `the plan deletes it, and ${storeOwner(h)} holds it (deleting a file removes it from every store)`,
      });
    }
  }
  const order = (c: Conflict) => `${c.address}\t${c.used_by}`;
  return out.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

