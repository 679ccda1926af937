/**
 * The hash cache, one line per file: `path \t size \t mtimeMs \t ino \t sha256 \t nulAt`
 * (`.assistants-deploy/hash-cache.tsv`, safe to delete; an entry is never trusted when any of the
 * four key fields differ). Lines are split only when looked up, and the key fields compared as
 * text, so 100,000 entries load in tens of ms. A cache of an older version is ignored (every file
 * is hashed once again). Used by hash.ts, and by the stat worker for the look-ups of a large
 * manifest (stat-files.ts).
 */
import path from 'node:path';
import { breathe, BREATHE_EVERY } from './breathe.js';
import type { FileDigest } from './hash-file.js';

export const HASH_CACHE = path.join('.assistants-deploy', 'hash-cache.tsv');
const CACHE_HEADER = '# assistants-deploy hash cache v3: path, size, mtime (ms), inode, sha256, first NUL byte (-1: none)';

/** What a cache entry is keyed by besides the path. */
export interface CacheKey {
  abs: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export class HashCache {
  private readonly lines = new Map<string, string>();
  changed = false;

  static key(f: CacheKey): string {
    return `${f.size}\t${f.mtimeMs}\t${f.ino}`;
  }

  /** The cache's text into its lines, breathing now and then when `breathing` (this is the thread that reads the account). */
  async load(text: string, breathing = true): Promise<void> {
    if (!text.startsWith(CACHE_HEADER)) return;
    let n = 0;
    for (let at = 0; at < text.length; ) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const tab = text.indexOf('\t', at);
      if (tab > at && tab < end && text.charCodeAt(at) !== 35 /* # */) this.lines.set(text.slice(at, tab), text.slice(at, end));
      at = end + 1;
      if (breathing && ++n % (4 * BREATHE_EVERY) === 0) await breathe();
    }
  }

  get(f: CacheKey): FileDigest | undefined {
    const line = this.lines.get(f.abs);
    if (!line) return undefined;
    const rest = line.slice(f.abs.length + 1);
    const key = HashCache.key(f);
    if (!(rest.length > key.length + 66 && rest.startsWith(key) && rest[key.length] === '\t' && rest[key.length + 65] === '\t')) return undefined;
    const nulAt = Number(rest.slice(key.length + 66));
    return Number.isInteger(nulAt) ? { sha256: rest.slice(key.length + 1, key.length + 65), nulAt } : undefined;
  }

  set(f: CacheKey, d: FileDigest): void {
    if (/[\t\n\r]/.test(f.abs)) return; // such a name cannot be a line: never cached
    this.lines.set(f.abs, `${f.abs}\t${HashCache.key(f)}\t${d.sha256}\t${d.nulAt}`);
    this.changed = true;
  }

  text(): string {
    return `${CACHE_HEADER}\n${[...this.lines.values()].join('\n')}\n`;
  }
}
