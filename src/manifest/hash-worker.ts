/**
 * A hashing worker: receives batches of file paths, answers [path, sha256 | error] pairs.
 * hash.ts runs one per core for trees of many files.
 */
import { parentPort } from 'node:worker_threads';
import { sha256OfFileSync } from './hash-file.js';

parentPort?.on('message', (paths: string[]) => {
  const out = paths.map((p): [string, string, string | null] => {
    try {
      return [p, sha256OfFileSync(p), null];
    } catch (error) {
      return [p, '', (error as Error).message];
    }
  });
  parentPort!.postMessage(out);
});
