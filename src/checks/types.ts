/**
 * The test report (`assistants-deploy test --format json`; schemas/test-report.schema.json is its
 * contract): every check with what its search brought back and why it passed or failed, the
 * suite's figures against its thresholds, what the account looked like (pending changes), and with
 * --baseline the comparison with an earlier report. The renderers (src/render/test-*.ts) read only
 * this, so the formats cannot disagree.
 */
import type { SourceLoc } from '../errors.js';
import type { SearchFilter, SearchRankingOptions, SuiteThresholds } from '../kinds/checks.js';

export const REPORT_FORMAT_VERSION = '1';

export type CheckStatus = 'pass' | 'fail' | 'error';

export interface ResultRow {
  /** 1-based position in the search's answer. */
  rank: number;
  /** The manifest path the file's `assistants-deploy.path` attribute names; null when it has none. */
  path: string | null;
  file_id: string;
  filename: string;
  score: number;
  expected: boolean;
  forbidden: boolean;
}

export interface CheckReport {
  /** `STORE/NAME`: unique in a report; --baseline matches checks by it. */
  id: string;
  vector_store: string;
  /** The deployed store searched; null when the store is not deployed. */
  vector_store_id: string | null;
  name: string;
  query: string;
  k: number;
  expect: string[];
  forbid: string[];
  min_score: number | null;
  filters: SearchFilter | null;
  ranking_options: SearchRankingOptions | null;
  status: CheckStatus;
  /** Rank of the first expected result within the top k; null when none came back (or no `expect`). */
  rank: number | null;
  /** 1 / rank, 0 when no expected result is within the top k; null for a check without `expect` (or one in error). */
  reciprocal_rank: number | null;
  /** Why it failed, one sentence each; empty when it passed. */
  reasons: string[];
  results: ResultRow[];
  /** What went wrong when the search could not be made (status `error`). */
  error: string | null;
  /** Where the manifest declares it. */
  loc: SourceLoc | null;
}

export interface Gate {
  figure: 'hit_rate' | 'mrr';
  threshold: number;
  /** null: nothing to measure (no check has `expect`), and the gate holds. */
  value: number | null;
  ok: boolean;
}

export interface Figures {
  checks: number;
  passed: number;
  failed: number;
  errors: number;
  /** Hit rate at k: the share of checks that passed (a check in error did not). */
  hit_rate: number;
  /** Mean reciprocal rank over the checks with `expect` (one in error counts 0); null when no check has `expect`. */
  mrr: number | null;
}

export interface PendingChanges {
  /** The plan's result line: what an apply would change first. */
  summary: string;
  /** The addresses of the resources it changes (`vector_store.docs`, …). */
  addresses: string[];
}

export interface BaselineComparison {
  /** The baseline file, as given. */
  file: string;
  created_at: string;
  /** Passed in the baseline, and fail or error now: exactly these. */
  regressed: string[];
  /** Failed (or errored) in the baseline, and pass now. */
  fixed: string[];
  /** Not in the baseline. */
  added: string[];
  /** In the baseline, not in this run. */
  removed: string[];
  figures: { hit_rate: { before: number; after: number }; mrr: { before: number | null; after: number | null } };
}

export interface TestReport {
  format_version: string;
  tool_version: string;
  created_at: string;
  deployment: string;
  environment: string | null;
  target: { base_url: string; local: boolean };
  /** null: the account matches the manifest; else what a plan would change (the test ran against the account as it is). */
  pending_changes: PendingChanges | null;
  requests: { read: number; search: number };
  thresholds: SuiteThresholds;
  figures: Figures;
  gates: Gate[];
  /** Every gate holds and no check is in error: the exit code is 0. */
  ok: boolean;
  checks: CheckReport[];
  baseline: BaselineComparison | null;
}
