/**
 * Concurrency (issue 9): applies and destroys of one deployment started together, through the
 * real CLI. The deployment lease (src/targets/lease.ts) lets one change the account at a time; the
 * other waits, reads the account again and plans again. Then the lease's failure modes: a holder
 * killed (same machine: broken at once), a holder elsewhere that stopped (broken after the TTL), a
 * live holder (never broken: the waiter gives up), and a holder paused past its TTL (its lease is
 * broken, and when it wakes up its fence sends nothing more).
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEASE_BEAT, LEASE_COMMAND, LEASE_HOLDER, LEASE_MACHINE, LEASE_PROCESS, LEASE_TAG } from '../../src/targets/lease.js';
import { copyExample } from '../helpers/deploy.js';
import { inventory, problems, startCrashAccount } from '../helpers/crash.js';
import { recordFigures, table } from '../helpers/reliability/figures.js';
import { DEPLOYMENT, expectExactlyB, expectNothingOwned, expectStrangersUntouched, leases, makeBaseline, restore } from '../helpers/reliability/scenario.js';
import type { Baseline } from '../helpers/reliability/scenario.js';

const APPLY = ['apply', '--auto-approve', '--allow-mass-delete'];
const FAST = { ASSISTANTS_DEPLOY_LEASE_POLL_MS: '200' };

let base: Baseline;
const rows: (string | number)[][] = [];

beforeAll(async () => {
  base = await makeBaseline();
}, 300_000);

afterAll(() => {
  if (rows.length === 0) return;
  console.log(`concurrency (two commands started together):\n${table(['case', 'exit codes', 'waited', 'changes made (first, second)', 'seconds'], rows)}`);
  recordFigures('concurrency', rows);
});

function copyOf(dir: string): string {
  const c = mkdtempSync(path.join(tmpdir(), 'ad-rel-copy-'));
  cpSync(dir, c, { recursive: true });
  return c;
}

const summary = (out: string) => /Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(out)?.slice(1).join('/') ?? 'none';

describe('two commands of one deployment started together', () => {
  it.each([1, 2, 3])('two applies A -> B (round %i): both succeed, the account is exactly B, no duplicates', async (round) => {
    const started = performance.now();
    const account = await restore(base);
    try {
      const dirs = round === 3 ? [base.b, base.b] : [copyOf(base.b), copyOf(base.b)]; // round 3: one working folder
      const [x, y] = await Promise.all(dirs.map((d) => account.run(APPLY, d, undefined, FAST)));
      expect(x!.code, x!.stderr).toBe(0);
      expect(y!.code, y!.stderr).toBe(0);
      // one made the changes; the other, holding the lease after it, read the account again and found B
      const waited = [x!, y!].filter((r) => r.stderr.includes('Waiting for the lease')).length;
      const changed = [x!, y!].filter((r) => summary(r.stdout) !== 'none');
      expect(changed, `${x!.stdout}\n${y!.stdout}`).toHaveLength(1);
      const [first, second] = summary(x!.stdout) !== 'none' ? [x!, y!] : [y!, x!];
      expect(second.stdout).toMatch(/No changes/);
      rows.push([`apply + apply (${round})`, `${x!.code}, ${y!.code}`, waited, `${summary(first.stdout)}, ${summary(second.stdout)}`, ((performance.now() - started) / 1000).toFixed(1)]);
      await expectExactlyB(account, base.b);
      await expectStrangersUntouched(account, base.strangers);
    } finally {
      await account.close();
    }
  }, 120_000);

  it('two first applies of an example into an empty account: one creates, the other finds it done', async () => {
    const started = performance.now();
    const account = await startCrashAccount();
    try {
      const a = copyExample('support-bot');
      const [x, y] = await Promise.all([a, copyOf(a)].map((d) => account.run(['apply', '--auto-approve'], d, undefined, FAST)));
      expect([x!.code, y!.code]).toEqual([0, 0]);
      const inv = await inventory(account.client, 'support-bot');
      expect(problems(inv)).toEqual([]);
      expect(inv.assistants).toHaveLength(1);
      expect(inv.stores).toHaveLength(1);
      expect(await leases(account.client)).toEqual([]);
      const plan = await account.run(['plan', '--detailed-exitcode'], a);
      expect(plan.code, plan.stdout).toBe(0);
      rows.push(['apply + apply (empty account)', `${x!.code}, ${y!.code}`, [x!, y!].filter((r) => r.stderr.includes('Waiting')).length, `${summary(x!.stdout)}, ${summary(y!.stdout)}`, ((performance.now() - started) / 1000).toFixed(1)]);
    } finally {
      await account.close();
    }
  }, 120_000);

  it('an apply and a destroy started together: the account ends as one of them left it, never a mix', async () => {
    const started = performance.now();
    const account = await restore(base);
    try {
      const [x, y] = await Promise.all([account.run(APPLY, copyOf(base.b), undefined, FAST), account.run(['destroy', '--auto-approve'], copyOf(base.a), undefined, FAST)]);
      expect([x.code, y.code], `${x.stderr}\n${y.stderr}`).toEqual([0, 0]);
      const applyWaited = x.stderr.includes('Waiting for the lease');
      // whichever came second decides: destroy last leaves nothing, apply last rebuilds B whole
      if (applyWaited) await expectExactlyB(account, base.b);
      else await expectNothingOwned(account);
      await expectStrangersUntouched(account, base.strangers);
      rows.push(['apply + destroy', `${x.code}, ${y.code}`, 1, applyWaited ? 'destroy first, then apply' : 'apply first, then destroy', ((performance.now() - started) / 1000).toFixed(1)]);
    } finally {
      await account.close();
    }
  }, 120_000);
});

describe('stale and live leases', () => {
  it('a lease left by an apply killed on this machine is broken at once by the next apply', async () => {
    const account = await restore(base);
    try {
      // killed right after it created its lease
      const killed = await account.run(APPLY, base.b, { method: 'POST', route: '/v1/vector_stores', nth: 1 });
      expect(killed.killed).toBe(true);
      expect(await leases(account.client)).toHaveLength(1);
      const t = performance.now();
      const rerun = await account.run(APPLY, base.b);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toMatch(/Broke the stale lease vs_\S+ of deployment "rel" \(apply, pid \d+ on .+\): its process \d+ on .+ is gone\./);
      expect(performance.now() - t).toBeLessThan(20_000);
      await expectExactlyB(account, base.b);
    } finally {
      await account.close();
    }
  }, 120_000);

  it('a lease held on another machine whose heartbeat stopped is broken after the TTL', async () => {
    const account = await restore(base);
    try {
      await account.client.vectorStores.create({
        name: `assistants-deploy lease: ${DEPLOYMENT}`,
        metadata: { [LEASE_TAG]: DEPLOYMENT, [LEASE_HOLDER]: 'elsewhere-1', [LEASE_PROCESS]: '4242@ci-runner-9', [LEASE_MACHINE]: 'another-machine', [LEASE_BEAT]: '7', [LEASE_COMMAND]: 'apply' },
      });
      const t = performance.now();
      const r = await account.run(APPLY, base.b, undefined, { ...FAST, ASSISTANTS_DEPLOY_LEASE_TTL_MS: '1500' });
      const seconds = (performance.now() - t) / 1000;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Waiting for the lease on deployment "rel": another apply holds it (pid 4242 on ci-runner-9');
      expect(r.stderr).toMatch(/Broke the stale lease vs_\S+ of deployment "rel" \(apply, pid 4242 on ci-runner-9\): no heartbeat for \d s\./);
      expect(seconds).toBeGreaterThan(1.5);
      await expectExactlyB(account, base.b);
    } finally {
      await account.close();
    }
  }, 120_000);

  it('a live holder elsewhere is never broken: the apply waits, gives up with a clear error, and changes nothing', async () => {
    const account = await restore(base);
    try {
      const metadata = { [LEASE_TAG]: DEPLOYMENT, [LEASE_HOLDER]: 'elsewhere-2', [LEASE_PROCESS]: '4343@ci-runner-3', [LEASE_MACHINE]: 'another-machine', [LEASE_BEAT]: '0', [LEASE_COMMAND]: 'destroy' };
      const lease = await account.client.vectorStores.create({ name: 'lease', metadata });
      let beat = 0;
      const heart = setInterval(() => void account.client.vectorStores.update(lease.id, { metadata: { ...metadata, [LEASE_BEAT]: String(++beat) } }).catch(() => undefined), 150);
      const before = await inventory(account.client, DEPLOYMENT);
      const from = account.emu.log.length;
      const r = await account.run(APPLY, base.b, undefined, { ...FAST, ASSISTANTS_DEPLOY_LEASE_TTL_MS: '1000', ASSISTANTS_DEPLOY_LEASE_WAIT_MS: '3000' });
      clearInterval(heart);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: deployment "rel" is locked: another destroy (pid 4343 on ci-runner-3) has held its lease ${lease.id} for longer than 3 s`);
      expect(r.stderr).toContain('hint: wait for it to finish and run the command again');
      // nothing but its own lease was written, and that is gone again
      const writes = account.emu.log.slice(from).filter((e) => e.method !== 'GET' && !(e.method === 'POST' && e.path === `/v1/vector_stores/${lease.id}`));
      expect(writes.every((e) => e.route === '/v1/vector_stores' || e.route === '/v1/vector_stores/{vector_store_id}'), JSON.stringify(writes)).toBe(true);
      expect(await leases(account.client)).toEqual([lease.id]);
      expect(await inventory(account.client, DEPLOYMENT)).toEqual(before);
    } finally {
      await account.close();
    }
  }, 120_000);

  it('a holder paused past its TTL loses the lease to the next apply and, woken up, writes nothing more', async () => {
    const account = await restore(base);
    try {
      const env = { ...FAST, ASSISTANTS_DEPLOY_LEASE_TTL_MS: '5000' };
      let pausedPid = 0;
      // X stops mid-apply, holding the lease: uploads done, stores made, files attached, waiting for
      // indexing (only reads in flight: a write whose sending had begun would land on resume, which
      // is what the real TTL's margin over the request timeout is for; see docs/RELIABILITY.md)
      const stopAt = { method: 'GET', route: '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}', nth: 1, signal: 'SIGSTOP' as const };
      const x = account.run(APPLY, copyOf(base.b), { ...stopAt, then: (pid) => (pausedPid = pid) }, env);
      const reached = await Promise.race([
        new Promise<boolean>((r) => {
          const t = setInterval(() => pausedPid !== 0 && (clearInterval(t), r(true)), 20);
        }),
        x.then(() => false),
      ]);
      expect(reached, 'the first apply ended before its pause point').toBe(true);
      const y = await account.run(APPLY, copyOf(base.b), undefined, env);
      expect(y.code, y.stderr).toBe(0);
      expect(y.stderr).toMatch(/Broke the stale lease .*: no heartbeat for \d s\./);
      await expectExactlyB(account, base.b);
      const resumed = account.emu.log.length;
      process.kill(pausedPid, 'SIGCONT');
      const woken = await x;
      expect(woken.code).toBe(1);
      // it finds its lease lost (no renewal in time) and stops like a signal: it says so and what it left undone
      expect(woken.stderr).toMatch(/error: apply lost its lease on deployment "rel" while it ran \(no renewal of the lease for \d+ s\), so another apply or destroy may have been changing the deployment at the same time; it stopped sending requests/);
      expect(woken.stderr).toMatch(/\nNot done: /);
      expect(woken.stdout).not.toContain('Apply complete!');
      // after waking up, X wrote nothing: at most a read it had started before the pause, and the
      // deletion of its own lease, which the other apply had already broken
      const after = account.emu.log.slice(resumed);
      expect(after.filter((e) => e.method !== 'GET' && !(e.method === 'DELETE' && e.status === 404)), JSON.stringify(after)).toEqual([]);
      await expectExactlyB(account, base.b);
      await expectStrangersUntouched(account, base.strangers);
    } finally {
      await account.close();
    }
  }, 120_000);
});
