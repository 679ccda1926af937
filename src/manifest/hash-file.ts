/**
 * SHA-256 of one file, read in 1 MiB blocks into a reused buffer (no streams, no copies), and the
 * binary sniff on the way: where the first NUL byte of the first 8,000 bytes is (-1: none).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { SNIFF_BYTES } from './text-file.js';

const BLOCK = 1 << 20;
let buffer: Buffer | undefined;

export interface FileDigest {
  sha256: string;
  /** Offset of the first NUL byte within the first 8,000 bytes, or -1. */
  nulAt: number;
}

export function hashFileSync(file: string): FileDigest {
  buffer ??= Buffer.allocUnsafe(BLOCK);
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  let nulAt = -1;
  let first = true;
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, BLOCK, null);
      if (n === 0) break;
      if (first) {
        nulAt = buffer.subarray(0, Math.min(n, SNIFF_BYTES)).indexOf(0);
        first = false;
      }
      hash.update(n === BLOCK ? buffer : buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), nulAt };
}
