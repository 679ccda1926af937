/**
 * The lease protocol (src/targets/lease.ts) against an in-memory account whose every request is
 * delivered, and answered, in an order fast-check's scheduler chooses: 2 to 4 contenders, some of
 * which die while holding the lease. At no moment may two hold it; every contender that lives gets
 * it in the end. Then its timing rules with a fake clock: stale leases, heartbeats and the fence.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lease } from '../../src/targets/lease.js';
import type { Holder, LeaseRecord, LeaseStore } from '../../src/targets/lease.js';
import type { Clock } from '../../src/targets/pace.js';

/** A linearizable store: a request takes effect when the scheduler lets it arrive; its answer is scheduled apart. */
function modelStore(s: fc.Scheduler, log: string[]): LeaseStore & { records: Map<string, LeaseRecord> } {
  const records = new Map<string, LeaseRecord>();
  let seq = 0;
  const hop = (label: string) => s.schedule(Promise.resolve(label), label);
  return {
    records,
    async create(r) {
      await hop(`create ${r.token} arrives`);
      seq++;
      // equal timestamps (one-second resolution) and ids that do not follow creation order
      const rec: LeaseRecord = { ...r, id: `vs_${String((seq * 7919) % 1009).padStart(4, '0')}`, created_at: Math.floor(seq / 3) };
      records.set(rec.id, rec);
      log.push(`create ${rec.id} by ${r.token}`);
      await hop(`create ${r.token} answered`);
      return rec.id;
    },
    async list(deployment) {
      await hop('list arrives');
      const out = [...records.values()].filter((r) => r.deployment === deployment).map((r) => ({ ...r }));
      await hop('list answered');
      return out;
    },
    async renew(id, beat) {
      await hop(`renew ${id}`);
      const r = records.get(id);
      if (!r) return false;
      r.beat = beat;
      return true;
    },
    async remove(id) {
      await hop(`remove ${id} arrives`);
      records.delete(id);
      log.push(`remove ${id}`);
      await hop(`remove ${id} answered`);
    },
  };
}

describe('lease protocol under every interleaving fast-check tries', () => {
  it('mutual exclusion and progress: 2-4 contenders, holders that die, 400 schedules', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), async (s, n, dies) => {
        const log: string[] = [];
        const store = modelStore(s, log);
        const alive = new Set(Array.from({ length: n }, (_, i) => i + 1));
        let virtual = 0;
        const clock: Clock = {
          now: () => virtual,
          sleep: async (ms: number) => {
            await s.schedule(Promise.resolve('sleep'), 'sleep');
            virtual += ms;
          },
        };
        const inside = new Set<number>();
        let most = 0;
        const done: number[] = [];
        const contender = async (i: number) => {
          const holder: Holder = { token: `t${i}`, pid: i + 1, host: 'h', machine: 'm' };
          const lease = new Lease(store, 'd', 'apply', holder, { ttlMs: 1e12, settleMs: 0, waitMs: 1e12, pollMs: 1000 }, {}, clock, () => 0.5, (pid) => alive.has(pid));
          await lease.acquire();
          inside.add(i);
          most = Math.max(most, inside.size);
          log.push(`t${i} holds`);
          await s.schedule(Promise.resolve(`work ${i}`), `work ${i}`);
          inside.delete(i);
          if (dies[i]) {
            // killed while holding: never releases; its process is gone
            alive.delete(i + 1);
            log.push(`t${i} dies`);
            return;
          }
          await lease.release();
          done.push(i);
        };
        const all = Promise.all(Array.from({ length: n }, (_, i) => contender(i)));
        await s.waitFor(all);
        expect(most, log.join('\n')).toBe(1);
        expect(done.length + dies.slice(0, n).filter(Boolean).length).toBe(n);
        // a dead holder's lease is left only if nobody came after it
        expect([...store.records.values()].every((r) => !alive.has(r.pid))).toBe(true);
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});

class FakeClock implements Clock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
    await Promise.resolve();
  }
}

function memoryStore(): LeaseStore & { records: Map<string, LeaseRecord>; failRenew: boolean } {
  const records = new Map<string, LeaseRecord>();
  let seq = 0;
  const store = {
    records,
    failRenew: false,
    async create(r: Omit<LeaseRecord, 'id' | 'created_at'>) {
      const id = `vs_${++seq}`;
      records.set(id, { ...r, id, created_at: seq });
      return id;
    },
    async list(deployment: string) {
      return [...records.values()].filter((r) => r.deployment === deployment).map((r) => ({ ...r }));
    },
    async renew(id: string, beat: string) {
      if (store.failRenew) throw new Error('connection reset');
      const r = records.get(id);
      if (!r) return false;
      r.beat = beat;
      return true;
    },
    async remove(id: string) {
      records.delete(id);
    },
  };
  return store;
}

const SETTINGS = { ttlMs: 60_000, settleMs: 0, waitMs: 10 * 60_000, pollMs: 1_000 };
const remote = (store: ReturnType<typeof memoryStore>, beat = '0') =>
  store.create({ deployment: 'd', token: 'other', pid: 4242, host: 'ci-runner-7', machine: 'elsewhere', beat, command: 'apply' });

describe('lease timing (fake clock)', () => {
  it('a lease held on another machine is broken only after its heartbeat has stood still for the whole TTL', async () => {
    const store = memoryStore();
    const clock = new FakeClock();
    const id = await remote(store);
    const broke: string[] = [];
    const lease = new Lease(store, 'd', 'apply', { token: 'me', pid: 1, host: 'h', machine: 'here' }, SETTINGS, { broke: (l, why) => broke.push(`${l.id}: ${why}`) }, clock, () => 0.5, () => true);
    const started = clock.now();
    await lease.acquire();
    expect(broke).toEqual([expect.stringMatching(new RegExp(`^${id}: no heartbeat for 6\\d s$`))]);
    expect(clock.now() - started).toBeGreaterThan(SETTINGS.ttlMs);
    expect(clock.now() - started).toBeLessThan(SETTINGS.ttlMs + 3 * SETTINGS.pollMs);
    await lease.release();
  });

  it('a live holder elsewhere (its heartbeat moves) is never broken; the waiter gives up with a clear error', async () => {
    const store = memoryStore();
    const clock = new FakeClock();
    const id = await remote(store);
    let beat = 0;
    const ticking = setInterval(() => void store.renew(id, String(++beat)), 1);
    const lease = new Lease(store, 'd', 'destroy', { token: 'me', pid: 1, host: 'h', machine: 'here' }, { ...SETTINGS, waitMs: 5 * 60_000 }, {}, clock, () => 0.5, () => true);
    // the fake clock moves 1 s per poll; the real interval bumps the beat between polls
    const slowClock: Clock = { now: () => clock.now(), sleep: async (ms) => { clock.t += ms; await new Promise((r) => setTimeout(r, 3)); } };
    const waiting = new Lease(store, 'd', 'destroy', { token: 'me2', pid: 2, host: 'h', machine: 'here' }, { ...SETTINGS, waitMs: 5 * 60_000 }, {}, slowClock, () => 0.5, () => true);
    await expect(waiting.acquire()).rejects.toThrow(/deployment "d" is locked: another apply \(pid 4242 on ci-runner-7\) has held its lease vs_1 for longer than 300 s/);
    clearInterval(ticking);
    expect(store.records.has(id)).toBe(true);
    expect([...store.records.values()].map((r) => r.token)).toEqual(['other']);
    void lease;
  });

  it('a lease of a dead process on this machine is broken at once', async () => {
    const store = memoryStore();
    const clock = new FakeClock();
    await store.create({ deployment: 'd', token: 'dead', pid: 999_999, host: 'h', machine: 'here', beat: '3', command: 'apply' });
    const lease = new Lease(store, 'd', 'apply', { token: 'me', pid: 1, host: 'h', machine: 'here' }, SETTINGS, {}, clock, () => 0.5, (pid) => pid !== 999_999);
    const started = clock.now();
    await lease.acquire();
    expect(clock.now() - started).toBe(0);
    expect([...store.records.values()].map((r) => r.token)).toEqual(['me']);
    await lease.release();
    expect(store.records.size).toBe(0);
  });

  it('leases of other deployments are neither waited for nor touched', async () => {
    const store = memoryStore();
    await store.create({ deployment: 'other', token: 'x', pid: 5, host: 'h', machine: 'm', beat: '0', command: 'apply' });
    const lease = new Lease(store, 'd', 'apply', { token: 'me', pid: 1, host: 'h', machine: 'here' }, SETTINGS, {}, new FakeClock(), () => 0.5, () => true);
    await lease.acquire();
    await lease.release();
    expect([...store.records.values()].map((r) => r.deployment)).toEqual(['other']);
  });

  it('the fence: from TTL/4 without a successful renewal, or once the lease is broken, nothing is sent', async () => {
    const store = memoryStore();
    const clock = new FakeClock();
    const lost: string[] = [];
    const lease = new Lease(store, 'd', 'apply', { token: 'me', pid: 1, host: 'h', machine: 'here' }, SETTINGS, { lost: (w) => lost.push(w) }, clock, () => 0.5, () => true);
    let sent = 0;
    const fetch = lease.fence(async () => {
      sent++;
      return new Response('{}', { status: 200 });
    });
    await lease.acquire();
    expect((await fetch('http://x/v1/assistants')).status).toBe(200);
    clock.t += SETTINGS.ttlMs / 4 - 1;
    expect((await fetch('http://x/v1/assistants')).status).toBe(200);
    clock.t += 2;
    const refused = await fetch('http://x/v1/assistants', { method: 'POST' });
    expect(refused.status).toBe(412);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^not sent: this apply lost its lease on deployment "d" \(no renewal of the lease for 15 s\)/);
    expect(sent).toBe(2);
    expect(lost).toHaveLength(1);
    // once fenced, a late renewal does not bring it back
    clock.t -= SETTINGS.ttlMs;
    expect((await fetch('http://x/v1/assistants')).status).toBe(412);
    await lease.release();
  });

  it('a holder whose lease was deleted by someone else stops at its next heartbeat', async () => {
    const store = memoryStore();
    const lease = new Lease(store, 'd', 'apply', { token: 'me', pid: 1, host: 'h', machine: 'here' }, { ...SETTINGS, ttlMs: 600 }, {}, { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, () => 0.5, () => true);
    await lease.acquire();
    const fetch = lease.fence(async () => new Response('{}', { status: 200 }));
    expect((await fetch('http://x/')).status).toBe(200);
    store.records.clear();
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch('http://x/')).status).toBe(412);
    expect(lease.fenced).toMatch(/^its lease \S+ was deleted by another process/);
    await lease.release();
  });

  it('heartbeats keep a holder valid past TTL/4; failing ones fence it', async () => {
    const store = memoryStore();
    const real: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
    const lease = new Lease(store, 'd', 'apply', { token: 'me', pid: 1, host: 'h', machine: 'here' }, { ...SETTINGS, ttlMs: 1_200 }, {}, real, () => 0.5, () => true);
    await lease.acquire();
    await new Promise((r) => setTimeout(r, 700)); // > TTL/4 = 300 ms, heartbeats every 100 ms
    expect(lease.fenced).toBeUndefined();
    expect(Number(store.records.get(lease.id!)!.beat)).toBeGreaterThan(3);
    store.failRenew = true;
    await new Promise((r) => setTimeout(r, 500));
    expect(lease.fenced).toMatch(/^no renewal of the lease for 0 s|^no renewal of the lease for 1 s/);
    await lease.release();
  });
});
