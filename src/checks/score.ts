/**
 * Scoring, pure: a check against what its search brought back, and the suite's figures against
 * its thresholds (README, "Retrieval checks").
 *
 * - A check passes when every `expect` path is among its top k results, no `forbid` path is
 *   (a path ending in `/`: any file under that folder), and with `min_score` each expected path's
 *   best result scores at least that. Results are the search answer's items in order (chunks: one
 *   file may come back more than once), each named by its `assistants-deploy.path` attribute.
 * - Hit rate at k: the share of checks that pass. A check in error (its search failed) does not.
 * - Mean reciprocal rank: over the checks with `expect`, the mean of 1 / the rank of the first
 *   expected result within the top k (0 when none is there, or the search failed).
 */
import type { DesiredCheck, SearchHit, SuiteThresholds } from '../kinds/checks.js';
import { ATTR_PATH } from '../ownership/index.js';
import type { CheckReport, Figures, Gate, ResultRow } from './types.js';

export function forbids(forbid: readonly string[], p: string | null): boolean {
  if (p === null) return false;
  return forbid.some((f) => (f.endsWith('/') ? p.startsWith(f) : p === f));
}

export function pathOf(hit: SearchHit): string | null {
  const v = hit.attributes?.[ATTR_PATH];
  return typeof v === 'string' ? v : null;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/** The report of a check whose search was made (`hits`), or could not be (`error`), or whose store is not deployed. */
export function scoreCheck(check: DesiredCheck, storeId: string | null, outcome: { hits: SearchHit[] } | { error: string }): CheckReport {
  const base = {
    id: `${check.store}/${check.name}`,
    vector_store: check.store,
    vector_store_id: storeId,
    name: check.name,
    query: check.query,
    k: check.k,
    expect: check.expect,
    forbid: check.forbid,
    min_score: check.min_score ?? null,
    filters: check.filters ?? null,
    ranking_options: check.ranking_options ?? null,
    loc: check.loc ?? null,
  };
  if ('error' in outcome) {
    return { ...base, status: 'error', rank: null, reciprocal_rank: check.expect.length ? 0 : null, reasons: [outcome.error], results: [], error: outcome.error };
  }
  const results: ResultRow[] = outcome.hits.slice(0, check.k).map((h, i) => {
    const p = pathOf(h);
    return { rank: i + 1, path: p, file_id: h.file_id, filename: h.filename, score: round(h.score), expected: p !== null && check.expect.includes(p), forbidden: forbids(check.forbid, p) };
  });
  const reasons: string[] = [...(check.unmatched ?? [])];
  for (const p of check.expect) {
    const rows = results.filter((r) => r.path === p);
    if (rows.length === 0) reasons.push(`${p} is not within the top ${check.k}`);
    else if (check.min_score !== undefined) {
      const best = Math.max(...rows.map((r) => r.score));
      if (best < check.min_score) reasons.push(`${p} scores ${best} (rank ${rows[0]!.rank}), below min_score ${check.min_score}`);
    }
  }
  for (const r of results) if (r.forbidden) reasons.push(`${r.path} came back at rank ${r.rank}, and it is forbidden`);
  const first = results.find((r) => r.expected);
  const rank = first ? first.rank : null;
  return {
    ...base,
    status: reasons.length === 0 ? 'pass' : 'fail',
    rank,
    reciprocal_rank: check.expect.length === 0 ? null : rank ? round(1 / rank) : 0,
    reasons,
    results,
    error: null,
  };
}

export function figuresOf(checks: readonly CheckReport[]): Figures {
  const passed = checks.filter((c) => c.status === 'pass').length;
  const errors = checks.filter((c) => c.status === 'error').length;
  const ranked = checks.filter((c) => c.reciprocal_rank !== null);
  return {
    checks: checks.length,
    passed,
    failed: checks.length - passed - errors,
    errors,
    hit_rate: checks.length ? round(passed / checks.length) : 1,
    mrr: ranked.length ? round(ranked.reduce((n, c) => n + c.reciprocal_rank!, 0) / ranked.length) : null,
  };
}

export function gatesOf(figures: Figures, thresholds: SuiteThresholds): Gate[] {
  return (['hit_rate', 'mrr'] as const).map((figure) => {
    const value = figures[figure];
    return { figure, threshold: thresholds[figure], value, ok: value === null || value >= thresholds[figure] };
  });
}
