/**
 * The terminal's side of the deploy workflow (src/apply/workflow.ts) for apply and destroy: the
 * target opened with the lease's fence and the stop's, the pacing budget from the flags, the
 * callbacks that show the plan, ask, report progress and arm the stop, and the outcome turned
 * into the command's ending and exit code.
 */
import type { Outcome, Workflow, WorkflowUi } from '../apply/workflow.js';
import { runWorkflow } from '../apply/workflow.js';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { DeploymentLease } from '../targets/deployment-lease.js';
import { Budget } from '../targets/pace.js';
import type { Target } from '../targets/provider.js';
import { approve } from './confirm.js';
import type { Io } from './io.js';
import type { CommandOptions } from './main.js';
import { collectWhenGrown } from './memory.js';
import { createReporter, type Reporter } from './progress.js';
import { report, stoppedBeforeChanges } from './report.js';
import { connect, showPlan } from './session.js';
import type { Stopper } from './stop.js';

export const DEFAULT_CONCURRENCY = 32;

function concurrencyOf(opts: CommandOptions): number {
  const n = Number(opts.concurrency ?? DEFAULT_CONCURRENCY);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UserError(`--concurrency must be an integer from 1 to 256, not ${String(opts.concurrency)}`);
  return n;
}

function timeScale(): number | undefined {
  const raw = process.env.ASSISTANTS_DEPLOY_RATE_SCALE;
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function budgetFor(opts: CommandOptions, target: Target): Budget {
  const scale = timeScale();
  return new Budget({ concurrency: concurrencyOf(opts), paceFromStart: target.pacesFromStart, ...(scale ? { timeScale: scale } : {}) });
}

/** A deploying command's lease, and how its target is opened: its requests go through the stop's fence, then the lease's. */
export function deployLease(stop: Stopper, command: 'apply' | 'destroy', io: Io): { lease: DeploymentLease; extra: { maxRetries: number; wrapFetch: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch } } {
  const lease = new DeploymentLease(command, io);
  return { lease, extra: { maxRetries: 0, wrapFetch: (fetch) => stop.wrapFetch(lease.wrapFetch(fetch)) } };
}

/** The target of a deploying command opened after its manifest is loaded (a saved plan's). */
export async function openForDeploy(opts: CommandOptions, io: Io, stop: Stopper, command: 'apply' | 'destroy'): Promise<{ target: Target; lease: DeploymentLease }> {
  const { lease, extra } = deployLease(stop, command, io);
  return { target: await connect(opts, io, extra), lease };
}

export interface UiOptions {
  /** Show the status line (which target was read) with the first plan. */
  status: boolean;
  /** Every plan shown goes here too (the command's exit code looks at the last one's errors). */
  seen?: (plan: Plan) => void;
  nothingToDo?: () => void;
}

export function terminalUi(io: Io, opts: CommandOptions, stop: Stopper, verb: 'apply' | 'destroy', options: UiOptions): WorkflowUi {
  let reporter: Reporter | undefined;
  let collect: (() => void) | undefined;
  return {
    showPlan: (plan, when) => {
      options.seen?.(plan);
      showPlan(io, plan, { status: when === 'first' && options.status, ...(verb === 'destroy' ? { command: 'destroy' } : {}) });
    },
    confirm: (question) => approve(io, opts, question, verb),
    info: (text) => io.info(text),
    debug: (text) => io.debug(text),
    ...(options.nothingToDo ? { nothingToDo: options.nothingToDo } : {}),
    arm: () => stop.arm(),
    onEvent: (e) => {
      reporter ??= createReporter(io);
      collect ??= collectWhenGrown();
      reporter.onEvent(e);
      collect();
    },
    executed: () => reporter?.stop(),
  };
}

/** Runs the workflow and ends the command: its report, or the ending of a stop that came before any change. */
export async function deploy(w: Workflow, io: Io, stop: Stopper): Promise<number> {
  const verb = w.verb === 'apply' ? 'Apply' : 'Destroy';
  let outcome: Outcome;
  try {
    outcome = await runWorkflow(w);
  } catch (error) {
    return stoppedBeforeChanges(io, stop, verb, error);
  }
  if (outcome.kind === 'nothing') return 0;
  if (outcome.kind === 'declined') return 1;
  return report(io, outcome.result, verb, stop.interrupted, {
    deployment: w.deployment,
    ...(outcome.lost !== undefined ? { lost: outcome.lost } : {}),
    ...(outcome.verified ? { verified: outcome.verified } : {}),
  });
}
