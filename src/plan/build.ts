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
import { fingerprintOnce } from './fingerprint.js';
import { manifestFingerprint } from './manifest-fingerprint.js';
import type { Plan } from './types.js';

export interface BuildOptions extends Omit<DiffOptions, 'alsoProtected'> {
  /** The -f argument, relative to the working folder, as the plan records it. */
  manifestFile?: string;
  prices: LoadedPrices;
}

/**
 * Freezes the plan, arrays and objects all the way down: what apply executes is what was shown.
 * A getter (the live fingerprint, made when first read) is left to run when it is read.
 */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const d of Object.values(Object.getOwnPropertyDescriptors(value))) if ('value' in d) frozen(d.value);
    Object.freeze(value);
  }
  return value;
}

/**
 * `{ ...plan, ...values }` (a key the plan has keeps its place, a new one goes last) without
 * running the plan's getters; `fingerprint`, when given, becomes the new plan's live fingerprint.
 */
function withFields(plan: Plan, values: Partial<Plan>, fingerprint?: () => string): Plan {
  const out = {} as Plan;
  const put = (key: string, d: PropertyDescriptor) => Object.defineProperty(out, key, { ...d, enumerable: true, configurable: true, ...('value' in d ? { writable: true } : {}) });
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(plan))) {
    if (key === 'live_fingerprint' && fingerprint) put(key, { get: fingerprint });
    else if (key in values) put(key, { value: (values as Record<string, unknown>)[key] });
    else put(key, d);
  }
  for (const [key, v] of Object.entries(values)) if (!(key in out)) put(key, { value: v });
  return out;
}

export function buildPlan(desired: Desired, live: Live, options: BuildOptions): Plan {
  return assemble(desired, live, diff(desired, live, options), options);
}

function assemble(desired: Desired, live: Live, plan: Plan, options: BuildOptions): Plan {
  // made when read (the plan's JSON, apply's check of a saved plan), as the live fingerprint is
  let fingerprint: Plan['manifest']['fingerprint'] | undefined;
  let from: Desired | undefined = desired;
  const manifest = {
    ...plan.manifest,
    ...(options.manifestFile !== undefined ? { file: options.manifestFile } : {}),
    get fingerprint() {
      if (!fingerprint) {
        fingerprint = manifestFingerprint(from!);
        from = undefined;
      }
      return fingerprint;
    },
  };
  const drafted = withFields(plan, { manifest });
  return frozen(withFields(drafted, { cost: estimatePlanCost(drafted, live, options.prices) }));
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
  return frozen(withFields(plan, { conflicts: conflictsOf(plan.resource_changes, plan.file_deletions, live), read: live.stats }, fingerprintOnce(live)));
}
