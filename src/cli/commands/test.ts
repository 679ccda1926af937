/**
 * `test`: run the manifest's retrieval checks against the deployed vector stores (found by their
 * ownership tags, as plan finds them) through the search endpoint, and report each check and the
 * suite's figures (text, json, markdown, junit). Requests: the plan's list reads (which also say
 * whether the account matches the manifest: if not, the report says it tested the account as it
 * is), then one search per check. Exit 0 when every threshold holds, 1 otherwise or on any error.
 */
import { writeFile } from 'node:fs/promises';
import { compareWithBaseline } from '../../checks/baseline.js';
import { readReport } from '../../checks/report-file.js';
import { buildReport, planSearches } from '../../checks/suite.js';
import type { Outcome } from '../../checks/suite.js';
import type { PendingChanges, TestReport } from '../../checks/types.js';
import { UserError } from '../../errors.js';
import { DEFAULT_SUITE } from '../../kinds/checks.js';
import type { Desired } from '../../manifest/desired.js';
import { hasChanges } from '../../plan/types.js';
import { resultLine } from '../../render/plan-text.js';
import { renderTestJunit } from '../../render/test-junit.js';
import { renderTestMarkdown } from '../../render/test-markdown.js';
import { renderTestText, testResultLine } from '../../render/test-text.js';
import type { Live } from '../../targets/live.js';
import { runSearches } from '../../targets/search.js';
import type { Target } from '../../targets/target.js';
import { createIo } from '../io.js';
import type { Io } from '../io.js';
import type { CommandOptions } from '../main.js';
import { loadAndRead, makePlan, VERSION } from '../session.js';

export function renderReport(report: TestReport, format: string, io: Io): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'markdown') return renderTestMarkdown(report);
  if (format === 'junit') return renderTestJunit(report);
  return renderTestText(report, { quiet: io.quiet });
}

function concurrency(opts: CommandOptions): number {
  const n = Number(opts.concurrency ?? 8);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UserError(`--concurrency must be an integer from 1 to 64, not ${String(opts.concurrency)}`);
  return n;
}

/** What a plan would change now, or null when the account matches the manifest. */
function pendingOf(desired: Desired, live: Live, target: Target): PendingChanges | null {
  const plan = makePlan(desired, live, target);
  if (!hasChanges(plan)) return null;
  return { summary: resultLine(plan), addresses: [...new Set(plan.resource_changes.map((c) => c.address))] };
}

async function runChecks(desired: Desired, live: Live, target: Target, io: Io, opts: CommandOptions): Promise<TestReport> {
  const searches = planSearches(desired.checks ?? [], live.vectorStores);
  const planned = searches.flatMap((s, i) => (s.vectorStoreId ? [{ i, job: { vectorStoreId: s.vectorStoreId, body: s.body, what: `vector_store.${s.check.store}: ${s.check.name}` } }] : []));
  const outcomes = await runSearches(
    target,
    planned.map((p) => p.job),
    { concurrency: concurrency(opts), onRetry: (job, attempt, waitMs, why) => io.debug(`retry ${attempt} of ${job.what} in ${waitMs} ms: ${why}`) },
  );
  const byCheck: (Outcome | undefined)[] = new Array(searches.length).fill(undefined);
  planned.forEach((p, n) => {
    const o = outcomes[n]!;
    byCheck[p.i] = o.ok ? { hits: o.hits } : { error: o.error };
  });
  return buildReport(searches, byCheck, {
    toolVersion: VERSION,
    createdAt: new Date().toISOString(),
    deployment: desired.deployment,
    ...(desired.environment ? { environment: desired.environment } : {}),
    target: { base_url: target.baseUrl, local: target.local },
    suite: desired.suite ?? DEFAULT_SUITE,
    pending: pendingOf(desired, live, target),
    requests: { read: live.stats.requests, search: outcomes.reduce((n, o) => n + o.attempts, 0) },
  });
}

export async function run(_args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const format = typeof opts.format === 'string' ? opts.format : 'text';
  const baselineFile = typeof opts.baseline === 'string' ? opts.baseline : undefined;
  const baseline = baselineFile !== undefined ? await readReport(baselineFile) : undefined;
  concurrency(opts);
  const { desired, target, live: read } = await loadAndRead({ ...opts, checksMode: 'report' }, io);
  try {
    if (!desired.checks?.length) {
      throw new UserError(
        `the manifest declares no retrieval checks (deployment "${desired.deployment}"), so there is nothing to test`,
        'add checks to a vector store: vector_stores.KEY.checks: [{ query: "…", expect: [path/of/a/file.md] }] (README, "Retrieval checks")',
      );
    }
    const live = await read();
    const report = await runChecks(desired, live, target, io, opts);
    if (baseline) {
      if (baseline.deployment !== report.deployment) io.err(`warning: the baseline ${baselineFile} is a report of deployment "${baseline.deployment}", not "${report.deployment}"; checks are matched by id all the same`);
      report.baseline = compareWithBaseline(report, baseline, baselineFile!);
    }
    io.info(`Target: ${target.local ? 'local (embedded emulator)' : target.baseUrl}; deployment "${desired.deployment}". Read the account with ${report.requests.read} list requests; ${report.requests.search} search requests.`);
    const text = renderReport(report, format, io);
    if (typeof opts.out === 'string') {
      await writeFile(opts.out, text);
      io.out(testResultLine(report));
      io.info(`Wrote the ${format} report to ${opts.out}.`);
    } else io.out(text);
    if (typeof opts.json === 'string') await writeFile(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await target.close();
  }
}
