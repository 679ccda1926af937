/**
 * Content hashes (SHA-256) of the files a manifest names: streamed, several at once, each file
 * once per run, and remembered across runs in a cache keyed by path, size, mtime and inode
 * (`.assistants-deploy/hash-cache.tsv`, safe to delete; an entry is never trusted when any of
 * the four differ).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ManifestError, UserError } from '../errors.js';
import type { Problem } from '../errors.js';
import { extensionOf } from './file-types.js';
import { TEXT_EXTENSIONS } from './text-file.js';
import type { Desired, LocalFile } from './desired.js';
import { hashFileSync } from './hash-file.js';
import type { FileDigest } from './hash-file.js';
import type { HashWorkerData } from './hash-worker.js';
import { breathe, BREATHE_EVERY } from './breathe.js';
import { HASH_CACHE, HashCache } from './hash-cache.js';
import { cachedDigests } from './stat-files.js';

export { HASH_CACHE } from './hash-cache.js';

export interface HashStats {
  files: number;
  hashed: number;
  cached: number;
  bytesHashed: number;
}

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function readCache(file: string): Promise<HashCache> {
  const cache = new HashCache();
  try {
    await cache.load(await readFile(file, 'utf8'));
  } catch {
    // no cache yet, or unreadable: start afresh
  }
  return cache;
}

async function writeCache(file: string, cache: HashCache): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, cache.text());
    await rename(tmp, file);
  } catch {
    // the cache is an optimisation: a read-only folder only costs a re-hash next time
  }
}

export interface HashOptions {
  /** Folder holding `.assistants-deploy/`; no cache when undefined. */
  cacheRoot?: string;
  /** Worker threads for many files (default: one per core). */
  threads?: number;
}

/** Below this many files to hash, one thread is faster than starting workers. */
const WORKER_THRESHOLD = 64;
const WORKER_FILE = fileURLToPath(new URL('./hash-worker.js', import.meta.url));

/**
 * Hashes files on `threads` worker threads that share one list and one counter (each takes the
 * next file when it is free); every result, or the first error.
 */
async function hashInWorkers(files: string[], threads: number): Promise<Map<string, FileDigest>> {
  const next = new SharedArrayBuffer(4);
  const workers = Array.from({ length: Math.min(threads, files.length) }, () => new Worker(WORKER_FILE, { workerData: { files, next } satisfies HashWorkerData }));
  const results = new Map<string, FileDigest>();
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', (rows: [number, string, number, string | null][]) => {
              for (const [i, sha256, nulAt, error] of rows) {
                if (error) return reject(new Error(`cannot read ${files[i]}: ${error}`));
                results.set(files[i]!, { sha256, nulAt });
              }
              resolve();
            });
            worker.once('error', reject);
            worker.once('exit', (code) => reject(new Error(`a hashing thread stopped (exit code ${code})`)));
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/**
 * Fills `sha256` on every file of the Desired state (each distinct path hashed once). A file whose
 * type the API reads as text but whose first bytes hold a NUL is refused (a ManifestError located
 * at the pattern that matched it): it would be indexed as garbage or fail on the account.
 */
export async function hashDesired(desired: Desired, options: HashOptions = {}): Promise<HashStats> {
  const all: LocalFile[] = [...desired.vectorStores.flatMap((v) => v.files), ...desired.fileSets.flatMap((f) => f.files)];
  const stats = await hashFiles(all, options);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const f of all) {
    if (f.nulAt === undefined || f.nulAt < 0 || seen.has(f.path) || !TEXT_EXTENSIONS.has(extensionOf(f.path))) continue;
    seen.add(f.path);
    problems.push({
      path: f.matched?.path,
      loc: f.matched?.loc,
      message: `"${f.path}"${f.matched ? ` (matched by "${f.matched.pattern}")` : ''} is named .${extensionOf(f.path)} but is not text (a NUL byte at offset ${f.nulAt}); give it the extension of its real type, or exclude it with "!${f.path}"`,
    });
  }
  if (problems.length > 0) throw new ManifestError(problems);
  return stats;
}

/**
 * Each path's cache entry for its size, mtime and inode: looked up on the stat worker for many
 * files (stat-files.ts), else here; `cache` is the whole cache when it was read here.
 */
async function lookUp(byAbs: Map<string, LocalFile[]>, cacheFile: string | undefined): Promise<{ hits: (FileDigest | undefined)[]; cache?: HashCache }> {
  const firsts = [...byAbs.values()].map((list) => list[0]!);
  const remote = cacheFile ? await cachedDigests(cacheFile, firsts) : undefined;
  if (remote) return { hits: remote };
  const cache = cacheFile ? await readCache(cacheFile) : new HashCache();
  const hits: (FileDigest | undefined)[] = [];
  for (let i = 0; i < firsts.length; i++) {
    if (i % BREATHE_EVERY === BREATHE_EVERY - 1) await breathe();
    hits.push(cache.get(firsts[i]!));
  }
  return { hits, cache };
}

export async function hashFiles(files: LocalFile[], options: HashOptions = {}): Promise<HashStats> {
  const cacheFile = options.cacheRoot ? path.join(options.cacheRoot, HASH_CACHE) : undefined;
  const byAbs = new Map<string, LocalFile[]>();
  for (const f of files) {
    const same = byAbs.get(f.abs);
    if (same) same.push(f);
    else byAbs.set(f.abs, [f]);
  }
  const looked = await lookUp(byAbs, cacheFile);
  const stats: HashStats = { files: byAbs.size, hashed: 0, cached: 0, bytesHashed: 0 };
  const todo: [string, LocalFile[]][] = [];
  let n = 0;
  for (const [abs, list] of byAbs) {
    const hit = looked.hits[n++];
    if (hit) {
      for (const x of list) {
        x.sha256 = hit.sha256;
        x.nulAt = hit.nulAt;
      }
      stats.cached++;
    } else {
      todo.push([abs, list]);
    }
  }
  // what is hashed now goes into the cache: the whole of it, read here if the worker looked it up
  const cache = looked.cache ?? (todo.length > 0 && cacheFile ? await readCache(cacheFile) : new HashCache());
  const record = (abs: string, list: LocalFile[], d: FileDigest) => {
    const f = list[0]!;
    for (const x of list) {
      x.sha256 = d.sha256;
      x.nulAt = d.nulAt;
    }
    cache.set(f, d);
    stats.hashed++;
    stats.bytesHashed += f.size;
  };
  const threads = options.threads ?? availableParallelism();
  if (todo.length >= WORKER_THRESHOLD && threads > 1 && existsSync(WORKER_FILE)) {
    const results = await hashInWorkers(todo.map(([abs]) => abs), threads).catch((error: unknown) => {
      throw new UserError((error as Error).message, 'the file changed while the manifest was read; run the command again');
    });
    for (const [abs, list] of todo) record(abs, list, results.get(abs)!);
  } else {
    for (const [abs, list] of todo) {
      try {
        record(abs, list, hashFileSync(abs));
      } catch (error) {
        throw new UserError(`cannot read ${list[0]!.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'the file changed while the manifest was read; run the command again');
      }
    }
  }
  if (cacheFile && cache.changed) await writeCache(cacheFile, cache);
  return stats;
}
