/**
 * A worker for the per-file work of loading a big manifest (stat-files.ts), so the thread that
 * reads the account meanwhile is free for its pages:
 * - `stat`: for each path (NUL-separated), lstat and, for a symlink, stat of its target, answered
 *   as [size, mtimeMs, ino, symlink 0/1] per path in one transferred Float64Array, with the error
 *   code of each path it could not read;
 * - `cache`: the hash cache's entry (hash-cache.ts) of each path for its size, mtime and inode:
 *   the sha256 of each (64 characters a path, `-` for none) and its first NUL byte (NaN: none);
 * - `expand`: a file list's globs expanded and its files measured (globs.ts), the whole of it:
 *   tens of milliseconds of matching and system calls per thousand files.
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { fullCollection } from '../collector.js';
import { expandHere } from './globs.js';
import { HashCache } from './hash-cache.js';
import type { PatternAt } from './glob-types.js';
import type { Root } from './paths.js';
import type { StatAnswer, StatJob } from './stat-jobs.js';

function stat(id: number, paths: string): StatAnswer {
  const list = paths.split('\0');
  const values = new Float64Array(list.length * 4);
  const errors: [number, string][] = [];
  for (let i = 0; i < list.length; i++) {
    try {
      let st = lstatSync(list[i]!);
      if (st.isSymbolicLink()) {
        values[i * 4 + 3] = 1;
        st = statSync(list[i]!);
      }
      values[i * 4] = st.size;
      values[i * 4 + 1] = st.mtimeMs;
      values[i * 4 + 2] = st.ino;
    } catch (error) {
      errors.push([i, (error as NodeJS.ErrnoException).code ?? 'EIO']);
    }
  }
  return { id, kind: 'stat', values, errors };
}

/**
 * The cache's entry of each path: the cache's lines of just those paths are kept (the last of a
 * path, as the cache reads it), then each is checked against the file's size, mtime and inode.
 * The digests go back in one transferred buffer, 64 bytes a path (`-` for none).
 */
function cached(id: number, cacheFile: string, paths: string, keys: Float64Array): StatAnswer {
  const list = paths.split('\0');
  const index = new Map<string, number>();
  for (let i = 0; i < list.length; i++) index.set(list[i]!, i);
  const lines: (string | undefined)[] = new Array(list.length);
  try {
    for (const [abs, line] of HashCache.lines(readFileSync(cacheFile, 'utf8'))) {
      const i = index.get(abs);
      if (i !== undefined) lines[i] = line;
    }
  } catch {
    // no cache yet, or unreadable: nothing is cached
  }
  const shas = new Uint8Array(list.length * 64).fill(0x2d);
  const nulAt = new Float64Array(list.length).fill(Number.NaN);
  for (let i = 0; i < list.length; i++) {
    const line = lines[i];
    const hit = line === undefined ? undefined : HashCache.digest(line, { abs: list[i]!, size: keys[i * 3]!, mtimeMs: keys[i * 3 + 1]!, ino: keys[i * 3 + 2]! });
    if (!hit || hit.sha256.length !== 64) continue;
    shas.set(Buffer.from(hit.sha256, 'latin1'), i * 64);
    nulAt[i] = hit.nulAt;
  }
  return { id, kind: 'cache', shas, nulAt };
}

/** The expansion, packed: `path NUL abs` per file, and [size, mtimeMs, ino, pattern index] per file. */
async function expand(id: number, root: Root, baseDir: string, patterns: PatternAt[]): Promise<StatAnswer> {
  const e = await expandHere(root, baseDir, patterns);
  const index = new Map(patterns.map((p, i) => [p, i]));
  const values = new Float64Array(e.files.length * 4);
  const paths: string[] = [];
  e.files.forEach((f, i) => {
    paths.push(f.path, f.abs);
    values.set([f.size, f.mtimeMs, f.ino, index.get(e.matchedBy.get(f.path)!) ?? -1], i * 4);
  });
  return { id, kind: 'expand', paths: paths.join('\0'), values, problems: e.problems };
}

function transfers(a: StatAnswer): ArrayBuffer[] {
  return (a.kind === 'cache' ? [a.shas.buffer, a.nulAt.buffer] : [a.values.buffer]) as ArrayBuffer[];
}

/**
 * A full collection once a big job is answered: what it built (100,000 paths matched, a hash cache
 * of 15 MB read) is garbage then, and V8 would keep it in this thread's heap, beside the main
 * thread's, until the thread ends.
 */
function collect(files: number): void {
  if (files >= 10_000) fullCollection();
}

parentPort!.on('message', (job: StatJob) => {
  if (job.kind === 'expand') {
    void expand(job.id, job.root, job.baseDir, job.patterns).then((a) => {
      parentPort!.postMessage(a, transfers(a));
      collect(a.kind === 'expand' ? a.values.length / 4 : 0);
    });
    return;
  }
  const a = job.kind === 'stat' ? stat(job.id, job.paths) : cached(job.id, job.cacheFile, job.paths, job.keys);
  parentPort!.postMessage(a, transfers(a));
  if (job.kind === 'cache') collect(job.keys.length / 3);
});
