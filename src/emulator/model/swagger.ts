/**
 * Swagger 2.0 `definitions` as JSON Schema (draft-07) that ajv compiles, for the Foundry agents subset
 * (vendor/azure-foundry/foundry-agents.openapi.json): `$ref`s to `#/definitions/X` stay (the result
 * is one document with `definitions`), `x-nullable: true` becomes "or null", a `$ref` with siblings is
 * wrapped in `allOf` (draft-07 ignores a `$ref`'s siblings), and a polymorphic base (`discriminator:
 * kind`) dispatches on the discriminator's value to the sub-types that name it with
 * `x-ms-discriminator-value` (each sub-type's own `allOf` then points at the base's non-dispatching
 * core, `X__core`, so that no validation recurses). `relax` lets a caller drop `required` entries
 * (`{ 'OpenAI.Error': ['param'] }`) for the documented deviations. Used by the emulator's request
 * checks (model/agent-checks.ts) and by the tests' answer validation (test/support/foundry-openapi.ts).
 */

type Schema = Record<string, unknown>;

const REF = '#/definitions/';

export interface SwaggerOptions {
  /** Definition name -> required properties to drop. */
  relax?: Record<string, string[]>;
  /** Definition name -> properties to add (or replace) in its `properties`. */
  patch?: Record<string, Record<string, unknown>>;
}

function isObject(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One schema node: refs, nullability and nested schemas converted; `x-*` and `discriminator` dropped. */
function convertNode(node: unknown, core: (name: string) => string): unknown {
  if (Array.isArray(node)) return node.map((n) => convertNode(n, core));
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-') || k === 'discriminator') continue;
    if (k === 'properties' || k === 'definitions') {
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, convertNode(s, core)]));
    } else if (k === 'allOf' && Array.isArray(v)) {
      // a sub-type's parents: their non-dispatching cores
      out[k] = v.map((s) => (isObject(s) && typeof s.$ref === 'string' ? { $ref: core(s.$ref) } : convertNode(s, core)));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = convertNode(v, core);
    } else if (k === 'anyOf' || k === 'oneOf') {
      out[k] = (v as unknown[]).map((s) => convertNode(s, core));
    } else out[k] = v;
  }
  let result: Schema = out;
  if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out;
    result = { ...rest, allOf: [{ $ref }, ...((rest.allOf as unknown[]) ?? [])] };
  }
  if (node['x-nullable'] === true) result = { anyOf: [result, { type: 'null' }] };
  return result;
}

/** name -> the sub-types whose `allOf` names it, with their discriminator values. */
function subTypes(defs: Record<string, Schema>): Map<string, [string, string][]> {
  const subs = new Map<string, [string, string][]>();
  for (const [name, def] of Object.entries(defs)) {
    const value = def['x-ms-discriminator-value'];
    if (typeof value !== 'string') continue;
    for (const parent of (def.allOf as Schema[] | undefined) ?? []) {
      const ref = typeof parent.$ref === 'string' ? parent.$ref.slice(REF.length) : undefined;
      if (!ref) continue;
      if (!subs.has(ref)) subs.set(ref, []);
      subs.get(ref)!.push([name, value]);
    }
  }
  return subs;
}

function applyOptions(name: string, schema: Schema, options: SwaggerOptions): Schema {
  const drop = options.relax?.[name];
  const patch = options.patch?.[name];
  const out = { ...schema };
  if (drop && Array.isArray(out.required)) out.required = (out.required as string[]).filter((r) => !drop.includes(r));
  if (patch) out.properties = { ...((out.properties as Schema | undefined) ?? {}), ...patch };
  return out;
}

/** The document ajv compiles: `{ $id, definitions }`; refer to a definition as `${id}#/definitions/X`. */
export function swaggerToJsonSchema(defs: Record<string, Schema>, id: string, options: SwaggerOptions = {}): Schema {
  const subs = subTypes(defs);
  const polymorphic = new Set(Object.entries(defs).filter(([n, d]) => typeof d.discriminator === 'string' && subs.has(n)).map(([n]) => n));
  const core = (ref: string) => {
    const name = ref.slice(REF.length);
    return polymorphic.has(name) ? `${REF}${name}__core` : ref;
  };
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(defs)) {
    const converted = applyOptions(name, convertNode(def, core) as Schema, options);
    if (!polymorphic.has(name)) {
      out[name] = converted;
      continue;
    }
    const key = String(def.discriminator);
    out[`${name}__core`] = converted;
    // the base: its own rules, then the sub-type its discriminator value names
    const branches = subs.get(name)!.map(([sub, value]) => ({
      if: { properties: { [key]: { const: value } }, required: [key] },
      then: { $ref: `${REF}${sub}` },
    }));
    out[name] = { allOf: [{ $ref: `${REF}${name}__core` }, ...branches] };
  }
  return { $id: id, definitions: out };
}
