/**
 * The parsed manifest files of the last run (`.assistants-deploy/manifest-cache.json`, safe to
 * delete), by file: its text's SHA-256, the plain value and every node's position. Parsing the
 * YAML of 1,000 assistants takes a fifth of a second, all of it before plan, apply and destroy may
 * send their first request (the manifest's structure must be valid first); reading it back is a
 * JSON.parse. An entry is used only for the same text, under the same name, read by the same
 * build of the tool (the module's size and mtime); a file whose parse found problems, or whose
 * values JSON cannot carry (NaN, infinities, -0), is never cached, so it is parsed, and its
 * problems reported, every time.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocMap, NodeLoc } from './locations.js';
import type { ParsedSource } from './yaml-source.js';

export const PARSE_CACHE = path.join('.assistants-deploy', 'manifest-cache.json');

/** [pointer, key line, key column, value line, value column] (a key line of 0: no key). */
type Loc = [string, number, number, number, number];

interface Entry {
  sha256: string;
  value: unknown;
  locs: Loc[];
}

interface CacheFile {
  build: string;
  entries: Record<string, Entry>;
}

/** This build of the tool: a rebuilt parser must not read what an older one wrote. */
function build(): string {
  try {
    const st = statSync(fileURLToPath(import.meta.url));
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'unknown';
  }
}

/** Whether JSON gives the value back as it is (no NaN, infinity or -0 among its numbers). */
function jsonSafe(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (Array.isArray(value)) return value.every(jsonSafe);
  if (typeof value === 'object') return Object.values(value as object).every(jsonSafe);
  return false;
}

export class ParseCache {
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly data: CacheFile,
  ) {}

  static async open(root: string): Promise<ParseCache> {
    const file = path.join(root, PARSE_CACHE);
    const current = build();
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
      if (data && data.build === current && data.entries && typeof data.entries === 'object') return new ParseCache(file, data);
    } catch {
      // none yet, or unreadable: start afresh
    }
    return new ParseCache(file, { build: current, entries: {} });
  }

  private static key(text: string): string {
    return createHash('sha256').update(text).digest('hex');
  }

  /** The parse of `text` as `label`, when this build cached that very text under that name. */
  get(label: string, text: string): ParsedSource | undefined {
    const e = Object.hasOwn(this.data.entries, label) ? this.data.entries[label] : undefined;
    if (!e || e.sha256 !== ParseCache.key(text)) return undefined;
    const locs: LocMap = new Map();
    for (const [pointer, kl, kc, vl, vc] of e.locs) {
      const loc: NodeLoc = { key: kl === 0 ? undefined : { file: label, line: kl, col: kc }, value: { file: label, line: vl, col: vc } };
      locs.set(pointer, loc);
    }
    return { value: e.value, locs, problems: [] };
  }

  /** Remembers a parse without problems (of one file: every position is in `label`). */
  put(label: string, text: string, parsed: ParsedSource): void {
    if (parsed.problems.length > 0 || !jsonSafe(parsed.value)) return;
    const locs: Loc[] = [];
    for (const [pointer, l] of parsed.locs) {
      if (l.value.file !== label || (l.key && l.key.file !== label)) return;
      locs.push([pointer, l.key?.line ?? 0, l.key?.col ?? 0, l.value.line, l.value.col]);
    }
    this.data.entries[label] = { sha256: ParseCache.key(text), value: parsed.value, locs };
    this.changed = true;
  }

  /** Writes the cache when a parse was added (an optimisation: a read-only folder only costs a parse next time). */
  async save(): Promise<void> {
    if (!this.changed) return;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(this.data));
      await rename(tmp, this.file);
    } catch {
      // not written: the next run parses again
    }
  }
}
