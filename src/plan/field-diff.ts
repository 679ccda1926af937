/**
 * Where two canonical values differ, path by path, for people: metadata key by key, JSON schemas
 * property by property, tools matched by name (or type) rather than by position.
 */
import { equal } from '../canonical.js';

export interface PathChange {
  path: string;
  before: unknown;
  after: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function join(prefix: string, key: string): string {
  if (IDENT.test(key)) return prefix === '' ? key : `${prefix}.${key}`;
  return `${prefix}[${JSON.stringify(key)}]`;
}

/** A stable identity for an item of a list: tools by function name or type. */
function itemKey(item: unknown): string | undefined {
  if (!isObj(item) || typeof item.type !== 'string') return undefined;
  if (item.type === 'function' && isObj(item.function) && typeof item.function.name === 'string') return item.function.name;
  return item.type;
}

export function diffPaths(before: unknown, after: unknown, path: string): PathChange[] {
  if (equal(before, after)) return [];
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffPaths(before[k] ?? null, after[k] ?? null, join(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const bKeys = before.map(itemKey);
    const aKeys = after.map(itemKey);
    const keyed = [...bKeys, ...aKeys].every((k) => k !== undefined) && new Set(bKeys).size === bKeys.length && new Set(aKeys).size === aKeys.length;
    if (keyed) {
      const out: PathChange[] = [];
      const order = [...new Set([...aKeys, ...bKeys])] as string[];
      for (const k of order) {
        const b = before[bKeys.indexOf(k)] ?? null;
        const a = after[aKeys.indexOf(k)] ?? null;
        out.push(...diffPaths(b, a, `${path}[${k}]`));
      }
      const sameOrder = bKeys.filter((k) => aKeys.includes(k)).join('\n') === aKeys.filter((k) => bKeys.includes(k)).join('\n');
      if (!sameOrder) out.push({ path: `${path} (order)`, before: bKeys, after: aKeys });
      return out;
    }
    if (before.length === after.length && before.every((b) => isObj(b) || Array.isArray(b))) {
      return before.flatMap((b, i) => diffPaths(b, after[i], `${path}[${i}]`));
    }
  }
  return [{ path, before, after }];
}
