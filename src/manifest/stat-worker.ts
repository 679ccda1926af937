/**
 * A worker for the per-file work of loading a big manifest (stat-files.ts), so the thread that
 * reads the account meanwhile is free for its pages:
 * - `stat`: for each path (NUL-separated), lstat and, for a symlink, stat of its target, answered
 *   as [size, mtimeMs, ino, symlink 0/1] per path in one transferred Float64Array, with the error
 *   code of each path it could not read;
 * - `cache`: the hash cache's entry (hash-cache.ts) of each path for its size, mtime and inode:
 *   the sha256 of each (64 characters a path, `-` for none) and its first NUL byte (NaN: none).
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { HashCache } from './hash-cache.js';

export type StatJob = { id: number; kind: 'stat'; paths: string } | { id: number; kind: 'cache'; cacheFile: string; paths: string; keys: Float64Array };

export type StatAnswer = { id: number; kind: 'stat'; values: Float64Array; errors: [number, string][] } | { id: number; kind: 'cache'; shas: string; nulAt: Float64Array };

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

const NONE = '-'.repeat(64);

async function cached(id: number, cacheFile: string, paths: string, keys: Float64Array): Promise<StatAnswer> {
  const cache = new HashCache();
  try {
    await cache.load(readFileSync(cacheFile, 'utf8'), false);
  } catch {
    // no cache yet, or unreadable: nothing is cached
  }
  const list = paths.split('\0');
  const nulAt = new Float64Array(list.length).fill(Number.NaN);
  const shas: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const hit = cache.get({ abs: list[i]!, size: keys[i * 3]!, mtimeMs: keys[i * 3 + 1]!, ino: keys[i * 3 + 2]! });
    if (hit && hit.sha256.length === 64) {
      shas.push(hit.sha256);
      nulAt[i] = hit.nulAt;
    } else shas.push(NONE);
  }
  return { id, kind: 'cache', shas: shas.join(''), nulAt };
}

parentPort!.on('message', (job: StatJob) => {
  void (job.kind === 'stat' ? Promise.resolve(stat(job.id, job.paths)) : cached(job.id, job.cacheFile, job.paths, job.keys)).then((a) =>
    parentPort!.postMessage(a, [(a.kind === 'stat' ? a.values.buffer : a.nulAt.buffer) as ArrayBuffer]),
  );
});
