/**
 * Fault matrix (issue 9): apply A -> B under each kind of fault the emulator injects (429 with
 * retry-after, 500, 503, dropped connections; issue 14: the answer lost after the server acted,
 * a 500 after the server acted, and files whose indexing ends `failed`) and under high latency (a
 * seeded share of the requests delayed 1-2 s by a proxy), at 10% and 30% of the requests (of the
 * attached files, for failed indexing). Each run is repeated until it
 * exits 0 (at most 5 runs); then, with the faults off, the account must hold exactly B (checked
 * field by field with the SDK), nothing the deployment does not own is touched, no lease is left,
 * and a plan shows no change. The figures are printed as a table.
 *
 * Then all the request faults at once (429s, 500s, 503s, dropped connections: 30% of the
 * requests in all), where apply must converge within three reruns, and the same exact check.
 *
 * Both parts run on each kind of target of test/helpers/reliability/targets.ts (an
 * OpenAI-compatible account; a Microsoft Foundry project, whose agents' requests pass through the
 * same faults, at the 30% rate only and with two mixed seeds: its runs are fewer);
 * RELIABILITY_TARGETS=openai (or foundry) runs one kind only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigures, table } from '../helpers/reliability/figures.js';
import { expectExactlyB, expectStrangersUntouched, makeBaseline, restore } from '../helpers/reliability/scenario.js';
import type { Baseline } from '../helpers/reliability/scenario.js';
import { matrixTargets } from '../helpers/reliability/targets.js';
import { startSlowProxy } from '../helpers/proxies/slow-proxy.js';

const APPLY = ['apply', '--auto-approve', '--allow-mass-delete'];
const MAX_RUNS = 5;

interface Row {
  kind: string;
  rate: number;
  spec: string;
}

const KINDS: { kind: string; spec: (rate: number, seed: number) => string }[] = [
  { kind: '429 + retry-after', spec: (r, s) => `seed=${s},429=${r},retry-after=0.5` },
  { kind: '500', spec: (r, s) => `seed=${s},500=${r}` },
  { kind: '503', spec: (r, s) => `seed=${s},503=${r}` },
  { kind: 'dropped connection', spec: (r, s) => `seed=${s},drop=${r}` },
  { kind: 'answer lost after the write (drop-after)', spec: (r, s) => `seed=${s},drop-after=${r}` },
  { kind: '500 after the write (500-after)', spec: (r, s) => `seed=${s},500-after=${r}` },
  // B attaches only 7 files: seeds whose first 7 draws hold failures near the rate (1 and 3 of 7)
  { kind: 'indexing ends failed (index-fail)', spec: (r) => `seed=${r < 0.2 ? 131 : 136},index-fail=${r}` },
  { kind: 'high latency (1-2 s)', spec: () => 'proxy' },
];
const ROWS: Row[] = KINDS.flatMap((k, i) => [0.1, 0.3].map((rate) => ({ kind: k.kind, rate, spec: k.spec(rate, 70 + i * 10 + rate * 10) })));

describe.each(matrixTargets())('on $name', (target) => {
  let base: Baseline;
  const figures: (string | number)[][] = [];
  // a Foundry project's runs: the 30% rate of each fault, two mixed seeds
  const rows = target.name === 'openai' ? ROWS : ROWS.filter((r) => r.rate === 0.3);
  const seeds = target.name === 'openai' ? [11, 12, 13, 14, 15] : [11, 12];

  beforeAll(async () => {
    base = await makeBaseline(target);
  }, 300_000);

  afterAll(() => {
    if (figures.length === 0) return;
    const header = ['fault', 'rate', 'requests', 'faults injected', 'runs', 'reruns needed', 'seconds'];
    console.log(`fault matrix on ${target.name} (apply A -> B until it exits 0, then an exact check):\n${table(header, figures)}`);
    recordFigures(target.name === 'openai' ? 'faults' : `faults-${target.name}`, { header, rows: figures });
  });

  describe('fault matrix', () => {
    it.each(rows.map((r) => [`${r.kind} at ${r.rate * 100}%`, r] as const))('apply under %s converges and the account matches the manifest exactly', async (_name, row) => {
      const started = performance.now();
      const account = await restore(base);
      const proxy = row.spec === 'proxy' ? await startSlowProxy(target.upstream(account.emu), row.rate, 1500, 500, Math.round(row.rate * 100)) : undefined;
      try {
        const env = proxy ? target.env(account.emu, proxy.url) : undefined;
        if (!proxy) account.emu.setFaults(row.spec);
        const from = account.emu.log.length;
        const indexBefore = { ...account.emu.indexFaults };
        const codes: number[] = [];
        let last = '';
        while (codes.length < MAX_RUNS) {
          const r = await account.run(APPLY, base.b, undefined, env);
          codes.push(r.code ?? -1);
          last = r.stderr;
          if (r.code === 0) break;
        }
        const log = account.emu.log.slice(from);
        account.emu.setFaults(undefined);
        // failed indexing is drawn per attached file, the other faults per request
        const indexing = row.spec.includes('index-fail');
        const injected = proxy ? proxy.delayed : indexing ? account.emu.indexFaults.failed - indexBefore.failed : log.filter((e) => e.fault).length;
        const drawn = indexing ? account.emu.indexFaults.attached - indexBefore.attached : log.length;
        figures.push([row.kind, `${row.rate * 100}%`, log.length, indexing ? `${injected} of ${drawn} files` : injected, codes.length, codes.length - 1, ((performance.now() - started) / 1000).toFixed(1)]);
        expect(codes[codes.length - 1], `did not converge in ${MAX_RUNS} runs:\n${last}`).toBe(0);
        // the faults did happen, at about the rate asked for
        expect(injected / drawn).toBeGreaterThan(row.rate / 3);
        expect(injected / drawn).toBeLessThan(row.rate * 2.5);
        await expectExactlyB(account, base.b);
        await expectStrangersUntouched(account, base.strangers);
        const plan = await account.run(['plan', '--detailed-exitcode'], base.b);
        expect(plan.code, plan.stdout).toBe(0);
      } finally {
        await proxy?.close();
        await account.close();
      }
    }, 240_000);
  });

  describe('mixed faults', () => {
    it.each(seeds)('at a 30 percent fault rate (429s, 500s, 503s, dropped connections) apply converges within three reruns (seed %i)', async (seed) => {
      const account = await restore(base);
      try {
        account.emu.setFaults(`seed=${seed},rate=0.3,retry-after=0.05`);
        const from = account.emu.log.length;
        // the first run plus at most three reruns may be needed; two more are tried only to tell
        // "converged too late" from "never converged" in the failure message
        const allowed = 4;
        const runs: number[] = [];
        let last = '';
        while (runs.length < allowed + 2) {
          const r = await account.run(APPLY, base.b);
          runs.push(r.code ?? -1);
          last = r.stderr;
          if (r.code === 0) break;
        }
        const log = account.emu.log.slice(from);
        account.emu.setFaults(undefined);
        // the seeded faults did happen, at about the rate asked for, and of several kinds
        expect(log.filter((e) => e.fault).length / log.length).toBeGreaterThan(0.15);
        expect(new Set(log.filter((e) => e.fault).map((e) => e.fault)).size).toBeGreaterThanOrEqual(3);
        expect(runs[runs.length - 1], `no convergence in ${runs.length} runs (exit codes ${runs.join(', ')}):\n${last}`).toBe(0);
        expect(runs.length, `converged only after ${runs.length - 1} reruns (exit codes ${runs.join(', ')}); at most three are allowed`).toBeLessThanOrEqual(allowed);
        await expectExactlyB(account, base.b);
        await expectStrangersUntouched(account, base.strangers);
        const plan = await account.run(['plan', '--detailed-exitcode'], base.b);
        expect(plan.code, plan.stdout).toBe(0);
      } finally {
        await account.close();
      }
    }, 240_000);
  });
});
