/** SHA-256 of one file, read in 1 MiB blocks into a reused buffer (no streams, no copies). */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

const BLOCK = 1 << 20;
let buffer: Buffer | undefined;

export function sha256OfFileSync(file: string): string {
  buffer ??= Buffer.allocUnsafe(BLOCK);
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, BLOCK, null);
      if (n === 0) break;
      hash.update(n === BLOCK ? buffer : buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
