/**
 * The steps commands share: load the manifest, hash its files, open the target, read the live
 * state, and compute the plan; and how their notes reach the terminal.
 */
import path from 'node:path';
import type { Live } from '../targets/live.js';
import { isFoundryChoice, openTarget } from '../targets/target.js';
import type { Target, TargetChoice } from '../targets/target.js';
import { formatProblem, ManifestError } from '../errors.js';
import { prepareFormats } from '../format.js';
import { agentProblems } from '../kinds/index.js';
import type { Desired, Warning } from '../manifest/desired.js';
import { hashDesired } from '../manifest/hash.js';
import { loadManifest } from '../manifest/load.js';
import { releaseStatWorker } from '../manifest/stat-files.js';
import { loadPrices } from '../plan/cost/prices.js';
import { loadDeprecations } from '../plan/deprecations.js';
import { buildPlan, planDestroy, withLive } from '../plan/build.js';
import type { BuildOptions } from '../plan/build.js';
import type { Plan } from '../plan/types.js';
import { hasChanges } from '../plan/types.js';
import { renderText, resultLine, statusLine } from '../render/plan-text.js';
import type { TextOptions } from '../render/plan-text.js';
import type { Io } from './io.js';
import type { CommandOptions } from './main.js';
import { capYoungGeneration, collectGarbage } from './memory.js';
import { loadOptions } from './options.js';

export { VERSION } from '../package-root.js';
import { VERSION } from '../package-root.js';


/** With ASSISTANTS_DEPLOY_TIMINGS set, each stage's time goes to stderr (benchmarks read it). */
const TIMINGS = Boolean(process.env.ASSISTANTS_DEPLOY_TIMINGS);
if (TIMINGS) process.stderr.write(`timing: start ${performance.now().toFixed(0)} ms\n`);
/** CPU time of this thread so far (not of the stat or hash workers): what the timings' wall times become on an idle machine. */
export function threadCpu(): string {
  const c = process.threadCpuUsage();
  return `cpu ${((c.user + c.system) / 1000).toFixed(0)} ms`;
}

function timed(io: Io, stage: string, started: number, extra = ''): void {
  if (!TIMINGS) return;
  const m = process.memoryUsage();
  io.err(`timing: ${stage} ${(performance.now() - started).toFixed(0)} ms${extra} [rss ${(m.rss / 2 ** 20).toFixed(0)} MiB, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} of ${(m.heapTotal / 2 ** 20).toFixed(0)} MiB, external ${(m.external / 2 ** 20).toFixed(0)} MiB, ${threadCpu()}]`);
}

export function printWarnings(io: Io, warnings: Warning[]): void {
  for (const w of warnings) io.err(formatProblem({ ...w, message: `warning: ${w.message}` }));
}

/** `onStructure`: the manifest's structure is valid (its deployment known); its files are resolved and hashed next. */
export async function loadDesired(opts: CommandOptions, io: Io, onStructure?: (structure: { deployment: string }) => void): Promise<Desired> {
  // the commands that load a whole manifest (and then read, plan, upload) are the ones whose heap grows
  capYoungGeneration();
  let started = performance.now();
  const structured = (structure: { deployment: string }) => {
    timed(io, 'structure', started);
    onStructure?.(structure);
  };
  const { desired, warnings } = await loadManifest({ ...loadOptions(opts), cacheRoot: process.cwd(), onStructure: structured });
  timed(io, 'load', started);
  // with the account's reads in flight, a full collection here (100-150 ms at 100,000 files) would
  // hold back every chain of pages; the one after hashing, a few hundred milliseconds on, takes this garbage too
  if (!onStructure) collectGarbage();
  printWarnings(io, warnings);
  started = performance.now();
  const stats = await hashDesired(desired, { cacheRoot: process.cwd() });
  timed(io, 'hash', started, ` (${stats.hashed} hashed, ${stats.cached} from the cache, ${stats.bytesHashed} bytes)`);
  // the stat worker's heap (100,000 paths matched, the hash cache read) goes before the diff's grows
  releaseStatWorker();
  collectGarbage();
  return desired;
}

type ConnectExtra = Partial<Parameters<typeof openTarget>[0]>;

export async function connect(opts: CommandOptions, io: Io, extra: ConnectExtra = {}): Promise<Target> {
  const target = await openQuietly(opts, io, extra);
  announce(io, target);
  return target;
}

function openQuietly(opts: CommandOptions, io: Io, extra: ConnectExtra): Promise<Target> {
  const choice = (typeof opts.target === 'string' ? opts.target : 'auto') as TargetChoice;
  return openTarget({
    choice,
    env: process.env,
    cwd: process.cwd(),
    ...(typeof opts.projectEndpoint === 'string' ? { projectEndpoint: opts.projectEndpoint } : {}),
    onRequest: io.verbose ? (r) => io.debug(`api: ${r.method} ${r.route} -> ${r.status} (${r.ms.toFixed(0)} ms)`) : undefined,
    ...extra,
  });
}

/** Which target this is: one line when the tool chose the local one on its own, else a debug line. */
function announce(io: Io, target: Target): void {
  if (target.implicitLocal) {
    // the description already says "local target (embedded emulator, data in …)"
    io.info(`Using the ${target.description}: no OPENAI_API_KEY or OPENAI_BASE_URL is set.${process.env.AZURE_AI_PROJECT_ENDPOINT?.trim() ? ' (AZURE_AI_PROJECT_ENDPOINT is set: pass --target foundry to use that Foundry project.)' : ''}`);
  } else {
    io.debug(`target: ${target.description}`);
  }
}

/**
 * The manifest, and the account read started as soon as the manifest's structure is valid (its
 * deployment known), while its files are globbed, measured and hashed: a no-op plan's wall time is
 * then about the longer of the two, not their sum. When the manifest then proves bad, the reads
 * (list requests only: nothing is written before the whole manifest is valid) are dropped, the
 * target closed, and the manifest's errors reported as they would be without them.
 */
export async function loadAndRead(
  opts: CommandOptions,
  io: Io,
  extra: ConnectExtra = {},
  options: { timed?: boolean; mapping?: boolean } = {},
): Promise<{ desired: Desired; target: Target; live: () => Promise<Live> }> {
  let opened: Promise<Target> | undefined;
  let reading: Promise<Live> | undefined;
  const start = (deployment: string) => {
    opened = openQuietly(opts, io, { ...extra, prefetch: deployment });
    reading = opened.then((t) => readAccount(t, deployment, options.timed === false ? undefined : io));
    // ICU's data for the plan's money figures (tens of milliseconds of this thread) loads while the
    // first page is on its way, not later in the read, where it would hold back the answers of a step
    opened.then(prepareFormats, () => {});
    // awaited below, or dropped with the manifest: never an unhandled rejection
    opened.catch(() => {});
    reading.catch(() => {});
  };
  // a Foundry project is read once the manifest is known to map onto it (nothing is sent before)
  const foundry = isFoundryChoice(opts.target);
  let desired: Desired;
  try {
    desired = await loadDesired(opts, io, foundry ? undefined : ({ deployment }) => start(deployment));
  } catch (error) {
    // the dropped reads end before the error is reported: nothing is sent once the command has failed
    if (opened) await opened.then((t) => t.close(), () => {});
    if (reading) await reading.catch(() => {});
    throw error;
  }
  if (foundry && options.mapping !== false) checkFoundry(desired);
  const target = await (opened ?? openQuietly(opts, io, extra));
  announce(io, target);
  // while the pages come in: the plan's money figures need ICU's data
  prepareFormats();
  const live = reading ?? readAccount(target, desired.deployment, options.timed === false ? undefined : io);
  return { desired, target, live: () => live };
}

/** With --target foundry: what the manifest says that a Foundry project has no place for, each located (src/kinds/agent-checks.ts). */
export function checkFoundry(desired: Desired): void {
  const problems = agentProblems(desired, desired.locate ?? (() => undefined));
  if (problems.length > 0) throw new ManifestError(problems);
}

export async function readAccount(target: Target, deployment: string, io?: Io): Promise<Live> {
  const started = performance.now();
  const live = await target.read(deployment);
  if (io) timed(io, 'read', started, ` (${live.stats.requests} requests, minimum ${live.stats.minimumPages})`);
  collectGarbage();
  return live;
}

/**
 * Shows the plan that apply or destroy is about to carry out: all of it on stdout (the result line
 * last). With --quiet only the command's result line is printed: this plan's `No changes.` line
 * when there is nothing to do, else nothing (the command's own `… complete!` line follows). Which
 * target was read is a status line, on stderr (`status: false` leaves it out).
 */
export function showPlan(io: Io, plan: Plan, options: { status?: boolean; command?: TextOptions['command'] } = {}): void {
  if (options.status !== false) io.info(statusLine(plan));
  if (!io.quiet) io.out(renderText(plan, { color: io.color, ...(options.command ? { command: options.command } : {}) }));
  else if (!hasChanges(plan)) io.out(resultLine(plan));
}

/** `-f PATH` as a plan records it: relative to the working folder, with `/`. */
export function manifestArgument(opts: CommandOptions): string {
  const file = typeof opts.file === 'string' ? opts.file : 'assistants.yaml';
  return path.relative(process.cwd(), path.resolve(process.cwd(), file)).split(path.sep).join('/') || '.';
}

/**
 * What a plan is built from besides the manifest and the account, from this process: the tool's
 * version, the time, the target, the manifest root as the working folder sees it, the price table
 * `options.prices` names (default: the built-in one) and the -f argument (`options.manifestFile`).
 */
function buildOptions(desired: Desired, target: Target, options: { prices?: unknown; manifestFile?: string }): BuildOptions {
  return {
    toolVersion: VERSION,
    createdAt: new Date().toISOString(),
    target: { base_url: target.baseUrl, local: target.local },
    manifestRoot: path.relative(process.cwd(), desired.root).split(path.sep).join('/') || '.',
    deprecations: loadDeprecations(),
    prices: loadPrices(options.prices),
    ...(options.manifestFile !== undefined ? { manifestFile: options.manifestFile } : {}),
  };
}

/** The plan of `desired` against `live` (src/plan/build.ts), with its cost and the manifest's fingerprint. */
export function makePlan(desired: Desired, live: Live, target: Target, options: { prices?: unknown; manifestFile?: string } = {}): Plan {
  const started = performance.now();
  const plan = buildPlan(desired, live, buildOptions(desired, target, options));
  if (TIMINGS) process.stderr.write(`timing: diff ${(performance.now() - started).toFixed(0)} ms [${threadCpu()}]\n`);
  return plan;
}

/**
 * A plan's errors (an assistant whose model the target does not serve: nothing was sent for it),
 * each on stderr as `FILE:LINE:COL: PATH: MESSAGE` (as manifest problems are); the exit code becomes 1. `code` is what
 * the command would exit with otherwise.
 */
export function exitWithPlanErrors(io: Io, plan: Plan, code: number): number {
  const errors = plan.errors ?? [];
  if (errors.length === 0) return code;
  for (const e of errors) io.err(formatProblem({ message: e.message, path: e.path, ...(e.loc ? { loc: e.loc } : {}) }));
  return code === 0 || code === 2 ? 1 : code;
}

/**
 * The plan `makePlan` makes, and, when it deletes uploads, checked against the vector stores the
 * deployment does not own: one holding such an upload is a conflict (src/targets/foreign.ts says
 * what the check costs). Every command that plans (plan, apply, destroy) goes through here.
 */
export async function planChecked(desired: Desired, live: Live, target: Target, options: { prices?: unknown; manifestFile?: string } = {}): Promise<Plan> {
  return checked(makePlan(desired, live, target, options), live, target);
}

/** Destroy's plan (src/plan/build.ts `planDestroy`), checked as planChecked checks. */
export async function destroyChecked(manifest: Desired, live: Live, target: Target): Promise<Plan> {
  return checked(planDestroy(manifest, live, buildOptions(manifest, target, {})), live, target);
}

async function checked(plan: Plan, live: Live, target: Target): Promise<Plan> {
  if (plan.file_deletions.length === 0) return plan;
  return withLive(plan, await checkedLive(target, live, plan));
}

async function checkedLive(target: Target, live: Live, plan: Plan): Promise<Live> {
  return target.checkForeign(live, plan.file_deletions.map((d) => d.file_id));
}
