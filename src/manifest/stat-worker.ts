/**
 * A stat worker (stat-files.ts): for each batch of paths it is sent (NUL-separated), lstat and,
 * for a symlink, stat of its target, answered as [size, mtimeMs, ino, symlink 0/1] per path in one
 * transferred Float64Array, with the error code of each path it could not read. The main thread,
 * meanwhile, reads the account.
 */
import { lstatSync, statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

export interface StatJob {
  id: number;
  paths: string;
}

export interface StatAnswer {
  id: number;
  values: Float64Array;
  errors: [number, string][];
}

parentPort!.on('message', ({ id, paths }: StatJob) => {
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
  parentPort!.postMessage({ id, values, errors } satisfies StatAnswer, [values.buffer]);
});
