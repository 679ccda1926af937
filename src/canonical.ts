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

type Flat = Record<string, string | number | boolean> | null | undefined;

/** Equality of two flat maps of primitives (file attributes), without serialising them. */
export function sameFlat(a: Flat, b: Flat): boolean {
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!b || !Object.hasOwn(b, k) || b[k] !== a![k]) return false;
  return true;
}

/** A stable text for a flat map of primitives (keys sorted). */
export function flatKey(a: Flat): string {
  if (!a) return '';
  const keys = Object.keys(a).sort();
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out += `${i === 0 ? '' : ','}${JSON.stringify(k)}=${JSON.stringify(a[k])}`;
  }
  return out;
}

/** A stable text for a chunking strategy: the common static case without a generic serialiser. */
export function chunkKey(c: unknown): string {
  const o = c as { type?: unknown; static?: { max_chunk_size_tokens?: unknown; chunk_overlap_tokens?: unknown } } | null;
  if (o && o.type === 'static' && o.static && Object.keys(o).length === 2 && Object.keys(o.static).length === 2) {
    return `static:${String(o.static.max_chunk_size_tokens)}:${String(o.static.chunk_overlap_tokens)}`;
  }
  return canonical(c);
}
