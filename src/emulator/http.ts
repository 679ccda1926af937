/** Request helpers shared by the route modules: how a route is registered, bodies, path params, list queries. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, BAD_JSON_MESSAGE, invalid } from './errors.js';
import type { Ctx } from './model/context.js';
import type { PageQuery } from './model/ordered-index.js';
import { typeName, validateBody } from './model/validation.js';

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

/** Registers a route under its spec template (`/v1/assistants/{assistant_id}`). */
export interface Router {
  app: FastifyInstance;
  route(method: 'GET' | 'POST' | 'DELETE', template: string, handler: Handler): void;
}

/** A route module's handler: a named function handed the context with the request. */
export type CtxHandler = (ctx: Ctx, req: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

/** `on(method, template, handler)`: registers CtxHandlers with `ctx` bound (and `before` run ahead of each, to bring derived state up to date). */
export function bindRoutes(r: Router, ctx: Ctx, before?: (ctx: Ctx) => void): (method: 'GET' | 'POST' | 'DELETE', template: string, handler: CtxHandler) => void {
  return (method, template, handler) =>
    r.route(method, template, (req, reply) => {
      before?.(ctx);
      return handler(ctx, req, reply);
    });
}

export function body(req: FastifyRequest, required = false): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === '') {
    if (required) throw invalid(BAD_JSON_MESSAGE);
    return {};
  }
  // A JSON `null`, array or scalar is a body of the wrong type, never a crash further on.
  if (b === null || typeof b !== 'object' || Array.isArray(b)) {
    throw invalid(`Invalid type for body: expected an object, but got ${typeName(b)} instead.`, null, 'invalid_type');
  }
  return b as Record<string, unknown>;
}

/** The body, validated against the named request schema of the description. */
export function validBody(req: FastifyRequest, schema: string, required = true): Record<string, unknown> {
  const b = body(req, required);
  validateBody(schema, b);
  return b;
}

export function param(req: FastifyRequest, name: string): string {
  return String((req.params as Record<string, string>)[name] ?? '');
}

function scalar(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return scalar({ [name]: v[v.length - 1] }, name);
  return String(v);
}

export function queryString(req: FastifyRequest, name: string): string | undefined {
  return scalar((req.query ?? {}) as Record<string, unknown>, name);
}

export interface ListOpts {
  defaultLimit?: number;
  maxLimit?: number;
  before?: boolean;
}

export function listQuery(req: FastifyRequest, opts: ListOpts = {}): PageQuery {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const maxLimit = opts.maxLimit ?? 100;
  let limit = opts.defaultLimit ?? 20;
  const rawLimit = scalar(q, 'limit');
  if (rawLimit !== undefined) {
    if (!/^-?\d+$/.test(rawLimit.trim())) {
      throw invalid(`Invalid type for 'limit': expected an integer, but got a string instead.`, 'limit', 'invalid_type');
    }
    limit = Number(rawLimit);
    if (limit < 1) {
      throw invalid(`Invalid 'limit': integer below minimum value. Expected a value >= 1, but got ${limit} instead.`, 'limit', 'integer_below_min_value');
    }
    if (limit > maxLimit) {
      throw invalid(
        `Invalid 'limit': integer above maximum value. Expected a value <= ${maxLimit}, but got ${limit} instead.`,
        'limit',
        'integer_above_max_value',
      );
    }
  }
  const order = scalar(q, 'order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    throw invalid(`Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`, 'order', 'invalid_value');
  }
  const after = scalar(q, 'after');
  const before = opts.before === false ? undefined : scalar(q, 'before');
  return { limit, order, after: after || undefined, before: before || undefined };
}

/** `filter` of the vector store file lists. */
export function statusFilter(req: FastifyRequest): string | undefined {
  const f = queryString(req, 'filter');
  if (f === undefined) return undefined;
  const allowed = ['in_progress', 'completed', 'failed', 'cancelled'];
  if (!allowed.includes(f)) {
    throw invalid(`Invalid value: '${f}'. Supported values are: 'in_progress', 'completed', 'failed', and 'cancelled'.`, 'filter', 'invalid_value');
  }
  return f;
}

/** `include[]` of create run and the run step endpoints. */
export function includeParam(req: FastifyRequest): string[] {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const raw = q['include[]'] ?? q.include;
  if (raw === undefined) return [];
  const list = (Array.isArray(raw) ? raw : [raw]).map(String);
  const allowed = 'step_details.tool_calls[*].file_search.results[*].content';
  for (const v of list) {
    if (v !== allowed) throw invalid(`Invalid value: '${v}'. Supported values are: '${allowed}'.`, 'include[]', 'invalid_value');
  }
  return list;
}

export const BETA_MISSING_MESSAGE =
  "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.";
export const BETA_V1_MESSAGE =
  "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'. See the migration guide for more information: https://platform.openai.com/docs/assistants/migration.";

/**
 * The assistants, threads, messages, runs and run steps routes need `OpenAI-Beta: assistants=v2`
 * (one item of a comma-separated list); without it, or with `assistants=v1`, the API answers 400
 * `invalid_beta` (docs/API-DEVIATIONS.md, D14).
 */
export function requireAssistantsBeta(req: FastifyRequest): void {
  const raw = req.headers['openai-beta'];
  const items = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',').map((s) => s.trim().toLowerCase());
  if (items.includes('assistants=v2')) return;
  const v1 = items.includes('assistants=v1');
  throw new ApiError(400, v1 ? BETA_V1_MESSAGE : BETA_MISSING_MESSAGE, 'invalid_request_error', null, 'invalid_beta');
}

/** A router whose every route first checks the Assistants beta header. */
export function assistantsBetaRouter(r: Router): Router {
  return {
    app: r.app,
    route: (method, template, handler) =>
      r.route(method, template, (req, reply) => {
        requireAssistantsBeta(req);
        return handler(req, reply);
      }),
  };
}

/** How a mount of the OpenAI-compatible surface treats `api-version` (docs/API-DEVIATIONS.md, F18). */
export type ApiVersionRule = 'forbidden' | 'preview';

/** The preview api-versions of a Foundry project's `{project}/openai/...` paths (recordings/09–12). */
export const PREVIEW_API_VERSIONS = ['2025-11-15-preview', '2025-05-15-preview'];

export interface ProjectMount {
  /** The project this emulator plays; `_project` names it too. */
  project: string;
  /** Prefix for every template; a leading `/v1` of a template is replaced by it. */
  prefix: string;
  apiVersion?: ApiVersionRule;
  /** Applied to every plain-object answer (the Foundry shapes of model/foundry.ts). */
  transform?: (value: unknown) => unknown;
}

function checkApiVersion(req: FastifyRequest, rule: ApiVersionRule): void {
  const v = queryString(req, 'api-version');
  if (rule === 'forbidden' && v !== undefined) {
    throw new ApiError(400, 'api-version query parameter is not allowed when using /v1 path.', 'invalid_request_error', 'api-version', null);
  }
  if (rule === 'preview' && (v === undefined || !PREVIEW_API_VERSIONS.includes(v))) {
    throw new ApiError(
      400,
      v === undefined ? "Missing required query parameter: 'api-version'." : `Unsupported api-version '${v}'. Supported versions: ${PREVIEW_API_VERSIONS.join(', ')}.`,
      'invalid_request_error',
      'api-version',
      v === undefined ? 'missing_required_parameter' : 'invalid_value',
    );
  }
}

/**
 * A router for a Foundry project's routes: templates under `prefix` (`/api/projects/{project}/…`),
 * `{project}` checked (404 "The project does not exist." otherwise), the mount's api-version rule,
 * and its transform of the answers.
 */
export function projectRouter(r: Router, mount: ProjectMount): Router {
  const isPlain = (v: unknown) => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
  return {
    app: r.app,
    route: (method, template, handler) =>
      r.route(method, mount.prefix + (template.startsWith('/v1') ? template.slice(3) : template), async (req, reply) => {
        const project = param(req, 'project');
        if (project !== mount.project && project !== '_project') throw new ApiError(404, 'The project does not exist.', 'invalid_request_error', null, 'not_found');
        if (mount.apiVersion) checkApiVersion(req, mount.apiVersion);
        const out = await handler(req, reply);
        return mount.transform && isPlain(out) ? mount.transform(out) : out;
      }),
  };
}
