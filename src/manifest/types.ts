/**
 * The manifest as written (after merging files, overlays and interpolation, and after it passed
 * schemas/manifest.schema.json). Mirrors the schema; references are keys and files are paths.
 */
import type { EvalAssertion, SearchFilter, SearchRankingOptions } from '../kinds/checks.js';
import type { AttributeValue, ChunkingStrategy, ExpiresAfter, JsonObject, RankingOptions, ReasoningEffort } from '../kinds/values.js';

// the API's values live with the kinds (src/kinds/values.ts); the manifest's readers find them here too
export type { AttributeValue, ChunkingStrategy, ExpiresAfter, JsonObject, RankingOptions, ReasoningEffort };

export interface FileRef {
  file: string;
}

export interface VectorStoreSpec {
  name?: string;
  description?: string;
  files?: string[];
  attributes?: Record<string, AttributeValue>;
  chunking_strategy?: ChunkingStrategy;
  expires_after?: ExpiresAfter;
  metadata?: Record<string, string>;
  protect?: boolean;
  checks?: CheckSpec[];
}

/** A retrieval check of a vector store (`assistants-deploy test`). */
export interface CheckSpec {
  name?: string;
  query: string;
  expect?: string[];
  forbid?: string[];
  k?: number;
  min_score?: number;
  filters?: SearchFilter;
  ranking_options?: SearchRankingOptions;
  rewrite_query?: boolean;
}

export interface TestSuiteSpec {
  k?: number;
  thresholds?: { hit_rate?: number; mrr?: number };
}

export interface EvalSpec {
  assistant: string;
  description?: string;
  prompt: string;
  assert: EvalAssertion[];
}

export interface FileSetSpec {
  files: string[];
  protect?: boolean;
}

export type ToolSpec =
  | { type: 'code_interpreter' }
  | { type: 'file_search'; file_search?: { max_num_results?: number; ranking_options?: RankingOptions } }
  | {
      type: 'function';
      function: { name: string; description?: string; parameters?: JsonObject | FileRef; strict?: boolean };
    }
  | WebSearchSpec
  | McpSpec;

/** `web_search`: the Responses API's options, as the API takes them (src/kinds/tools.ts). */
export interface WebSearchSpec {
  type: 'web_search';
  search_context_size?: 'low' | 'medium' | 'high';
  user_location?: { type?: 'approximate'; country?: string; region?: string; city?: string; timezone?: string };
  filters?: { allowed_domains: string[] };
  external_web_access?: boolean;
}

export interface McpFilterSpec {
  tool_names?: string[];
  read_only?: boolean;
}

/** `mcp`: `headers` values and `authorization` still hold their `${env:NAME}` unread (interpolate.ts). */
export interface McpSpec {
  type: 'mcp';
  server_label: string;
  server_url: string;
  server_description?: string;
  allowed_tools?: string[] | McpFilterSpec;
  require_approval?: 'always' | 'never' | { always?: McpFilterSpec; never?: McpFilterSpec };
  headers?: Record<string, string>;
  authorization?: string;
}

export type ResponseFormatSpec =
  | 'auto'
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; description?: string; schema?: JsonObject | FileRef; strict?: boolean };
    };

export interface AssistantSpec {
  model: string;
  name?: string;
  description?: string;
  instructions?: string | FileRef;
  reasoning_effort?: ReasoningEffort;
  tools?: ToolSpec[];
  tool_resources?: {
    file_search?: { vector_stores?: string[] };
    code_interpreter?: { file_sets?: string[] };
  };
  metadata?: Record<string, string>;
  temperature?: number;
  top_p?: number;
  response_format?: ResponseFormatSpec;
  protect?: boolean;
}

export interface ManifestDoc {
  $schema?: string;
  version: 1;
  deployment: string;
  vars?: Record<string, string | number | boolean>;
  vector_stores?: Record<string, VectorStoreSpec>;
  file_sets?: Record<string, FileSetSpec>;
  assistants?: Record<string, AssistantSpec>;
  test?: TestSuiteSpec;
  evals?: Record<string, EvalSpec>;
  environments?: Record<string, Record<string, unknown>>;
  /** How a Foundry project keeps agent versions (README, "Targets"). */
  foundry?: { keep_versions?: number };
}

export function isFileRef(v: unknown): v is FileRef {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof (v as Record<string, unknown>).file === 'string'
  );
}
