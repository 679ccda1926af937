/**
 * The impact of a change, typed and ordered (as @aws-cdk/cloudformation-diff's): derived in this
 * one place from the change's `actions`, which the JSON plan keeps in Terraform's form
 * (`["create"]`, `["update"]`, `["delete"]`, `["create","delete"]` for a replace, new first), so
 * saved plans read back the same and nothing else decodes `actions` by hand.
 *
 *   no-op < update < create < replace < delete
 *
 * A replace both adds and destroys (it counts once in each, never in "to change").
 */
import type { Action } from './types.js';

export type Impact = 'no-op' | 'update' | 'create' | 'replace' | 'delete';

export const IMPACT_ORDER: readonly Impact[] = ['no-op', 'update', 'create', 'replace', 'delete'];

interface HasActions {
  readonly actions: readonly Action[];
}

export function impactOf(c: HasActions): Impact {
  const a = c.actions;
  if (a.length === 0) return 'no-op';
  const creates = a.includes('create');
  const deletes = a.includes('delete');
  if (creates && deletes) return 'replace';
  if (creates) return 'create';
  if (deletes) return 'delete';
  return 'update';
}

/** A replace that deletes the old resource before it creates the new one (`["delete","create"]`). */
export function deletesFirst(c: HasActions): boolean {
  return impactOf(c) === 'replace' && c.actions[0] === 'delete';
}

/** The change makes a new resource: a create, or a replace. */
export function adds(c: HasActions): boolean {
  const i = impactOf(c);
  return i === 'create' || i === 'replace';
}

/** The change deletes a live resource: a delete, or a replace (the old one goes). */
export function removes(c: HasActions): boolean {
  const i = impactOf(c);
  return i === 'delete' || i === 'replace';
}

export function compareImpact(a: Impact, b: Impact): number {
  return IMPACT_ORDER.indexOf(a) - IMPACT_ORDER.indexOf(b);
}

/** The worst impact of several (no-op for none). */
export function worstImpact(impacts: Iterable<Impact>): Impact {
  let worst: Impact = 'no-op';
  for (const i of impacts) if (compareImpact(i, worst) > 0) worst = i;
  return worst;
}
