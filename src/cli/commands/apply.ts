/**
 * `apply`: make the account match the manifest (or execute a saved plan exactly). Shows the plan,
 * asks on a TTY unless --auto-approve (refuses without a TTY), checks the safety gate, then runs.
 * SIGINT / SIGTERM while it runs: see ../stop.ts.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { DeploymentLease } from '../../targets/lease.js';
import { sleepFor, realClock } from '../../targets/pace.js';
import { accountFor } from '../../targets/write.js';
import type { Live } from '../../targets/live.js';
import type { Target } from '../../targets/target.js';
import { executePlan } from '../../apply/execute.js';
import type { ApplyResult, NotDone } from '../../apply/events.js';
import { Budget } from '../../targets/pace.js';
import { checkSafety } from '../../apply/safety.js';
import { ManifestError, UserError } from '../../errors.js';
import type { Desired } from '../../manifest/desired.js';
import { changedResources, manifestFingerprint } from '../../plan/manifest-fingerprint.js';
import { resultLine } from '../../render/plan-text.js';
import { readSavedPlan, verifyLocalFiles } from '../../plan/saved.js';
import { hasChanges } from '../../plan/types.js';
import type { Plan } from '../../plan/types.js';
import { createIo } from '../io.js';
import type { Io } from '../io.js';
import type { CommandOptions } from '../main.js';
import { collectWhenGrown } from '../memory.js';
import { createReporter } from '../progress.js';
import { connect, exitWithPlanErrors, fingerprintFor, loadDesired, makePlan, manifestArgument, planChecked, readAccount, showPlan } from '../session.js';
import { Interrupted, Stopper } from '../stop.js';

export const DEFAULT_CONCURRENCY = 32;

function concurrencyOf(opts: CommandOptions): number {
  const n = Number(opts.concurrency ?? DEFAULT_CONCURRENCY);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UserError(`--concurrency must be an integer from 1 to 256, not ${String(opts.concurrency)}`);
  return n;
}

export async function confirm(io: Io, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    // Ctrl-C at the prompt reaches readline (the terminal is in raw mode), not the process
    const interrupted = new Promise<never>((_, reject) => rl.once('SIGINT', () => reject(new Interrupted('SIGINT'))));
    const answer = await Promise.race([rl.question(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `), interrupted]);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** Asks, or refuses when nobody can answer. Returns false when the user declined. */
export async function approve(io: Io, opts: CommandOptions, question: string, verb: string): Promise<boolean> {
  if (opts.autoApprove === true) return true;
  if (!io.interactive) {
    throw new UserError(`${verb} needs confirmation, and there is no terminal to ask on (CI or a pipe)`, 'review the plan, then pass --auto-approve');
  }
  const cancelled = `${verb[0]!.toUpperCase()}${verb.slice(1)} cancelled.`;
  let ok: boolean;
  try {
    ok = await confirm(io, question);
  } catch (error) {
    if (error instanceof Interrupted) io.err(`${cancelled} (${error.signalName})`);
    throw error;
  }
  if (!ok) io.err(cancelled);
  return ok;
}

/** OpenAI's platform enforces the published limits: pace from the first request there. */
function pacesFromStart(target: Target): boolean {
  const mode = process.env.ASSISTANTS_DEPLOY_PACE;
  if (mode === 'always') return true;
  if (mode === 'on-429') return false;
  return /(^|\.)openai\.com$/.test(hostOf(target.baseUrl));
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function timeScale(): number | undefined {
  const raw = process.env.ASSISTANTS_DEPLOY_RATE_SCALE;
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export async function execute(
  plan: Plan,
  target: Target,
  root: string,
  opts: CommandOptions,
  io: Io,
  signal?: AbortSignal,
  checkpoint?: () => Promise<unknown>,
): Promise<ApplyResult> {
  const scale = timeScale();
  const budget = new Budget({
    concurrency: concurrencyOf(opts),
    paceFromStart: pacesFromStart(target),
    ...(scale ? { timeScale: scale } : {}),
  });
  const reporter = createReporter(io);
  const collect = collectWhenGrown();
  try {
    return await executePlan({
      plan,
      account: accountFor(target.client),
      budget,
      root,
      ...(signal ? { signal } : {}),
      ...(checkpoint ? { checkpoint } : {}),
      onEvent: (e) => {
        reporter.onEvent(e);
        collect();
      },
    });
  } finally {
    reporter.stop();
  }
}

const listed = (addresses: string[]) => (addresses.length > 4 ? `${addresses.slice(0, 4).join(', ')} and ${addresses.length - 4} more` : addresses.join(', '));

/** `2 to add (vector_store.docs, assistant.support). Files: 28 to upload, 40 to attach.` */
export function notDoneText(n: NotDone): string {
  const resources = [
    n.add.length && `${n.add.length} to add (${listed(n.add)})`,
    n.change.length && `${n.change.length} to change (${listed(n.change)})`,
    n.destroy.length && `${n.destroy.length} to destroy (${listed(n.destroy)})`,
  ].filter(Boolean);
  const f = n.files;
  const files = [
    f.upload && `${f.upload} to upload`,
    f.attach && `${f.attach} to attach`,
    f.update_attributes && `${f.update_attributes} to re-attribute`,
    f.detach && `${f.detach} to detach`,
    f.delete && `${f.delete} to delete`,
  ].filter(Boolean);
  const parts = [resources.length ? `${resources.join(', ')}.` : 'no resource changes.', files.length ? `Files: ${files.join(', ')}.` : ''];
  if (f.index) parts.push(`${f.index} attached file${f.index === 1 ? '' : 's'} still indexing (on the server; not waited for).`);
  return parts.filter(Boolean).join(' ');
}

/**
 * How a run that reported no failure ended, checked before it says `… complete!`: `lost`, the lease
 * was found gone at the end; `differs`, the account read again does not match what the run was
 * to make (the next plan's result line); `unread`, it could not be read again.
 */
export type Verified = { ok: true } | { ok: false; lost?: string; differs?: string; unread?: string };

export interface RunEnd {
  deployment: string;
  /** The lease was lost while the run held it (why). */
  lost?: string;
  verified?: Verified;
}

export function report(io: Io, result: ApplyResult, verb = 'Apply', interrupted?: Interrupted, end?: RunEnd): number {
  const f = result.files;
  const files = [
    f.uploaded && `${f.uploaded} uploaded`,
    f.attached && `${f.attached} attached`,
    f.reattributed && `${f.reattributed} re-attributed`,
    f.detached && `${f.detached} detached`,
    f.deleted && `${f.deleted} deleted`,
  ].filter(Boolean);
  const summary = `Resources: ${result.created} added, ${result.updated} changed, ${result.deleted} destroyed.${files.length ? ` Files: ${files.join(', ')}.` : ''}`;
  if (result.stopped && interrupted) {
    io.err(`${verb} stopped by ${interrupted.signalName}. Done: ${summary}`);
    io.err(`Not done: ${notDoneText(result.stopped)}`);
    if (result.failures.length > 0) io.err(`${result.failures.length} failure${result.failures.length === 1 ? '' : 's'}:`);
    for (const x of result.failures) io.err(`  ${x.address}: ${x.message}`);
    io.err('Everything done so far is kept; run the same command again to finish the job.');
    return interrupted.exitCode;
  }
  const lost = end?.lost ?? (end?.verified && !end.verified.ok ? end.verified.lost : undefined);
  if (lost !== undefined) {
    // another apply or destroy may have got in: what this one did is kept, nothing is claimed
    io.err(
      `error: ${verb.toLowerCase()} lost its lease on deployment "${end!.deployment}" while it ran (${lost}), so another apply or destroy may have been changing the deployment at the same time; it stopped sending requests`,
    );
    io.err(`Done: ${summary}`);
    if (result.stopped) io.err(`Not done: ${notDoneText(result.stopped)}`);
    if (result.failures.length > 0) io.err(`${result.failures.length} failure${result.failures.length === 1 ? '' : 's'}:`);
    for (const x of result.failures) io.err(`  ${x.address}: ${x.message}`);
    io.err('hint: run plan to see where the account stands (after any other apply has finished), then run the same command again');
    return 1;
  }
  if (interrupted) io.info(`(${interrupted.signalName} came after the last change was made: nothing was left undone.)`);
  if (result.failures.length === 0 && end?.verified && !end.verified.ok) {
    const v = end.verified;
    if (v.unread !== undefined) {
      io.err(`error: ${verb.toLowerCase()} made every change it planned (${summary}), but could not read the account again to check it: ${v.unread}`);
      io.err(`hint: run plan to see whether the account matches the manifest`);
    } else {
      io.err(`error: ${verb.toLowerCase()} made every change it planned (${summary}), but the account does not match the manifest now: ${v.differs ?? ''}`);
      io.err(
        `hint: something else changed deployment "${end.deployment}" while this ran (another apply or destroy, a lease deleted by hand, an edit in the dashboard); run plan to see the difference, then run the same command again`,
      );
    }
    return 1;
  }
  if (result.failures.length === 0) {
    io.out(`${verb} complete! ${summary}`);
    return 0;
  }
  io.err(`${verb} finished with ${result.failures.length} failure${result.failures.length === 1 ? '' : 's'}. ${summary}`);
  for (const x of result.failures) io.err(`  ${x.address}: ${x.message}`);
  io.err('Everything that succeeded is kept; run the same command again to finish the job.');
  return 1;
}

function ownedCount(live: Live): number {
  return live.assistants.length + live.vectorStores.length;
}

/**
 * A stopped command's ending when the stop came before any change (waiting for the lease, reading
 * the account again): the error it may have caused is shown, the exit code is the signal's.
 */
export function stoppedBeforeChanges(io: Io, stop: Stopper, verb: string, error: unknown): number {
  const why = stop.interrupted;
  if (!why) throw error;
  // an error of a request the stop cut off is the stop's doing, not news
  if (!(error instanceof Interrupted) && !stop.cutOff) io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
  io.err(`${verb} stopped by ${why.signalName} before it changed anything.`);
  return why.exitCode;
}

/** The lease's fetch wrapper inside the stop's: the lease's own requests are never cut off. */
export function wrapFor(stop: Stopper, lease: DeploymentLease): (fetch: typeof globalThis.fetch) => typeof globalThis.fetch {
  return (fetch) => stop.wrapFetch(lease.wrapFetch(fetch));
}

/** Waits before reading again when a check finds a difference: lists may trail writes on OpenAI. */
function verifyRetryDelays(target: Target): number[] {
  return /(^|\.)openai\.com$/.test(hostOf(target.baseUrl)) ? [1_000, 3_000] : [];
}

/**
 * The check before `… complete!`, after a run without failures: the lease is renewed (still held?),
 * then the deployment is read again (a few list pages, as plan reads it) and planned against the
 * same manifest: any change left means something else wrote meanwhile. Costs one renewal and one
 * read of the deployment.
 */
export async function verifyRun(target: Target, deployment: string, lease: DeploymentLease, replan: (live: Live) => Plan | Promise<Plan>, io: Io): Promise<Verified> {
  if (!(await lease.confirm())) return { ok: false, lost: lease.lost ?? 'the lease is gone' };
  const delays = verifyRetryDelays(target);
  for (let i = 0; ; i++) {
    let plan: Plan;
    try {
      plan = await replan(await readAccount(target, deployment));
    } catch (error) {
      if (lease.lost !== undefined) return { ok: false, lost: lease.lost };
      return { ok: false, unread: error instanceof Error ? error.message : String(error) };
    }
    if (!hasChanges(plan)) return { ok: true };
    if (i >= delays.length) return { ok: false, differs: resultLine(plan) };
    io.debug(`check: the account read again differs (${resultLine(plan)}); reading it again in ${delays[i]} ms`);
    await sleepFor(realClock, delays[i]!);
  }
}

/**
 * Executes the plan holding the lease (stopping at the next phase once the lease is lost, or on
 * a signal), checks the result (verifyRun) when nothing failed, and reports.
 */
export async function executeHolding(
  ctx: { plan: Plan; target: Target; root: string; opts: CommandOptions; io: Io; stop: Stopper; lease: DeploymentLease; deployment: string; verb: string },
  replan: (live: Live) => Plan | Promise<Plan>,
): Promise<number> {
  const { plan, target, root, opts, io, stop, lease, deployment, verb } = ctx;
  const result = await execute(plan, target, root, opts, io, AbortSignal.any([stop.signal, lease.signal]), () => lease.confirm());
  const clean = result.failures.length === 0 && !result.stopped && lease.lost === undefined && !stop.interrupted;
  const verified = clean ? await verifyRun(target, deployment, lease, replan, io) : undefined;
  return report(io, result, verb, stop.interrupted, { deployment, ...(lease.lost !== undefined ? { lost: lease.lost } : {}), ...(verified ? { verified } : {}) });
}

export async function run(args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const stop = new Stopper(io, 'apply');
  try {
    const planFile = args[0];
    if (planFile !== undefined) return await applySaved(planFile, opts, io, stop);
    return await applyManifest(opts, io, stop);
  } finally {
    stop.dispose();
  }
}

/**
 * apply goes ahead with what it can; a plan error (an assistant whose model the target does not
 * serve: nothing was sent for it) makes the command exit 1, after the rest is done.
 */
async function applyManifest(opts: CommandOptions, io: Io, stop: Stopper): Promise<number> {
  let planned: Plan | undefined;
  const code = await applyManifestPlan(opts, io, stop, (p) => (planned = p));
  return planned ? exitWithPlanErrors(io, planned, code) : code;
}

async function applyManifestPlan(opts: CommandOptions, io: Io, stop: Stopper, seen: (plan: Plan) => void): Promise<number> {
  const desired = await loadDesired(opts, io);
  const lease = new DeploymentLease('apply', io);
  const target = await connect(opts, io, { maxRetries: 0, wrapFetch: wrapFor(stop, lease) });
  try {
    const live = await readAccount(target, desired.deployment, io);
    let plan = await planChecked(desired, live, target, { prices: opts.prices, manifestFile: manifestArgument(opts) });
    seen(plan);
    showPlan(io, plan);
    if (!hasChanges(plan)) {
      await lease.sweep(target, desired.deployment);
      return 0;
    }
    checkSafety(plan, { owned: ownedCount(live), allowMassDelete: opts.allowMassDelete === true, allowConflicts: opts.allowConflicts === true });
    if (!(await approve(io, opts, 'Do you want to perform these actions?', 'apply'))) return 1;
    stop.arm();
    return await lease.hold(
      target,
      desired.deployment,
      async () => {
        // another apply may have changed the account before this one got the lease: plan again
        const now = await readAccount(target, desired.deployment);
        stop.signal.throwIfAborted();
        if ((await fingerprintFor(target, now, plan)) !== plan.live_fingerprint) {
          io.info('The account changed before this apply got the lease; planning again.');
          plan = await planChecked(desired, now, target, { prices: opts.prices, manifestFile: manifestArgument(opts) });
          seen(plan);
          showPlan(io, plan, { status: false });
          if (!hasChanges(plan)) return 0;
          checkSafety(plan, { owned: ownedCount(now), allowMassDelete: opts.allowMassDelete === true, allowConflicts: opts.allowConflicts === true });
          if (!(await approve(io, opts, 'The plan changed. Do you want to perform these actions?', 'apply'))) return 1;
        }
        return executeHolding({ plan, target, root: desired.root, opts, io, stop, lease, deployment: desired.deployment, verb: 'Apply' }, (l) => makePlan(desired, l, target));
      },
      stop.signal,
    );
  } catch (error) {
    return stoppedBeforeChanges(io, stop, 'Apply', error);
  } finally {
    await target.close();
  }
}

/**
 * The manifest a saved plan was made from, loaded again (the -f it recorded, its environment, this
 * command's --var values and environment variables): refused as stale when it no longer resolves
 * to what the plan recorded, naming the resources that differ. A plan made by a version that
 * recorded no fingerprint is applied with a warning.
 */
async function savedPlanManifest(plan: Plan, file: string, opts: CommandOptions, io: Io): Promise<Desired> {
  if (typeof opts.env === 'string' && opts.env !== (plan.environment ?? undefined)) {
    throw new UserError(
      `the saved plan ${file} was made ${plan.environment ? `for --env ${plan.environment}` : 'without --env'}, not for --env ${opts.env}`,
      'apply it without --env (it applies to the environment it was planned for), or make a new plan for that environment',
    );
  }
  const manifestFile = plan.manifest.file ?? (plan.manifest.sources.length === 1 ? plan.manifest.sources[0]! : plan.manifest.root);
  let desired: Desired;
  try {
    const { env: _env, ...rest } = opts;
    desired = await loadDesired({ ...rest, file: manifestFile, ...(plan.environment ? { env: plan.environment } : {}) }, io);
  } catch (error) {
    if (error instanceof UserError && !(error instanceof ManifestError)) {
      throw new UserError(
        `cannot check the saved plan ${file} against the manifest it was made from (${manifestFile}): ${error.message}`,
        'apply a saved plan in the checkout it was made in: its manifest and files are read again to check that they have not changed since',
      );
    }
    throw error;
  }
  const recorded = plan.manifest.fingerprint;
  if (!recorded) {
    io.err(`warning: the saved plan ${file} records no fingerprint of its manifest (made by an older version), so whether ${manifestFile} changed since it was made is not checked`);
    return desired;
  }
  const now = manifestFingerprint(desired);
  if (now.sha256 !== recorded.sha256) {
    const d = changedResources(recorded, now);
    const parts = [
      d.changed.length > 0 && `${d.changed.join(', ')} changed`,
      d.added.length > 0 && `${d.added.join(', ')} added`,
      d.removed.length > 0 && `${d.removed.join(', ')} removed`,
    ].filter(Boolean);
    const what = parts.length > 0 ? parts.join('; ') : `its deployment or environment differs`;
    throw new UserError(
      `the saved plan ${file} is stale: the manifest (${manifestFile}) changed since the plan was made (${plan.created_at}): ${what}; so the plan no longer describes it`,
      'run plan again and review the new plan',
    );
  }
  return desired;
}

async function applySaved(file: string, opts: CommandOptions, io: Io, stop: Stopper): Promise<number> {
  const plan = await readSavedPlan(file);
  const code = await applySavedPlan(file, plan, opts, io, stop);
  return exitWithPlanErrors(io, plan, code);
}

async function applySavedPlan(file: string, plan: Plan, opts: CommandOptions, io: Io, stop: Stopper): Promise<number> {
  const root = path.resolve(process.cwd(), plan.manifest.root);
  await verifyLocalFiles(plan, root);
  const desired = await savedPlanManifest(plan, file, opts, io);
  const lease = new DeploymentLease('apply', io);
  const target = await connect(opts, io, { maxRetries: 0, wrapFetch: wrapFor(stop, lease) });
  try {
    if (target.baseUrl !== plan.target.base_url) {
      throw new UserError(
        `the saved plan was made against ${plan.target.base_url}, but the target now is ${target.baseUrl}`,
        'run the apply against the same target as the plan (OPENAI_BASE_URL / --target), or make a new plan',
      );
    }
    const live = await readAccount(target, plan.deployment);
    const stale = () =>
      new UserError(
        `the saved plan ${file} is stale: the account changed since the plan was made (${plan.created_at}), so it no longer describes what apply would do`,
        'run plan again and review the new plan',
      );
    if ((await fingerprintFor(target, live, plan)) !== plan.live_fingerprint) throw stale();
    showPlan(io, plan, { status: false });
    if (!hasChanges(plan)) return 0;
    checkSafety(plan, { owned: ownedCount(live), allowMassDelete: opts.allowMassDelete === true, allowConflicts: opts.allowConflicts === true });
    if (!(await approve(io, opts, 'Do you want to perform these actions?', 'apply'))) return 1;
    stop.arm();
    return await lease.hold(
      target,
      plan.deployment,
      async () => {
        if ((await fingerprintFor(target, await readAccount(target, plan.deployment), plan)) !== plan.live_fingerprint) throw stale();
        stop.signal.throwIfAborted();
        return executeHolding({ plan, target, root, opts, io, stop, lease, deployment: plan.deployment, verb: 'Apply' }, (l) => makePlan(desired, l, target));
      },
      stop.signal,
    );
  } catch (error) {
    return stoppedBeforeChanges(io, stop, 'Apply', error);
  } finally {
    await target.close();
  }
}
