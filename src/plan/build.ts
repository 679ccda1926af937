/**
 * The plan as every command uses it, built once and never changed afterwards: the diff, what it
 * was made from (the -f argument and the fingerprint of the resolved manifest, which
 * `apply PLANFILE` checks) and its storage cost, frozen. A plan for other live state (the check of
 * the stores outside the deployment came in, src/targets/foreign.ts) is a new plan (`withLive`);
 * destroy's is made by its own planner (`planDestroy`), not by editing one.
 */
import { KINDS } from '../kinds/index.js';
import type { Desired } from '../manifest/desired.js';
import type { Live } from '../targets/live.js';
import { conflictsOf } from './conflicts.js';
import { estimatePlanCost } from './cost/plan-cost.js';
import type { LoadedPrices } from './cost/prices.js';
import { diff, type DiffOptions } from './diff.js';
import { liveFingerprint } from './fingerprint.js';
import { manifestFingerprint } from './manifest-fingerprint.js';
import type { Plan } from './types.js';

export interface BuildOptions extends Omit<DiffOptions, 'alsoProtected'> {
  /** The -f argument, relative to the working folder, as the plan records it. */
  manifestFile?: string;
  prices: LoadedPrices;
}

/** Freezes the plan, arrays and objects all the way down: what apply executes is what was shown. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

export function buildPlan(desired: Desired, live: Live, options: BuildOptions): Plan {
  return assemble(desired, live, diff(desired, live, options), options);
}

function assemble(desired: Desired, live: Live, plan: Plan, options: BuildOptions): Plan {
  const manifest = { ...plan.manifest, ...(options.manifestFile !== undefined ? { file: options.manifestFile } : {}), fingerprint: manifestFingerprint(desired) };
  const drafted: Plan = { ...plan, manifest };
  return frozen({ ...drafted, cost: estimatePlanCost(drafted, live, options.prices) });
}

/**
 * Destroy's plan: the deployment's resources against an empty manifest of the same deployment,
 * protected where the account records it and where the manifest protects them.
 */
export function planDestroy(manifest: Desired, live: Live, options: BuildOptions): Plan {
  const nothing: Desired = { ...manifest, vectorStores: [], fileSets: [], assistants: [] };
  const alsoProtected = new Set(KINDS.flatMap((kind) => manifest[kind.collection].filter((r) => r.protect).map((r) => `${kind.type}.${r.key}`)));
  return assemble(nothing, live, diff(nothing, live, { ...options, alsoProtected }), options);
}

/**
 * The same plan against live state that changed after it was made (a check that needs the plan
 * came in): its conflicts, fingerprint and read figures taken from the new state. The changes
 * themselves do not depend on what others own.
 */
export function withLive(plan: Plan, live: Live): Plan {
  return frozen({ ...plan, live_fingerprint: liveFingerprint(live), conflicts: conflictsOf(plan.resource_changes, plan.file_deletions, live), read: live.stats });
}
