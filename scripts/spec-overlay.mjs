// Loads openapi.assistants.yaml for validation: OpenAPI 3.0 `nullable: true` marks read as "or null"
// (ajv/dist/2020 refuses them), and, with `deviations: true`, the documented differences between the
// description and the real API applied (each one is explained, with its source, in docs/API-DEVIATIONS.md).
// Shared by test/helpers/openapi.ts and scripts/schemathesis.sh.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function specPath(name = 'openapi.assistants.yaml') {
  const candidates = [
    process.env.OPENAI_API_SPEC_DIR && path.join(process.env.OPENAI_API_SPEC_DIR, name),
    path.resolve(root, '../shared/openai-api', name),
    path.resolve(root, 'vendor/openai-api', name),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`cannot find ${name}; looked in ${candidates.join(', ')} (set OPENAI_API_SPEC_DIR)`);
  return found;
}

const isNullMark = (x) => x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 1 && x.nullable === true;

/** Rewrite `nullable: true` (with or without a type, as a sibling of $ref, or as an allOf member) as anyOf [schema, null]. */
export function fixNullable(s) {
  if (Array.isArray(s)) return s.map(fixNullable);
  if (!s || typeof s !== 'object') return s;
  if (Array.isArray(s.allOf) && s.allOf.some(isNullMark)) {
    const { allOf, ...rest } = s;
    const kept = allOf.filter((x) => !isNullMark(x)).map(fixNullable);
    const inner = kept.length === 1 ? kept[0] : { allOf: kept };
    const outer = fixNullable(rest);
    return { anyOf: [Object.keys(outer).length ? { ...outer, allOf: [inner] } : inner, { type: 'null' }] };
  }
  const r = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' && v && typeof v === 'object') {
      r.properties = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, fixNullable(pv)]));
    } else r[k] = fixNullable(v);
  }
  if (r.nullable === true) {
    delete r.nullable;
    return { anyOf: [r, { type: 'null' }] };
  }
  delete r.nullable;
  return r;
}

/**
 * `$recursiveAnchor` / `$recursiveRef: '#'` (JSON Schema 2019-09, which OpenAPI 3.1's 2020-12 dialect
 * does not have: validators and generators read them as "anything") inside a component schema mean
 * that schema itself (CompoundFilter: "Items can be ComparisonFilter or CompoundFilter"): rewritten as
 * a `$ref` to it, in place.
 */
export function fixRecursiveRefs(doc) {
  const schemas = doc.components?.schemas ?? {};
  const walk = (x, name) => {
    if (Array.isArray(x)) return x.forEach((v) => walk(v, name));
    if (!x || typeof x !== 'object') return;
    if (x.$recursiveRef === '#') {
      delete x.$recursiveRef;
      x.$ref = `#/components/schemas/${name}`;
    }
    for (const v of Object.values(x)) walk(v, name);
  };
  for (const [name, schema] of Object.entries(schemas)) {
    if (!schema || typeof schema !== 'object') continue;
    delete schema.$recursiveAnchor;
    walk(schema, name);
  }
  return doc;
}

/** The documented deviations (docs/API-DEVIATIONS.md), applied to the parsed description in place. */
export function applyDeviations(doc) {
  const s = doc.components.schemas;
  // D1: an empty list answers first_id / last_id null.
  for (const name of Object.keys(s)) {
    if (!/^List.*Response$/.test(name)) continue;
    for (const k of ['first_id', 'last_id']) {
      if (s[name].properties?.[k]) s[name].properties[k] = { anyOf: [s[name].properties[k], { type: 'null' }] };
    }
  }
  // D2: files uploaded with purpose `evals` come back with purpose `evals`.
  const purpose = s.OpenAIFile.properties.purpose;
  if (!purpose.enum.includes('evals')) purpose.enum = [...purpose.enum, 'evals'];
  // D25: a run that takes its assistant's tools (up to 128) lists them all; 20 is the limit of a run's own override.
  const runTools = s.RunObject?.properties?.tools;
  if (runTools) delete runTools.maxItems;
  // D3: GET /files/{file_id}/content answers the raw bytes as application/octet-stream.
  const dl = doc.paths['/files/{file_id}/content'].get.responses['200'];
  dl.content = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
  return doc;
}

export function loadAssistantsSpec({ deviations = true } = {}) {
  const doc = parse(readFileSync(specPath(), 'utf8'));
  const fixed = fixRecursiveRefs(fixNullable(doc));
  return deviations ? applyDeviations(fixed) : fixed;
}

/** openapi.responses.yaml with the deviations that apply to it (D1: empty list pages answer null ids; R17). */
export function loadResponsesSpec({ deviations = true } = {}) {
  const doc = fixRecursiveRefs(fixNullable(parse(readFileSync(specPath('openapi.responses.yaml'), 'utf8'))));
  if (!deviations) return doc;
  const s = doc.components.schemas;
  for (const name of ['ConversationItemList', 'ResponseItemList']) {
    for (const k of ['first_id', 'last_id']) {
      if (s[name]?.properties?.[k]) s[name].properties[k] = { anyOf: [s[name].properties[k], { type: 'null' }] };
    }
  }
  // R17: an MCP approval response requires a `request_id` it does not define (no SDK sends or reads one).
  for (const name of ['MCPApprovalResponse', 'MCPApprovalResponseResource']) {
    if (Array.isArray(s[name]?.required)) s[name].required = s[name].required.filter((k) => k !== 'request_id');
  }
  return doc;
}
