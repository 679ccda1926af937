/**
 * The safety gate: checked over the whole plan before the first write (octoDNS-style). Refuses
 * deleting or replacing protected resources, deleting more than a share of the deployment, and
 * deleting what assistants outside the deployment use.
 */
import { UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';

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
  /** Largest share of them one apply may delete (default 0.25). */
  threshold?: number;
  allowMassDelete?: boolean;
  /** Apply even when the plan deletes what assistants outside the deployment use. */
  allowConflicts?: boolean;
  /** The command that refuses, for the message (default `apply`). */
  command?: 'apply' | 'destroy';
}

export function checkSafety(plan: Plan, options: SafetyOptions): void {
  const command = options.command ?? 'apply';
  const protectedHits = plan.resource_changes.filter((c) => c.protect && c.actions.includes('delete'));
  if (protectedHits.length > 0) {
    const list = protectedHits.map((c) => `${c.address} (${c.actions.includes('create') ? 'replace' : 'delete'})`);
    throw new PlanRefused(
      `refusing to ${command}: the plan would ${list.length === 1 ? 'delete or replace a protected resource' : 'delete or replace protected resources'}: ${list.join(', ')}`,
      'these resources have `protect: true` in the manifest; remove it in a reviewed change first if this is really intended',
      list,
    );
  }
  if (plan.conflicts.length > 0 && !options.allowConflicts) {
    const list = plan.conflicts.map((c) => `${c.address} (${c.id}, used by ${c.used_by}${c.used_by_deployment === null ? '' : ` of deployment "${c.used_by_deployment}"`})`);
    throw new PlanRefused(
      `refusing to ${command}: the plan deletes or replaces what assistants outside this deployment use: ${list.join(', ')}`,
      'detach them from those assistants first; or, if breaking them is intended, rerun with --allow-conflicts',
      list,
    );
  }
  const threshold = options.threshold ?? 0.25;
  const deletes = plan.resource_changes.filter((c) => c.action_reason === 'delete_because_no_resource_config');
  if (!options.allowMassDelete && options.owned > 0 && deletes.length > 1 && deletes.length / options.owned > threshold) {
    const pct = Math.round((deletes.length / options.owned) * 100);
    throw new PlanRefused(
      `refusing to ${command}: the plan deletes ${deletes.length} of the ${options.owned} assistants and vector stores deployment "${plan.deployment}" owns (${pct}%, more than ${Math.round(threshold * 100)}%)`,
      'check the manifest (a missing file, a wrong --env or -f?); if the deletions are intended, rerun with --allow-mass-delete',
      deletes.map((c) => c.address),
    );
  }
}
