/** Request helpers shared by the route modules: how a route is registered, bodies, path params, list queries. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BAD_JSON_MESSAGE, invalid } from './errors.js';
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

/** `on(method, template, handler)`: registers CtxHandlers with `ctx` bound. */
export function bindRoutes(r: Router, ctx: Ctx): (method: 'GET' | 'POST' | 'DELETE', template: string, handler: CtxHandler) => void {
  return (method, template, handler) => r.route(method, template, (req, reply) => handler(ctx, req, reply));
}

export function body(req: FastifyRequest, required = false): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === '') {
    if (required) throw invalid(BAD_JSON_MESSAGE);
    return {};
  }
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
