/**
 * The deployment lease: at most one apply or destroy of a deployment changes the account at a
 * time (docs/RELIABILITY.md, "Concurrency"). The API has no locks and no conditional writes, so the
 * lease is an object in the account, an empty vector store (the one kind every target serves, with
 * metadata that can be changed), tagged with the deployment, the holder and a heartbeat counter.
 *
 * Acquiring: create my lease, wait `settle`, list the deployment's leases; I hold it when no other
 * live lease is listed. Two contenders that see each other: the older lease (created_at, then id)
 * stays and waits for the others to leave; the others delete theirs and wait until no lease is
 * left. Safety needs only the rule "hold iff, after my create, the list shows no other lease": of
 * two holders, the one that listed second would have seen the first's lease.
 *
 * Stale leases: a lease whose holder ran on this machine (same host, boot and pid namespace) and
 * whose process is gone is broken at once; any other is broken only after the waiter has watched
 * its heartbeat stay unchanged for `ttl` by its own clock (no clock comparison across machines).
 * The holder renews every ttl/12 and, from ttl/4 without a successful renewal, sends nothing more
 * (its fence answers every further request with 412 without sending it), so a holder that was
 * paused or cut off has stopped before anyone may break its lease: ttl > ttl/4 + request timeout.
 *
 * Stopping (SIGINT, SIGTERM): `hold` takes the CLI's abort signal. Waiting for the lease ends at
 * once; a holder keeps renewing while its requests in flight finish, then deletes its lease, so the
 * next run, from any machine, starts without waiting. Only a process that dies without getting
 * there (SIGKILL, a second signal, a crash) leaves its lease to be broken as stale.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import type OpenAI from 'openai';
import { APIError } from 'openai/core/error';
import { UserError } from '../errors.js';
import { describeApiError } from './errors.js';
import { DEFAULT_RETRY, withRetry } from './retry.js';
import { realClock, sleepFor } from './pace.js';
import type { Clock } from './pace.js';
import { PAGE, readAll } from './read.js';

/** Metadata of a lease (none of them is the ownership tag: a lease is never a managed resource). */
export const LEASE_TAG = 'assistants-deploy.lease';
export const LEASE_HOLDER = 'assistants-deploy.lease.holder';
export const LEASE_PROCESS = 'assistants-deploy.lease.process';
export const LEASE_MACHINE = 'assistants-deploy.lease.machine';
export const LEASE_BEAT = 'assistants-deploy.lease.beat';
export const LEASE_COMMAND = 'assistants-deploy.lease.command';

/**
 * Whether an object's metadata makes it a deployment lease (of any deployment). Every part of the
 * tool that looks at the whole account (audit) leaves such objects alone: deleting a live lease
 * would let a second apply in while its holder still works.
 */
export function isLeaseMetadata(metadata: unknown): boolean {
  return typeof metadata === 'object' && metadata !== null && typeof (metadata as Record<string, unknown>)[LEASE_TAG] === 'string';
}

export interface LeaseRecord {
  id: string;
  created_at: number;
  deployment: string;
  /** Random per process: which leases are mine. */
  token: string;
  pid: number;
  host: string;
  machine: string;
  beat: string;
  command: string;
}

/** What the protocol needs from the account (tests give it an in-memory one). */
export interface LeaseStore {
  create(record: Omit<LeaseRecord, 'id' | 'created_at'>): Promise<string>;
  list(deployment: string): Promise<LeaseRecord[]>;
  /** false: the lease is gone. */
  renew(id: string, beat: string): Promise<boolean>;
  remove(id: string): Promise<void>;
}

export interface Holder {
  token: string;
  pid: number;
  host: string;
  machine: string;
}

export interface LeaseSettings {
  ttlMs: number;
  settleMs: number;
  waitMs: number;
  pollMs: number;
}

export const DEFAULT_LEASE: LeaseSettings = { ttlMs: 120_000, settleMs: 0, waitMs: 15 * 60_000, pollMs: 2_000 };

export interface LeaseEvents {
  waiting?(holder: LeaseRecord): void;
  broke?(lease: LeaseRecord, why: string): void;
  acquired?(id: string): void;
  lost?(why: string): void;
}

/**
 * This process, as a lease names it; `machine` is equal only where a pid means the same process.
 * ASSISTANTS_DEPLOY_LEASE_HOST (for tests) names the machine instead: a process with another name
 * counts as running elsewhere, so it cannot tell whether a lease's holder is still alive.
 */
export function thisHolder(env: NodeJS.ProcessEnv = process.env): Holder {
  const named = env.ASSISTANTS_DEPLOY_LEASE_HOST?.trim();
  if (named) {
    const machine = createHash('sha256').update(`named|${named}`).digest('hex').slice(0, 16);
    return { token: randomUUID(), pid: process.pid, host: named.slice(0, 200), machine };
  }
  let boot = '';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    boot = `boot-minute-${Math.round((Date.now() / 1000 - uptime()) / 60)}`;
  }
  let ns = '';
  try {
    ns = readlinkSync('/proc/self/ns/pid');
  } catch {
    ns = '';
  }
  const machine = createHash('sha256').update(`${hostname()}|${boot}|${ns}`).digest('hex').slice(0, 16);
  return { token: randomUUID(), pid: process.pid, host: hostname().slice(0, 200), machine };
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a holder lost a lease it found deleted. */
const gone = (id: string) => `its lease ${id} was deleted by another process (a waiter that found it stale, or someone by hand)`;

const older = (a: LeaseRecord, b: LeaseRecord) => a.created_at < b.created_at || (a.created_at === b.created_at && a.id < b.id);

export class Lease {
  private mine: string | undefined;
  private held = false;
  private lostWhy: string | undefined;
  private beat = 0;
  /** Clock time when the last renewal that succeeded was sent (the create counts). */
  private renewedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly seen = new Map<string, { beat: string; since: number }>();

  constructor(
    private readonly store: LeaseStore,
    private readonly deployment: string,
    private readonly command: string,
    private readonly holder: Holder,
    private readonly settings: LeaseSettings = DEFAULT_LEASE,
    private readonly events: LeaseEvents = {},
    private readonly clock: Clock = realClock,
    private readonly random: () => number = Math.random,
    private readonly alive: (pid: number) => boolean = processAlive,
  ) {}

  get id(): string | undefined {
    return this.mine;
  }

  /** Why this holder lost its lease (undefined while it holds it, or never held it). */
  get lost(): string | undefined {
    return this.lostWhy ?? (this.held ? this.fenced : undefined);
  }

  /**
   * Renews the lease now and says whether it is still held: false once it is lost (found deleted,
   * or not renewed in time). A transient failure of the renewal is not a loss (the fence decides).
   * Apply calls it between phases and before it reports success, so a lease deleted while it works
   * is noticed at the next phase rather than the next heartbeat.
   */
  async confirm(): Promise<boolean> {
    const id = this.mine;
    if (!this.held || !id) return true;
    if (this.fenced) return false;
    const sent = this.clock.now();
    try {
      if (!(await this.store.renew(id, String(++this.beat)))) {
        this.lose(gone(id));
        return false;
      }
      if (this.mine === id) this.renewedAt = sent;
    } catch {
      // transient: the fence decides when it is too late
    }
    return this.fenced === undefined;
  }

  /** Why requests are refused now (undefined while they are allowed). */
  get fenced(): string | undefined {
    if (!this.held) return undefined;
    if (this.lostWhy) return this.lostWhy;
    const quiet = this.clock.now() - this.renewedAt;
    if (quiet > this.fenceMs) {
      this.lose(`no renewal of the lease for ${Math.round(quiet / 1000)} s`);
      return this.lostWhy;
    }
    return undefined;
  }

  private get fenceMs(): number {
    return this.settings.ttlMs / 4;
  }

  private lose(why: string): void {
    if (this.lostWhy) return;
    this.lostWhy = why;
    this.events.lost?.(why);
  }

  private stale(l: LeaseRecord, now: number): string | undefined {
    if (l.machine === this.holder.machine && !this.alive(l.pid)) return `its process ${l.pid} on ${l.host} is gone`;
    const s = this.seen.get(l.id);
    if (!s || s.beat !== l.beat) {
      this.seen.set(l.id, { beat: l.beat, since: now });
      return undefined;
    }
    if (now - s.since > this.settings.ttlMs) return `no heartbeat for ${Math.round((now - s.since) / 1000)} s`;
    return undefined;
  }

  /** Waits for the lease; once `signal` aborts, throws its reason (a lease made meanwhile stays mine: release() removes it). */
  async acquire(signal?: AbortSignal): Promise<void> {
    const deadline = this.clock.now() + this.settings.waitMs;
    let told = false;
    for (;;) {
      signal?.throwIfAborted();
      const all = await this.store.list(this.deployment);
      const now = this.clock.now();
      // my own leases: the current one, and any left by a create whose answer was lost
      for (const l of all.filter((x) => x.token === this.holder.token && x.id !== this.mine)) await this.store.remove(l.id);
      if (this.mine && !all.some((x) => x.id === this.mine)) {
        await this.store.remove(this.mine);
        this.stop();
        this.mine = undefined;
      }
      const live: LeaseRecord[] = [];
      for (const l of all.filter((x) => x.token !== this.holder.token)) {
        const why = this.stale(l, now);
        if (why) {
          await this.store.remove(l.id);
          this.seen.delete(l.id);
          this.events.broke?.(l, why);
        } else {
          live.push(l);
        }
      }
      if (live.length === 0) {
        if (this.mine) {
          this.held = true;
          this.events.acquired?.(this.mine);
          return;
        }
        const sent = this.clock.now();
        this.mine = await this.store.create({
          deployment: this.deployment,
          token: this.holder.token,
          pid: this.holder.pid,
          host: this.holder.host,
          machine: this.holder.machine,
          beat: '0',
          command: this.command,
        });
        this.renewedAt = sent;
        this.startHeartbeat();
        if (this.settings.settleMs > 0) await sleepFor(this.clock, this.settings.settleMs, signal);
        continue;
      }
      const me = all.find((x) => x.id === this.mine);
      if (!me || !live.every((l) => older(me, l))) {
        // not the oldest contender: step back until no lease is left
        if (this.mine) {
          this.stop();
          await this.store.remove(this.mine);
          this.mine = undefined;
        }
        if (!told) {
          told = true;
          this.events.waiting?.(live.reduce((a, b) => (older(a, b) ? a : b)));
        }
      }
      if (this.clock.now() > deadline) {
        const h = live.reduce((a, b) => (older(a, b) ? a : b));
        throw new UserError(
          `deployment "${this.deployment}" is locked: another ${h.command} (pid ${h.pid} on ${h.host}) has held its lease ${h.id} for longer than ${Math.round(this.settings.waitMs / 1000)} s`,
          'wait for it to finish and run the command again; a lease whose holder died is broken automatically (at once on the same machine, after its heartbeat has stopped for 2 minutes elsewhere)',
        );
      }
      await sleepFor(this.clock, this.settings.pollMs * (0.5 + this.random()), signal);
    }
  }

  private startHeartbeat(): void {
    this.stop();
    const every = Math.min(2 ** 31 - 1, Math.max(50, this.settings.ttlMs / 12));
    const tick = async () => {
      const id = this.mine;
      if (!id || this.lostWhy) return;
      if (this.held && this.fenced) return;
      const sent = this.clock.now();
      try {
        const ok = await this.store.renew(id, String(++this.beat));
        if (!ok) {
          if (this.held) this.lose(gone(id));
          return;
        }
        if (this.mine === id) this.renewedAt = sent;
      } catch {
        // transient: the next tick tries again; the fence decides when it is too late
      }
      if (this.mine === id) this.timer = setTimeout(() => void tick(), every).unref();
    };
    this.timer = setTimeout(() => void tick(), every).unref();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Deletes my lease (best effort: a lease left behind is broken as stale). Says which lease it
   * deleted, and whether that worked (`undefined`: there was none).
   */
  async release(): Promise<{ id: string; removed: boolean; error?: string } | undefined> {
    this.stop();
    const id = this.mine;
    this.mine = undefined;
    this.held = false;
    if (!id) return undefined;
    try {
      await this.store.remove(id);
      return { id, removed: true };
    } catch (error) {
      return { id, removed: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Wraps fetch: once the lease is lost or not renewed in time, nothing more is sent. */
  fence(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      const why = this.fenced;
      if (why) {
        const message = `not sent: this ${this.command} lost its lease on deployment "${this.deployment}" (${why}), so another apply or destroy may be running`;
        return new Response(JSON.stringify({ error: { message, type: 'lease_lost', code: 'lease_lost', param: null } }), {
          status: 412,
          headers: { 'content-type': 'application/json' },
        });
      }
      return fetch(input, init);
    };
  }
}

/** The reason of `DeploymentLease.signal`: the lease was lost while the work ran. */
export class LeaseLost extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'LeaseLost';
  }
}

// ------------------------------------------------------------------ the account as a lease store

const isGone = (e: unknown) => e instanceof APIError && e.status === 404;

export function vectorStoreLeases(client: OpenAI): LeaseStore {
  const policy = { ...DEFAULT_RETRY, attempts: 6 };
  const toRecord = (v: OpenAI.VectorStores.VectorStore): LeaseRecord | undefined => {
    const m = (v.metadata ?? {}) as Record<string, string>;
    if (typeof m[LEASE_TAG] !== 'string' || typeof m[LEASE_HOLDER] !== 'string') return undefined;
    const [pid, ...host] = (m[LEASE_PROCESS] ?? '').split('@');
    return {
      id: v.id,
      created_at: v.created_at,
      deployment: m[LEASE_TAG],
      token: m[LEASE_HOLDER],
      pid: Number(pid),
      host: host.join('@'),
      machine: m[LEASE_MACHINE] ?? '',
      beat: m[LEASE_BEAT] ?? '',
      command: m[LEASE_COMMAND] ?? 'apply',
    };
  };
  const created = new Map<string, Record<string, string>>();
  const list = async (deployment: string) => {
    const { items } = await readAll(client.vectorStores.list({ limit: PAGE.list }, { maxRetries: 8 }));
    return items.map(toRecord).filter((r): r is LeaseRecord => r !== undefined && r.deployment === deployment);
  };
  return {
    async create(r) {
      const metadata = {
        [LEASE_TAG]: r.deployment,
        [LEASE_HOLDER]: r.token,
        [LEASE_PROCESS]: `${r.pid}@${r.host}`.slice(0, 512),
        [LEASE_MACHINE]: r.machine,
        [LEASE_BEAT]: r.beat,
        [LEASE_COMMAND]: r.command,
      };
      const made = await withRetry<{ id: string }>(
        () =>
          client.vectorStores.create(
            { name: `assistants-deploy lease: ${r.deployment}`, metadata, expires_after: { anchor: 'last_active_at', days: 1 } },
            { maxRetries: 0 },
          ),
        { policy, hooks: { recover: async () => (await list(r.deployment)).find((l) => l.token === r.token) } },
      );
      created.set(made.id, metadata);
      return made.id;
    },
    list,
    async renew(id, beat) {
      try {
        // metadata is replaced whole: send all of it again with the new beat
        const metadata = created.get(id);
        if (!metadata) return false;
        await client.vectorStores.update(id, { metadata: { ...metadata, [LEASE_BEAT]: beat } }, { maxRetries: 2 });
        return true;
      } catch (error) {
        if (isGone(error)) return false;
        throw error;
      }
    },
    async remove(id) {
      try {
        await client.vectorStores.delete(id, { maxRetries: 4 });
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    },
  };
}

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
