/**
 * The parsed manifest files of the last accepted run (`.assistants-deploy/manifest-cache.json`,
 * safe to delete), by file: its text's SHA-256, the plain value (as JSON text) and every node's
 * position. Parsing the YAML of 1,000 assistants takes a fifth of a second, all of it before plan,
 * apply and destroy may send their first request (the manifest's structure must be valid first);
 * reading it back is a JSON.parse. An entry is used only for the same text, under the same name,
 * read by the same build of the tool (the module's size and mtime). A file whose parse found
 * problems, or whose values JSON cannot carry (NaN, infinities, -0), is never cached, and the
 * cache is written only once the whole manifest has been accepted: a refused manifest writes
 * nothing, and its problems are found by a parse every time.
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
  /** The value as JSON text: what is read back is a new object each time, whatever the run then changes in place. */
  value: string;
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
  /** The entries of the files this run read, what save() writes. */
  private readonly used: Record<string, Entry> = {};

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
    if (!e || typeof e.value !== 'string' || !Array.isArray(e.locs) || e.sha256 !== ParseCache.key(text)) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(e.value);
    } catch {
      return undefined;
    }
    this.used[label] = e;
    const locs: LocMap = new Map();
    for (const [pointer, kl, kc, vl, vc] of e.locs) {
      const loc: NodeLoc = { key: kl === 0 ? undefined : { file: label, line: kl, col: kc }, value: { file: label, line: vl, col: vc } };
      locs.set(pointer, loc);
    }
    return { value, locs, problems: [] };
  }

  /** Remembers a parse without problems (of one file: every position is in `label`). */
  put(label: string, text: string, parsed: ParsedSource): void {
    if (parsed.problems.length > 0 || !jsonSafe(parsed.value)) return;
    const locs: Loc[] = [];
    for (const [pointer, l] of parsed.locs) {
      if (l.value.file !== label || (l.key && l.key.file !== label)) return;
      locs.push([pointer, l.key?.line ?? 0, l.key?.col ?? 0, l.value.line, l.value.col]);
    }
    this.used[label] = { sha256: ParseCache.key(text), value: JSON.stringify(parsed.value), locs };
    this.changed = true;
  }

  /**
   * Writes the entries of this run's files, when a parse was added or a file is no longer read:
   * called once the manifest is accepted (a read-only folder only costs a parse next time).
   */
  async save(): Promise<void> {
    const stale = Object.keys(this.data.entries).some((label) => !Object.hasOwn(this.used, label));
    if (!this.changed && !stale) return;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ build: this.data.build, entries: this.used } satisfies CacheFile));
      await rename(tmp, this.file);
    } catch {
      // not written: the next run parses again
    }
  }
}
