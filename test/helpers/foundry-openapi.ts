/**
 * Conformance checking of a Foundry project's agents operations against the swagger 2.0 subset
 * (../shared/azure-foundry/foundry-agents.openapi.json, else vendor/azure-foundry/), converted for
 * ajv by src/emulator/model/swagger.ts (`#/definitions` refs, `x-nullable` as "or null", the
 * discriminators). Deviations applied, as docs/API-DEVIATIONS.md states them: F3, an error's `param`
 * may be absent (recordings/08); F4, a 401 is the gateway's `{statusCode, message}`.
 *
 *   const v = foundryValidator();
 *   v.check('GET', '/api/projects/p/agents/a', 200, body)   // -> problems (empty: conforms)
 *   const f = await foundryEmulator();   // an emulator behind a proxy that checks every agents answer
 *   ... f.endpoint (the project), f.openaiUrl ...
 *   expect(f.validator.failures).toEqual([])
 *
 * Every answer of the OpenAI-compatible surface (`/openai/v1`) that passes the proxy is checked too,
 * against openapi.assistants.yaml / openapi.responses.yaml (test/helpers/openapi-responses.ts), with
 * F14's nulls left out first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { swaggerToJsonSchema } from '../../src/emulator/model/swagger.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { combinedValidator, type CombinedValidator } from './openapi-responses.js';
import { REPO } from './cli.js';

export const SHARED_FOUNDRY = path.resolve(REPO, '../shared/azure-foundry');
export const VENDORED_FOUNDRY = path.join(REPO, 'vendor/azure-foundry');
/** Where the reference pack is read: the workspace's, else the vendored copy. */
export const FOUNDRY_DIR = existsSync(path.join(SHARED_FOUNDRY, 'foundry-agents.openapi.json')) ? SHARED_FOUNDRY : VENDORED_FOUNDRY;

type Schema = Record<string, unknown>;

interface Operation {
  method: string;
  template: string;
  operationId: string;
  re: RegExp;
  /** status ('200', 'default') -> the definition name of its schema */
  schemas: Record<string, string>;
}

export interface FoundryFailure {
  operation: string;
  status: number;
  problems: string[];
  body: unknown;
}

export interface FoundryValidator {
  operations: Operation[];
  /** operationId + status pairs validated */
  covered: Set<string>;
  failures: FoundryFailure[];
  /** Problems of one answer (empty: conforms); undefined when the path is no agents operation. */
  check(method: string, urlPath: string, status: number, body: unknown): string[] | undefined;
}

/** F4: what the gateway answers without a usable token. */
const GATEWAY_401: Schema = {
  type: 'object',
  required: ['statusCode', 'message'],
  additionalProperties: false,
  properties: { statusCode: { const: 401 }, message: { type: 'string' } },
};

let cached: { ajv: Ajv; ops: Operation[] } | undefined;

function load(): { ajv: Ajv; ops: Operation[] } {
  if (cached) return cached;
  const doc = JSON.parse(readFileSync(path.join(FOUNDRY_DIR, 'foundry-agents.openapi.json'), 'utf8')) as { paths: Record<string, Record<string, Schema>>; definitions: Record<string, Schema> };
  const defs: Record<string, Schema> = { ...doc.definitions };
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const schemas: Record<string, string> = {};
      for (const [status, res] of Object.entries((op.responses ?? {}) as Record<string, { schema?: Schema }>)) {
        if (!res.schema) continue;
        // each operation's answer schema becomes a definition, converted with the rest
        const name = `__${String(op.operationId)}_${status}`;
        defs[name] = res.schema;
        schemas[status] = name;
      }
      const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
      ops.push({ method: method.toUpperCase(), template, operationId: String(op.operationId), re, schemas });
    }
  }
  defs.__gateway_401 = GATEWAY_401;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(swaggerToJsonSchema(defs, 'foundry', { relax: { 'OpenAI.Error': ['param'] } }));
  cached = { ajv, ops };
  return cached;
}

/** The path after `/api/projects/{name}`, or undefined when it is none of a project's agents paths. */
export function agentsPath(urlPath: string): string | undefined {
  const m = /^\/api\/projects\/[^/]+(\/agents(?:\/.*)?)$/.exec(urlPath.split('?')[0]!);
  return m?.[1];
}

export function foundryValidator(): FoundryValidator {
  const { ajv, ops } = load();
  const covered = new Set<string>();
  const failures: FoundryFailure[] = [];
  const compiled = new Map<string, ValidateFunction>();
  const schema = (name: string) => {
    let v = compiled.get(name);
    if (!v) compiled.set(name, (v = ajv.getSchema(`foundry#/definitions/${name}`)!));
    return v;
  };
  return {
    operations: ops,
    covered,
    failures,
    check(method, urlPath, status, body) {
      const rest = agentsPath(urlPath);
      if (rest === undefined) return undefined;
      const op = ops.find((o) => o.method === method && o.re.test(rest));
      // a method no operation has on a known path (405) answers in the operations' error shape
      const known = !op && status >= 400 && ops.some((o) => o.re.test(rest));
      const name = status === 401 ? '__gateway_401' : op ? (op.schemas[String(status)] ?? op.schemas.default) : known ? 'ApiErrorResponse' : undefined;
      const problems: string[] = [];
      if (!name) problems.push(`no operation for ${method} ${rest} answering ${status}`);
      else {
        const v = schema(name);
        if (!v(body)) for (const e of v.errors ?? []) problems.push(`${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
      }
      const operation = op?.operationId ?? `${method} ${rest}`;
      covered.add(`${operation} ${status}`);
      if (problems.length) failures.push({ operation, status, problems, body });
      return problems;
    },
  };
}

export interface FoundryEmulator {
  emu: Emulator;
  /** The project endpoint, through the validating proxy: http://127.0.0.1:PORT/api/projects/NAME */
  endpoint: string;
  /** Its OpenAI-compatible surface: `${endpoint}/openai/v1` */
  openaiUrl: string;
  /** The proxy's origin (for other paths and projects). */
  origin: string;
  validator: FoundryValidator;
  /** The OpenAI-compatible surface's answers, checked against the OpenAI descriptions. */
  openai: CombinedValidator;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * F14: the project answers `expires_at` / `status_details` of a file and `expires_after` of a vector
 * store as null where openapi.assistants.yaml has no null (recordings/09, 10); those nulls are left
 * out before the answer is checked against the OpenAI description.
 */
function withoutFoundryNulls(text: string): string {
  const strip = (o: unknown): unknown => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return o;
    const v = o as Record<string, unknown>;
    if (v.object === 'list' && Array.isArray(v.data)) return { ...v, data: v.data.map(strip) };
    const keys = v.object === 'file' ? ['expires_at', 'status_details'] : v.object === 'vector_store' ? ['expires_after'] : [];
    return Object.fromEntries(Object.entries(v).filter(([k, x]) => !(keys.includes(k) && x === null)));
  };
  try {
    return JSON.stringify(strip(JSON.parse(text)));
  } catch {
    return text;
  }
}

/** `/api/projects/p/openai/v1/files` -> `/v1/files` (the OpenAI description's path), else undefined. */
function openaiPath(urlPath: string): string | undefined {
  const m = /^\/api\/projects\/[^/]+\/openai\/v1(\/.*)$/.exec(urlPath);
  return m ? `/v1${m[1]}` : undefined;
}

/** An emulator playing a Foundry project behind a proxy that validates every answer it passes on. */
export async function foundryEmulator(options: EmulatorOptions = {}, project = 'local-project'): Promise<FoundryEmulator> {
  const emu = await startEmulator({ indexingDelayMs: 0, quiet: true, foundry: { project }, ...options });
  const validator = foundryValidator();
  const openai = combinedValidator();
  const upstream = new URL(emu.projectEndpoint!).origin;
  const listener: RequestListener = (req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (v === undefined || ['host', 'connection', 'content-length', 'accept-encoding'].includes(k)) continue;
          headers[k] = Array.isArray(v) ? v.join(', ') : v;
        }
        const method = req.method ?? 'GET';
        const url = new URL(`${upstream}${req.url ?? '/'}`);
        const up = await fetch(url, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
        const buf = Buffer.from(await up.arrayBuffer());
        const type = up.headers.get('content-type') ?? '';
        if (type.includes('json') && agentsPath(url.pathname) !== undefined) validator.check(method, url.pathname, up.status, JSON.parse(buf.toString('utf8')));
        const v1 = openaiPath(url.pathname);
        if (v1 && up.status !== 401) {
          const checked = type.includes('application/json') ? withoutFoundryNulls(buf.toString('utf8')) : buf;
          const copy = new Response(buf.length || ![204, 304].includes(up.status) ? checked : null, { status: up.status, headers: up.headers });
          await openai.validate(method, new URL(`${upstream}${v1}${url.search}`), copy);
        }
        const out: Record<string, string> = {};
        up.headers.forEach((v, k) => {
          if (!['content-length', 'transfer-encoding', 'content-encoding', 'connection'].includes(k)) out[k] = v;
        });
        out['content-length'] = String(buf.length);
        res.writeHead(up.status, out);
        res.end(buf);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `proxy: ${String(error)}`, type: 'proxy', param: null, code: null } }));
      }
    })();
  };
  // with `tls`, the proxy serves https too (with the emulator's certificate)
  const server: Server = options.tls ? (createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) as unknown as Server) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const endpoint = `${origin}/api/projects/${project}`;
  return {
    emu,
    endpoint,
    openaiUrl: `${endpoint}/openai/v1`,
    origin,
    validator,
    openai,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await emu.close();
    },
  };
}

/**
 * Both Azure SDKs refuse to send a bearer token over plain http; the tests lift that (JS
 * `allowInsecureConnection`, Python `enforce_https=False`) only for a loopback endpoint, the emulator.
 */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with openssl for this test run, and
 * trusted by this process from now on (`tls.setDefaultCACertificates`): fetch and node:https both
 * accept it, as a machine that had installed it would.
 */
export function trustedLocalCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  const pem = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), pem.cert]);
  return pem;
}
