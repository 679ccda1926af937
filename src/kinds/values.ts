/**
 * The values every kind's shapes are made of, as the API takes and returns them: JSON, file
 * attributes, chunking, expiry, ranking, reasoning effort; and a local file the manifest names.
 * Plain types, no code: the manifest (src/manifest) fills them in, the targets (src/targets) read
 * them from the API.
 */
import type { SourceLoc } from '../errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonObject = Record<string, unknown>;

export interface ChunkingStrategy {
  type: 'auto' | 'static';
  static?: { max_chunk_size_tokens: number; chunk_overlap_tokens: number };
}

export interface ExpiresAfter {
  anchor: 'last_active_at';
  days: number;
}

export type AttributeValue = string | number | boolean;

export interface RankingOptions {
  ranker?: 'auto' | 'default_2024_08_21';
  score_threshold: number;
}

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

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

/** A reference resolved by apply: `vector_store.<key>` or `file:<sha256>`. */
export interface Ref {
  $ref: string;
}

export const isRef = (v: unknown): v is Ref => typeof v === 'object' && v !== null && typeof (v as Ref).$ref === 'string';
