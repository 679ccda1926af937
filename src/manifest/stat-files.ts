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
import { Worker } from 'node:worker_threads';
import { breathe } from './breathe.js';
import type { StatAnswer, StatJob } from './stat-worker.js';

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

function statWorker(): Worker | undefined {
  if (broken || !existsSync(WORKER_FILE)) return undefined;
  if (!worker) {
    worker = new Worker(WORKER_FILE);
    worker.unref();
    const w = worker;
    w.on('message', (a: StatAnswer) => {
      const p = pending.get(a.id);
      pending.delete(a.id);
      // the manifest's batches come together: once none is left, the thread (and its heap) goes
      if (pending.size === 0) {
        worker = undefined;
        void w.terminate();
      }
      p?.resolve(a);
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (worker === w) fail(new Error(`the stat thread stopped (exit code ${code})`));
    });
  }
  return worker;
}

/** Each path's size, mtime, inode and whether it is a symlink, or the error code it could not be read with. */
export async function statFiles(paths: readonly string[]): Promise<(Measured | string)[]> {
  const w = paths.length >= WORKER_BATCH ? statWorker() : undefined;
  if (!w) {
    const here = statHere(paths);
    // the stores of a manifest are expanded together: answers that came in meanwhile go first
    await breathe();
    return here;
  }
  const id = nextId++;
  let answer: StatAnswer;
  try {
    answer = await new Promise<StatAnswer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, paths: paths.join('\0') } satisfies StatJob);
    });
  } catch {
    return statHere(paths);
  }
  workerBatches.count++;
  const out: (Measured | string)[] = new Array(paths.length);
  const v = answer.values;
  for (let i = 0; i < paths.length; i++) out[i] = { size: v[i * 4]!, mtimeMs: v[i * 4 + 1]!, ino: v[i * 4 + 2]!, symlink: v[i * 4 + 3] === 1 };
  for (const [i, code] of answer.errors) out[i] = code;
  return out;
}
