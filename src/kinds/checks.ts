/**
 * What `assistants-deploy test` and `codegen promptfoo` work from (the manifest's retrieval checks,
 * the suite's thresholds and the model-level evals), and the vector store search as the API takes
 * and answers it (`POST /v1/vector_stores/{id}/search`, openapi.assistants.yaml
 * `VectorStoreSearchRequest` / `VectorStoreSearchResultItem`). Plain types: the manifest
 * (src/manifest/resolve-checks.ts) fills them in, the targets (src/targets/search.ts) send and read
 * them, src/checks scores them.
 */
import type { SourceLoc } from '../errors.js';
import type { AttributeValue } from './values.js';

export type ComparisonFilter = {
  type: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin';
  key: string;
  value: string | number | boolean | (string | number)[];
};
export type CompoundFilter = { type: 'and' | 'or'; filters: SearchFilter[] };
export type SearchFilter = ComparisonFilter | CompoundFilter;

export interface SearchRankingOptions {
  ranker?: 'none' | 'auto' | 'default-2024-11-15';
  score_threshold?: number;
}

/** The body of one search request. */
export interface SearchRequest {
  query: string;
  max_num_results: number;
  filters?: SearchFilter;
  ranking_options?: SearchRankingOptions;
  rewrite_query?: boolean;
}

/** One item of a search answer's `data[]` (its content left out: reports show paths and scores). */
export interface SearchHit {
  file_id: string;
  filename: string;
  score: number;
  attributes: Record<string, AttributeValue> | null;
}

/** One retrieval check of a vector store, resolved. */
export interface DesiredCheck {
  /** Key of the vector store it searches. */
  store: string;
  /** Unique within the store: the manifest's `name`, else the query. */
  name: string;
  query: string;
  /** Manifest paths that must come back within the top k (each one of the store's files). */
  expect: string[];
  /** Manifest paths that must not (a path ending in `/`: every file under that folder). */
  forbid: string[];
  k: number;
  min_score?: number;
  filters?: SearchFilter;
  ranking_options?: SearchRankingOptions;
  rewrite_query?: boolean;
  loc?: SourceLoc;
  /** Expected paths the store's files do not include (only when loaded for `test`): each fails the check, located. */
  unmatched?: string[];
}

export interface SuiteThresholds {
  hit_rate: number;
  mrr: number;
}

export interface DesiredSuite {
  /** Default k of a check. */
  k: number;
  thresholds: SuiteThresholds;
}

export const DEFAULT_SUITE: DesiredSuite = { k: 5, thresholds: { hit_rate: 1, mrr: 0 } };

export type EvalAssertion =
  | { type: 'contains' | 'icontains' | 'not-contains' | 'regex' | 'llm-rubric'; value: string; weight?: number }
  | { type: 'is-json'; value?: Record<string, unknown>; weight?: number };

/** One model-level eval: a prompt to one assistant, with promptfoo assertions on the reply. */
export interface DesiredEval {
  key: string;
  assistant: string;
  description: string;
  prompt: string;
  assert: EvalAssertion[];
  loc?: SourceLoc;
}

/** The search a check sends: one request, `max_num_results` = its k. */
export function searchRequestOf(c: DesiredCheck): SearchRequest {
  return {
    query: c.query,
    max_num_results: c.k,
    ...(c.filters ? { filters: c.filters } : {}),
    ...(c.ranking_options ? { ranking_options: c.ranking_options } : {}),
    ...(c.rewrite_query !== undefined ? { rewrite_query: c.rewrite_query } : {}),
  };
}
