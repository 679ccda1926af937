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
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KillPoint } from '../helpers/crash.js';
import { table, recordFigures } from '../helpers/reliability/figures.js';
import { expectExactlyB, expectNothingOwned, expectStrangersUntouched, makeBaseline, prng, restore } from '../helpers/reliability/scenario.js';
import type { Baseline } from '../helpers/reliability/scenario.js';

const RUNS = Number(process.env.RELIABILITY_CRASH_RUNS ?? 50);
const APPLY_RUNS = Math.round((RUNS * 34) / 50);
const DESTROY_RUNS = RUNS - APPLY_RUNS;
const APPLY = ['apply', '--auto-approve', '--allow-mass-delete'];
const DESTROY = ['destroy', '--auto-approve'];

const FAULT_RUNS = Number(process.env.RELIABILITY_CRASH_FAULT_RUNS ?? 3);
/** The faults of the second part: the kind (as the table names it) and its spec. */
const FAULTS = [
  { kind: 'drop-after', spec: (seed: number) => `seed=${seed},drop-after=0.1`, destroy: true },
  { kind: '500-after', spec: (seed: number) => `seed=${seed},500-after=0.1`, destroy: true },
  { kind: 'index-fail', spec: (seed: number) => `seed=${seed},index-fail=0.3`, destroy: false },
] as const;
type FaultKind = (typeof FAULTS)[number]['kind'];
const MAX_RERUNS = 3;

let base: Baseline;
/** Requests an unkilled run sends, by command and fault ('' none). */
const requests = new Map<string, number>();
const rows: (string | number)[][] = [];

async function measure(command: 'apply' | 'destroy', fault?: (typeof FAULTS)[number]): Promise<void> {
  const account = await restore(base);
  try {
    if (fault) account.emu.setFaults(fault.spec(1));
    const from = account.emu.log.length;
    const r = await account.run(command === 'apply' ? APPLY : DESTROY, command === 'apply' ? base.b : base.a);
    // under index-fail an unkilled run may end with a file that failed every time: its count still stands
    if (!fault) expect(r.code, r.stderr).toBe(0);
    requests.set(`${command} ${fault?.kind ?? ''}`, account.emu.log.length - from);
  } finally {
    await account.close();
  }
}

beforeAll(async () => {
  base = await makeBaseline();
  // how many requests an unkilled run sends: the range the kill points are drawn from
  for (const command of ['apply', 'destroy'] as const) {
    await measure(command);
    for (const f of FAULTS) if (command === 'apply' || f.destroy) await measure(command, f);
  }
}, 300_000);

afterAll(() => {
  if (rows.length === 0) return;
  const header = ['command', 'seed', 'k', 'N', 'rerun exit', 'rerun requests', 'stale lease broken', 'seconds', 'faults', 'reruns'];
  console.log(`crash matrix (SIGKILL after request k of N, then a rerun):\n${table(header, rows)}`);
  recordFigures('crash', { runs: rows.length, apply_requests: requests.get('apply '), destroy_requests: requests.get('destroy '), requests: Object.fromEntries(requests), header, rows });
});

async function crashRun(command: 'apply' | 'destroy', seed: number, fault?: (typeof FAULTS)[number]): Promise<void> {
  const started = performance.now();
  const n = requests.get(`${command} ${fault?.kind ?? ''}`)!;
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
    if (command === 'apply') await expectExactlyB(account.client, dir);
    else await expectNothingOwned(account.client);
    await expectStrangersUntouched(account.client, base.strangers);
    // the rerun left nothing to do
    const again = await account.run(command === 'apply' ? ['plan', '--detailed-exitcode'] : DESTROY, dir);
    expect(again.code, again.stdout).toBe(0);
    if (command === 'destroy') expect(again.stderr).toContain('owns nothing on this target');
    rows.push([command, seed, k, n, String(rerun.code), rerunRequests, /(Broke|Removed) the stale lease/.test(rerun.stderr) ? 'yes' : 'no', ((performance.now() - started) / 1000).toFixed(1), fault?.kind ?? 'none', reruns]);
  } finally {
    await account.close();
  }
}

describe('crash matrix', () => {
  it.each(Array.from({ length: APPLY_RUNS }, (_, i) => 1000 + i))('apply killed at a random point converges on rerun (seed %i)', (seed) => crashRun('apply', seed), 120_000);
  it.each(Array.from({ length: DESTROY_RUNS }, (_, i) => 2000 + i))('destroy killed at a random point converges on rerun (seed %i)', (seed) => crashRun('destroy', seed), 120_000);
});

const faultCases = (command: 'apply' | 'destroy', first: number) =>
  FAULTS.filter((f) => command === 'apply' || f.destroy).flatMap((f, j) =>
    Array.from({ length: command === 'apply' ? FAULT_RUNS : Math.ceil(FAULT_RUNS / 2) }, (_, i) => [f.kind, first + j * 100 + i] as [FaultKind, number]),
  );

describe('crash matrix under after-handler faults and failed indexing', () => {
  it.each(faultCases('apply', 3000))('apply under %s killed at a random point converges on reruns (seed %i)', (kind, seed) => crashRun('apply', seed, FAULTS.find((f) => f.kind === kind)), 180_000);
  it.each(faultCases('destroy', 4000))('destroy under %s killed at a random point converges on rerun (seed %i)', (kind, seed) => crashRun('destroy', seed, FAULTS.find((f) => f.kind === kind)), 180_000);
});

/** After the first request of each kind apply A -> B sends, and after later ones of the kinds it sends several of. */
const KILL_POINTS: KillPoint[] = [
  { method: 'GET', route: '/v1/assistants', nth: 1 },
  { method: 'GET', route: '/v1/files', nth: 1 },
  { method: 'GET', route: '/v1/models', nth: 1 },
  { method: 'GET', route: '/v1/vector_stores', nth: 1 },
  { method: 'GET', route: '/v1/vector_stores/{vector_store_id}/files', nth: 1 },
  { method: 'POST', route: '/v1/files', nth: 1 },
  { method: 'POST', route: '/v1/files', nth: 2 },
  { method: 'POST', route: '/v1/files', nth: 4 },
  { method: 'POST', route: '/v1/files', nth: 7 },
  { method: 'POST', route: '/v1/vector_stores', nth: 1 },
  { method: 'POST', route: '/v1/vector_stores', nth: 2 },
  { method: 'POST', route: '/v1/vector_stores/{vector_store_id}', nth: 1 },
  { method: 'DELETE', route: '/v1/vector_stores/{vector_store_id}/files/{file_id}', nth: 1 },
  { method: 'POST', route: '/v1/vector_stores/{vector_store_id}/file_batches', nth: 1 },
  { method: 'POST', route: '/v1/vector_stores/{vector_store_id}/file_batches', nth: 2 },
  { method: 'POST', route: '/v1/vector_stores/{vector_store_id}/file_batches', nth: 3 },
  { method: 'GET', route: '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}', nth: 1 },
  { method: 'GET', route: '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}', nth: 2 },
  { method: 'POST', route: '/v1/vector_stores/{vector_store_id}/files/{file_id}', nth: 1 },
  { method: 'POST', route: '/v1/assistants', nth: 1 },
  { method: 'POST', route: '/v1/assistants/{assistant_id}', nth: 1 },
  { method: 'POST', route: '/v1/assistants/{assistant_id}', nth: 2 },
  { method: 'DELETE', route: '/v1/assistants/{assistant_id}', nth: 1 },
  { method: 'DELETE', route: '/v1/vector_stores/{vector_store_id}', nth: 1 },
  { method: 'DELETE', route: '/v1/vector_stores/{vector_store_id}', nth: 2 },
  { method: 'DELETE', route: '/v1/files/{file_id}', nth: 1 },
  { method: 'DELETE', route: '/v1/files/{file_id}', nth: 2 },
  { method: 'DELETE', route: '/v1/files/{file_id}', nth: 3 },
];

describe('apply killed after each kind of request', () => {
  it('has a kill point for every kind of request apply A -> B sends', async () => {
    const account = await restore(base);
    try {
      const from = account.emu.log.length;
      const applied = await account.run(APPLY, base.b);
      expect(applied.code, applied.stderr).toBe(0);
      const sent = new Set(account.emu.log.slice(from).map((e) => `${e.method} ${e.route}`));
      const covered = new Set(KILL_POINTS.filter((k) => k.nth === 1).map((k) => `${k.method} ${k.route}`));
      expect([...sent].sort()).toEqual([...covered].sort());
    } finally {
      await account.close();
    }
  }, 120_000);

  it.each(KILL_POINTS.map((k) => [`${k.method} ${k.route} #${k.nth}`, k] as const))('killed after %s, a rerun converges', async (_name, kill) => {
    const account = await restore(base);
    try {
      const crashed = await account.run(APPLY, base.b, kill);
      expect(crashed.killed, `the kill point was never reached:\n${crashed.stdout}\n${crashed.stderr}`).toBe(true);
      const rerun = await account.run(APPLY, base.b);
      expect(rerun.code, rerun.stderr).toBe(0);
      await expectExactlyB(account.client, base.b);
      await expectStrangersUntouched(account.client, base.strangers);
      const plan = await account.run(['plan', '--detailed-exitcode'], base.b);
      expect(plan.code, plan.stdout).toBe(0);
    } finally {
      await account.close();
    }
  }, 120_000);
});
