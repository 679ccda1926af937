/**
 * The deploy workflow, one sequence for `apply` (from the manifest), `apply PLANFILE` and
 * `destroy`:
 *
 *   read -> plan -> show -> (nothing to do: sweep, end) -> safety gate -> confirm -> lease ->
 *   read again -> (the account moved: plan again, show, gate, confirm again; or, for a saved
 *   plan, refuse as stale) -> execute -> check (the lease still held, the account read again plans
 *   to no change) -> outcome
 *
 * What differs between the three is what they pass in: how the plan is made and made again, what
 * the run is checked against, the questions. The terminal is the caller's: showing the plan,
 * asking, progress and the stop signal come in as callbacks and an AbortSignal (`WorkflowUi`), and
 * the outcome goes back for the caller to report; nothing here prints.
 */
import type { Budget } from '../targets/pace.js';
import { realClock, sleepFor } from '../targets/pace.js';
import type { DeploymentLease } from '../targets/deployment-lease.js';
import type { Live } from '../targets/live.js';
import type { Target } from '../targets/provider.js';
import { liveFingerprint } from '../plan/fingerprint.js';
import { hasChanges } from '../plan/types.js';
import type { Plan } from '../plan/types.js';
import { resultLine } from '../render/plan-text.js';
import type { ApplyEvent, ApplyResult } from './events.js';
import { executePlan } from './execute.js';
import { checkSafety } from './safety.js';
import type { SafetyOptions } from './safety.js';

export interface WorkflowUi {
  /** Shows a plan about to be carried out: the first one, or the one made again after the lease. */
  showPlan(plan: Plan, when: 'first' | 'again'): void;
  /** Asks the question; false when the answer is no. */
  confirm(question: string): Promise<boolean>;
  info(text: string): void;
  debug(text: string): void;
  /** The first plan has nothing to do (said before the stale-lease sweep). */
  nothingToDo?(): void;
  /** About to take the lease and write: from now on the stop signal ends the run in order. */
  arm(): void;
  /** Progress of the execution. */
  onEvent(event: ApplyEvent): void;
  /** The execution ended (progress bars stop). */
  executed?(): void;
}

export interface Workflow {
  verb: 'apply' | 'destroy';
  target: Target;
  deployment: string;
  /** Absolute manifest root: where the plan's file paths start. */
  root: string;
  lease: DeploymentLease;
  /** The pacing budget, made when the execution starts (a bad --concurrency is refused only then, as before). */
  budget(): Budget;
  /** The caller's stop (a signal): aborted, nothing new starts. */
  signal: AbortSignal;
  /** The first read of the account (the caller may have started it early). */
  read(): Promise<Live>;
  /** The plan to carry out, made from (or checked against) the first read. */
  plan(live: Live): Promise<Plan>;
  /** The plan made again when the account moved before the lease; absent (a saved plan): `stale()` is thrown. */
  replan?: (live: Live) => Promise<Plan>;
  stale?: () => Error;
  /** The plan the account read again after a clean run must have no change in. */
  check(live: Live): Plan | Promise<Plan>;
  safety: Omit<SafetyOptions, 'owned'>;
  questions: { first: string; again: string };
  ui: WorkflowUi;
}

/**
 * How a run that reported no failure ended, checked before it says `… complete!`: `lost`, the lease
 * was found gone at the end; `differs`, the account read again does not match what the run was
 * to make (the next plan's result line); `unread`, it could not be read again.
 */
export type Verified = { ok: true } | { ok: false; lost?: string; differs?: string; unread?: string };

export type Outcome =
  /** Nothing to change (the plan shown says so). */
  | { kind: 'nothing' }
  | { kind: 'declined' }
  | { kind: 'ran'; result: ApplyResult; lost?: string; verified?: Verified };

function owned(live: Live): number {
  return live.assistants.length + live.vectorStores.length;
}

/**
 * The fingerprint of `live` as a plan made against it would record it: with the stores outside
 * the deployment checked for the plan's deleted uploads, so a saved (or earlier) plan goes stale
 * when one of them starts holding such an upload.
 */
export async function fingerprintFor(target: Target, live: Live, plan: Plan): Promise<string> {
  return liveFingerprint(plan.file_deletions.length === 0 ? live : await target.checkForeign(live, plan.file_deletions.map((d) => d.file_id)));
}

export async function runWorkflow(w: Workflow): Promise<Outcome> {
  const live = await w.read();
  const plan = await w.plan(live);
  w.ui.showPlan(plan, 'first');
  if (!hasChanges(plan)) {
    w.ui.nothingToDo?.();
    await w.lease.sweep(w.target, w.deployment);
    return { kind: 'nothing' };
  }
  checkSafety(plan, { ...w.safety, owned: owned(live) });
  if (!(await w.ui.confirm(w.questions.first))) return { kind: 'declined' };
  w.ui.arm();
  return w.lease.hold(w.target, w.deployment, () => underLease(w, plan), w.signal);
}

/** Holding the lease: read again, re-plan (or refuse) when the account moved, execute, check. */
async function underLease(w: Workflow, planned: Plan): Promise<Outcome> {
  // another apply or destroy may have changed the account before this one got the lease
  const now = await w.target.read(w.deployment);
  w.signal.throwIfAborted();
  let plan = planned;
  if ((await fingerprintFor(w.target, now, plan)) !== plan.live_fingerprint) {
    if (!w.replan) throw w.stale?.() ?? new Error('the account changed since the plan was made');
    w.ui.info(`The account changed before this ${w.verb} got the lease; planning again.`);
    plan = await w.replan(now);
    w.ui.showPlan(plan, 'again');
    if (!hasChanges(plan)) return { kind: 'nothing' };
    checkSafety(plan, { ...w.safety, owned: owned(now) });
    if (!(await w.ui.confirm(w.questions.again))) return { kind: 'declined' };
  }
  return executeHolding(w, plan);
}

/**
 * Executes the plan holding the lease (stopping at the next phase once the lease is lost, or on
 * the stop signal), and checks the result (`verify`) when nothing failed.
 */
async function executeHolding(w: Workflow, plan: Plan): Promise<Outcome> {
  const { lease } = w;
  let result: ApplyResult;
  try {
    result = await executePlan({
      plan,
      account: w.target.account,
      budget: w.budget(),
      root: w.root,
      signal: AbortSignal.any([w.signal, lease.signal]),
      checkpoint: () => lease.confirm(),
      onEvent: (e) => w.ui.onEvent(e),
    });
  } finally {
    w.ui.executed?.();
  }
  const clean = result.failures.length === 0 && !result.stopped && lease.lost === undefined && !w.signal.aborted;
  const verified = clean ? await verify(w) : undefined;
  return { kind: 'ran', result, ...(lease.lost !== undefined ? { lost: lease.lost } : {}), ...(verified ? { verified } : {}) };
}

/**
 * The check before `… complete!`, after a run without failures: the lease is renewed (still held?),
 * then the deployment is read again (a few list pages, as plan reads it) and planned against the
 * same manifest: any change left means something else wrote meanwhile. Costs one renewal and one
 * read of the deployment; a target whose lists may trail its writes is read again after a wait.
 */
export async function verify(w: Pick<Workflow, 'target' | 'deployment' | 'lease' | 'check' | 'ui'>): Promise<Verified> {
  const { lease } = w;
  if (!(await lease.confirm())) return { ok: false, lost: lease.lost ?? 'the lease is gone' };
  const delays = w.target.settleDelays;
  for (let i = 0; ; i++) {
    let plan: Plan;
    try {
      plan = await w.check(await w.target.read(w.deployment));
    } catch (error) {
      if (lease.lost !== undefined) return { ok: false, lost: lease.lost };
      return { ok: false, unread: error instanceof Error ? error.message : String(error) };
    }
    if (!hasChanges(plan)) return { ok: true };
    if (i >= delays.length) return { ok: false, differs: resultLine(plan) };
    w.ui.debug(`check: the account read again differs (${resultLine(plan)}); reading it again in ${delays[i]} ms`);
    await sleepFor(realClock, delays[i]!);
  }
}
