/**
 * Crash matrix (issue 9): SIGKILL at seeded random points of apply (A -> B) and destroy, then a
 * rerun of the same command. Every run converges: the account holds exactly B (or nothing after
 * destroy), with zero duplicates, zero orphaned uploads, no lease left behind, and the resources the
 * deployment does not own untouched. The kill point is "after the emulator answered the k-th
 * request", k drawn from 1..N where N is what an unkilled run sends, so every phase is hit,
 * including the lease's own requests.
 *
 * RELIABILITY_CRASH_RUNS (default 50: 34 apply, 16 destroy) scales it.
 *
 * Then the same under the faults the emulator can inject after it acted (issue 14, item 12): the
 * answer to a handled request lost (drop-after) or turned into a 500 (500-after), and vector-store
 * files whose indexing ends `failed` (index-fail). The killed run and its reruns run under the
 * fault (the reruns until one exits 0, at most 3: a file can fail its indexing every time); the
 * check, with the faults off, is the same exact one. RELIABILITY_CRASH_FAULT_RUNS (default 3) is
 * the number of apply runs per fault; destroy gets half as many for the after-handler faults.
 *
 * And at named points: after the first request of each kind (method and route) apply A -> B
 * sends, list reads included, and after later ones of the kinds it sends several of; a guard test
 * fails when the apply sends a kind that has no kill point.
 *
 * Every part runs on each kind of target of test/helpers/reliability/targets.ts: an
 * OpenAI-compatible account with the Assistants API, and a Microsoft Foundry project (the
 * assistants as prompt agents, where the exact check also finds a version written twice). The
 * Foundry runs are fewer (RELIABILITY_CRASH_RUNS_FOUNDRY, default 10: 7 apply, 3 destroy; one run
 * per fault); RELIABILITY_TARGETS=openai (or foundry) runs one kind only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KillPoint } from '../helpers/crash.js';
import { table, recordFigures } from '../helpers/reliability/figures.js';
import { expectExactlyB, expectNothingOwned, expectStrangersUntouched, makeBaseline, prng, restore } from '../helpers/reliability/scenario.js';
import type { Baseline } from '../helpers/reliability/scenario.js';
import { matrixTargets, type MatrixTarget } from '../helpers/reliability/targets.js';

const APPLY = ['apply', '--auto-approve', '--allow-mass-delete'];
const DESTROY = ['destroy', '--auto-approve'];

/** How many runs each kind of target gets: a Foundry project's are fewer (they are slower). */
function counts(target: MatrixTarget): { apply: number; destroy: number; faultRuns: number } {
  const runs = Number(target.name === 'foundry' ? (process.env.RELIABILITY_CRASH_RUNS_FOUNDRY ?? 10) : (process.env.RELIABILITY_CRASH_RUNS ?? 50));
  const apply = Math.round((runs * 34) / 50);
  return { apply, destroy: runs - apply, faultRuns: Number(target.name === 'foundry' ? (process.env.RELIABILITY_CRASH_FAULT_RUNS_FOUNDRY ?? 1) : (process.env.RELIABILITY_CRASH_FAULT_RUNS ?? 3)) };
}

/** The faults of the second part: the kind (as the table names it) and its spec. */
const FAULTS = [
  { kind: 'drop-after', spec: (seed: number) => `seed=${seed},drop-after=0.1`, destroy: true },
  { kind: '500-after', spec: (seed: number) => `seed=${seed},500-after=0.1`, destroy: true },
  { kind: 'index-fail', spec: (seed: number) => `seed=${seed},index-fail=0.3`, destroy: false },
] as const;
type FaultKind = (typeof FAULTS)[number]['kind'];
const MAX_RERUNS = 3;

/** What the runs on one kind of target share: the baseline, an unkilled run's request counts, the figures. */
interface Matrix {
  target: MatrixTarget;
  base: Baseline;
  /** Requests an unkilled run sends, by command and fault ('' none). */
  requests: Map<string, number>;
  rows: (string | number)[][];
}

async function measure(m: Matrix, command: 'apply' | 'destroy', fault?: (typeof FAULTS)[number]): Promise<void> {
  const account = await restore(m.base);
  try {
    if (fault) account.emu.setFaults(fault.spec(1));
    const from = account.emu.log.length;
    const r = await account.run(command === 'apply' ? APPLY : DESTROY, command === 'apply' ? m.base.b : m.base.a);
    // under index-fail an unkilled run may end with a file that failed every time: its count still stands
    if (!fault) expect(r.code, r.stderr).toBe(0);
    m.requests.set(`${command} ${fault?.kind ?? ''}`, account.emu.log.length - from);
  } finally {
    await account.close();
  }
}

async function crashRun(m: Matrix, command: 'apply' | 'destroy', seed: number, fault?: (typeof FAULTS)[number]): Promise<void> {
  const { base } = m;
  const started = performance.now();
  const n = m.requests.get(`${command} ${fault?.kind ?? ''}`)!;
  let k = 1 + Math.floor(prng(seed)() * n);
  let account = await restore(base);
  try {
    const args = command === 'apply' ? APPLY : DESTROY;
    const dir = command === 'apply' ? base.b : base.a;
    if (fault) account.emu.setFaults(fault.spec(seed));
    const start = account.emu.log.length;
    let killed = await account.run(args, dir, { nth: k });
    if (!killed.killed) {
      // this run sent fewer requests than the unkilled one measured above (how often indexing is
      // polled depends on timing): it must have finished cleanly; then kill a fresh run at its last
      // request instead, so every seed still crashes once
      // (under index-fail it may also have ended with a file that failed every attachment)
      if (fault?.kind !== 'index-fail') expect(killed.code, `never reached request ${k} of ${n}, and did not finish:\n${killed.stderr}`).toBe(0);
      const sent = account.emu.log.length - start;
      expect(sent, `never reached request ${k} of ${n}`).toBeLessThan(k);
      await account.close();
      account = await restore(base);
      if (fault) account.emu.setFaults(fault.spec(seed));
      k = sent;
      killed = await account.run(args, dir, { nth: k });
    }
    expect(killed.killed, `never reached request ${k} of ${n}:\n${killed.stderr}`).toBe(true);
    const from = account.emu.log.length;
    let rerun = await account.run(args, dir);
    let reruns = 1;
    // under faults a rerun may itself end with a failure (a file failed every attachment): run again
    while (fault && rerun.code !== 0 && reruns < MAX_RERUNS) {
      rerun = await account.run(args, dir);
      reruns++;
    }
    expect(rerun.code, rerun.stderr).toBe(0);
    const rerunRequests = account.emu.log.length - from;
    account.emu.setFaults(undefined);
    if (command === 'apply') await expectExactlyB(account, dir);
    else await expectNothingOwned(account);
    await expectStrangersUntouched(account, base.strangers);
    // the rerun left nothing to do
    const again = await account.run(command === 'apply' ? ['plan', '--detailed-exitcode'] : DESTROY, dir);
    expect(again.code, again.stdout).toBe(0);
    if (command === 'destroy') expect(again.stderr).toContain('owns nothing on this target');
    m.rows.push([command, seed, k, n, String(rerun.code), rerunRequests, /(Broke|Removed) the stale lease/.test(rerun.stderr) ? 'yes' : 'no', ((performance.now() - started) / 1000).toFixed(1), fault?.kind ?? 'none', reruns]);
  } finally {
    await account.close();
  }
}

const faultCases = (command: 'apply' | 'destroy', first: number, runs: number) =>
  FAULTS.filter((f) => command === 'apply' || f.destroy).flatMap((f, j) =>
    Array.from({ length: command === 'apply' ? runs : Math.ceil(runs / 2) }, (_, i) => [f.kind, first + j * 100 + i] as [FaultKind, number]),
  );

describe.each(matrixTargets())('on $name', (target) => {
  const m = { target, requests: new Map(), rows: [] } as unknown as Matrix;
  const n = counts(target);

  beforeAll(async () => {
    m.base = await makeBaseline(target);
    // how many requests an unkilled run sends: the range the kill points are drawn from
    for (const command of ['apply', 'destroy'] as const) {
      await measure(m, command);
      for (const f of FAULTS) if (command === 'apply' || f.destroy) await measure(m, command, f);
    }
  }, 300_000);

  afterAll(() => {
    if (m.rows.length === 0) return;
    const header = ['command', 'seed', 'k', 'N', 'rerun exit', 'rerun requests', 'stale lease broken', 'seconds', 'faults', 'reruns'];
    console.log(`crash matrix on ${target.name} (SIGKILL after request k of N, then a rerun):\n${table(header, m.rows)}`);
    recordFigures(target.name === 'openai' ? 'crash' : `crash-${target.name}`, { runs: m.rows.length, apply_requests: m.requests.get('apply '), destroy_requests: m.requests.get('destroy '), requests: Object.fromEntries(m.requests), header, rows: m.rows });
  });

  describe('crash matrix', () => {
    it.each(Array.from({ length: n.apply }, (_, i) => 1000 + i))('apply killed at a random point converges on rerun (seed %i)', (seed) => crashRun(m, 'apply', seed), 120_000);
    it.each(Array.from({ length: n.destroy }, (_, i) => 2000 + i))('destroy killed at a random point converges on rerun (seed %i)', (seed) => crashRun(m, 'destroy', seed), 120_000);
  });

  describe('crash matrix under after-handler faults and failed indexing', () => {
    it.each(faultCases('apply', 3000, n.faultRuns))('apply under %s killed at a random point converges on reruns (seed %i)', (kind, seed) => crashRun(m, 'apply', seed, FAULTS.find((f) => f.kind === kind)), 180_000);
    it.each(faultCases('destroy', 4000, n.faultRuns))('destroy under %s killed at a random point converges on rerun (seed %i)', (kind, seed) => crashRun(m, 'destroy', seed, FAULTS.find((f) => f.kind === kind)), 180_000);
  });

  /** After the first request of each kind apply A -> B sends, and after later ones of the kinds it sends several of. */
  const KILL_POINTS: KillPoint[] = target.killPoints;

  describe('apply killed after each kind of request', () => {
    it('has a kill point for every kind of request apply A -> B sends', async () => {
      const account = await restore(m.base);
      try {
        const from = account.emu.log.length;
        const applied = await account.run(APPLY, m.base.b);
        expect(applied.code, applied.stderr).toBe(0);
        const sent = new Set(account.emu.log.slice(from).map((e) => `${e.method} ${e.route}`));
        const covered = new Set(KILL_POINTS.filter((k) => k.nth === 1).map((k) => `${k.method} ${k.route}`));
        expect([...sent].sort()).toEqual([...covered].sort());
      } finally {
        await account.close();
      }
    }, 120_000);

    it.each(KILL_POINTS.map((k) => [`${k.method} ${k.route} #${k.nth}`, k] as const))('killed after %s, a rerun converges', async (_name, kill) => {
      const account = await restore(m.base);
      try {
        const crashed = await account.run(APPLY, m.base.b, kill);
        expect(crashed.killed, `the kill point was never reached:\n${crashed.stdout}\n${crashed.stderr}`).toBe(true);
        const rerun = await account.run(APPLY, m.base.b);
        expect(rerun.code, rerun.stderr).toBe(0);
        await expectExactlyB(account, m.base.b);
        await expectStrangersUntouched(account, m.base.strangers);
        const plan = await account.run(['plan', '--detailed-exitcode'], m.base.b);
        expect(plan.code, plan.stdout).toBe(0);
      } finally {
        await account.close();
      }
    }, 120_000);
  });
});
