/**
 * What both engines (runs and responses) make up the same way: a plausible value for a JSON schema,
 * taken from the user's message where it says `name: value` or quotes a string (the arguments of a
 * function call); a value valid against a JSON schema (`schemaValue`: the reply to a `json_schema`
 * response format, which `responses.parse`, the Agents SDK's `output_type` and LangChain's
 * `with_structured_output` parse and check); and word counts, which stand in for tokens in `usage`.
 * Over 350 lines: schemaValue covers the JSON-Schema keywords a structured-output schema can use,
 * a few lines each, and keeps them beside the other generator both engines share.
 */
export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

export function words(text: string): number {
  return (text.match(/\S+/g) ?? []).length;
}

/** A value for a JSON schema, taking what it can from the user's message. */
export function sampleValue(schema: Schema | undefined, name: string, message: string, depth = 0, strict = false): unknown {
  if (!schema || depth > 6) return null;
  if (schema.enum && schema.enum.length) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt && alt.length) return sampleValue(alt.find((s) => s.type !== 'null') ?? alt[0], name, message, depth + 1, strict);
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'null') ?? 'null') : (schema.type ?? (schema.properties ? 'object' : 'string'));
  const named = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[:=]\\s*("([^"]*)"|([^,;\\s]+))`, 'i').exec(message);
  const namedValue = named ? (named[2] ?? named[3]) : undefined;
  switch (type) {
    case 'string': {
      if (namedValue !== undefined) return namedValue;
      if (schema.format === 'date-time') return '2024-01-01T00:00:00Z';
      if (schema.format === 'date') return '2024-01-01';
      if (schema.format === 'email') return 'user@example.com';
      if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com';
      const quoted = /"([^"]+)"|'([^']+)'/.exec(message);
      if (quoted) return quoted[1] ?? quoted[2];
      const id = /\b[A-Z]{2,}[-_]?\d+\b|\b\d{3,}\b/.exec(message);
      return id ? id[0] : `example ${name}`;
    }
    case 'integer':
    case 'number': {
      const n = namedValue !== undefined && Number.isFinite(Number(namedValue)) ? Number(namedValue) : undefined;
      const found = /-?\d+(\.\d+)?/.exec(message);
      let v = n ?? (found ? Number(found[0]) : (schema.minimum ?? 1));
      if (type === 'integer') v = Math.trunc(v);
      if (schema.minimum !== undefined && v < schema.minimum) v = schema.minimum;
      if (schema.maximum !== undefined && v > schema.maximum) v = schema.maximum;
      return v;
    }
    case 'boolean':
      return namedValue !== undefined ? namedValue.toLowerCase() !== 'false' : true;
    case 'array': {
      const n = Math.max(1, schema.minItems ?? 1);
      return Array.from({ length: n }, () => sampleValue(schema.items, name, message, depth + 1, strict));
    }
    case 'object': {
      const props = schema.properties ?? {};
      const required = schema.required ?? [];
      const keys = strict || required.length === 0 ? Object.keys(props) : required;
      const out: Record<string, unknown> = {};
      for (const k of keys) out[k] = sampleValue(props[k], k, message, depth + 1, strict);
      return out;
    }
    case 'null':
      return null;
    default:
      return `example ${name}`;
  }
}

// ---- values valid against a JSON schema (structured outputs)

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

function patternRegExp(source: string): RegExp | undefined {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(source, flags);
    } catch {
      // try without the unicode flag
    }
  }
  return undefined;
}

const POOL = [...'abcxyzABCXYZ0123456789_-. @:/+#'];

/** One character matching a regex atom (`[a-z]`, `\d`, `.`, `\p{L}`), tried from a small pool. */
function charFor(atom: string, variant: number): string | undefined {
  const re = patternRegExp(`^${atom}$`);
  if (!re) return undefined;
  const ok = POOL.filter((c) => re.test(c));
  return ok.length ? ok[variant % ok.length] : undefined;
}

/**
 * A string for a regex pattern: the first alternative of each choice, quantified parts repeated
 * their minimum (plus `extra` when unbounded), lookarounds dropped. Anchors are implicit; the
 * caller checks the result against the pattern itself.
 */
function patternSample(source: string, extra: number, variant: number): string | undefined {
  let i = 0;
  const seq = (): string | undefined => {
    let out = '';
    while (i < source.length && source[i] !== ')' && source[i] !== '|') {
      let piece: string | undefined;
      const ch = source[i]!;
      if (ch === '^' || ch === '$') {
        i++;
        continue;
      }
      if (ch === '(') {
        i++;
        let look = false;
        if (source[i] === '?') {
          look = source[i + 1] === '=' || source[i + 1] === '!' || (source[i + 1] === '<' && (source[i + 2] === '=' || source[i + 2] === '!'));
          if (source[i + 1] === '<' && !look) i = source.indexOf('>', i) + 1;
          else i += look ? (source[i + 1] === '<' ? 3 : 2) : 2;
        }
        const inner = alt();
        i++; // ')'
        piece = look ? '' : inner;
      } else if (ch === '[') {
        let j = i + 1;
        if (source[j] === '^') j++;
        if (source[j] === ']') j++;
        while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
        piece = charFor(source.slice(i, j + 1), variant);
        i = j + 1;
      } else if (ch === '\\') {
        const atom = source.slice(i, source[i + 1] === 'p' || source[i + 1] === 'P' ? source.indexOf('}', i) + 1 : i + 2);
        piece = /^\\[bB]$/.test(atom) ? '' : charFor(atom, variant);
        i += atom.length;
      } else {
        piece = ch === '.' ? 'a' : ch;
        i++;
      }
      if (piece === undefined) return undefined;
      const q = /^(?:\{(\d+)(,(\d*))?\}|[*+?])\??/.exec(source.slice(i));
      let times = 1;
      if (q) {
        i += q[0].length;
        if (q[0][0] === '*') times = extra;
        else if (q[0][0] === '+') times = 1 + extra;
        else if (q[0][0] === '?') times = extra > 0 ? 1 : 0;
        else {
          const lo = Number(q[1]);
          const hi = q[2] === undefined ? lo : q[3] ? Number(q[3]) : Infinity;
          times = Math.min(lo + extra, hi);
        }
      }
      out += piece.repeat(times);
    }
    return out;
  };
  const alt = (): string | undefined => {
    const first = seq();
    while (source[i] === '|') {
      i++;
      seq();
    }
    return first;
  };
  try {
    return alt();
  } catch {
    return undefined;
  }
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
