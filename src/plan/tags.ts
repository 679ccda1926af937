/**
 * The value of the `assistants-deploy.resource` metadata key: the manifest key, then a fingerprint
 * of what the last apply wrote, field by field (6 characters of hash each, in the order of
 * ASSISTANT_FIELDS or VECTOR_STORE_FIELDS):  `support;v1;<hashes>`.
 * Comparing a field's live value with its recorded hash tells a change made outside the manifest
 * (drift) from a change made in it.
 */
import { shortHash } from './canonical.js';

const VERSION = 'v1';
const HASH = 6;

export interface ResourceTag {
  key: string;
  /** Field name -> recorded hash; empty when the resource carries no fingerprint (imported). */
  recorded: Map<string, string>;
}

export function fieldHashes<T extends object>(spec: T, fields: readonly (keyof T & string)[]): string[] {
  return fields.map((f) => shortHash(spec[f]));
}

export function encodeResourceTag(key: string, hashes: string[]): string {
  return `${key};${VERSION};${hashes.join('')}`;
}

export function decodeResourceTag(value: string | undefined, fields: readonly string[]): ResourceTag | undefined {
  if (!value) return undefined;
  const [key, version, hashes] = value.split(';');
  if (!key) return undefined;
  const recorded = new Map<string, string>();
  if (version === VERSION && hashes && hashes.length === fields.length * HASH) {
    fields.forEach((f, i) => recorded.set(f, hashes.slice(i * HASH, (i + 1) * HASH)));
  }
  return { key, recorded };
}
