/**
 * What diff does the same way for every kind (src/kinds/): match live resources to manifest keys
 * by their ownership tags, compare fields in canonical form and label each difference with its
 * cause (the fingerprint the last apply recorded), and plan the deletion of what the manifest no
 * longer names.
 */
import { equal, shortHash } from '../canonical.js';
import type { Tagged } from '../kinds/index.js';
import type { AnyKind } from '../kinds/index.js';
import { decodeResourceTag, TAG_RESOURCE } from '../ownership/index.js';
import type { ResourceTag } from '../ownership/index.js';
import { diffPaths } from './field-diff.js';
import type { ActionReason, Cause, FieldChange, ResourceChange, ResourceType } from './types.js';

export interface Matched<L> {
  live: L;
  tag: ResourceTag;
}

export interface Matching<L> {
  byKey: Map<string, Matched<L>>;
  /** Later copies under a key (an interrupted create's): the oldest of several with one key is kept. */
  duplicates: Matched<L>[];
  /** The deployment's, but without a resource tag. */
  untagged: L[];
}

/** Groups owned resources by key; the oldest of several with one key is kept, the rest are duplicates. */
export function matchByKey<L extends Tagged>(items: readonly L[], fields: readonly string[]): Matching<L> {
  const byKey = new Map<string, Matched<L>>();
  const duplicates: Matched<L>[] = [];
  const untagged: L[] = [];
  const sorted = [...items].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
  for (const live of sorted) {
    const tag = decodeResourceTag(live.metadata[TAG_RESOURCE], fields);
    if (!tag) untagged.push(live);
    else if (byKey.has(tag.key)) duplicates.push({ live, tag });
    else byKey.set(tag.key, { live, tag });
  }
  return { byKey, duplicates, untagged };
}

/** Why a field differs, from the hash the last apply recorded for it. */
function causeOf(tag: ResourceTag, field: string, desiredValue: unknown, liveValue: unknown): Cause {
  const recorded = tag.recorded.get(field);
  if (recorded === undefined) return 'unknown';
  const liveMoved = shortHash(liveValue) !== recorded;
  const manifestMoved = shortHash(desiredValue) !== recorded;
  if (liveMoved && manifestMoved) return 'manifest_and_drift';
  if (liveMoved) return 'drift';
  return 'manifest';
}

/** The fields of `kind` that differ between the desired and the live spec, path by path, and the protection. */
export function fieldChanges<S extends object>(kind: { fields: readonly string[]; createOnly: ReadonlySet<string> }, desired: S, live: { [K in keyof S]: S[K] | undefined }, tag: ResourceTag, protect: boolean): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of kind.fields as readonly (keyof S & string)[]) {
    const d = desired[field];
    const l = live[field];
    const forces = kind.createOnly.has(field) ? { forces_replacement: true } : {};
    if (l === undefined) {
      // the target does not return this field: only the recorded fingerprint can tell a change
      const recorded = tag.recorded.get(field);
      if (recorded === undefined || recorded === shortHash(d)) continue;
      out.push({ field, path: field, before: '(not readable; changed since the last apply)', after: d ?? null, cause: 'manifest', ...forces });
      continue;
    }
    if (equal(d, l)) continue;
    const cause = causeOf(tag, field, d, l);
    for (const p of diffPaths(l ?? null, d ?? null, field)) {
      out.push({ field, path: p.path, before: p.before, after: p.after, cause, ...forces });
    }
  }
  // the manifest's `protect` differs from what the last apply recorded on the resource: the tag is rewritten
  if (protect !== tag.protect) out.push({ field: 'protect', path: 'protect', before: tag.protect, after: protect, cause: 'manifest' });
  return out;
}

/** An update's reason: only drift, or something the manifest changed. */
export function updateReason(fields: readonly FieldChange[]): ActionReason {
  return fields.every((f) => f.cause === 'drift') ? 'update_because_drift' : 'update_because_manifest_changed';
}

export function drifted(fields: readonly FieldChange[]): boolean {
  return fields.some((f) => f.cause === 'drift' || f.cause === 'manifest_and_drift');
}

export function deleteChange(type: ResourceType, key: string, id: string, reason: ActionReason, protect = false): ResourceChange {
  return { address: `${type}.${key}`, type, key, id, actions: ['delete'], action_reason: reason, drift: false, protect, field_changes: [], body: null };
}

/**
 * The deletions of one kind: what the manifest no longer names (protected when the live resource
 * records it: refused until an apply with protect: false), the later copies under a key (protected
 * by the manifest's block only), and the deployment's resources without a resource tag.
 * `alsoProtected` is what the caller protects whatever the manifest now says (destroy: what its
 * manifest protects).
 */
export function deletionsOf<L extends Tagged & { name: string | null }>(
  kind: AnyKind,
  matching: Matching<L>,
  desired: readonly { key: string; protect: boolean }[],
  alsoProtected: ReadonlySet<string>,
): ResourceChange[] {
  const keys = new Set(desired.map((d) => d.key));
  const protectedKeys = new Set(desired.filter((d) => d.protect).map((d) => d.key));
  const guard = (key: string, protect: boolean) => protect || alsoProtected.has(`${kind.type}.${key}`);
  const out: ResourceChange[] = [];
  for (const [key, m] of matching.byKey) {
    if (!keys.has(key)) out.push(deleteChange(kind.type, key, m.live.id, 'delete_because_no_resource_config', guard(key, m.tag.protect)));
  }
  for (const m of matching.duplicates) out.push(deleteChange(kind.type, m.tag.key, m.live.id, 'delete_because_duplicate', guard(m.tag.key, protectedKeys.has(m.tag.key))));
  for (const v of matching.untagged) {
    const key = kind.type === 'assistant' ? (v.name ?? v.id) : v.name || v.id;
    out.push(deleteChange(kind.type, key, v.id, 'delete_because_no_resource_config', guard(key, false)));
  }
  return out;
}
