/**
 * The value of the `assistants-deploy.resource` metadata key: the manifest key, then a fingerprint
 * of what the last apply wrote, field by field (6 characters of hash each, in the order of the
 * kind's `fields`, src/kinds/):  `support;v1;<hashes>`, and `;protect` at the end when the last
 * apply's manifest said `protect: true`.
 * Comparing a field's live value with its recorded hash tells a change made outside the manifest
 * (drift) from a change made in it. The protection mark is what keeps the resource from being
 * deleted once its block is gone from the manifest: it lives on the resource, inside the value the
 * tool already reserves (no third metadata key), and only an apply whose manifest says
 * `protect: false` takes it off. Readers before it split on `;` and ignore the fourth part.
 *
 * This file is the one place that writes or reads the format (DESIGN.md, "Ownership and identity":
 * contract): the ownership metadata of a resource is made by `ownershipMetadata` and read by
 * `deploymentOf`, `resourceKeyOf` and `decodeResourceTag`.
 */
import { shortHash } from '../canonical.js';
import { isReservedKey, TAG_DEPLOYMENT, TAG_RESOURCE } from './metadata.js';

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

type Metadata = Readonly<Record<string, string>> | null | undefined;

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

/** The deployment a resource's metadata names, or undefined when no deployment manages it. */
export function deploymentOf(metadata: unknown): string | undefined {
  const v = (metadata as Metadata)?.[TAG_DEPLOYMENT];
  return typeof v === 'string' ? v : undefined;
}

/** The manifest key a resource's metadata names (the first part of its resource tag). */
export function resourceKeyOf(metadata: unknown): string | undefined {
  const v = (metadata as Metadata)?.[TAG_RESOURCE];
  return typeof v === 'string' ? v.split(';')[0] : undefined;
}

/** The live resource records `protect: true` in its tag. */
export function recordsProtect(metadata: Metadata): boolean {
  return decodeResourceTag(metadata?.[TAG_RESOURCE], [])?.protect === true;
}

/** The user's part of a resource's metadata: every key but the reserved ones, sorted by key. */
export function userMetadata(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(metadata ?? {}).sort()) if (!isReservedKey(k)) out[k] = metadata![k]!;
  return out;
}

/**
 * What apply writes as a resource's metadata: the user's keys, then the two ownership tags, the
 * resource tag fingerprinting `hashes` (fieldHashes of the spec as the reader will see it).
 */
export function ownershipMetadata(user: Readonly<Record<string, string>>, deployment: string, key: string, hashes: string[], protect: boolean): Record<string, string> {
  return { ...user, [TAG_DEPLOYMENT]: deployment, [TAG_RESOURCE]: encodeResourceTag(key, hashes, protect) };
}
