// Writes the descriptions Schemathesis runs against, one file per description into OUTDIR:
// assistants.json (openapi.assistants.yaml) and responses.json (openapi.responses.yaml), each the
// official one with nullable marks read as "or null", the documented deviations applied
// (docs/API-DEVIATIONS.md), and what Schemathesis needs to hold the emulator to the API rather than
// to the description's silences:
//   - D4: the error statuses the API answers (400 401 404 405 413 429 500 503), each with the
//     ErrorResponse body, so `status_code_conformance` passes only for those and
//     `response_schema_conformance` checks the error shape;
//   - D22: the run endpoints that take `stream: true` also answer `text/event-stream`, each event an
//     AssistantStreamEvent; the Responses stream's events are read as Schemathesis reads OpenAPI 3.1's
//     (the event object, its `data` the JSON text of a ResponseStreamEvent);
//   - D23: the limits the description states only in prose (LIMITS.md "desc") as schema keywords
//     (metadata: 16 keys, keys <= 64, string values <= 512), so schema-valid data is data the API
//     accepts (`positive_data_acceptance`) and breaking them is negative data;
//   - links (the stateful phase) where Schemathesis cannot infer them.
// Usage: node scripts/write-schemathesis-spec.mjs OUTDIR
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadAssistantsSpec, loadResponsesSpec } from './spec-overlay.mjs';

const ERROR_STATUSES = {
  400: 'Invalid request',
  401: 'No or wrong API key',
  404: 'Unknown id or URL',
  405: 'Wrong method for the URL',
  413: 'Body too large',
  429: 'Rate limit reached',
  500: 'Server error',
  503: 'Overloaded',
};

const METHODS = ['get', 'post', 'delete', 'put', 'patch'];

function operations(doc) {
  const out = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) if (item[m]) out.push({ path: p, method: m, op: item[m] });
  }
  return out;
}

/**
 * D4: every operation documents the API's error answers, with the ErrorResponse body (`{error: {...}}`;
 * the few 404s the Responses description gives the bare `Error` object are answered wrapped too).
 */
function addErrorResponses(doc) {
  const ref = { $ref: '#/components/schemas/ErrorResponse' };
  for (const { op } of operations(doc)) {
    for (const [code, description] of Object.entries(ERROR_STATUSES)) {
      const have = op.responses[code];
      const schema = have?.content?.['application/json']?.schema;
      if (have?.$ref || (schema && schema.$ref !== '#/components/schemas/Error')) continue;
      op.responses[code] = { ...(have ?? {}), description: have?.description ?? description, content: { 'application/json': { schema: ref } } };
    }
  }
}

/**
 * The descriptions' discriminators (`propertyName: type`) have no `mapping`, so OpenAPI's implicit one
 * (the schema names: `Message`, `FileSearchToolCall`) is not what the `type` values are (`message`,
 * `file_search_call`): a mapping from each member's `type` enum, or no discriminator where a member has
 * none (the `oneOf` is validated either way).
 */
function discriminatorMappings(doc) {
  const s = doc.components.schemas;
  const values = (member) => {
    const target = member.$ref ? s[member.$ref.split('/').pop()] : member;
    const prop = target?.properties?.type;
    return prop?.enum ?? (prop?.const !== undefined ? [prop.const] : undefined);
  };
  const walk = (x) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    if (x.discriminator && !x.discriminator.mapping) {
      const members = x.oneOf ?? x.anyOf ?? [];
      const mapping = {};
      let complete = members.length > 0 && x.discriminator.propertyName === 'type';
      for (const m of members) {
        const vs = m.$ref ? values(m) : undefined;
        if (!vs) complete = false;
        else for (const v of vs) mapping[v] ??= m.$ref;
      }
      if (complete) x.discriminator.mapping = mapping;
      else delete x.discriminator;
    }
    Object.values(x).forEach(walk);
  };
  walk(doc.components);
  walk(doc.paths);
}

/**
 * Each server-sent event as Schemathesis reads one (OpenAPI 3.1: a media type's `schema` describes
 * one event, the object `{event, data}` with `data` the line's text): an AssistantStreamEvent is the
 * event's name and its data, as JSON text (`contentSchema`), `[DONE]` as itself.
 */
function assistantEventSchema(doc) {
  const s = doc.components.schemas;
  const variants = [];
  const collect = (x) => {
    const target = x.$ref ? s[x.$ref.split('/').pop()] : x;
    if (target.oneOf) return target.oneOf.forEach(collect);
    const { event, data } = target.properties;
    const text = data.type === 'string' ? data : { type: 'string', contentMediaType: 'application/json', contentSchema: data };
    variants.push({ type: 'object', required: ['event', 'data'], properties: { event: { type: 'string', enum: event.enum }, data: text } });
  };
  collect(s.AssistantStreamEvent);
  return { anyOf: variants };
}

/** D22: createRun, createThreadAndRun and submitToolOuputsToRun stream with `stream: true`. */
function addRunStreams(doc) {
  const stream = { schema: assistantEventSchema(doc) };
  for (const [p, m] of [
    ['/threads/{thread_id}/runs', 'post'],
    ['/threads/runs', 'post'],
    ['/threads/{thread_id}/runs/{run_id}/submit_tool_outputs', 'post'],
  ]) {
    const ok = doc.paths[p][m].responses['200'];
    ok.content['text/event-stream'] = stream;
  }
}

/**
 * The Responses description gives ResponseStreamEvent as the `text/event-stream` schema: that is each
 * event's data (JSON text with its `type`), not the event object Schemathesis validates.
 */
function responseEventSchemas(doc) {
  for (const { op } of operations(doc)) {
    for (const r of Object.values(op.responses ?? {})) {
      const sse = r?.content?.['text/event-stream'];
      if (!sse?.schema || sse.schema.type === 'object') continue;
      sse.schema = { type: 'object', required: ['data'], properties: { event: { type: 'string' }, data: { type: 'string', contentMediaType: 'application/json', contentSchema: sse.schema } } };
    }
  }
}

/** D23: list `limit` is 1..100 (GET /files: 1..10,000), stated only in prose. */
function listLimits(doc) {
  for (const { path: p, method, op } of operations(doc)) {
    for (const param of op.parameters ?? []) {
      if (param.in !== 'query' || param.name !== 'limit' || !param.schema) continue;
      param.schema.minimum ??= 1;
      param.schema.maximum ??= p === '/files' && method === 'get' ? 10_000 : 100;
    }
  }
}

/**
 * D23: the rest of the prose rules the emulator enforces, where a schema keyword can say them: function
 * names (`^[a-zA-Z0-9_-]+$`, 1..64), a static chunk overlap that is not negative, `file_ids` / `files`
 * of a file batch exclusive, the filter comparisons `in` / `nin` with a list, the others with one
 * value, and (D24) an upload that is not empty. Left as prose (docs/API-DEVIATIONS.md, "Schemathesis"): the overlap at
 * most half the chunk size.
 */
function proseRules(doc) {
  const s = doc.components.schemas;
  const name = s.FunctionObject?.properties?.name;
  if (name) Object.assign(name, { pattern: '^[a-zA-Z0-9_-]+$', minLength: 1, maxLength: 64 });
  const overlap = s.StaticChunkingStrategy?.properties?.chunk_overlap_tokens;
  if (overlap) overlap.minimum ??= 0;
  // `in` / `nin` compare with a list, the other comparisons with one value
  // (as two shapes, not if/then/else, which Schemathesis's negative generation misreads)
  const cmp = s.ComparisonFilter;
  if (cmp?.properties?.value?.oneOf) {
    const { properties, ...rest } = cmp;
    const scalar = properties.value.oneOf.filter((v) => v.type !== 'array');
    const list = properties.value.oneOf.filter((v) => v.type === 'array');
    const shape = (types, value) => ({ ...rest, properties: { ...properties, type: { ...properties.type, enum: types }, value: { ...properties.value, oneOf: value } } });
    for (const k of Object.keys(cmp)) delete cmp[k];
    cmp.oneOf = [shape(['eq', 'ne', 'gt', 'gte', 'lt', 'lte'], scalar), shape(['in', 'nin'], list)];
  }
  // D24: an empty upload is refused (`File is empty.`)
  const upload = s.CreateFileRequest?.properties?.file;
  if (upload) upload.minLength ??= 1;
  const batch = s.CreateVectorStoreFileBatchRequest;
  if (batch?.anyOf) {
    batch.oneOf = batch.anyOf;
    delete batch.anyOf;
  }
}

/**
 * D12: the API refuses parameters it does not know (`Unknown parameter: 'x'.`, `unknown_parameter`): a
 * request body that is a plain object schema without `additionalProperties` gets `false`. (Bodies made
 * with allOf, like CreateResponse, are left open: closing them needs `unevaluatedProperties`.) And a
 * body whose schema has required properties is required.
 */
function closeRequestBodies(doc) {
  const s = doc.components.schemas;
  for (const { op } of operations(doc)) {
    const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
    const body = ref ? s[ref.split('/').pop()] : undefined;
    // a body with required properties is itself required (updateConversation: `metadata`)
    if (body?.required?.length) op.requestBody.required ??= true;
    if (!body || body.type !== 'object' || !body.properties || body.allOf || body.anyOf || body.oneOf) continue;
    body.additionalProperties ??= false;
  }
}

/** D23: the Metadata limits stated in prose, as schema keywords. */
function metadataLimits(doc) {
  const s = doc.components.schemas;
  if (!s.Metadata) return;
  const walk = (x) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    if (x.type === 'object' && x.additionalProperties && typeof x.additionalProperties === 'object' && x.additionalProperties.type === 'string') {
      x.maxProperties = 16;
      x.propertyNames = { maxLength: 64 };
      x.additionalProperties = { ...x.additionalProperties, maxLength: 512 };
    }
    Object.values(x).forEach(walk);
  };
  walk(s.Metadata);
}

function write(doc, file) {
  doc.servers = [{ url: '/v1' }];
  writeFileSync(file, JSON.stringify(doc));
}

const out = process.argv[2];
if (!out) throw new Error('usage: node scripts/write-schemathesis-spec.mjs OUTDIR');
mkdirSync(out, { recursive: true });

const assistants = loadAssistantsSpec({ deviations: true });
addErrorResponses(assistants);
addRunStreams(assistants);
metadataLimits(assistants);
listLimits(assistants);
proseRules(assistants);
closeRequestBodies(assistants);
discriminatorMappings(assistants);
write(assistants, path.join(out, 'assistants.json'));

const responses = loadResponsesSpec({ deviations: true });
addErrorResponses(responses);
responseEventSchemas(responses);
metadataLimits(responses);
listLimits(responses);
proseRules(responses);
closeRequestBodies(responses);
discriminatorMappings(responses);
write(responses, path.join(out, 'responses.json'));
