/**
 * What both engines (runs and responses) make up the same way: a plausible value for a JSON schema,
 * taken from the user's message where it says `name: value` or quotes a string (the arguments of a
 * function call), and word counts, which stand in for tokens in `usage`.
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

/** A JSON Schema as Structured Outputs takes it: the strict subset, with `$ref` into `$defs`/`definitions`. */
export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  format?: string;
};

/** `key: value`, `key = value` or `"key": "value"` in the text (tool outputs are JSON). */
function namedIn(context: string, key: string): string | undefined {
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`\\b${k}"?\\s*[:=]\\s*("((?:[^"\\\\]|\\\\.)*)"|([^,;})\\]\\s]+))`, 'i').exec(context);
  return m ? (m[2] ?? m[3]?.replace(/[.?!:]+$/, '')) : undefined;
}

/** What a value generator carries down the schema: the root (for $ref), the text to draw from, whether the reply text is used yet. */
interface Draw {
  root: JsonSchema;
  context: string;
  replyUsed: boolean;
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (ref === '#') return root;
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) return undefined;
  const name = decodeURIComponent(m[2]!).replace(/~1/g, '/').replace(/~0/g, '~');
  return (m[1] === '$defs' ? root.$defs : root.definitions)?.[name];
}

function stringFor(schema: JsonSchema, key: string, d: Draw): string {
  const named = namedIn(d.context, key);
  if (named !== undefined) return named;
  if (schema.format === 'date-time') return '2024-01-01T00:00:00Z';
  if (schema.format === 'date') return '2024-01-01';
  if (schema.format === 'email') return 'user@example.com';
  if (schema.format === 'uri') return 'https://example.com';
  if (!d.replyUsed && d.context) {
    d.replyUsed = true;
    return d.context;
  }
  return `example ${key}`;
}

function numberFor(schema: JsonSchema, key: string, d: Draw, integer: boolean): number {
  const named = Number(namedIn(d.context, key));
  let v = Number.isFinite(named) ? named : (schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1));
  if (integer) v = Math.ceil(v);
  if (schema.minimum !== undefined && v < schema.minimum) v = schema.minimum;
  if (schema.maximum !== undefined && v > schema.maximum) v = integer ? Math.floor(schema.maximum) : schema.maximum;
  return v;
}

function valueAt(schema: JsonSchema | undefined, key: string, d: Draw, depth: number): unknown {
  if (!schema || depth > 24) return null;
  if (schema.$ref) return valueAt(resolveRef(schema.$ref, d.root), key, d, depth + 1);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length) {
    const named = namedIn(d.context, key);
    return schema.enum.find((v) => String(v) === named) ?? schema.enum[0];
  }
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt && alt.length) {
    // deep in a recursive schema, take the branch that ends it (null), else the first that is not null
    const isNull = (s: JsonSchema) => s.type === 'null';
    const pick = depth > 12 ? (alt.find(isNull) ?? alt[0]) : (alt.find((s) => !isNull(s)) ?? alt[0]);
    return valueAt(pick, key, d, depth + 1);
  }
  if (schema.allOf && schema.allOf.length === 1) return valueAt(schema.allOf[0], key, d, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [schema.properties ? 'object' : 'string'];
  const type = depth > 12 && types.includes('null') ? 'null' : (types.find((t) => t !== 'null') ?? 'null');
  switch (type) {
    case 'string':
      return stringFor(schema, key, d);
    case 'integer':
    case 'number':
      return numberFor(schema, key, d, type === 'integer');
    case 'boolean':
      return namedIn(d.context, key)?.toLowerCase() !== 'false';
    case 'array':
      return Array.from({ length: Math.max(depth > 12 ? 0 : 1, schema.minItems ?? 0) }, () => valueAt(schema.items, key, d, depth + 1));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        if (depth > 12 && !(schema.required ?? []).includes(k)) continue;
        out[k] = valueAt(s, k, d, depth + 1);
      }
      return out;
    }
    default:
      return null;
  }
}

/**
 * A JSON value valid against a JSON Schema of the strict Structured Outputs subset (object, array,
 * string, number, integer, boolean, null; enum, const, anyOf, `$ref` into `$defs`, required,
 * additionalProperties false): every property is filled (so strict `required` holds and nothing
 * extra is added), values named in `context` (`key: value`, or `"key": "value"` in a tool's JSON
 * output) are taken, and the first free string gets the whole of `context` (what the model would
 * have said). Deterministic for the same schema and context.
 */
export function valueForSchema(schema: JsonSchema, context = ''): unknown {
  return valueAt(schema, 'value', { root: schema, context, replyUsed: false }, 0);
}
