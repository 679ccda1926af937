/**
 * A hashing worker: takes files from the shared list by bumping the shared counter (so no thread
 * waits for another to hand out work), hashes each, and answers once with every
 * [index, sha256 | '', nulAt, error | null] it made. hash.ts runs one per core for trees of many files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hashFileSync } from './hash-file.js';

export interface HashWorkerData {
  files: string[];
  /** Int32 [0]: the index of the next file to take. */
  next: SharedArrayBuffer;
}

const { files, next } = workerData as HashWorkerData;
const counter = new Int32Array(next);
const out: [number, string, number, string | null][] = [];
for (;;) {
  const i = Atomics.add(counter, 0, 1);
  if (i >= files.length) break;
  try {
    const d = hashFileSync(files[i]!);
    out.push([i, d.sha256, d.nulAt, null]);
  } catch (error) {
    out.push([i, '', -1, (error as Error).message]);
    Atomics.store(counter, 0, files.length); // the run fails on its first error: stop the others
    break;
  }
}
parentPort!.postMessage(out);
