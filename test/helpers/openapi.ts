/**
 * Conformance checking against openapi.assistants.yaml (../shared/openai-api, vendor/openai-api or $OPENAI_API_SPEC_DIR),
 * read with ajv (`ajv/dist/2020`, strict false) after its `nullable: true` marks are rewritten as
 * "or null" and the documented deviations (docs/API-DEVIATIONS.md) applied.
 *
 *   const v = specValidator();
 *   v.check('GET', '/v1/assistants/asst_1', 200, body)   // -> problems (empty when it conforms)
 *   const client = new OpenAI({ apiKey, baseURL, fetch: v.fetch })   // validates every response it sees
 *   expect(v.failures).toEqual([])
 *
 * Response bodies are validated against the schema of the operation (method + path template) and
 * status; any status >= 400 against ErrorResponse (the description documents almost no error
 * statuses, the API sends them all in that shape). Streams are validated event by event against
 * AssistantStreamEvent.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { loadAssistantsSpec } from '../../scripts/spec-overlay.mjs';

interface Operation {
  method: string;
  template: string;
  operationId: string;
  re: RegExp;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface Failure {
  operation: string;
  status: number;
  problems: string[];
  body: unknown;
}

export interface SpecValidator {
  operations: Operation[];
  /** operationIds that had at least one validated response. */
  covered: Set<string>;
  /** operationId + status pairs validated. */
  coveredResponses: Set<string>;
  failures: Failure[];
  /** Find the operation for a concrete request (path with or without the /v1 prefix, query ignored). */
  match(method: string, path: string): Operation | undefined;
  /** Validate one response body; returns the problems (empty: conforms) and records coverage. */
  check(method: string, path: string, status: number, body: unknown): string[];
  /** Validate one SSE event ({event, data}) against AssistantStreamEvent. */
  checkEvent(event: string, data: unknown): string[];
  /** A fetch for the openai SDK that validates every response and records failures. */
  fetch: typeof fetch;
}

let cached: { doc: any; ajv: Ajv2020; ops: Operation[] } | undefined;

function load() {
  if (cached) return cached;
  const doc = loadAssistantsSpec({ deviations: true });
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'spec', components: doc.components });
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'delete'].includes(method)) continue;
      const re = new RegExp(`^${template.replace(/[.+?^$()[\]\\|]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
      ops.push({ method: method.toUpperCase(), template, operationId: op.operationId, re, responses: op.responses ?? {} });
    }
  }
  // Literal segments win over parameters (`/threads/runs` before `/threads/{thread_id}`).
  ops.sort((a, b) => (b.template.match(/\{/g)?.length ?? 0) < (a.template.match(/\{/g)?.length ?? 0) ? 1 : -1);
  cached = { doc, ajv, ops };
  return cached;
}

/**
 * `GET /models` and `GET /models/{model}` are not in openapi.assistants.yaml (a subset of the
 * description); the emulator serves them (its model catalogue) and plan reads the list, so their
 * bodies are checked against the `ListModelsResponse` and `Model` schemas of OpenAI's whole
 * description (openai/openai-openapi), written out here. They stay out of `operations` (the
 * contract test's coverage is of the subset).
 */
const MODEL = {
  type: 'object',
  required: ['id', 'created', 'object', 'owned_by'],
  properties: { id: { type: 'string' }, created: { type: 'integer' }, object: { enum: ['model'] }, owned_by: { type: 'string' } },
};
const MODEL_OPERATIONS = [
  { method: 'GET', re: /^\/models\/?$/, name: 'listModels', schema: { type: 'object', required: ['object', 'data'], properties: { object: { enum: ['list'] }, data: { type: 'array', items: MODEL } } } },
  { method: 'GET', re: /^\/models\/[^/]+\/?$/, name: 'retrieveModel', schema: MODEL },
];

/** Rewrite local refs so schemas compiled on their own resolve against the `spec` document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec${v}` : rebase(v);
  }
  return out;
}

export function specValidator(): SpecValidator {
  const { ajv, ops, doc } = load();
  const compiledCache = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: unknown): ValidateFunction => {
    let v = compiledCache.get(key);
    if (!v) {
      v = ajv.compile(rebase(schema) as object);
      compiledCache.set(key, v);
    }
    return v;
  };
  const errorSchema = () => compile('ErrorResponse', { $ref: '#/components/schemas/ErrorResponse' });
  const eventSchema = () => compile('AssistantStreamEvent', { $ref: '#/components/schemas/AssistantStreamEvent' });
  const covered = new Set<string>();
  const coveredResponses = new Set<string>();
  const failures: Failure[] = [];

  const match = (method: string, path: string): Operation | undefined => {
    let p = path.split('?')[0]!;
    if (p.startsWith('/v1/')) p = p.slice(3);
    return ops.find((o) => o.method === method.toUpperCase() && o.re.test(p));
  };

  const fmt = (v: ValidateFunction) => (v.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);

  const check = (method: string, path: string, status: number, body: unknown): string[] => {
    const op = match(method, path);
    const p = path.split('?')[0]!.replace(/^\/v1\//, '/');
    const model = op ? undefined : MODEL_OPERATIONS.find((m) => m.method === method.toUpperCase() && m.re.test(p));
    if (model) {
      const v = status >= 400 ? errorSchema() : compile(model.name, model.schema);
      return v(body) ? [] : fmt(v);
    }
    if (!op) {
      // Unknown URLs answer in the error shape too.
      if (status >= 400) return errorSchema()(body) ? [] : fmt(errorSchema());
      return [`no operation in the description for ${method} ${path}`];
    }
    covered.add(op.operationId);
    coveredResponses.add(`${op.operationId} ${status}`);
    let v: ValidateFunction;
    if (status >= 400) v = errorSchema();
    else {
      const resp = op.responses[String(status)];
      if (!resp) return [`${op.operationId}: status ${status} is not documented`];
      const schema = resp.content?.['application/json']?.schema;
      if (!schema) return []; // binary content (downloadFile): nothing to validate as JSON
      v = compile(`${op.operationId} ${status}`, schema);
    }
    if (v(body)) return [];
    return fmt(v);
  };

  const checkEvent = (event: string, data: unknown): string[] => {
    const v = eventSchema();
    return v({ event, data }) ? [] : [`event ${event}: ${fmt(v).join('; ')}`];
  };

  const validatingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const ct = res.headers.get('content-type') ?? '';
    const opName = () => match(method, url.pathname)?.operationId ?? `${method} ${url.pathname}`;
    if (ct.includes('application/json')) {
      const text = await res.clone().text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        failures.push({ operation: opName(), status: res.status, problems: ['body is not JSON'], body: text.slice(0, 200) });
        return res;
      }
      const problems = check(method, url.pathname, res.status, body);
      if (problems.length) failures.push({ operation: opName(), status: res.status, problems, body });
    } else if (ct.includes('text/event-stream')) {
      const text = await res.clone().text();
      match(method, url.pathname) && covered.add(opName());
      coveredResponses.add(`${opName()} ${res.status} stream`);
      let sawDone = false;
      for (const block of text.split('\n\n')) {
        if (!block.trim()) continue;
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
        const dataText = /^data: (.*)$/m.exec(block)?.[1] ?? '';
        if (event === 'done') {
          sawDone = dataText === '[DONE]';
          const problems = checkEvent(event, dataText);
          if (problems.length) failures.push({ operation: opName(), status: res.status, problems, body: block });
          continue;
        }
        let data: unknown;
        try {
          data = JSON.parse(dataText);
        } catch {
          failures.push({ operation: opName(), status: res.status, problems: [`event ${event}: data is not JSON`], body: block });
          continue;
        }
        const problems = checkEvent(event, data);
        if (problems.length) failures.push({ operation: opName(), status: res.status, problems, body: data });
      }
      if (!sawDone) failures.push({ operation: opName(), status: res.status, problems: ['stream did not end with done [DONE]'], body: null });
    } else {
      // Non-JSON answers: only documented binary content is fine.
      const op = match(method, url.pathname);
      if (op) {
        covered.add(op.operationId);
        coveredResponses.add(`${op.operationId} ${res.status}`);
        const content = op.responses[String(res.status)]?.content ?? {};
        if (!Object.keys(content).some((k) => ct.startsWith(k))) {
          failures.push({ operation: op.operationId, status: res.status, problems: [`content-type ${ct} not documented`], body: null });
        }
      }
    }
    return res;
  };

  return { operations: ops, covered, coveredResponses, failures, match, check, checkEvent, fetch: validatingFetch, ...({ doc } as object) } as SpecValidator;
}
