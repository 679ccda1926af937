/** What a manifest's file list expands to (globs.ts), also as the stat worker sends it back. */
import type { Problem, SourceLoc } from '../errors.js';
import type { LocalFile } from './desired.js';

export interface PatternAt {
  pattern: string;
  path: string;
  loc?: SourceLoc;
}

export interface Expansion {
  files: LocalFile[];
  /** For each file path, the pattern that first matched it (for messages about that file). */
  matchedBy: Map<string, PatternAt>;
  problems: Problem[];
}
