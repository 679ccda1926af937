/**
 * Canonical JSON: object keys sorted, so equal values serialise equally, and short stable hashes
 * of such values (for fingerprints and the ownership tag).
 */
import { createHash } from 'node:crypto';

export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function equal(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Six base64url characters (36 bits) of the SHA-256 of a value's canonical JSON. */
export function shortHash(value: unknown): string {
  return createHash('sha256').update(canonical(value ?? null)).digest('base64url').slice(0, 6);
}
