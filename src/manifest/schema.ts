/**
 * Checks a merged manifest against schemas/manifest.schema.json (the single source of truth for
 * the format) and turns ajv's errors into located messages people can act on.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { loadAjv2020 } from '../ajv.js';
import { packageFile } from '../package-root.js';
import type { Problem } from '../errors.js';
import { displayPath, fromPointer, locate } from './locations.js';
import type { LocMap } from './locations.js';
import { closest } from './suggest.js';

export const SCHEMA_FILE = packageFile('schemas', 'manifest.schema.json');

interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

let compiled: Validator | undefined;

export function manifestSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
}

/** Ajv options shared by the build-time compiler (scripts/build-validators.js) and the fallback here. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, discriminator: true, verbose: true } as const;

/**
 * The validator: precompiled by `npm run build` into dist/manifest/manifest-validator.js (fast
 * start), or compiled now when running from source.
 */
async function validator(): Promise<Validator> {
  if (compiled) return compiled;
  try {
    compiled = (await import('./manifest-validator.js')).validate;
  } catch {
    const Ajv2020 = await loadAjv2020();
    const ajv = new Ajv2020({ ...AJV_OPTIONS });
    ajv.addKeyword({ keyword: 'x-hint', schemaType: 'string' });
    compiled = ajv.compile(manifestSchema());
  }
  return compiled;
}

export async function validateSchema(value: unknown, locs: LocMap): Promise<Problem[]> {
  const validate = await validator();
  if (validate(value)) return [];
  return translate(validate.errors ?? [], locs);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'null',
};

const COMPARISONS: Record<string, string> = { '<=': 'at most', '>=': 'at least', '<': 'less than', '>': 'more than' };

function describeTypes(t: unknown): string {
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => TYPE_WORDS[String(x)] ?? String(x)).join(' or ');
}

/** Drops the branches of anyOf/oneOf that the value's type rules out, keeping the one that applies. */
function pruneAlternatives(errors: ErrorObject[]): ErrorObject[] {
  let remaining = [...errors];
  const alternatives = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const alt of alternatives) {
    const prefix = `${alt.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of remaining) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const fits = [...branches.entries()].filter(
      ([, errs]) => !errs.some((e) => e.instancePath === alt.instancePath && ['type', 'const', 'enum'].includes(e.keyword)),
    );
    const inBranches = new Set([...branches.values()].flat());
    if (fits.length === 1) {
      const keep = new Set(fits[0]![1]);
      remaining = remaining.filter((e) => e !== alt && (!inBranches.has(e) || keep.has(e)));
    } else {
      remaining = remaining.filter((e) => !inBranches.has(e));
    }
  }
  return remaining;
}

function translate(errors: ErrorObject[], locs: LocMap): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of pruneAlternatives(errors)) {
    const problem = describe(e, locs);
    if (!problem) continue;
    const id = `${problem.path}|${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return problems;
}

/** What every message about one ajv error starts from. */
interface ErrorAt {
  e: ErrorObject;
  locs: LocMap;
  segments: string[];
  path: string;
  loc: ReturnType<typeof locate>;
  params: Record<string, unknown>;
  parent: Record<string, unknown>;
}

function describe(e: ErrorObject, locs: LocMap): Problem | undefined {
  const segments = fromPointer(e.instancePath);
  const at: ErrorAt = {
    e,
    locs,
    segments,
    path: displayPath(segments),
    loc: locate(locs, e.instancePath),
    params: e.params as Record<string, unknown>,
    parent: (e.parentSchema ?? {}) as Record<string, unknown>,
  };
  const { path, loc, params, parent } = at;
  switch (e.keyword) {
    case 'required':
      return { path, loc: locate(locs, e.instancePath, true), message: `missing required field "${String(params.missingProperty)}"` };
    case 'additionalProperties':
      return unknownField(at);
    case 'type':
      return { path, loc, message: `must be ${describeTypes(params.type)}, not ${typeName(e.data)}` };
    case 'const':
      return { path, loc, message: `must be ${JSON.stringify(params.allowedValue)}, not ${typeName(e.data)}` };
    case 'enum':
      return notInEnum(at);
    case 'maxLength':
    case 'minLength':
    case 'maxItems':
    case 'maxProperties':
      return { path, loc, message: sizeMessage(e.keyword, e.data, Number(params.limit)) };
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return { path, loc, message: `must be ${COMPARISONS[String(params.comparison)] ?? String(params.comparison)} ${String(params.limit)}, not ${String(e.data)}` };
    case 'pattern': {
      const hint = parent['x-hint'];
      const what = typeof hint === 'string' ? hint : `it must match ${String(params.pattern)}`;
      return { path, loc, message: `${JSON.stringify(e.data)} is not allowed: ${what}` };
    }
    case 'propertyNames':
      return invalidKey(at);
    case 'discriminator':
      return unknownTag(at);
    case 'anyOf':
    case 'oneOf': {
      const hint = typeof parent['x-hint'] === 'string' ? parent['x-hint'] : 'it matches none of the allowed forms';
      return { path, loc, message: `${typeName(e.data)} is not allowed: ${hint}` };
    }
    default:
      return { path, loc, message: e.message ?? `fails ${e.keyword}` };
  }
}

/** The message of a length, item count or key count over (or under) its limit. */
function sizeMessage(keyword: string, data: unknown, limit: number): string {
  switch (keyword) {
    case 'maxLength':
      return `is ${String((data as string).length)} characters long; the limit is ${String(limit)}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${String(limit)} characters`;
    case 'maxItems':
      return `has ${String((data as unknown[]).length)} items; the limit is ${String(limit)}`;
    default:
      return `has ${String(Object.keys(data as object).length)} keys; the limit is ${String(limit)}`;
  }
}

/** The pointer of the child `name` of the value at `instancePath`. */
function childPointer(instancePath: string, name: string): string {
  return `${instancePath}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function unknownField({ e, locs, segments, loc, params, parent }: ErrorAt): Problem {
  const field = String(params.additionalProperty);
  const allowed = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
  const guess = closest(field, allowed);
  return {
    path: displayPath([...segments, field]),
    loc: locate(locs, childPointer(e.instancePath, field), true) ?? loc,
    message: `unknown field "${field}"${guess ? ` (did you mean "${guess}"?)` : ''}; allowed here: ${allowed.join(', ')}`,
  };
}

function notInEnum({ e, path, loc, params }: ErrorAt): Problem {
  const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
  const guess = typeof e.data === 'string' ? closest(e.data, (params.allowedValues as unknown[]).map(String)) : undefined;
  return {
    path,
    loc,
    message: `must be one of ${allowed.join(', ')}, not ${typeName(e.data)}${guess ? ` (did you mean "${guess}"?)` : ''}`,
  };
}

function invalidKey({ e, locs, segments, loc, params }: ErrorAt): Problem {
  const name = String(params.propertyName);
  return {
    path: displayPath([...segments, name]),
    loc: locate(locs, childPointer(e.instancePath, name), true) ?? loc,
    message: `invalid key "${name}"`,
  };
}

/** A oneOf told apart by a tag field (`type`): the tag missing, or none of the branches' values. */
function unknownTag({ e, locs, segments, path, loc, params, parent }: ErrorAt): Problem {
  const tag = String(params.tag);
  const branches = (parent.oneOf as Record<string, unknown>[] | undefined) ?? [];
  const options = branches
    .map((b) => ((b.properties as Record<string, { const?: unknown }> | undefined)?.[tag]?.const as string | undefined) ?? '')
    .filter(Boolean);
  const value = (e.data as Record<string, unknown> | null)?.[tag];
  if (value === undefined) return { path, loc, message: `missing required field "${tag}" (one of ${options.join(', ')})` };
  const guess = typeof value === 'string' ? closest(value, options) : undefined;
  return {
    path: displayPath([...segments, tag]),
    loc: locate(locs, `${e.instancePath}/${tag}`) ?? loc,
    message: `unknown ${tag} ${JSON.stringify(value)}: must be one of ${options.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`,
  };
}
