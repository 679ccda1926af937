/**
 * The test report as text, for the terminal and CI logs: each check with its query, what it
 * expected and what came back (rank, score, manifest path), the comparison with a baseline, the
 * suite's figures against their thresholds, and the result line last. Pure: reads only the report.
 */
import type { CheckReport, Gate, ResultRow, TestReport } from '../checks/types.js';

const WORD: Record<CheckReport['status'], string> = { pass: 'PASS ', fail: 'FAIL ', error: 'ERROR' };
const FIGURE: Record<Gate['figure'], string> = { hit_rate: 'Hit rate at k', mrr: 'MRR' };

export const fmt = (n: number | null): string => (n === null ? 'n/a' : String(Math.round(n * 1000) / 1000));

function resultText(r: ResultRow): string {
  const mark = r.expected ? '  (expected)' : r.forbidden ? '  (forbidden)' : '';
  const name = r.path ?? `${r.filename} (no assistants-deploy.path attribute)`;
  return `${String(r.rank).padStart(6)}. ${r.score.toFixed(4)}  ${name}${mark}`;
}

function headline(c: CheckReport): string {
  if (c.status === 'error') return '';
  if (c.expect.length === 0) return c.status === 'pass' ? `  (nothing forbidden in the top ${c.k})` : '';
  return c.rank !== null ? `  (first expected at rank ${c.rank} of the top ${c.k})` : `  (no expected result in the top ${c.k})`;
}

export function checkText(c: CheckReport): string[] {
  const lines = [`${WORD[c.status]} ${c.id}${headline(c)}`, `        query: ${JSON.stringify(c.query)}`];
  if (c.expect.length) lines.push(`        expect: ${c.expect.join(', ')}`);
  if (c.forbid.length) lines.push(`        forbid: ${c.forbid.join(', ')}`);
  if (c.min_score !== null) lines.push(`        min_score: ${c.min_score}`);
  if (c.filters) lines.push(`        filters: ${JSON.stringify(c.filters)}`);
  for (const r of c.reasons) lines.push(`        - ${r}`);
  if (c.status !== 'error') lines.push(...(c.results.length ? c.results.map(resultText) : ['        (the search returned nothing)']));
  return lines;
}

export function gateText(g: Gate, r: TestReport): string {
  const detail = g.figure === 'hit_rate' ? ` (${r.figures.passed} of ${r.figures.checks} passed)` : g.value === null ? ' (no check has `expect`)' : '';
  return `${FIGURE[g.figure]}: ${fmt(g.value)}${detail}, threshold ${g.threshold}: ${g.ok ? 'ok' : 'BELOW THE THRESHOLD'}`;
}

/** The last line: `Test passed: …` or `Test failed: …`. */
export function testResultLine(r: TestReport): string {
  const f = r.figures;
  const figures = `hit rate at k ${fmt(f.hit_rate)}, MRR ${fmt(f.mrr)}`;
  if (r.ok) return `Test passed: ${f.passed} of ${f.checks} checks passed (${figures}).`;
  const why = [
    ...(f.failed ? [`${f.failed} of ${f.checks} checks failed`] : []),
    ...(f.errors ? [`${f.errors} could not be run`] : []),
    ...r.gates.filter((g) => !g.ok).map((g) => `${FIGURE[g.figure].toLowerCase().replace('mrr', 'MRR')} ${fmt(g.value)} is below ${g.threshold}`),
  ];
  return `Test failed: ${why.join('; ')} (${figures}).`;
}

export function pendingText(r: TestReport): string | undefined {
  if (!r.pending_changes) return undefined;
  const p = r.pending_changes;
  const what = p.addresses.length ? ` to ${p.addresses.join(', ')}` : '';
  return `Note: a plan shows changes pending${what} (${p.summary}), so this tested the account as it is, not the manifest; apply first to test what the manifest declares.`;
}

export function baselineText(r: TestReport): string[] {
  const b = r.baseline;
  if (!b) return [];
  const list = (ids: string[]) => (ids.length ? `: ${ids.join(', ')}` : '');
  return [
    `Compared with ${b.file} (${b.created_at}): ${b.regressed.length} regressed${list(b.regressed)}.`,
    ...(b.fixed.length ? [`  ${b.fixed.length} fixed${list(b.fixed)}.`] : []),
    ...(b.added.length ? [`  ${b.added.length} new${list(b.added)}.`] : []),
    ...(b.removed.length ? [`  ${b.removed.length} no longer declared${list(b.removed)}.`] : []),
    `  Hit rate at k ${fmt(b.figures.hit_rate.before)} -> ${fmt(b.figures.hit_rate.after)}, MRR ${fmt(b.figures.mrr.before)} -> ${fmt(b.figures.mrr.after)}.`,
  ];
}

export function renderTestText(r: TestReport, options: { quiet?: boolean } = {}): string {
  if (options.quiet) return `${[...baselineText(r).slice(0, 1), testResultLine(r)].join('\n')}\n`;
  const stores = new Set(r.checks.map((c) => c.vector_store)).size;
  const out: string[] = [`Deployment "${r.deployment}"${r.environment ? ` (environment ${r.environment})` : ''}: ${r.checks.length} check${r.checks.length === 1 ? '' : 's'} of ${stores} vector store${stores === 1 ? '' : 's'}, ${r.requests.search} search request${r.requests.search === 1 ? '' : 's'}.`];
  const pending = pendingText(r);
  if (pending) out.push(pending);
  out.push('');
  for (const c of r.checks) out.push(...checkText(c));
  out.push('');
  const base = baselineText(r);
  if (base.length) out.push(...base, '');
  for (const g of r.gates) out.push(gateText(g, r));
  out.push(testResultLine(r));
  return `${out.join('\n')}\n`;
}
