/**
 * The words of a text plan, shared by the text and markdown renderers: the symbol, verb and reason
 * of a resource change, the label of a field change's cause, and how a value is written
 * (Terraform's `{ key = value }`, `(known after apply: ...)` for references). Pure.
 */
import type { FieldChange, ResourceChange } from '../plan/types.js';
import { deletesFirst, impactOf, type Impact } from '../plan/impact.js';

export const COLORS = { green: 32, yellow: 33, red: 31, cyan: 36, bold: 1, dim: 2 } as const;
export type Color = keyof typeof COLORS;
/** Colours text when colour is on (`TextOptions.color`). */
export type Paint = (color: Color, text: string) => string;

const SYMBOL: Record<Impact, string> = { 'no-op': '~', update: '~', create: '+', replace: '+/-', delete: '-' };
const VERB: Record<Impact, string> = { 'no-op': 'will be updated in place', update: 'will be updated in place', create: 'will be created', replace: 'must be replaced', delete: 'will be destroyed' };

export function symbolFor(c: ResourceChange): string {
  return deletesFirst(c) ? '-/+' : SYMBOL[impactOf(c)];
}

export function verbFor(c: ResourceChange): string {
  return VERB[impactOf(c)];
}

export function reasonFor(c: ResourceChange): string {
  switch (c.action_reason) {
    case 'create_because_missing':
      return 'not in the account yet';
    case 'update_because_drift':
      return 'changed outside the manifest (drift); apply puts back what the manifest says';
    case 'update_because_manifest_changed':
      return c.drift ? 'the manifest changed, and the account was also edited outside it (drift)' : 'the manifest changed';
    case 'update_because_files_changed':
      return 'its files changed';
    case 'replace_because_cannot_update': {
      const fields = [...new Set(c.field_changes.filter((f) => f.forces_replacement).map((f) => f.field))];
      return `${fields.join(', ')} cannot be changed in place`;
    }
    case 'delete_because_no_resource_config':
      return 'no longer in the manifest';
    case 'delete_because_duplicate':
      return 'a duplicate of the resource kept under the same key';
  }
}

const CAUSE_LABEL: Partial<Record<FieldChange['cause'], string>> = {
  drift: '  # drift: changed outside the manifest',
  manifest_and_drift: '  # changed in the manifest and outside it',
};

export function causeLabel(f: FieldChange): string {
  return CAUSE_LABEL[f.cause] ?? '';
}

export function value(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object' && !Array.isArray(v) && typeof (v as { $ref?: unknown }).$ref === 'string') {
    return `(known after apply: ${(v as { $ref: string }).$ref})`;
  }
  if (typeof v === 'string') return /^\(known after apply: [^)]*\)$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'object') {
    if (Array.isArray(v)) return `[${v.map(value).join(', ')}]`;
    const entries = Object.entries(v as Record<string, unknown>);
    return `{ ${entries.map(([k, x]) => `${/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k)} = ${value(x)}`).join(', ')} }`;
  }
  return String(v);
}

export function shorten(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
