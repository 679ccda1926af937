#!/usr/bin/env node
// Generates src/emulator/spec/schemas.generated.ts from the official OpenAPI description
// (the one scripts/spec-overlay.mjs finds, or $OPENAI_API_SPEC), and spec/responses.generated.ts from
// openapi.responses.yaml (the request schemas of the Responses and Conversations API, or $OPENAI_RESPONSES_SPEC). The emulator validates request
// bodies with these schemas at run time, so it ships without the YAML file.
//
// Transformations (each keeps the meaning of the description):
//  - texts (description, examples, x-oaiMeta, title) are dropped;
//  - OpenAPI 3.0 `nullable: true` becomes `anyOf: [schema, {type: 'null'}]`;
//  - a `oneOf` whose branches are all objects tagged by `type` becomes an if/then dispatch on the tag,
//    so a validation error names the field that is wrong in the branch the caller meant;
//  - `discriminator` (documentation only for ajv) is dropped.
// Usage: node scripts/gen-emulator-spec.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parse } from 'yaml';
import { specPath as findSpec } from './spec-overlay.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let schemas;
const DROP = new Set(['description', 'examples', 'example', 'title', 'x-oaiMeta', 'x-oaiTypeLabel', 'x-stainless-const', 'discriminator', 'deprecated', 'x-oaiExpandable', 'format']);

function resolve(s) {
  let cur = s;
  for (let i = 0; i < 10 && cur && cur.$ref; i++) cur = schemas[cur.$ref.split('/').pop()];
  return cur;
}

function tagOf(branch) {
  const b = resolve(branch);
  const t = b?.properties?.type;
  if (!t) return undefined;
  if (Array.isArray(t.enum) && t.enum.every((v) => typeof v === 'string')) return t.enum;
  if (typeof t.const === 'string') return [t.const];
  return undefined;
}

function conv(s) {
  if (Array.isArray(s)) return s.map(conv);
  if (!s || typeof s !== 'object') return s;
  const isNullMark = (x) => x && typeof x === 'object' && Object.keys(x).length === 1 && x.nullable === true;
  if (Array.isArray(s.allOf) && s.allOf.some(isNullMark)) {
    // allOf: [X, {nullable: true}] -> anyOf [X, null]
    const { allOf, ...restOf } = s;
    const rest = allOf.filter((x) => !isNullMark(x));
    const inner = conv(rest.length === 1 ? rest[0] : { allOf: rest });
    const outer = conv(restOf);
    return Object.keys(outer).length === 0 ? { anyOf: [inner, { type: 'null' }] } : { anyOf: [{ ...outer, allOf: [inner] }, { type: 'null' }] };
  }
  const r = {};
  for (const [k, v] of Object.entries(s)) {
    if (DROP.has(k) && !(k === 'description' && typeof v === 'object' && !Array.isArray(v) && v && 'type' in v)) continue;
    if (k === 'properties') {
      r.properties = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, conv(pv)]));
      continue;
    }
    r[k] = conv(v);
  }
  if (r.nullable === true) {
    delete r.nullable;
    return { anyOf: [r, { type: 'null' }] };
  }
  delete r.nullable;
  if (Array.isArray(r.oneOf) && r.oneOf.length > 1) {
    const tags = r.oneOf.map(tagOf);
    if (tags.every((t) => t !== undefined)) {
      const all = [...new Set(tags.flat())];
      const branches = r.oneOf;
      delete r.oneOf;
      return {
        ...r,
        type: 'object',
        required: [...new Set([...(r.required ?? []), 'type'])],
        properties: { ...(r.properties ?? {}), type: { type: 'string', enum: all } },
        allOf: branches.map((b, i) => ({
          if: { properties: { type: { enum: tags[i] } }, required: ['type'] },
          then: b,
        })),
      };
    }
  }
  return r;
}

// `$recursiveRef: '#'` (2019-09, used by CompoundFilter) is not understood by ajv/dist/2020: point it at
// the schema that holds it, which is what it means there.
function unrecurse(s, self) {
  if (Array.isArray(s)) return s.map((x) => unrecurse(x, self));
  if (!s || typeof s !== 'object') return s;
  const r = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$recursiveAnchor') continue;
    if (k === '$recursiveRef') r.$ref = `#/components/schemas/${self}`;
    else r[k] = unrecurse(v, self);
  }
  return r;
}
/** Every schema `names` reach through $ref (all of them when `names` is undefined). */
function closure(names) {
  if (!names) return Object.keys(schemas);
  const seen = new Set();
  const todo = [...names];
  const refs = (o) => {
    if (Array.isArray(o)) o.forEach(refs);
    else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) k === '$ref' && typeof v === 'string' ? todo.push(v.split('/').pop()) : refs(v);
  };
  while (todo.length) {
    const n = todo.pop();
    if (seen.has(n) || !schemas[n]) continue;
    seen.add(n);
    refs(schemas[n]);
  }
  return [...seen].sort();
}

/**
 * One generated file: the converted schemas of a description (or those `roots` reach), `patch` applied
 * to the parsed description first.
 */
function generate({ spec, out, roots, patch, comment }) {
  const file = path.join(root, out);
  const doc = parse(readFileSync(spec, 'utf8'));
  schemas = doc.components.schemas;
  patch?.(schemas);
  const converted = {};
  for (const name of closure(roots)) converted[name] = unrecurse(conv(schemas[name]), name);
  const text = `// Generated by scripts/gen-emulator-spec.mjs from ${path.basename(spec)} (${doc.info.version}). Do not edit.\n${comment ?? ''}/* eslint-disable */\nexport const SPEC_VERSION = ${JSON.stringify(doc.info.version)};\nexport const schemas: Record<string, unknown> = ${JSON.stringify(converted)};\n`;
  if (process.argv.includes('--check')) {
    const cur = readFileSync(file, 'utf8');
    if (cur !== text) {
      console.error(`${file} is out of date: run node scripts/gen-emulator-spec.mjs`);
      process.exitCode = 1;
    } else console.log(`${out} up to date`);
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${file} (${text.length} bytes)`);
  }
}

/**
 * Request parameters the current SDKs send (openai-node 7.59, openai-python 3.57) that the
 * description does not have yet, typed as the SDKs type them (docs/API-DEVIATIONS.md, R9).
 */
function sdkParameters(s) {
  const extra = {
    background_options: {
      type: 'object',
      additionalProperties: false,
      properties: { completion_window: { type: 'string', enum: ['soonest', '2h', '8h'] }, continuation_id: { type: 'string' } },
    },
    access_programs: { type: 'object', additionalProperties: false, properties: { cyber: { type: 'string', enum: ['standard', 'daybreak_blue', 'daybreak_red'] } } },
    image: { type: 'object', additionalProperties: false, properties: { context_compression: { type: 'string', enum: ['auto', 'enabled', 'disabled'] } } },
  };
  const own = s.CreateResponse.allOf.find((p) => p.properties && !p.$ref);
  Object.assign(own.properties, extra);
  // R10: the API takes function tools without `strict` (default true) or `parameters`, and input
  // images without `detail` (default auto), as the API reference's own examples send them.
  s.FunctionTool.required = ['type', 'name'];
  s.InputImageContent.required = ['type'];
  // R17: `MCPApprovalResponse` requires a `request_id` it does not define; the SDKs send none.
  s.MCPApprovalResponse.required = s.MCPApprovalResponse.required.filter((k) => k !== 'request_id');
  // The description's unions overlap (a `{type: 'message', role: 'user'}` item is both an
  // EasyInputMessage and an InputMessage): read `oneOf` as `anyOf`, as the API does.
  const anyOf = (o) => {
    if (Array.isArray(o)) o.forEach(anyOf);
    else if (o && typeof o === 'object') {
      if (Array.isArray(o.oneOf) && !o.oneOf.every((b) => tagOf(b))) {
        o.anyOf = o.oneOf;
        delete o.oneOf;
      }
      Object.values(o).forEach(anyOf);
    }
  };
  anyOf(s);
}

generate({ spec: process.env.OPENAI_API_SPEC ?? findSpec('openapi.assistants.yaml'), out: 'src/emulator/spec/schemas.generated.ts' });
generate({
  spec: process.env.OPENAI_RESPONSES_SPEC ?? findSpec('openapi.responses.yaml'),
  out: 'src/emulator/spec/responses.generated.ts',
  roots: ['CreateResponse', 'CreateConversationBody', 'UpdateConversationBody', 'InputItem', 'ItemField', 'ConversationItem'],
  patch: sdkParameters,
  comment: '// The request schemas of the Responses and Conversations API (what CreateResponse, CreateConversationBody and the items reach).\n',
});
