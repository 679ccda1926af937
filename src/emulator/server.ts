/**
 * The HTTP server: fastify with @fastify/multipart, the API's auth, error shapes and unknown-URL
 * answers, fault injection, the request log, and the route modules (routes/, one per resource), each
 * registered under its spec template.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { randomBytes } from 'node:crypto';
import { ApiError, BAD_JSON_MESSAGE, FoundryError, GATEWAY_401_MESSAGE, GatewayError, NO_KEY_MESSAGE, badKey, fileNotFound, invalid, invalidUrl, notFound } from './errors.js';
import type { Ctx } from './model/context.js';
import { assistantsBetaRouter, projectRouter, type Handler, type Router } from './http.js';
import { registerAssistants } from './routes/assistants.js';
import { registerFiles } from './routes/files.js';
import { registerVectorStores } from './routes/vector-stores.js';
import { registerThreads } from './routes/threads.js';
import { registerRuns } from './routes/runs.js';
import { registerResponses } from './routes/responses.js';
import { registerConversations } from './routes/conversations.js';
import { registerModels } from './routes/models.js';
import { registerFoundryAgents } from './routes/foundry-agents.js';
import { foundryView } from './model/foundry.js';

export interface RequestLogEntry {
  method: string;
  route: string;
  path: string;
  status: number;
  ms: number;
  fault?: string;
  at: number;
}

export interface ServerDeps extends Ctx {
  apiKey: string | undefined;
  log: RequestLogEntry[];
  /** Called as each request is logged (tests use it to act at an exact point). */
  onLog?: (entry: RequestLogEntry) => void;
}

interface RouteInfo {
  method: string;
  template: string;
  re: RegExp;
}

declare module 'fastify' {
  interface FastifyRequest {
    emu?: { start: number; fault?: string; logged?: boolean; after?: 'drop-after' | '500-after' };
  }
}

const LOG_PREFIX = '/__emulator';

function templateToRegExp(template: string): RegExp {
  const esc = template.replace(/[.+?^$()[\]\\|]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${esc}/?$`);
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Which kind of object an id names, for read-after-write lag answers. */
function lagError(path: string): ApiError {
  const ids = path.split('/').filter((p) => /^(asst_|file-|assistant-|vs_|vsfb_|thread_|msg_|run_|step_|resp_|conv_)/.test(p));
  const id = ids[ids.length - 1] ?? '';
  if (id.startsWith('file-') || id.startsWith('assistant-')) return fileNotFound(id);
  const kinds: [string, string][] = [
    ['asst_', 'assistant'],
    ['vsfb_', 'file batch'],
    ['vs_', 'vector store'],
    ['thread_', 'thread'],
    ['msg_', 'message'],
    ['run_', 'run'],
    ['step_', 'run step'],
    ['resp_', 'response'],
    ['conv_', 'conversation'],
  ];
  const kind = kinds.find(([p]) => id.startsWith(p))?.[1] ?? 'object';
  return notFound(kind, id);
}

type LogRecorder = (req: FastifyRequest, status: number) => void;

/** Bodies: JSON whatever the content type says (as the API does), multipart for uploads. */
function addBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parseJson = (_req: FastifyRequest, raw: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const text = raw.toString('utf8');
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(invalid(BAD_JSON_MESSAGE));
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJson);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, parseJson);
  void app.register(multipart, { attachFieldsToBody: false, limits: { fileSize: 512 * 1024 * 1024 } });
}

/** The request log: one entry per request, written once, when its answer is sent (or its socket closed). */
function requestRecorder(deps: ServerDeps): LogRecorder {
  return (req, status) => {
    const emu = req.emu;
    if (!emu || emu.logged) return;
    emu.logged = true;
    const url = req.routeOptions?.url;
    const entry: RequestLogEntry = {
      method: req.method,
      route: url ? url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') : 'unmatched',
      path: pathOf(req.url),
      status,
      ms: Math.round((performance.now() - emu.start) * 100) / 100,
      at: Date.now(),
    };
    if (emu.fault) entry.fault = emu.fault;
    deps.log.push(entry);
    deps.onLog?.(entry);
  };
}

const PROJECTS = '/api/projects/';

/** A Foundry project's agents operations and unknown URLs: errors in the Foundry shape (not its OpenAI-compatible surface). */
function foundryShaped(path: string): boolean {
  return path.startsWith(PROJECTS) && !/^\/api\/projects\/[^/]+\/openai(\/|$)/.test(path);
}

/** The API checks the key before it looks at the URL; a Foundry project's gateway answers in its own shape (F4). */
function authenticate(req: FastifyRequest, deps: ServerDeps, path: string): void {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
  const token = m?.[1]?.trim();
  if (deps.options.foundry && path.startsWith(PROJECTS)) {
    if (!token || (deps.apiKey !== undefined && token !== deps.apiKey)) throw new GatewayError(401, GATEWAY_401_MESSAGE);
    return;
  }
  if (!token) throw new ApiError(401, NO_KEY_MESSAGE, 'invalid_request_error', null, null);
  if (deps.apiKey !== undefined && token !== deps.apiKey) throw badKey(token);
}

/** The fault drawn for this request, before the handler runs (the `-after` kinds are acted on in onSend). */
async function injectFault(req: FastifyRequest, reply: FastifyReply, deps: ServerDeps, record: LogRecorder, path: string): Promise<void> {
  const emu = req.emu!;
  const d = deps.faults.decide(path);
  if (d.delayMs > 0) await new Promise((r) => setTimeout(r, d.delayMs));
  if (d.fault) {
    emu.fault = d.fault;
    switch (d.fault) {
      case 'drop':
        record(req, 0);
        req.raw.socket?.destroy();
        reply.hijack();
        return;
      case '429': {
        const sec = deps.faults.current.retryAfterSec;
        throw new ApiError(429, 'Rate limit reached for requests. Please try again later.', 'requests', null, 'rate_limit_exceeded', {
          'retry-after': String(Math.max(1, Math.ceil(sec))),
          'retry-after-ms': String(Math.round(sec * 1000)),
        });
      }
      case '429-bare':
        throw new ApiError(429, 'Rate limit reached for requests. Please try again later.', 'requests', null, 'rate_limit_exceeded');
      case '500':
        throw new ApiError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
      case '503':
        throw new ApiError(503, 'The server is overloaded or not ready yet.', 'server_error', null, null);
      case 'drop-after':
      case '500-after':
        // the handler runs; onSend loses its answer
        emu.after = d.fault;
        break;
    }
  }
  if (req.method === 'GET' && deps.faults.lagging(path)) {
    emu.fault = 'lag';
    throw lagError(path);
  }
}

/** Before routing: the request log, the API's headers, auth, faults; settled state before each handler; durable before any answer. */
function addHooks(app: FastifyInstance, deps: ServerDeps, record: LogRecorder): void {
  app.addHook('onRequest', async (req, reply) => {
    const path = pathOf(req.url);
    if (path.startsWith(LOG_PREFIX)) return;
    req.emu = { start: performance.now() };
    reply.raw.on('finish', () => record(req, reply.raw.statusCode));
    reply.raw.on('close', () => record(req, reply.raw.headersSent ? reply.raw.statusCode : 0));
    reply.header('x-request-id', `req_${randomBytes(16).toString('hex')}`);
    reply.header('openai-version', '2020-10-01');
    authenticate(req, deps, path);
    await injectFault(req, reply, deps, record, path);
  });

  // Derived state (indexing finished, runs due) is brought up to date before each request.
  app.addHook('preHandler', async () => {
    deps.account.settleRuns();
  });

  // Nothing is acknowledged before it is durable.
  app.addHook('onSend', async (req, reply, payload) => {
    await deps.account.persistence.sync();
    deps.account.maybeCompact();
    // after-handler faults: what the handler did is durable; the client never hears of it
    if (req.emu?.after === 'drop-after') {
      record(req, 0);
      req.raw.socket?.destroy();
    } else if (req.emu?.after === '500-after' && reply.statusCode < 400) {
      void reply.code(500).type('application/json');
      return JSON.stringify(new ApiError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null).body());
    }
    return payload;
  });
}

/** Unknown URL (404) or a known URL with another method (405, with `allow`), in the API's words. */
function unmatchedHandler(routes: RouteInfo[], foundry: boolean): (req: FastifyRequest, reply: FastifyReply) => void {
  return (req, reply) => {
    const path = pathOf(req.url);
    // the most specific templates that match (fewest `{param}` segments): /v1/threads/runs is not /v1/threads/{thread_id}
    const matching = routes.filter((r) => r.re.test(path));
    const params = (r: RouteInfo) => (r.template.match(/\{/g) ?? []).length;
    const fewest = Math.min(...matching.map(params));
    const allowed = matching.filter((r) => params(r) === fewest).map((r) => r.method);
    const shaped = (e: ApiError) => (foundry && foundryShaped(path) ? FoundryError.from(e) : e).body();
    if (allowed.length) {
      void reply
        .code(405)
        .header('allow', [...new Set(allowed)].join(', '))
        .type('application/json')
        .send(shaped(new ApiError(405, `Invalid method for URL (${req.method} ${path})`, 'invalid_request_error', null, null)));
      return;
    }
    void reply.code(404).type('application/json').send(shaped(invalidUrl(req.method, path)));
  };
}

/** Every error in the API's shape: ApiErrors as thrown, fastify's 4xx as 400s, anything else a 500 (and a line on stderr). */
function addErrorHandlers(app: FastifyInstance, deps: ServerDeps, unmatched: ReturnType<typeof unmatchedHandler>): void {
  app.setErrorHandler((error: unknown, req: FastifyRequest, reply: FastifyReply) => {
    // Errors before routing (a body on an unknown method or URL): answer as for the URL.
    if (!(error instanceof ApiError) && !req.routeOptions?.url && !pathOf(req.url).startsWith(LOG_PREFIX)) return unmatched(req, reply);
    let err: ApiError;
    if (error instanceof ApiError) err = error;
    else {
      const e = error as { statusCode?: number; code?: string; message?: string };
      if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') err = new ApiError(413, 'Request body too large.', 'invalid_request_error', null, null);
      else if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
        err = invalid(e.message ?? 'Invalid request.', null, null);
      } else {
        if (!deps.options.quiet) process.stderr.write(`emulator: internal error on ${req.method} ${req.url}: ${(error as Error)?.stack ?? String(error)}\n`);
        err = new ApiError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
      }
    }
    if (deps.options.foundry && foundryShaped(pathOf(req.url)) && !(err instanceof GatewayError)) err = FoundryError.from(err);
    for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
    void reply.code(err.status).type('application/json').send(err.body());
  });

  app.setNotFoundHandler((req, reply) => unmatched(req, reply));
}

/** The route modules, registered under their spec templates (kept in `routes` for the 405 answers). */
function registerRoutes(app: FastifyInstance, deps: ServerDeps, routes: RouteInfo[]): void {
  const router: Router = {
    app,
    route(method, template, handler: Handler) {
      routes.push({ method, template, re: templateToRegExp(template) });
      app.route({
        method,
        url: template.replace(/\{([^}]+)\}/g, ':$1'),
        handler: async (req, reply) => {
          const out = await handler(req, reply);
          return out;
        },
      });
    },
  };

  if (deps.options.foundry) return registerFoundry(router, deps, deps.options.foundry.project);
  registerModels(router, deps);
  registerFiles(router, deps);
  registerVectorStores(router, deps);
  // The Responses and Conversations APIs are served whatever `assistantsApi` says.
  registerResponses(router, deps);
  registerConversations(router, deps);
  if (deps.options.assistantsApi) {
    // these answer 400 invalid_beta without `OpenAI-Beta: assistants=v2`
    const beta = assistantsBetaRouter(router);
    registerAssistants(beta, deps);
    registerThreads(beta, deps);
    registerRuns(beta, deps);
  }
}

/**
 * A Foundry project (docs/API-DEVIATIONS.md, "Foundry"): the agents operations under
 * `/api/projects/{project}`, and the OpenAI-compatible files, vector stores, conversations and
 * responses at `{project}/openai/v1` and, preview-era, at `{project}/openai?api-version=…`; no
 * Assistants API, nothing at `/v1`.
 */
function registerFoundry(router: Router, deps: ServerDeps, project: string): void {
  const base = `${PROJECTS.slice(0, -1)}/{project}`;
  registerFoundryAgents(projectRouter(router, { project, prefix: base }), deps);
  for (const [prefix, apiVersion] of [[`${base}/openai/v1`, 'forbidden'], [`${base}/openai`, 'preview']] as const) {
    const r = projectRouter(router, { project, prefix, apiVersion, transform: foundryView });
    registerFiles(r, deps);
    registerVectorStores(r, deps);
    registerResponses(r, deps);
    registerConversations(r, deps);
  }
}

/** `tls`: serve https with this key and certificate (the Azure JS SDK sends a bearer token over https only). */
export function buildServer(deps: ServerDeps, tls?: { key: string | Buffer; cert: string | Buffer }): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024 * 1024,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2000 },
    ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}),
  }) as unknown as FastifyInstance;
  const routes: RouteInfo[] = [];
  const record = requestRecorder(deps);
  addBodyParsers(app);
  addHooks(app, deps, record);
  addErrorHandlers(app, deps, unmatchedHandler(routes, deps.options.foundry !== undefined));

  // The log, for servers in another process.
  app.get(`${LOG_PREFIX}/log`, async () => deps.log);
  app.post(`${LOG_PREFIX}/log/clear`, async () => {
    deps.log.length = 0;
    return { cleared: true };
  });

  registerRoutes(app, deps, routes);
  return app;
}
