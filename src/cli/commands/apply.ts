/**
 * `apply`: make the account match the manifest (or execute a saved plan exactly). Shows the plan,
 * asks on a TTY unless --auto-approve (refuses without a TTY), checks the safety gate, then runs:
 * the workflow of src/apply/workflow.ts, with what differs between the two passed in (how the plan
 * is made, and made again once the lease is held; a saved plan is refused as stale instead).
 * SIGINT / SIGTERM while it runs: see ../stop.ts.
 */
import path from 'node:path';
import { ManifestError, UserError } from '../../errors.js';
import type { Desired } from '../../manifest/desired.js';
import { changedResources, manifestFingerprint } from '../../plan/manifest-fingerprint.js';
import { readSavedPlan, verifyLocalFiles } from '../../plan/saved.js';
import type { Plan } from '../../plan/types.js';
import { fingerprintFor } from '../../apply/workflow.js';
import { budgetFor, deploy, deployLease, openForDeploy, terminalUi } from '../deploy.js';
import { createIo } from '../io.js';
import type { Io } from '../io.js';
import type { CommandOptions } from '../main.js';
import { exitWithPlanErrors, loadAndRead, loadDesired, makePlan, manifestArgument, planChecked, readAccount } from '../session.js';
import { Stopper } from '../stop.js';

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

const QUESTIONS = { first: 'Do you want to perform these actions?', again: 'The plan changed. Do you want to perform these actions?' };

/**
 * apply goes ahead with what it can; a plan error (an assistant whose model the target does not
 * serve: nothing was sent for it) makes the command exit 1, after the rest is done.
 */
async function applyManifest(opts: CommandOptions, io: Io, stop: Stopper): Promise<number> {
  let planned: Plan | undefined;
  const { lease, extra } = deployLease(stop, 'apply', io);
  const { desired, target, live } = await loadAndRead(opts, io, extra);
  try {
    const planOptions = { prices: opts.prices, manifestFile: manifestArgument(opts) };
    const code = await deploy(
      {
        verb: 'apply',
        target,
        deployment: desired.deployment,
        root: desired.root,
        lease,
        budget: () => budgetFor(opts, target),
        signal: stop.signal,
        read: live,
        plan: (live) => planChecked(desired, live, target, planOptions),
        replan: (live) => planChecked(desired, live, target, planOptions),
        check: (live) => makePlan(desired, live, target),
        safety: { allowMassDelete: opts.allowMassDelete === true, allowConflicts: opts.allowConflicts === true },
        questions: QUESTIONS,
        ui: terminalUi(io, opts, stop, 'apply', { status: true, seen: (p) => (planned = p) }),
      },
      io,
      stop,
    );
    return planned ? exitWithPlanErrors(io, planned, code) : code;
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
  const { target, lease } = await openForDeploy(opts, io, stop, 'apply');
  try {
    if (target.baseUrl !== plan.target.base_url) {
      throw new UserError(
        `the saved plan was made against ${plan.target.base_url}, but the target now is ${target.baseUrl}`,
        'run the apply against the same target as the plan (OPENAI_BASE_URL / --target), or make a new plan',
      );
    }
    const stale = () =>
      new UserError(
        `the saved plan ${file} is stale: the account changed since the plan was made (${plan.created_at}), so it no longer describes what apply would do`,
        'run plan again and review the new plan',
      );
    return await deploy(
      {
        verb: 'apply',
        target,
        deployment: plan.deployment,
        root,
        lease,
        budget: () => budgetFor(opts, target),
        signal: stop.signal,
        read: () => readAccount(target, plan.deployment),
        plan: async (live) => {
          if ((await fingerprintFor(target, live, plan)) !== plan.live_fingerprint) throw stale();
          return plan;
        },
        stale,
        check: (live) => makePlan(desired, live, target),
        safety: { allowMassDelete: opts.allowMassDelete === true, allowConflicts: opts.allowConflicts === true },
        questions: QUESTIONS,
        ui: terminalUi(io, opts, stop, 'apply', { status: false }),
      },
      io,
      stop,
    );
  } finally {
    await target.close();
  }
}
