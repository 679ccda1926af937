/**
 * Desired: what the manifest asks for, fully resolved. Files are expanded and measured, text and
 * JSON read from their files, references checked. Plan and codegen read only this.
 */
import type { SourceLoc } from '../errors.js';
import type { AttributeValue, ChunkingStrategy, ExpiresAfter, JsonObject, RankingOptions, ReasoningEffort } from './types.js';

/** A local file the manifest names. `path` is relative to the manifest root, with `/`. */
export interface LocalFile {
  path: string;
  abs: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Hex SHA-256 of the content; filled by hashFiles() before planning. */
  sha256?: string;
  /** Offset of the first NUL byte in the first 8,000 bytes (-1: none); filled by hashFiles(). */
  nulAt?: number;
  /** The manifest entry that matched the file (for messages about it). */
  matched?: { pattern: string; path: string; loc?: SourceLoc };
}

export interface DesiredVectorStore {
  key: string;
  name: string;
  description?: string;
  files: LocalFile[];
  attributes: Record<string, AttributeValue>;
  chunking_strategy?: ChunkingStrategy;
  expires_after?: ExpiresAfter;
  metadata: Record<string, string>;
  protect: boolean;
  loc?: SourceLoc;
}

export interface DesiredFileSet {
  key: string;
  files: LocalFile[];
  protect: boolean;
  loc?: SourceLoc;
}

/** Tools exactly as the API takes them, with parameter schemas read from their files. */
export type DesiredTool =
  | { type: 'code_interpreter' }
  | { type: 'file_search'; file_search?: { max_num_results?: number; ranking_options?: RankingOptions } }
  | { type: 'function'; function: { name: string; description?: string; parameters?: JsonObject; strict?: boolean } };

export type DesiredResponseFormat =
  | 'auto'
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: JsonObject; strict?: boolean } };

export interface DesiredAssistant {
  key: string;
  model: string;
  name: string;
  description?: string;
  instructions?: string;
  reasoning_effort?: ReasoningEffort;
  tools: DesiredTool[];
  /** Keys into Desired.vectorStores (at most one). */
  vectorStores: string[];
  /** Keys into Desired.fileSets. */
  fileSets: string[];
  metadata: Record<string, string>;
  temperature?: number;
  top_p?: number;
  response_format?: DesiredResponseFormat;
  protect: boolean;
  loc?: SourceLoc;
  /** Where `model` is written (the overlay that set it, with --env). */
  modelLoc?: SourceLoc;
}

export interface Desired {
  deployment: string;
  environment?: string;
  /** Absolute folder the manifest's relative paths start from. */
  root: string;
  /** The manifest files read, as shown in messages. */
  sources: string[];
  vectorStores: DesiredVectorStore[];
  fileSets: DesiredFileSet[];
  assistants: DesiredAssistant[];
}

export interface Warning {
  message: string;
  path?: string;
  loc?: SourceLoc;
}

export function countFiles(d: Desired): number {
  const seen = new Set<string>();
  for (const vs of d.vectorStores) for (const f of vs.files) seen.add(f.path);
  for (const fs of d.fileSets) for (const f of fs.files) seen.add(f.path);
  return seen.size;
}

/**
 * The content (SHA-256) of every file a file set with `protect: true` holds: uploaded under a
 * protected name (src/account/files-naming.ts), whichever store or file set uses it.
 */
export function protectedContent(d: Desired): Set<string> {
  const out = new Set<string>();
  for (const fs of d.fileSets) {
    if (!fs.protect) continue;
    for (const f of fs.files) if (f.sha256) out.add(f.sha256);
  }
  return out;
}
