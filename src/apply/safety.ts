/**
 * The safety gate: checked over the whole plan before the first write (octoDNS-style), by apply
 * and destroy alike, on a fresh plan or a saved one (it reads only the plan). In order, it refuses:
 *   1. deleting or replacing what is protected: resources the manifest protects or whose live tag
 *      records protection, and uploads named as protected (no flag lifts this; `protect: false`
 *      in a reviewed apply does);
 *   2. conflicts: deleting what the deployment does not own uses (an outside assistant's store or
 *      upload, an upload an outside store holds), unless --allow-conflicts;
 *   3. mass deletes, unless --allow-mass-delete: more than 25% (and at least 2) of the
 *      deployment's assistants and vector stores, or more than 25% of the files of any one store
 *      that holds at least 10 (files that leave the store; new versions of a file do not count).
 */
import { UserError } from '../errors.js';
import type { Plan, ResourceChange } from '../plan/types.js';
import { impactOf, removes } from '../plan/impact.js';

export class PlanRefused extends UserError {
  constructor(
    message: string,
    hint: string,
    readonly reasons: string[],
  ) {
    super(message, hint);
    this.name = 'PlanRefused';
  }
}

export interface SafetyOptions {
  /** Assistants and vector stores the deployment owns now. */
  owned: number;
  /** Largest share of them one apply may delete (default 0.25); also the share of one store's files. */
  threshold?: number;
  /** Stores holding fewer files than this are not gated on their files (default 10, as octoDNS). */
  minStoreFiles?: number;
  allowMassDelete?: boolean;
  /** Apply even when the plan deletes what assistants or stores outside the deployment use. */
  allowConflicts?: boolean;
  /** The command that refuses, for the message (default `apply`). */
  command?: 'apply' | 'destroy';
}

/** Detach reasons that take a file out of the store (the others come with a new version of it). */
const LEAVES = new Set(['removed', 'unmanaged', 'duplicate']);

/** A store's files before the plan, and how many of them leave it. */
export function storeRemovals(c: ResourceChange): { existing: number; removed: number } {
  const f = c.files;
  if (!f || impactOf(c) !== 'update') return { existing: 0, removed: 0 };
  // every live file of the store is unchanged, re-attributed, or detached (for one reason)
  const existing = f.unchanged + f.update_attributes.length + f.detach.length;
  return { existing, removed: f.detach.filter((d) => LEAVES.has(d.reason)).length };
}

export function checkSafety(plan: Plan, options: SafetyOptions): void {
  const command = options.command ?? 'apply';
  const protectedHits = plan.resource_changes.filter((c) => c.protect && removes(c));
  const protectedFiles = plan.file_deletions.filter((d) => d.protect === true);
  if (protectedHits.length + protectedFiles.length > 0) {
    const list = [
      ...protectedHits.map((c) => `${c.address} (${impactOf(c)})`),
      ...protectedFiles.map((d) => `file ${d.filename} (${d.file_id}, delete)`),
    ];
    const one = list.length === 1;
    throw new PlanRefused(
      `refusing to ${command}: the plan would ${one ? 'delete or replace a protected resource' : 'delete or replace protected resources'}: ${list.join(', ')}`,
      'set `protect: false` in its block (put the block back if it was removed) and apply that first: protection is recorded on the live resource (on an upload, by its `adp~` name), so removing the block does not lift it',
      list,
    );
  }
  if (plan.conflicts.length > 0 && !options.allowConflicts) {
    const list = plan.conflicts.map((c) => `${c.address} (${c.id}, used by ${c.used_by}${c.used_by_deployment === null ? '' : ` of deployment "${c.used_by_deployment}"`})`);
    throw new PlanRefused(
      `refusing to ${command}: the plan deletes or replaces what assistants or vector stores outside this deployment use: ${list.join(', ')}`,
      'detach them there first (from those assistants or vector stores); or, if breaking them is intended, rerun with --allow-conflicts',
      list,
    );
  }
  if (options.allowMassDelete) return;
  const threshold = options.threshold ?? 0.25;
  const pct = (n: number, of: number) => Math.round((n / of) * 100);
  const deletes = plan.resource_changes.filter((c) => c.action_reason === 'delete_because_no_resource_config');
  if (options.owned > 0 && deletes.length > 1 && deletes.length / options.owned > threshold) {
    throw new PlanRefused(
      `refusing to ${command}: the plan deletes ${deletes.length} of the ${options.owned} assistants and vector stores deployment "${plan.deployment}" owns (${pct(deletes.length, options.owned)}%, more than ${Math.round(threshold * 100)}%)`,
      'check the manifest (a missing file, a wrong --env or -f?); if the deletions are intended, rerun with --allow-mass-delete',
      deletes.map((c) => c.address),
    );
  }
  const minFiles = options.minStoreFiles ?? 10;
  const emptied = plan.resource_changes
    .map((c) => ({ c, ...storeRemovals(c) }))
    .filter((s) => s.existing >= minFiles && s.removed / s.existing > threshold);
  if (emptied.length > 0) {
    const list = emptied.map((s) => `${s.removed} of the ${s.existing} files of ${s.c.address} (${pct(s.removed, s.existing)}%)`);
    throw new PlanRefused(
      `refusing to ${command}: the plan removes ${list.join(', ')}: more than ${Math.round(threshold * 100)}% of a store's files`,
      'check the working copy and the globs (files missing from the checkout, a wrong -f?); if the removals are intended, rerun with --allow-mass-delete',
      emptied.map((s) => s.c.address),
    );
  }
}
