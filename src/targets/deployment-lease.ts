/**
 * The lease as commands use it (the protocol: src/targets/lease.ts): `wrapFetch` goes to openTarget
 * (the fence), `hold` runs the work holding the lease, `sweep` removes what a dead process of this
 * machine left. Lease timings come from the defaults or, for tests, the environment.
 */
import type OpenAI from 'openai';
import { describeApiError } from './errors.js';
import { DEFAULT_LEASE, Lease, LeaseLost } from './lease.js';
import type { LeaseSettings } from './lease.js';
import { processAlive, thisHolder } from './lease-holder.js';
import { vectorStoreLeases } from './lease-store.js';

function envMs(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** Lease timings: the defaults, or ASSISTANTS_DEPLOY_LEASE_{TTL,SETTLE,WAIT,POLL}_MS (for tests). */
export function leaseSettings(baseUrl: string): LeaseSettings {
  let host = '';
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    host = '';
  }
  // OpenAI does not document that a list shows a create at once: give it a moment there
  const settle = /(^|\.)openai\.com$/.test(host) ? 1_000 : DEFAULT_LEASE.settleMs;
  return {
    ttlMs: envMs('ASSISTANTS_DEPLOY_LEASE_TTL_MS', DEFAULT_LEASE.ttlMs),
    settleMs: envMs('ASSISTANTS_DEPLOY_LEASE_SETTLE_MS', settle),
    waitMs: envMs('ASSISTANTS_DEPLOY_LEASE_WAIT_MS', DEFAULT_LEASE.waitMs),
    pollMs: envMs('ASSISTANTS_DEPLOY_LEASE_POLL_MS', DEFAULT_LEASE.pollMs),
  };
}

/**
 * The lease as commands use it: `wrapFetch` goes to openTarget (the fence), `hold` runs the work
 * holding the lease. The local target needs none (its folder lock already admits one process).
 */
export class DeploymentLease {
  private lease: Lease | undefined;
  private raw: typeof globalThis.fetch = globalThis.fetch;
  private readonly lostController = new AbortController();

  /** Aborted once the lease is lost while held: the work stops starting anything (like a stop signal). */
  readonly signal: AbortSignal = this.lostController.signal;

  /** Why the lease was lost while held (undefined: held, or never taken). */
  get lost(): string | undefined {
    return this.lease?.lost ?? (this.signal.aborted ? String((this.signal.reason as Error).message) : undefined);
  }

  /** Renews the lease now; false once it is lost (the local target, which takes none: always true). */
  async confirm(): Promise<boolean> {
    return this.lease ? this.lease.confirm() : true;
  }

  constructor(
    private readonly command: string,
    private readonly say: { info(text: string): void; debug(text: string): void; err(text: string): void },
  ) {}

  readonly wrapFetch = (fetch: typeof globalThis.fetch): typeof globalThis.fetch => {
    this.raw = fetch;
    return async (input, init) => (this.lease ? this.lease.fence(fetch)(input, init) : fetch(input, init));
  };

  /**
   * With nothing to change no lease is taken; but a lease that a process of this machine left when
   * it died (killed after its last change) is removed now rather than waiting for the next change.
   */
  async sweep(target: { client: OpenAI; local: boolean }, deployment: string): Promise<void> {
    if (target.local) return;
    const store = vectorStoreLeases(target.client.withOptions({ fetch: this.raw }));
    const me = thisHolder();
    try {
      for (const l of await store.list(deployment)) {
        if (l.machine !== me.machine || processAlive(l.pid)) continue;
        await store.remove(l.id);
        this.say.info(`Removed the stale lease ${l.id} of deployment "${deployment}" (${l.command}, pid ${l.pid} on ${l.host}): its process is gone.`);
      }
    } catch (error) {
      this.say.debug(`lease: could not look for stale leases (${(error as Error).message})`);
    }
  }

  /**
   * Runs `work` holding the lease. `signal` (the CLI's stop) ends a wait for the lease at once;
   * after a stop the release is reported, since the next run depends on it.
   */
  async hold<T>(target: { client: OpenAI; baseUrl: string; local: boolean }, deployment: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (target.local) return work();
    // the lease's own requests bypass the fence (it must still be able to delete itself)
    const store = vectorStoreLeases(target.client.withOptions({ fetch: this.raw }));
    const lease = new Lease(store, deployment, this.command, thisHolder(), leaseSettings(target.baseUrl), {
      waiting: (h) => this.say.info(`Waiting for the lease on deployment "${deployment}": another ${h.command} holds it (pid ${h.pid} on ${h.host}, lease ${h.id}).`),
      broke: (l, why) => this.say.info(`Broke the stale lease ${l.id} of deployment "${deployment}" (${l.command}, pid ${l.pid} on ${l.host}): ${why}.`),
      acquired: (id) => this.say.debug(`lease: holding ${id} for deployment "${deployment}"`),
      lost: (why) => {
        this.say.err(`error: lost the lease on deployment "${deployment}" (${why}); sending nothing more`);
        this.lostController.abort(new LeaseLost(why));
      },
    });
    this.lease = lease;
    try {
      try {
        await lease.acquire(signal);
      } catch (error) {
        if (signal?.aborted && error === signal.reason) throw error;
        throw describeApiError(error, `taking the lease on deployment "${deployment}"`, target.baseUrl) ?? error;
      }
      return await work();
    } finally {
      const released = await lease.release();
      this.lease = undefined;
      if (signal?.aborted && released) {
        if (released.removed) this.say.err(`Released the lease ${released.id} on deployment "${deployment}": the next apply or destroy, from any machine, starts without waiting.`);
        else this.say.err(`Could not release the lease ${released.id} on deployment "${deployment}" (${released.error ?? 'unknown error'}): the next run from this machine breaks it at once, from another machine once its heartbeat has stopped for ${Math.round(leaseSettings(target.baseUrl).ttlMs / 1000)} s.`);
      }
    }
  }
}
