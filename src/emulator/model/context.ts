/**
 * What the route modules and engines are handed: the account, the fault injector (creations note
 * themselves for read-after-write lag; attached files draw index-fail), the rate limiter and the
 * resolved options. Types only, and no fastify, so model/ can take it too.
 */
import type { Account } from './account.js';
import type { FaultInjector } from '../faults.js';
import type { RateLimiter } from '../rate-limits.js';

export interface ResolvedOptions {
  indexingDelayMs: number;
  runDelayMs: number;
  assistantsApi: boolean;
  quiet: boolean;
  /** Model ids served beyond the built-in catalogue (model/models.ts). */
  models: string[];
  /** How long a background response stays `queued`, then `in_progress` (engines/background.ts). */
  backgroundDelayMs: number;
  /**
   * Set when the emulator plays a Foundry project (the agents operations and the OpenAI-compatible
   * surface under `/api/projects/{project}`, docs/API-DEVIATIONS.md "Foundry"); undefined for OpenAI.
   */
  foundry: { project: string } | undefined;
}

export interface Ctx {
  account: Account;
  faults: FaultInjector;
  limiter: RateLimiter | undefined;
  options: ResolvedOptions;
}
