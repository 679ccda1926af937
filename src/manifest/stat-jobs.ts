/** The jobs the stat worker (stat-worker.ts) takes from stat-files.ts, and its answers. */
import type { Problem } from '../errors.js';
import type { PatternAt } from './glob-types.js';
import type { Root } from './paths.js';

export type StatJob =
  | { id: number; kind: 'stat'; paths: string }
  | { id: number; kind: 'cache'; cacheFile: string; paths: string; keys: Float64Array }
  | { id: number; kind: 'expand'; root: Root; baseDir: string; patterns: PatternAt[] };

/**
 * `expand`: the files found, as `path NUL abs` for each (NUL-separated), and [size, mtimeMs, ino,
 * index of the pattern that matched it] per file in one transferred Float64Array.
 */
export type StatAnswer =
  | { id: number; kind: 'stat'; values: Float64Array; errors: [number, string][] }
  | { id: number; kind: 'cache'; shas: Uint8Array; nulAt: Float64Array }
  | { id: number; kind: 'expand'; paths: string; values: Float64Array; problems: Problem[] };
