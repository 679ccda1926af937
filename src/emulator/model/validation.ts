/**
 * Request validation: the JSON-Schema part comes from the official descriptions (spec/schemas.generated.ts
 * for openapi.assistants.yaml, spec/responses.generated.ts for openapi.responses.yaml), turned into the
 * API's own error messages and codes. The limits the description states only in prose are
 * limits.ts.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { schemas } from '../spec/schemas.generated.js';
import { schemas as responsesSchemas } from '../spec/responses.generated.js';
import { ApiError, invalid, missingParam } from '../errors.js';

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, verbose: true });
ajv.addSchema({ $id: 'spec', components: { schemas } });
ajv.addSchema({ $id: 'rspec', components: { schemas: responsesSchemas } });
const compiled = new Map<string, ValidateFunction>();

/** The compiled schema `name` of openapi.assistants.yaml (`spec`) or openapi.responses.yaml (`rspec`). */
function validator(name: string, doc: 'spec' | 'rspec' = 'spec'): ValidateFunction {
  const key = `${doc}#/components/schemas/${name}`;
  let v = compiled.get(key);
  if (!v) {
    v = ajv.getSchema(key);
    if (!v) throw new Error(`no schema ${name}`);
    compiled.set(key, v);
  }
  return v;
}

/** `/tools/0/function/name` -> `tools[0].function.name` (the API's `param` style). */
export function paramName(prefix: string, instancePath: string): string {
  let out = prefix;
  for (const part of instancePath.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else out += out ? `.${key}` : key;
  }
  return out;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

function expectedName(type: string): string {
  switch (type) {
    case 'number':
      return 'a decimal';
    case 'integer':
      return 'an integer';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    default:
      return type;
  }
}

function listValues(values: unknown[]): string {
  const q = values.map((v) => `'${String(v)}'`);
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

function depth(e: ErrorObject): number {
  return e.instancePath.split('/').length + (e.keyword === 'required' || e.keyword === 'additionalProperties' ? 1 : 0);
}

/** Drop the complaints of schema branches the caller did not mean. */
function withoutNoise(input: ErrorObject[]): ErrorObject[] {
  let list = input;
  // An enum complaint about a value of another type than the enum's comes from a branch the caller did not mean.
  list = list.filter((e) => {
    if (e.keyword !== 'enum') return true;
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return allowed.some((a) => typeof a === typeof e.data && (a === null) === (e.data === null));
  });
  const under = (e: ErrorObject, p: string) => e.instancePath === p || e.instancePath.startsWith(`${p}/`);
  // A type error at P is noise when another branch of the right type complained at or under P.
  list = list.filter((e) => !(e.keyword === 'type' && list.some((o) => o.keyword !== 'type' && under(o, e.instancePath))));
  // So is one at P when a branch that took the value at P complained deeper (`container: {file_ids: 'x'}`).
  list = list.filter((e) => !(e.keyword === 'type' && list.some((o) => o.instancePath.startsWith(`${e.instancePath}/`))));
  // A tag mismatch (`.../type` enum) is noise when the branch with the right tag complained about something else.
  const isTag = (e: ErrorObject) => (e.keyword === 'enum' || e.keyword === 'const') && e.instancePath.endsWith('/type');
  const tagErrs = list.filter(isTag);
  if (tagErrs.length) {
    const others = list.filter((e) => !isTag(e));
    const kept = list.filter((e) => {
      if (!isTag(e)) return true;
      const parent = e.instancePath.slice(0, -'/type'.length);
      return !others.some((o) => under(o, parent));
    });
    if (kept.length) list = kept;
  }
  return list;
}

/** Turn ajv's errors into the one error the API would report. */
export function toApiError(errors: ErrorObject[], prefix = ''): ApiError {
  const exclusive = mutuallyExclusive(errors, prefix);
  if (exclusive) return exclusive;
  const skip = new Set(['oneOf', 'anyOf', 'if', 'allOf', 'not', 'false schema']);
  let list = errors.filter((e) => !skip.has(e.keyword));
  // `anyOf: [X, {type: null}]`: the null branch's complaint is noise when X also complained.
  const nonNull = list.filter((e) => !(e.keyword === 'type' && (e.params as { type?: string }).type === 'null'));
  if (nonNull.length) list = nonNull;
  if (list.length === 0) {
    const e = errors[0];
    const param = e ? paramName(prefix, e.instancePath) : prefix || null;
    return invalid(`Invalid value for '${param}'.`, param, 'invalid_value');
  }
  list = withoutNoise(list);
  // Unknown parameters and missing required ones first (the API reports those before value errors), shallowest first.
  const first = (kw: string) => list.filter((e) => e.keyword === kw).sort((a, b) => depth(a) - depth(b))[0];
  const extra = first('additionalProperties');
  if (extra) {
    const name = (extra.params as { additionalProperty: string }).additionalProperty;
    const param = paramName(prefix, `${extra.instancePath}/${name}`);
    return invalid(`Unknown parameter: '${param}'.`, param, 'unknown_parameter');
  }
  const sorted = [...list].sort((a, b) => depth(a) - depth(b));
  return messageFor(sorted[0]!, sorted, prefix);
}

/**
 * A `oneOf` of `required` branches that more than one branch passes: the request named two fields
 * of which only one may be given (`tool_resources.file_search` with both `vector_store_ids` and
 * `vector_stores`), in the API's wording for mutually exclusive parameters.
 */
function mutuallyExclusive(errors: ErrorObject[], prefix: string): ApiError | undefined {
  for (const e of errors) {
    if (e.keyword !== 'oneOf') continue;
    const passing = (e.params as { passingSchemas?: unknown }).passingSchemas;
    const branches = e.schema as { required?: string[] }[] | undefined;
    if (!Array.isArray(passing) || passing.length < 2 || !Array.isArray(branches)) continue;
    const names = passing.map((i) => branches[i as number]?.required).filter((r): r is string[] => Array.isArray(r) && r.length === 1).map((r) => r[0]!);
    if (names.length !== passing.length) continue;
    const at = paramName(prefix, e.instancePath);
    const quoted = names.map((n) => `'${at ? `${at}.` : ''}${n}'`);
    return invalid(
      `Mutually exclusive parameters: Ensure you are only providing one of: ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}.`,
      at || null,
      'mutually_exclusive_parameters',
    );
  }
  return undefined;
}

/** The API's message for the error chosen; `sorted` holds the others (types and enum values at the same place add up). */
function messageFor(chosen: ErrorObject, sorted: ErrorObject[], prefix: string): ApiError {
  const typeErrs = sorted.filter((e) => e.keyword === 'type');
  const param = paramName(prefix, chosen.instancePath);
  const data = chosen.data;
  const p = chosen.params as Record<string, unknown>;
  switch (chosen.keyword) {
    case 'required': {
      const name = paramName(prefix, `${chosen.instancePath}/${String(p.missingProperty)}`);
      return missingParam(name);
    }
    case 'type': {
      const types = [
        ...new Set(typeErrs.filter((t) => t.instancePath === chosen.instancePath).map((t) => String((t.params as { type: string }).type))),
      ].filter((t) => t !== 'null');
      const expected = types.length > 1 ? `one of ${types.map(expectedName).join(' or ')}` : expectedName(types[0] ?? 'value');
      return invalid(`Invalid type for '${param}': expected ${expected}, but got ${typeName(data)} instead.`, param, 'invalid_type');
    }
    case 'enum':
    case 'const': {
      const allowed = [
        ...new Set(
          sorted
            .filter((x) => x.instancePath === chosen.instancePath && (x.keyword === 'enum' || x.keyword === 'const'))
            .flatMap((x) => (x.keyword === 'enum' ? ((x.params as { allowedValues: unknown[] }).allowedValues ?? []) : [(x.params as { allowedValue: unknown }).allowedValue])),
        ),
      ];
      return invalid(`Invalid value: '${String(data)}'. Supported values are: ${listValues(allowed)}.`, param, 'invalid_value');
    }
    case 'maxLength':
    case 'minLength':
    case 'maxItems':
    case 'minItems':
    case 'maxProperties':
    case 'propertyNames':
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return limitMessage(chosen, param);
    default:
      return invalid(`Invalid value for '${param}'.`, param, 'invalid_value');
  }
}

/** Lengths, sizes and ranges: `string too long`, `array too short`, `integer above maximum value`, … */
function limitMessage(chosen: ErrorObject, param: string): ApiError {
  const data = chosen.data;
  const p = chosen.params as Record<string, unknown>;
  switch (chosen.keyword) {
    case 'maxLength':
      return invalid(
        `Invalid '${param}': string too long. Expected a string with maximum length ${String(p.limit)}, but got a string with length ${String((data as string).length)} instead.`,
        param,
        'string_above_max_length',
      );
    case 'minLength':
      return invalid(
        `Invalid '${param}': string too short. Expected a string with minimum length ${String(p.limit)}, but got a string with length ${String((data as string).length)} instead.`,
        param,
        'string_below_min_length',
      );
    case 'maxItems':
      return invalid(
        `Invalid '${param}': array too long. Expected an array with maximum length ${String(p.limit)}, but got an array with length ${String((data as unknown[]).length)} instead.`,
        param,
        'array_above_max_length',
      );
    case 'minItems':
      return invalid(
        (data as unknown[]).length === 0
          ? `Invalid '${param}': empty array. Expected an array with minimum length ${String(p.limit)}, but got an empty array instead.`
          : `Invalid '${param}': array too short. Expected an array with minimum length ${String(p.limit)}, but got an array with length ${String((data as unknown[]).length)} instead.`,
        param,
        (data as unknown[]).length === 0 ? 'empty_array' : 'array_below_min_length',
      );
    case 'maxProperties':
      return invalid(
        `Invalid '${param}': too many properties. Expected an object with at most ${String(p.limit)} properties, but got an object with ${String(Object.keys(data as object).length)} properties instead.`,
        param,
        'object_above_max_properties',
      );
    default: {
      if (chosen.keyword === 'propertyNames') {
        return invalid(`Invalid '${param}': a key is longer than the maximum length.`, param, 'invalid_value');
      }
      const kind = (chosen.parentSchema as { type?: string } | undefined)?.type === 'integer' ? 'integer' : 'decimal';
      const above = chosen.keyword === 'maximum' || chosen.keyword === 'exclusiveMaximum';
      return invalid(
        `Invalid '${param}': ${kind} ${above ? 'above maximum' : 'below minimum'} value. Expected a value ${String(p.comparison)} ${String(p.limit)}, but got ${String(data)} instead.`,
        param,
        `${kind}_${above ? 'above_max' : 'below_min'}_value`,
      );
    }
  }
}

/** Validate a request body against a component schema; throw the API's 400 on the first problem. */
export function validateBody(schemaName: string, body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid(`Invalid type for body: expected an object, but got ${typeName(body)} instead.`, null, 'invalid_type');
  }
  const v = validator(schemaName);
  if (!v(body)) throw toApiError(v.errors ?? []);
}

/**
 * Validate a value against a component schema of openapi.responses.yaml; throw the API's 400 on the
 * first problem, its `param` under `prefix` (`input[2]`, or '' for a whole body).
 */
export function validateResponsesValue(schemaName: string, value: unknown, prefix = ''): void {
  const v = validator(schemaName, 'rspec');
  if (!v(value)) throw toApiError(v.errors ?? [], prefix);
}
