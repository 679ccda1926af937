import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from './state.js';
import type { FaultInjector } from './faults.js';
import type { RateLimiter } from './rate-limits.js';

export interface ResolvedOptions {
  indexingDelayMs: number;
  runDelayMs: number;
  assistantsApi: boolean;
  quiet: boolean;
}

export interface Ctx {
  account: Account;
  faults: FaultInjector;
  limiter: RateLimiter | undefined;
  options: ResolvedOptions;
}

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

/** Registers a route under its spec template (`/v1/assistants/{assistant_id}`). */
export interface Router {
  app: FastifyInstance;
  route(method: 'GET' | 'POST' | 'DELETE', template: string, handler: Handler): void;
}
