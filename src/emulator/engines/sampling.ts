/**
 * What both engines (runs and responses) make up the same way from the user's message: a plausible
 * value for a JSON schema, taken from the message where it says `name: value` or quotes a string
 * (the arguments of a function call), and word counts, which stand in for tokens in `usage`. A value
 * valid against a whole JSON schema (the reply to a `json_schema` response format) is schema-value.ts.
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
