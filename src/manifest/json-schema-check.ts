/**
 * Checks a JSON Schema the manifest hands to the API (function parameters, response_format
 * schemas): that it is valid JSON Schema and, with `strict: true`, that it meets the rules of the
 * API's strict mode (Structured Outputs).
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { loadAjv2020 } from '../ajv.js';
import type { Problem } from '../errors.js';
import { displayPath, fromPointer, locate, toPointer } from './locations.js';
import type { LocMap, Path } from './locations.js';
import { isObject } from './merge.js';

/** Where a JSON value lives: its own location map and the pointer of its root within it. */
export interface JsonAt {
  locs: LocMap;
  pointer: string;
  /** Display path of the value's root, e.g. `assistants.a.tools[0].function.parameters`. */
  path: Path;
}

/** Limits of strict mode (OpenAI Structured Outputs, "Supported schemas", read 2026-11). */
export const STRICT_LIMITS = {
  maxDepth: 10,
  maxProperties: 5000,
  maxEnumValues: 1000,
  maxStringLength: 120_000,
} as const;

const STRICT_UNSUPPORTED = ['allOf', 'not', 'oneOf', 'dependentRequired', 'dependentSchemas', 'if', 'then', 'else'];

let metaAjv: Promise<Ajv2020> | undefined;
/** Loaded once, on first use: most manifests never need it, and it is slow to load. */
function ajv(): Promise<Ajv2020> {
  metaAjv ??= loadAjv2020().then((Ctor) => new Ctor({ strict: false, allErrors: true, validateFormats: false }));
  return metaAjv;
}

export async function checkJsonSchema(schema: unknown, at: JsonAt, strict: boolean): Promise<Problem[]> {
  const problems: Problem[] = [];
  const where = (rel: Path, preferKey = false) => ({
    path: displayPath([...at.path, ...rel]),
    loc: locate(at.locs, at.pointer + toPointer(rel), preferKey),
  });
  if (!isObject(schema)) {
    return [{ ...where([]), message: 'must be a JSON Schema object, for example { type: object, properties: {...} }' }];
  }
  const a = await ajv();
  if (!a.validateSchema(schema)) {
    const seen = new Set<string>();
    for (const e of a.errors ?? []) {
      if (seen.has(e.instancePath)) continue;
      seen.add(e.instancePath);
      const rel = fromPointer(e.instancePath);
      const message =
        rel[rel.length - 1] === 'type'
          ? `invalid JSON Schema: unknown type ${JSON.stringify(e.data ?? valueAt(schema, rel))}; use string, number, integer, boolean, object, array or null`
          : `invalid JSON Schema: ${e.message ?? e.keyword}`;
      problems.push({ ...where(rel), message });
    }
    return problems;
  }
  problems.push(...checkRefs(schema, where));
  if (problems.length > 0) return problems;
  if (strict) problems.push(...checkStrict(schema, where));
  return problems;
}

/** Every `$ref` must point inside the schema itself (`#`, `#/$defs/x`): the API resolves nothing else. */
function checkRefs(root: Record<string, unknown>, where: Where): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, rel: Path) => {
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, [...rel, i]));
    if (!isObject(node)) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        if (!v.startsWith('#')) {
          problems.push({ ...where([...rel, k]), message: `"$ref": ${JSON.stringify(v)} points outside the schema; only local references such as "#/$defs/name" work` });
        } else if (resolvePointer(root, v.slice(1)) === undefined) {
          problems.push({ ...where([...rel, k]), message: `"$ref": ${JSON.stringify(v)} does not resolve to anything in this schema` });
        }
      } else if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') {
        visit(v, [...rel, k]);
      }
    }
  };
  visit(root, []);
  return problems;
}

function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let v: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    v = isObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[seg] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

function valueAt(root: unknown, rel: Path): unknown {
  let v: unknown = root;
  for (const seg of rel) v = isObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[seg as string] : undefined;
  return v;
}

type Where = (rel: Path, preferKey?: boolean) => Pick<Problem, 'path' | 'loc'>;

const HINT = 'strict: true';

/** A walk over a schema for strict mode: where to report, what was found, and the running totals. */
interface StrictWalk {
  where: Where;
  problems: Problem[];
  properties: number;
  enumValues: number;
  stringLength: number;
}

function checkStrict(root: Record<string, unknown>, where: Where): Problem[] {
  const problems: Problem[] = [];
  if (root.type !== 'object') {
    problems.push({ ...where('type' in root ? ['type'] : []), message: `with ${HINT} the root schema must have type: object` });
  }
  if ('anyOf' in root) {
    problems.push({ ...where(['anyOf'], true), message: `with ${HINT} the root schema must not be anyOf` });
  }
  const walk: StrictWalk = { where, problems, properties: 0, enumValues: 0, stringLength: 0 };
  visitStrict(walk, root, [], 0);
  if (walk.properties > STRICT_LIMITS.maxProperties) {
    problems.push({ ...where([]), message: `has ${walk.properties} object properties; ${HINT} allows ${STRICT_LIMITS.maxProperties}` });
  }
  if (walk.enumValues > STRICT_LIMITS.maxEnumValues) {
    problems.push({ ...where([]), message: `has ${walk.enumValues} enum values; ${HINT} allows ${STRICT_LIMITS.maxEnumValues}` });
  }
  if (walk.stringLength > STRICT_LIMITS.maxStringLength) {
    problems.push({
      ...where([]),
      message: `names, enum and const strings total ${walk.stringLength} characters; ${HINT} allows ${STRICT_LIMITS.maxStringLength}`,
    });
  }
  return problems;
}

function visitStrict(walk: StrictWalk, node: unknown, rel: Path, depth: number): void {
  if (!isObject(node)) return;
  for (const keyword of STRICT_UNSUPPORTED) {
    if (keyword in node) {
      const alt = keyword === 'oneOf' ? ' (use anyOf)' : '';
      walk.problems.push({ ...walk.where([...rel, keyword], true), message: `"${keyword}" is not supported with ${HINT}${alt}` });
    }
  }
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const isObj = types.includes('object') || isObject(node.properties);
  const nextDepth = isObj ? depth + 1 : depth;
  if (isObj) checkStrictObject(walk, node, rel, nextDepth);
  if (Array.isArray(node.enum)) {
    walk.enumValues += node.enum.length;
    for (const v of node.enum) if (typeof v === 'string') walk.stringLength += v.length;
  }
  if (typeof node.const === 'string') walk.stringLength += node.const.length;
  if (isObject(node.properties)) {
    for (const [k, v] of Object.entries(node.properties)) visitStrict(walk, v, [...rel, 'properties', k], nextDepth);
  }
  if (isObject(node.items)) visitStrict(walk, node.items, [...rel, 'items'], nextDepth);
  if (isObject(node.additionalProperties)) visitStrict(walk, node.additionalProperties, [...rel, 'additionalProperties'], nextDepth);
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((item, i) => visitStrict(walk, item, [...rel, key, i], nextDepth));
  }
  for (const key of ['$defs', 'definitions']) {
    const defs = node[key];
    if (isObject(defs)) {
      for (const [k, v] of Object.entries(defs)) {
        walk.stringLength += k.length;
        visitStrict(walk, v, [...rel, key, k], depth);
      }
    }
  }
}

/** An object schema at `depth` (its own level counted): depth limit, closed, every property required. */
function checkStrictObject(walk: StrictWalk, node: Record<string, unknown>, rel: Path, depth: number): void {
  const { where, problems } = walk;
  if (depth > STRICT_LIMITS.maxDepth) {
    problems.push({ ...where(rel), message: `objects nest more than ${STRICT_LIMITS.maxDepth} levels deep, the limit with ${HINT}` });
  }
  if (node.additionalProperties !== false) {
    problems.push({
      ...where(rel),
      message: `with ${HINT} every object needs additionalProperties: false`,
    });
  }
  const props = isObject(node.properties) ? Object.keys(node.properties) : [];
  walk.properties += props.length;
  for (const p of props) walk.stringLength += p.length;
  const required = Array.isArray(node.required) ? node.required.map(String) : [];
  const missing = props.filter((p) => !required.includes(p));
  if (missing.length > 0) {
    problems.push({
      ...where(rel),
      message: `with ${HINT} every property must be required; add ${missing.map((m) => `"${m}"`).join(', ')} to required (make a field optional with type: [string, "null"])`,
    });
  }
}
