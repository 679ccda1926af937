/**
 * A value valid against a JSON schema (`schemaValue`): the reply to a `json_schema` response
 * format, which `responses.parse`, the Agents SDK's `output_type` and LangChain's
 * `with_structured_output` parse and check, made up by both engines (runs and responses). It covers
 * the JSON-Schema keywords a structured-output schema can use, a few lines each.
 */
import { patternRegExp, patternSample } from './pattern-sample.js';

/** A JSON schema as a structured-output `json_schema` or tool parameters write it. */
type S = Record<string, unknown>;

export interface SchemaValueOptions {
  /** The user's message: a string, number or boolean property it names (`city: Paris`) takes that value where it fits. */
  message?: string;
  /** Free text for plain string fields (no format, pattern or enum): what the model would have written. */
  text?: string;
}

interface Gen {
  root: unknown;
  message: string;
  text: string | undefined;
}

/** Past this depth optional parts are left out, so recursive schemas end. */
const SHALLOW = 6;
const HARD_STOP = 40;

const FORMATS: Record<string, (n: number) => string> = {
  'date-time': (n) => `2024-01-${String(1 + (n % 28)).padStart(2, '0')}T00:00:00Z`,
  date: (n) => `2024-01-${String(1 + (n % 28)).padStart(2, '0')}`,
  time: (n) => `12:${String(n % 60).padStart(2, '0')}:00Z`,
  duration: (n) => `P${n + 1}D`,
  email: (n) => `user${n || ''}@example.com`,
  'idn-email': (n) => `user${n || ''}@example.com`,
  hostname: (n) => `host${n || ''}.example.com`,
  'idn-hostname': (n) => `host${n || ''}.example.com`,
  ipv4: (n) => `192.0.2.${1 + (n % 254)}`,
  ipv6: (n) => `2001:db8::${(n + 1).toString(16)}`,
  uri: (n) => `https://example.com/${n || ''}`,
  url: (n) => `https://example.com/${n || ''}`,
  'uri-reference': (n) => `https://example.com/${n || ''}`,
  iri: (n) => `https://example.com/${n || ''}`,
  uuid: (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
};

/**
 * A value valid against `schema` (draft 2020-12, and the older spellings: `definitions`, tuple
 * `items`, boolean `exclusiveMinimum`): `$ref` (local pointers, `#`), `allOf` merged, `anyOf`/`oneOf`
 * (the first branch that is not null), `const`, `enum`, types and type lists, string lengths,
 * `format` and `pattern`, numeric ranges and `multipleOf`, array sizes, `prefixItems`, `contains` and
 * `uniqueItems`, object `properties` (all of them, as strict structured outputs require),
 * `required`, `additionalProperties`, `patternProperties`, property counts and `dependentRequired`.
 */
export function schemaValue(schema: unknown, options: SchemaValueOptions = {}): unknown {
  return valueFor({ root: schema, message: options.message ?? '', text: options.text }, schema, '', 0, 0);
}

function valueFor(g: Gen, input: unknown, name: string, depth: number, variant: number): unknown {
  if (depth > HARD_STOP) return null;
  const s = flatten(g, input, 0);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) {
    const choices = s.enum.filter((v) => v !== null);
    const list = choices.length ? choices : s.enum;
    const named = namedIn(g.message, name);
    const chosen = named === undefined ? undefined : list.find((v) => String(v).toLowerCase() === named.toLowerCase());
    return chosen !== undefined && !variant ? chosen : list[variant % list.length];
  }
  const alts = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(alts) && alts.length) return valueFor(g, branchOf(g, s, alts, depth), name, depth + 1, variant);
  switch (typeOf(s, depth)) {
    case 'null':
      return null;
    case 'boolean':
      return typeof s.default === 'boolean' ? s.default : (namedIn(g.message, name)?.toLowerCase() ?? 'true') !== 'false';
    case 'integer':
      return numberFor(s, true, variant, namedIn(g.message, name));
    case 'number':
      return numberFor(s, false, variant, namedIn(g.message, name));
    case 'array':
      return arrayFor(g, s, name, depth, variant);
    case 'object':
      return objectFor(g, s, depth, variant);
    default:
      return stringFor(g, s, name, variant);
  }
}

/** `true`/`false`, `$ref` and `allOf` folded into one plain schema. */
function flatten(g: Gen, input: unknown, hops: number): S {
  if (input === false) return { not: {} };
  if (!input || typeof input !== 'object' || hops > 50) return {};
  let s = input as S;
  if (typeof s.$ref === 'string') {
    const { $ref, ...rest } = s;
    s = merge(flatten(g, resolveRef(g.root, $ref), hops + 1), rest);
  }
  if (Array.isArray(s.allOf)) {
    const { allOf, ...rest } = s;
    s = (allOf as unknown[]).reduce<S>((acc, part) => merge(acc, flatten(g, part, hops + 1)), rest);
  }
  return s;
}

/** A local `$ref`: `#`, `#/$defs/x`, `#/definitions/x`, any JSON pointer into the root. */
function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return {};
  let at: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  }
  return at ?? {};
}

const LOWER = ['minimum', 'minLength', 'minItems', 'minProperties'];
const UPPER = ['maximum', 'maxLength', 'maxItems', 'maxProperties'];

/** Both schemas at once (for allOf, $ref with siblings and a branch with its parent). */
function merge(a: S, b: S): S {
  const out: S = { ...a, ...b };
  for (const k of LOWER) if (typeof a[k] === 'number' && typeof b[k] === 'number') out[k] = Math.max(a[k], b[k]);
  for (const k of UPPER) if (typeof a[k] === 'number' && typeof b[k] === 'number') out[k] = Math.min(a[k], b[k]);
  if (a.properties && b.properties) {
    const pa = a.properties as Record<string, unknown>;
    const pb = b.properties as Record<string, unknown>;
    out.properties = { ...pa, ...pb };
    for (const k of Object.keys(pa)) if (k in pb) (out.properties as S)[k] = { allOf: [pa[k], pb[k]] };
  }
  if (Array.isArray(a.required) || Array.isArray(b.required)) out.required = [...new Set([...((a.required as string[]) ?? []), ...((b.required as string[]) ?? [])])];
  if (a.type !== undefined && b.type !== undefined) {
    const ta = ([] as unknown[]).concat(a.type);
    const both = ([] as unknown[]).concat(b.type).filter((t) => ta.includes(t) || (t === 'integer' && ta.includes('number')));
    out.type = both.length ? both : ['__none'];
  }
  if (Array.isArray(a.enum) && Array.isArray(b.enum)) out.enum = a.enum.filter((v) => (b.enum as unknown[]).some((w) => JSON.stringify(w) === JSON.stringify(v)));
  if (a.additionalProperties === false || b.additionalProperties === false) out.additionalProperties = false;
  if (a.anyOf && b.anyOf) out.anyOf = a.anyOf;
  return out;
}

/** The branch of an anyOf/oneOf to follow, with what the parent says: the first possible non-null one (null first when deep). */
function branchOf(g: Gen, parent: S, alts: unknown[], depth: number): S {
  const { anyOf: _a, oneOf: _o, ...rest } = parent;
  const branches = alts.map((b) => merge(rest, flatten(g, b, 0))).filter((b) => !([] as unknown[]).concat(b.type ?? []).includes('__none'));
  const isNull = (b: S) => b.type === 'null' || (Array.isArray(b.type) && b.type.length === 1 && b.type[0] === 'null') || b.const === null;
  if (depth > SHALLOW) return branches.find(isNull) ?? branches.find((b) => !hasRef(b)) ?? branches[0] ?? rest;
  return branches.find((b) => !isNull(b)) ?? branches[0] ?? rest;
}

function hasRef(s: S): boolean {
  return JSON.stringify(s).includes('"$ref"');
}

function typeOf(s: S, depth: number): string {
  const types = ([] as unknown[]).concat(s.type ?? []).map(String);
  if (types.length) {
    if (depth > SHALLOW && types.includes('null')) return 'null';
    return types.find((t) => t !== 'null') ?? 'null';
  }
  const has = (...keys: string[]) => keys.some((k) => k in s);
  if (has('properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties')) return 'object';
  if (has('items', 'prefixItems', 'minItems', 'maxItems', 'contains', 'uniqueItems')) return 'array';
  if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf')) return 'number';
  if (s.default !== undefined && s.default !== null) return Array.isArray(s.default) ? 'array' : typeof s.default;
  return 'string';
}

/** `name: value`, `name = "value"` or JSON's `"name": "value"` in the message (a tool's output is JSON). */
function namedIn(message: string, name: string): string | undefined {
  if (!name || !message) return undefined;
  const key = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`\\b${key}"?\\s*[:=]\\s*("((?:[^"\\\\]|\\\\.)*)"|([^,;})\\]\\s]+))`, 'i').exec(message);
  return m ? (m[2] ?? m[3]?.replace(/[.?!:]+$/, '')) : undefined;
}

function stringFor(g: Gen, s: S, name: string, variant: number): string {
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  const format = typeof s.format === 'string' ? FORMATS[s.format] : undefined;
  const suffix = variant ? ` ${variant + 1}` : '';
  const candidates: string[] = [];
  if (typeof s.default === 'string' && !variant) candidates.push(s.default);
  const named = namedIn(g.message, name);
  if (named !== undefined) candidates.push(named + suffix);
  if (format) candidates.push(format(variant));
  else if (g.text !== undefined && s.pattern === undefined) candidates.push(g.text + suffix);
  candidates.push(`${name ? `example ${name}` : 'example'}${suffix}`);
  const pattern = typeof s.pattern === 'string' ? patternRegExp(s.pattern) : undefined;
  const fits = (c: string) => {
    const n = Array.from(c).length;
    return n >= min && n <= max && (!pattern || pattern.test(c));
  };
  const fitted = candidates.map((c) => fitLength(c, min, max));
  const found = fitted.find(fits);
  if (found !== undefined) return found;
  if (pattern && typeof s.pattern === 'string') {
    for (const extra of [0, 1, 2, 4, 8, 16, min, max === Infinity ? 64 : max]) {
      const sample = patternSample(s.pattern, extra, variant);
      if (sample !== undefined && fits(sample)) return sample;
    }
  }
  return fitted[fitted.length - 1]!;
}

function fitLength(c: string, min: number, max: number): string {
  let chars = Array.from(c);
  if (chars.length > max) chars = chars.slice(0, max);
  while (chars.length < min) chars.push('x');
  return chars.join('');
}

/** Bounds: `minimum`/`maximum`, `exclusive*` as numbers (2020-12) or booleans (draft 4). */
function numberFor(s: S, integer: boolean, variant: number, named: string | undefined): number {
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  let lo = num('minimum') ?? -Infinity;
  let hi = num('maximum') ?? Infinity;
  let loEx = s.exclusiveMinimum === true;
  let hiEx = s.exclusiveMaximum === true;
  const exLo = num('exclusiveMinimum');
  const exHi = num('exclusiveMaximum');
  if (exLo !== undefined && exLo >= lo) [lo, loEx] = [exLo, true];
  if (exHi !== undefined && exHi <= hi) [hi, hiEx] = [exHi, true];
  const inRange = (v: number) => (loEx ? v > lo : v >= lo) && (hiEx ? v < hi : v <= hi) && (!integer || Number.isInteger(v));
  const step = num('multipleOf');
  const ok = (v: number) => inRange(v) && (!step || Number.isInteger(v / step));
  const start = named !== undefined && Number.isFinite(Number(named)) ? Number(named) : typeof s.default === 'number' ? s.default : Number.isFinite(lo) ? lo : Number.isFinite(hi) ? Math.min(hi, 1) : 1;
  const candidates = [start + variant, start, Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : start, lo + 1, hi - 1, lo + 0.5, hi - 0.5];
  for (const c of candidates) {
    const v = integer ? Math.ceil(c) : c;
    if (Number.isFinite(v) && ok(v)) return v;
    if (Number.isFinite(v) && integer && ok(Math.floor(c))) return Math.floor(c);
  }
  if (step) {
    const first = Math.ceil((Number.isFinite(lo) ? lo : 0) / step);
    for (let k = first; k < first + 50; k++) {
      const v = Number((k * step).toPrecision(15));
      if (ok(v)) return v;
    }
  }
  return Number.isFinite(lo) ? (integer ? Math.floor(lo) + 1 : lo) : 0;
}

function arrayFor(g: Gen, s: S, name: string, depth: number, variant: number): unknown[] {
  const prefix = (Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : []) as unknown[];
  const rest = Array.isArray(s.items) ? (s.additionalItems ?? true) : Array.isArray(s.prefixItems) ? (s.items ?? true) : (s.items ?? true);
  const min = typeof s.minItems === 'number' ? s.minItems : 0;
  const max = typeof s.maxItems === 'number' ? s.maxItems : Infinity;
  let n = depth > SHALLOW ? Math.max(min, s.contains ? 1 : 0) : Math.max(min, prefix.length, 1);
  n = Math.min(n, max);
  if (rest === false) n = Math.min(n, prefix.length);
  const out: unknown[] = [];
  for (let k = 0; k < n; k++) out.push(valueFor(g, k < prefix.length ? prefix[k] : rest, name, depth + 1, variant + k));
  if (s.contains && n > 0 && prefix.length === 0) out[0] = valueFor(g, { allOf: [rest, s.contains] }, name, depth + 1, variant);
  return out;
}

function objectFor(g: Gen, s: S, depth: number, variant: number): Record<string, unknown> {
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const required = ((s.required as string[] | undefined) ?? []).filter((k) => typeof k === 'string');
  const max = typeof s.maxProperties === 'number' ? s.maxProperties : Infinity;
  const extra = s.additionalProperties;
  const keys = [...new Set([...required, ...(depth > SHALLOW ? [] : Object.keys(props).filter((k) => props[k] !== false))])];
  const dependent = (s.dependentRequired ?? {}) as Record<string, string[]>;
  for (const k of [...keys]) for (const d of dependent[k] ?? []) if (!keys.includes(d)) keys.push(d);
  const chosen = keys.slice(0, Math.max(max, required.length));
  const out: Record<string, unknown> = {};
  for (const k of chosen) out[k] = valueFor(g, schemaOfKey(s, k), k, depth + 1, variant);
  const min = typeof s.minProperties === 'number' ? s.minProperties : 0;
  for (let n = 1; Object.keys(out).length < min && extra !== false && n < 1000; n++) {
    const k = `key${n}`;
    if (!(k in out)) out[k] = valueFor(g, schemaOfKey(s, k), k, depth + 1, variant);
  }
  return out;
}

function schemaOfKey(s: S, key: string): unknown {
  const props = (s.properties ?? {}) as Record<string, unknown>;
  if (key in props) return props[key];
  for (const [p, schema] of Object.entries((s.patternProperties ?? {}) as Record<string, unknown>)) if (patternRegExp(p)?.test(key)) return schema;
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : {};
}
