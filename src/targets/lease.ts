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
 *
 * Here: the protocol and the lease's metadata. Who this process is: lease-holder.ts; the account
 * as a store of leases: lease-store.ts; the lease as commands hold it: deployment-lease.ts.
 */
import { UserError } from '../errors.js';
import { realClock, sleepFor } from './pace.js';
import type { Clock } from './pace.js';
import { processAlive } from './lease-holder.js';
import type { Holder } from './lease-holder.js';

export type { Holder } from './lease-holder.js';

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
