/**
 * Conformance checking against ../shared/openai-api/openapi.responses.yaml (the Responses and
 * Conversations API), the sibling of openapi.ts for openapi.assistants.yaml, with the same interface:
 *
 *   const v = responsesValidator();
 *   v.check('GET', '/v1/conversations/conv_1', 200, body)   // -> problems (empty when it conforms)
 *   const both = combinedValidator();   // routes each request to the description that has its path
 *   const client = new OpenAI({ apiKey, baseURL, fetch: both.fetch })
 *   expect(both.failures).toEqual([])
 *
 * Streams (`POST /responses` with `stream: true`) are validated event by event against
 * ResponseStreamEvent; the API ends them without a `[DONE]` line. Deviations from the description
 * applied (docs/API-DEVIATIONS.md): D1, an empty list page answers `first_id` and `last_id` null
 * (ConversationItemList, ResponseItemList); R8, `POST /responses/input_tokens` and
 * `POST /responses/compact`, which the SDKs call, are added with the SDKs' response types.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { specPath } from '../../scripts/spec-overlay.mjs';
import { specValidator, type Failure, type SpecValidator } from './openapi.js';

interface Operation {
  method: string;
  template: string;
  operationId: string;
  re: RegExp;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

let cached: { ajv: Ajv2020; ops: Operation[]; eventSchemas: Map<string, string> } | undefined;

function load() {
  if (cached) return cached;
  const doc = parse(readFileSync(specPath('openapi.responses.yaml'), 'utf8'));
  const s = doc.components.schemas;
  for (const name of ['ConversationItemList', 'ResponseItemList']) {
    for (const k of ['first_id', 'last_id']) s[name].properties[k] = { anyOf: [s[name].properties[k], { type: 'null' }] };
  }
  // R17: an MCP approval response requires a `request_id` it does not define (no SDK sends or reads one)
  for (const name of ['MCPApprovalResponse', 'MCPApprovalResponseResource']) s[name].required = s[name].required.filter((k: string) => k !== 'request_id');
  // R8 (docs/API-DEVIATIONS.md): two operations the current SDKs call that the description does not
  // have yet, with the response types the SDKs give them (openai-node 7.59 `InputTokenCountResponse`,
  // `CompactedResponse`).
  doc.paths['/responses/input_tokens'] = {
    post: {
      operationId: 'countInputTokens',
      responses: {
        200: { content: { 'application/json': { schema: { type: 'object', required: ['object', 'input_tokens'], additionalProperties: false, properties: { object: { enum: ['response.input_tokens'] }, input_tokens: { type: 'integer', minimum: 0 } } } } } },
      },
    },
  };
  doc.paths['/responses/compact'] = {
    post: {
      operationId: 'compactResponse',
      responses: {
        200: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['id', 'object', 'created_at', 'output', 'usage'],
                properties: {
                  id: { type: 'string' },
                  object: { enum: ['response.compaction'] },
                  created_at: { type: 'integer' },
                  output: { type: 'array', items: { $ref: '#/components/schemas/ItemResource' } },
                  usage: { $ref: '#/components/schemas/ResponseUsage' },
                },
              },
            },
          },
        },
      },
    },
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'rspec', components: doc.components });
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'delete'].includes(method)) continue;
      const re = new RegExp(`^${template.replace(/[.+?^$()[\]\\|]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
      ops.push({ method: method.toUpperCase(), template, operationId: op.operationId, re, responses: op.responses ?? {} });
    }
  }
  ops.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  // event type -> its schema, so a failing event is reported against the one schema it claims to be
  const eventSchemas = new Map<string, string>();
  for (const ref of s.ResponseStreamEvent.anyOf as { $ref: string }[]) {
    const name = ref.$ref.split('/').pop()!;
    for (const t of (s[name]?.properties?.type?.enum as string[] | undefined) ?? []) eventSchemas.set(t, name);
  }
  cached = { ajv, ops, eventSchemas };
  return cached;
}

function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `rspec${v}` : rebase(v);
  return out;
}

/** Paths served by openapi.responses.yaml (with or without /v1). */
export function isResponsesPath(path: string): boolean {
  return /^(\/v1)?\/(responses|conversations)(\/|$|\?)/.test(path);
}

export function responsesValidator(): SpecValidator {
  const { ajv, ops, eventSchemas } = load();
  const compiledCache = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: unknown): ValidateFunction => {
    let v = compiledCache.get(key);
    if (!v) compiledCache.set(key, (v = ajv.compile(rebase(schema) as object)));
    return v;
  };
  const errorSchema = () => compile('ErrorResponse', { $ref: '#/components/schemas/ErrorResponse' });
  const eventSchema = () => compile('ResponseStreamEvent', { $ref: '#/components/schemas/ResponseStreamEvent' });
  const covered = new Set<string>();
  const coveredResponses = new Set<string>();
  const failures: Failure[] = [];
  const fmt = (v: ValidateFunction) => (v.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);

  const match = (method: string, path: string): Operation | undefined => {
    let p = path.split('?')[0]!;
    if (p.startsWith('/v1/')) p = p.slice(3);
    return ops.find((o) => o.method === method.toUpperCase() && o.re.test(p));
  };

  const check = (method: string, path: string, status: number, body: unknown): string[] => {
    const op = match(method, path);
    if (!op) {
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
      if (!schema) return []; // deleteResponse documents 200 without a body schema
      v = compile(`${op.operationId} ${status}`, schema);
    }
    return v(body) ? [] : fmt(v);
  };

  const checkEvent = (event: string, data: unknown): string[] => {
    const problems: string[] = [];
    if (!data || typeof data !== 'object' || (data as { type?: unknown }).type !== event) problems.push(`event ${event}: data.type is ${JSON.stringify((data as { type?: unknown })?.type)}`);
    const v = eventSchema();
    if (!v(data)) {
      const own = eventSchemas.get(event);
      const precise = own ? compile(own, { $ref: `#/components/schemas/${own}` }) : undefined;
      if (precise && !precise(data)) problems.push(`event ${event} (${own}): ${fmt(precise).join('; ')}`);
      else problems.push(`event ${event}: ${fmt(v).join('; ')}`);
    }
    return problems;
  };

  /** Validate a response of one of this description's operations; records failures. */
  const validate = async (method: string, url: URL, res: Response): Promise<void> => {
    const ct = res.headers.get('content-type') ?? '';
    const opName = () => match(method, url.pathname)?.operationId ?? `${method} ${url.pathname}`;
    if (ct.includes('text/event-stream')) {
      const op = match(method, url.pathname);
      if (op) covered.add(op.operationId);
      coveredResponses.add(`${opName()} ${res.status} stream`);
      const text = await res.clone().text();
      // a resumed stream (GET ?stream=true&starting_after=N) goes on from N
      let last = Number(url.searchParams.get('starting_after') ?? -1);
      for (const block of text.split('\n\n')) {
        if (!block.trim()) continue;
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
        const dataText = /^data: (.*)$/m.exec(block)?.[1] ?? '';
        let data: unknown;
        try {
          data = JSON.parse(dataText);
        } catch {
          failures.push({ operation: opName(), status: res.status, problems: [`event ${event}: data is not JSON`], body: block });
          continue;
        }
        const problems = checkEvent(event, data);
        const n = (data as { sequence_number?: number }).sequence_number;
        if (typeof n === 'number') {
          if (n !== last + 1) problems.push(`event ${event}: sequence_number ${n} after ${last}`);
          last = n;
        }
        if (problems.length) failures.push({ operation: opName(), status: res.status, problems, body: data });
      }
      return;
    }
    const text = await res.clone().text();
    if (text === '' && res.status === 200 && match(method, url.pathname)?.operationId === 'deleteResponse') {
      covered.add('deleteResponse');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      failures.push({ operation: opName(), status: res.status, problems: ['body is not JSON'], body: text.slice(0, 200) });
      return;
    }
    const problems = check(method, url.pathname, res.status, body);
    if (problems.length) failures.push({ operation: opName(), status: res.status, problems, body });
  };

  const validatingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    await validate(method, url, res);
    return res;
  };

  return { operations: ops, covered, coveredResponses, failures, match, check, checkEvent, fetch: validatingFetch, validate } as SpecValidator & {
    validate: typeof validate;
  };
}

export interface CombinedValidator {
  assistants: SpecValidator;
  responses: SpecValidator;
  /** Failures of both descriptions. */
  readonly failures: Failure[];
  /** Validate one received response (whatever the path) and record failures. */
  validate(method: string, url: URL, res: Response): Promise<void>;
  fetch: typeof fetch;
}

/** Both descriptions: /responses and /conversations against openapi.responses.yaml, the rest against openapi.assistants.yaml. */
export function combinedValidator(): CombinedValidator {
  const assistants = specValidator();
  const responses = responsesValidator() as SpecValidator & { validate(method: string, url: URL, res: Response): Promise<void> };
  const own: Failure[] = [];
  /** The assistants description, for a response already received (what its fetch does, without fetching). */
  const validateAssistants = async (method: string, url: URL, res: Response): Promise<void> => {
    const ct = res.headers.get('content-type') ?? '';
    const op = assistants.match(method, url.pathname);
    const name = op?.operationId ?? `${method} ${url.pathname}`;
    const text = await res.clone().text();
    if (ct.includes('text/event-stream')) {
      if (op) assistants.covered.add(op.operationId);
      let sawDone = false;
      for (const block of text.split('\n\n')) {
        if (!block.trim()) continue;
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
        const dataText = /^data: (.*)$/m.exec(block)?.[1] ?? '';
        if (event === 'done') sawDone = dataText === '[DONE]';
        let data: unknown = dataText;
        if (event !== 'done') {
          try {
            data = JSON.parse(dataText);
          } catch {
            own.push({ operation: name, status: res.status, problems: [`event ${event}: data is not JSON`], body: block });
            continue;
          }
        }
        const problems = assistants.checkEvent(event, data);
        if (problems.length) own.push({ operation: name, status: res.status, problems, body: data });
      }
      if (!sawDone) own.push({ operation: name, status: res.status, problems: ['stream did not end with done [DONE]'], body: null });
      return;
    }
    if (!ct.includes('application/json')) {
      if (op) assistants.covered.add(op.operationId);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      own.push({ operation: name, status: res.status, problems: ['body is not JSON'], body: text.slice(0, 200) });
      return;
    }
    const problems = assistants.check(method, url.pathname, res.status, body);
    if (problems.length) own.push({ operation: name, status: res.status, problems, body });
  };
  const validate = (method: string, url: URL, res: Response) =>
    isResponsesPath(url.pathname) ? responses.validate(method, url, res) : validateAssistants(method, url, res);
  return {
    assistants,
    responses,
    get failures() {
      return [...assistants.failures, ...own, ...responses.failures];
    },
    validate,
    fetch: async (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const res = await fetch(input, init);
      await validate(method, url, res);
      return res;
    },
  };
}
