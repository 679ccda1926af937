/**
 * Size, mtime and inode of each file a manifest names (of the target, for a symlink): what the
 * hash cache is keyed by, so every file is stat'ed on every run. At 100,000 files that is a few
 * hundred milliseconds of system calls, which plan, apply and destroy spend while they read the
 * account on the same thread: a large batch goes to a worker thread (shared by the batches sent
 * together, ended when none is left), a small one is stat'ed here. The same answers
 * either way, and synchronously here when the worker cannot be had.
 */
import { existsSync, lstatSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';
import { breathe } from './breathe.js';
import type { LocalFile } from './desired.js';
import type { Expansion, PatternAt } from './glob-types.js';
import type { CacheKey } from './hash-cache.js';
import type { FileDigest } from './hash-file.js';
import type { Root } from './paths.js';
import type { StatAnswer, StatJob } from './stat-jobs.js';

export interface Measured {
  size: number;
  mtimeMs: number;
  ino: number;
  symlink: boolean;
}

/** Below this many files a batch is stat'ed on this thread (a millisecond or two). */
const WORKER_BATCH = 500;
const WORKER_FILE = fileURLToPath(new URL('./stat-worker.js', import.meta.url));

function statHere(paths: readonly string[]): (Measured | string)[] {
  return paths.map((p) => {
    try {
      let st = lstatSync(p);
      const symlink = st.isSymbolicLink();
      if (symlink) st = statSync(p);
      return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, symlink };
    } catch (error) {
      return (error as NodeJS.ErrnoException).code ?? 'EIO';
    }
  });
}

let worker: Worker | undefined;
let broken = false;
/** Batches the worker answered (for tests: a large batch did go to it). */
export const workerBatches = { count: 0 };
let nextId = 0;
const pending = new Map<number, { resolve: (a: StatAnswer) => void; reject: (e: unknown) => void }>();

function fail(error: unknown): void {
  broken = true;
  void worker?.terminate();
  worker = undefined;
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

/** How long the worker waits for another job before it ends. */
const IDLE_MS = 300;
let idle: NodeJS.Timeout | undefined;

function statWorker(): Worker | undefined {
  // the worker itself expands globs with these functions: on its own thread
  if (broken || !isMainThread || !existsSync(WORKER_FILE)) return undefined;
  clearTimeout(idle);
  if (!worker) {
    // its young generation kept small, as the main thread's is (cli/memory.ts): it only reads and looks up
    worker = new Worker(WORKER_FILE, { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    const w = worker;
    w.on('message', (a: StatAnswer) => {
      const p = pending.get(a.id);
      pending.delete(a.id);
      // the manifest's batches come together, its cache look-ups right after: once none has been
      // left for a moment, the thread (and its heap) goes
      if (pending.size === 0) {
        idle = setTimeout(() => {
          if (worker === w && pending.size === 0) {
            worker = undefined;
            void w.terminate();
          }
        }, IDLE_MS);
        idle.unref();
      }
      p?.resolve(a);
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (worker === w) fail(new Error(`the stat thread stopped (exit code ${code})`));
    });
    // after the listeners (a 'message' listener refs it again): an idle worker never keeps the process
    w.unref();
  }
  return worker;
}

/** A job for the worker, its answer (undefined when the worker failed). */
async function ask(w: Worker, job: StatJob, transfer: ArrayBuffer[] = []): Promise<StatAnswer | undefined> {
  try {
    const answer = await new Promise<StatAnswer>((resolve, reject) => {
      pending.set(job.id, { resolve, reject });
      w.ref();
      w.postMessage(job, transfer);
    });
    workerBatches.count++;
    return answer;
  } catch {
    return undefined;
  }
}

/** Each path's size, mtime, inode and whether it is a symlink, or the error code it could not be read with. */
export async function statFiles(paths: readonly string[]): Promise<(Measured | string)[]> {
  const w = paths.length >= WORKER_BATCH ? statWorker() : undefined;
  const answer = w ? await ask(w, { id: nextId++, kind: 'stat', paths: paths.join('\0') }) : undefined;
  if (answer?.kind !== 'stat') {
    const here = statHere(paths);
    // the stores of a manifest are expanded together: answers that came in meanwhile go first
    await breathe();
    return here;
  }
  const out: (Measured | string)[] = new Array(paths.length);
  const v = answer.values;
  for (let i = 0; i < paths.length; i++) out[i] = { size: v[i * 4]!, mtimeMs: v[i * 4 + 1]!, ino: v[i * 4 + 2]!, symlink: v[i * 4 + 3] === 1 };
  for (const [i, code] of answer.errors) out[i] = code;
  return out;
}

/** Below this many files the hash cache is read and looked up on this thread (hash.ts). */
export const CACHE_WORKER_FILES = 2000;

/**
 * The hash cache's entry for each file (by path, size, mtime and inode), looked up on the worker:
 * the cache of 100,000 files is 14-17 MB of text, a few hundred milliseconds to load and look up
 * on the thread that reads the account meanwhile. Each digest is its own short string (the cache's
 * text is not kept). Undefined when there is no worker to ask (the caller looks them up itself).
 */
export async function cachedDigests(cacheFile: string, files: readonly CacheKey[]): Promise<(FileDigest | undefined)[] | undefined> {
  const w = files.length >= CACHE_WORKER_FILES ? statWorker() : undefined;
  if (!w) return undefined;
  const keys = new Float64Array(files.length * 3);
  for (let i = 0; i < files.length; i++) {
    keys[i * 3] = files[i]!.size;
    keys[i * 3 + 1] = files[i]!.mtimeMs;
    keys[i * 3 + 2] = files[i]!.ino;
  }
  const answer = await ask(w, { id: nextId++, kind: 'cache', cacheFile, paths: files.map((f) => f.abs).join('\0'), keys }, [keys.buffer]);
  if (answer?.kind !== 'cache') return undefined;
  const out: (FileDigest | undefined)[] = new Array(files.length);
  const shas = Buffer.from(answer.shas.buffer, answer.shas.byteOffset, answer.shas.byteLength);
  for (let i = 0; i < files.length; i++) {
    const nulAt = answer.nulAt[i]!;
    out[i] = Number.isNaN(nulAt) ? undefined : { sha256: shas.toString('latin1', i * 64, i * 64 + 64), nulAt };
  }
  return out;
}

/** Ends the worker now when it has nothing to do (the manifest is loaded and hashed): its heap goes before the diff's grows. */
export function releaseStatWorker(): void {
  if (!worker || pending.size > 0) return;
  clearTimeout(idle);
  const w = worker;
  worker = undefined;
  void w.terminate();
}

/** Starts the worker ahead of the jobs a manifest is about to send it (plan, apply, destroy). */
export function warmStatWorker(): void {
  statWorker();
}

/**
 * A file list's globs expanded on the worker (globs.ts's expandHere, there), so the thread that
 * reads the account meanwhile only unpacks the answer. Undefined when there is no worker to ask.
 */
export async function expandOnWorker(root: Root, baseDir: string, patterns: PatternAt[]): Promise<Expansion | undefined> {
  const w = statWorker();
  if (!w) return undefined;
  const answer = await ask(w, { id: nextId++, kind: 'expand', root, baseDir, patterns });
  if (answer?.kind !== 'expand') return undefined;
  const v = answer.values;
  const parts = answer.paths === '' ? [] : answer.paths.split('\0');
  const files: LocalFile[] = new Array(parts.length / 2);
  const matchedBy = new Map<string, PatternAt>();
  for (let i = 0; i < files.length; i++) {
    const f: LocalFile = { path: parts[i * 2]!, abs: parts[i * 2 + 1]!, size: v[i * 4]!, mtimeMs: v[i * 4 + 1]!, ino: v[i * 4 + 2]! };
    files[i] = f;
    matchedBy.set(f.path, patterns[v[i * 4 + 3]!]!);
  }
  return { files, matchedBy, problems: answer.problems };
}
