/**
 * A test run, pure: which deployed store each check searches (found by the ownership tags, as
 * plan matches them: the oldest of several copies under one key), the one search each check sends,
 * and the report made of their answers (src/checks/types.ts).
 */
import { searchRequestOf } from '../kinds/checks.js';
import type { DesiredCheck, DesiredSuite, SearchHit, SearchRequest } from '../kinds/checks.js';
import { VECTOR_STORE_FIELDS } from '../kinds/index.js';
import type { LiveVectorStore } from '../kinds/index.js';
import { matchByKey } from '../plan/match.js';
import { figuresOf, gatesOf, scoreCheck } from './score.js';
import type { PendingChanges, TestReport } from './types.js';
import { REPORT_FORMAT_VERSION } from './types.js';

export interface PlannedSearch {
  check: DesiredCheck;
  /** The deployed store, or null when the manifest's store is not deployed on this target. */
  vectorStoreId: string | null;
  body: SearchRequest;
}

/** The deployment's stores by manifest key. */
export function storesByKey(stores: readonly LiveVectorStore[]): Map<string, string> {
  const { byKey } = matchByKey(stores, VECTOR_STORE_FIELDS);
  return new Map([...byKey].map(([key, m]) => [key, m.live.id]));
}

export function planSearches(checks: readonly DesiredCheck[], stores: readonly LiveVectorStore[]): PlannedSearch[] {
  const ids = storesByKey(stores);
  return checks.map((check) => ({ check, vectorStoreId: ids.get(check.store) ?? null, body: searchRequestOf(check) }));
}

export type Outcome = { hits: SearchHit[] } | { error: string };

export interface ReportContext {
  toolVersion: string;
  createdAt: string;
  deployment: string;
  environment?: string;
  target: { base_url: string; local: boolean };
  suite: DesiredSuite;
  pending: PendingChanges | null;
  requests: { read: number; search: number };
}

/** The report of the searches planned (`outcomes[i]` answers `searches[i]`; a store not deployed has none). */
export function buildReport(searches: readonly PlannedSearch[], outcomes: readonly (Outcome | undefined)[], ctx: ReportContext): TestReport {
  const checks = searches.map((s, i) => {
    const outcome = outcomes[i] ?? { error: `vector_store.${s.check.store} is not deployed on this target (no vector store of deployment "${ctx.deployment}" carries its key); run apply first` };
    return scoreCheck(s.check, s.vectorStoreId, outcome);
  });
  const figures = figuresOf(checks);
  const gates = gatesOf(figures, ctx.suite.thresholds);
  return {
    format_version: REPORT_FORMAT_VERSION,
    tool_version: ctx.toolVersion,
    created_at: ctx.createdAt,
    deployment: ctx.deployment,
    environment: ctx.environment ?? null,
    target: ctx.target,
    pending_changes: ctx.pending,
    requests: ctx.requests,
    thresholds: ctx.suite.thresholds,
    figures,
    gates,
    ok: gates.every((g) => g.ok) && figures.errors === 0,
    checks,
    baseline: null,
  };
}
