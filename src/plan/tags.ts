/**
 * The value of the `assistants-deploy.resource` metadata key: the manifest key, then a fingerprint
 * of what the last apply wrote, field by field (6 characters of hash each, in the order of
 * ASSISTANT_FIELDS or VECTOR_STORE_FIELDS):  `support;v1;<hashes>`, and `;protect` at the end when
 * the last apply's manifest said `protect: true`.
 * Comparing a field's live value with its recorded hash tells a change made outside the manifest
 * (drift) from a change made in it. The protection mark is what keeps the resource from being
 * deleted once its block is gone from the manifest: it lives on the resource, inside the value the
 * tool already reserves (no third metadata key), and only an apply whose manifest says
 * `protect: false` takes it off. Readers before it split on `;` and ignore the fourth part.
 */
import { shortHash } from './canonical.js';

const VERSION = 'v1';
const HASH = 6;
const PROTECT = 'protect';

export interface ResourceTag {
  key: string;
  /** Field name -> recorded hash; empty when the resource carries no fingerprint (imported). */
  recorded: Map<string, string>;
  /** The last apply recorded `protect: true`. */
  protect: boolean;
}

export function fieldHashes<T extends object>(spec: T, fields: readonly (keyof T & string)[]): string[] {
  return fields.map((f) => shortHash(spec[f]));
}

export function encodeResourceTag(key: string, hashes: string[], protect = false): string {
  return `${key};${VERSION};${hashes.join('')}${protect ? `;${PROTECT}` : ''}`;
}

export function decodeResourceTag(value: string | undefined, fields: readonly string[]): ResourceTag | undefined {
  if (!value) return undefined;
  const [key, version, hashes, ...flags] = value.split(';');
  if (!key) return undefined;
  const recorded = new Map<string, string>();
  if (version === VERSION && hashes && hashes.length === fields.length * HASH) {
    fields.forEach((f, i) => recorded.set(f, hashes.slice(i * HASH, (i + 1) * HASH)));
  }
  return { key, recorded, protect: flags.includes(PROTECT) };
}
