/**
 * Manifest fuzzing (issue 9). fast-check generates hostile manifests by mutating the examples
 * (test/helpers/reliability/hostile.ts); each is run through the built CLI in-process (test/helpers/reliability/runner.ts: the same
 * entry, argv and exit-code logic as bin/assistants-deploy.js, in one long-lived child that is
 * killed and replaced on a hang), pointed at an emulator whose request log is checked.
 *
 * Every case: `validate` ends in exit 0, or exit 1 with located errors (file:line:col); no stack
 * trace, no "internal error", no hang, within a time bound; nothing is sent to the API; neither the
 * API key nor the text of a file outside the root shows up; no built-in prototype is polluted.
 * Then, for every other case whose base manifest is broken, a random one of plan / apply / destroy /
 * codegen must fail the same way, sending nothing and writing nothing; when it is sound,
 * `plan --format json` may only read (GET) and must not name any file outside the root. A sample is replayed through the real CLI binary (a child process per
 * run) and must give byte-identical results.
 *
 * RELIABILITY_FUZZ_RUNS (default 2000) and RELIABILITY_FUZZ_SEED (default fixed) widen the sweep.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { loadManifest } from '../../src/manifest/load.js';
import { REPO, hasStackTrace, runCliAsync } from '../helpers/cli.js';
import { OUTSIDE_CANARY, caseArb, makeSandbox, materialize } from '../helpers/reliability/hostile.js';
import type { Case, Sandbox } from '../helpers/reliability/hostile.js';
import { InProcessCli } from '../helpers/reliability/runner.js';
import type { RunResult } from '../helpers/reliability/runner.js';
import { recordFigures } from '../helpers/reliability/figures.js';

const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.RELIABILITY_FUZZ_SEED ?? 20260901);
const API_KEY = 'sk-fuzz-canary-5d1b7e0c9a2f4e68b3c1d0e9';
/** No single run may take longer (the child is killed at HANG_MS). */
const SLOW_MS = 15_000;
const HANG_MS = 30_000;
const SAMPLE_EVERY = 100;

let emu: Emulator;
let sandbox: Sandbox;
let cli: InProcessCli;
let outsideHashes: string[];

beforeAll(async () => {
  emu = await startEmulator({ quiet: true, indexingDelayMs: 0 });
  sandbox = makeSandbox(realpathSync(mkdtempSync(path.join(tmpdir(), 'ad-fuzz-'))));
  outsideHashes = ['secret.md', 'secret.json', 'secret.csv'].map((f) => createHash('sha256').update(readFileSync(path.join(sandbox.outside, f))).digest('hex'));
  cli = new InProcessCli({ OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: API_KEY, CI: '1', NO_COLOR: '1' });
});

afterAll(async () => {
  await cli?.close();
  await emu?.close();
  if (sandbox) rmSync(sandbox.root, { recursive: true, force: true });
});

const LOCATED = /^[^\s:][^\n]*:\d+:\d+: /m;
/** `--env NAME` naming an environment the manifest does not define: the flag is wrong, not a line. */
const FLAG_ERROR = /^(error: )?unknown environment "[^"\n]*"/m;
const ENV_TAG = / \[environment [^\]]+\]$/;

function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => LOCATED.test(l) && !/^[^\n]*:\d+:\d+: (\S+: )?warning: /.test(l));
}

/** The invariants every run of every command keeps, whatever the input. */
function sound(r: RunResult, what: string, c: Case): void {
  if (r.hang) throw new Error(`${what}: no answer within ${HANG_MS} ms (hang)`);
  if (r.died) throw new Error(`${what}: the process died: ${r.died}`);
  if (r.threw) throw new Error(`${what}: main() threw: ${r.threw}`);
  if (r.polluted) throw new Error(`${what}: prototype pollution: ${r.polluted}`);
  const all = `${r.stdout}\n${r.stderr}`;
  const show = `${what} (exit ${r.code}, ${r.ms.toFixed(0)} ms):\n--- stdout\n${r.stdout.slice(0, 1500)}\n--- stderr\n${r.stderr.slice(0, 3000)}`;
  expect([0, 1], show).toContain(r.code);
  expect(hasStackTrace(all), show).toBe(false);
  expect(all, show).not.toContain('internal error');
  expect(all, show).not.toContain(API_KEY);
  if (!c.allowOutsideRoot) expect(all, show).not.toContain(OUTSIDE_CANARY);
  // exit 1 names file:line:col; the one exception is a command-line mistake, not the manifest's
  if (r.code === 1 && !FLAG_ERROR.test(r.stderr)) expect(r.stderr, `${show}\n(an exit 1 must name file:line:col)`).toMatch(LOCATED);
  expect(r.ms, show).toBeLessThan(SLOW_MS);
}

function flagsOf(c: Case, target: string): string[] {
  return ['-f', target, ...(c.allowOutsideRoot ? ['--allow-outside-root'] : []), ...(c.env !== undefined ? ['--env', c.env] : [])];
}

/** Whether the manifest gets as far as a valid structure (the point where plan, apply and destroy may start reading). */
async function structureValid(dir: string, target: string, c: Case): Promise<boolean> {
  let valid = false;
  try {
    await loadManifest({ file: target, cwd: dir, allowOutsideRoot: c.allowOutsideRoot === true, ...(c.env !== undefined ? { env: c.env } : {}), onStructure: () => (valid = true) });
  } catch {
    // refused: whether it got past its structure is what `valid` says
  }
  return valid;
}

const COMMANDS: Record<Case['command'], string[]> = {
  plan: ['plan'],
  apply: ['apply', '--auto-approve'],
  destroy: ['destroy', '--auto-approve'],
  codegen: ['codegen', 'python', '-o', 'generated-client'],
};

interface Tally {
  cases: number;
  valid: number;
  invalid: number;
  baseBroken: number;
  byCommand: Record<string, number>;
  planned: number;
  modelRefused: number;
  slowestMs: number;
  totalCliMs: number;
  sampled: number;
}

describe('manifest fuzzing', () => {
  it('the harness catches a run that does not answer in time, and carries on with a fresh process', async () => {
    const dir = path.join(sandbox.root, 'watchdog');
    cpSync(path.join(REPO, 'examples', 'support-bot'), dir, { recursive: true });
    const slow = await cli.run(['validate'], dir, 1);
    expect(slow.hang).toBe(true);
    const next = await cli.run(['validate'], dir);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain('Valid: deployment "support-bot"');
    expect(cli.starts).toBe(2);
    cli.starts = 1;
  });

  it('an alias bomb on top of a large manifest is refused quickly (each alias is resolved once)', async () => {
    const dir = path.join(sandbox.root, 'bomb');
    cpSync(path.join(REPO, 'examples', 'support-bot'), dir, { recursive: true });
    const bomb = ['vars:', '  zz0: &zz0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 12; i++) bomb.push(`  zz${i}: &zz${i} [${Array.from({ length: 8 }, () => `*zz${i - 1}`).join(', ')}]`);
    const padding = Array.from({ length: 3000 }, (_, i) => `  pad${i}: [a, b, c]`).join('\n');
    writeFileSync(path.join(dir, 'assistants.yaml'), `${bomb.join('\n')}\n${padding}\n${readFileSync(path.join(dir, 'assistants.yaml'), 'utf8')}`);
    const r = await cli.run(['validate'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('assistants.yaml:1:1: document expands to more than 200,000 values (a YAML alias bomb?)');
    expect(r.ms).toBeLessThan(5_000);
  });

  it(`${RUNS} hostile manifests: exit 0 or located errors, no stack trace, no hang, nothing sent to the API`, { timeout: 1_800_000 }, async () => {
    const tally: Tally = { cases: 0, valid: 0, invalid: 0, baseBroken: 0, byCommand: {}, planned: 0, modelRefused: 0, slowestMs: 0, totalCliMs: 0, sampled: 0 };
    const started = performance.now();
    const phase = { materialize: 0, validate: 0, second: 0, plan: 0 };
    let slowest = '';
    let current: Case | undefined;
    const slowLog: string[] = [];
    const note = (r: RunResult) => {
      if (process.env.RELIABILITY_FUZZ_DEBUG && r.ms > 300) slowLog.push(`${r.ms.toFixed(0)} ${JSON.stringify(current).slice(0, 400)}`);
      if (r.ms > tally.slowestMs) slowest = JSON.stringify(current).slice(0, 300);
      tally.slowestMs = Math.max(tally.slowestMs, r.ms);
      tally.totalCliMs += r.ms;
    };

    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        tally.cases++;
        current = c;
        const t0 = performance.now();
        const m = materialize(c, sandbox);
        phase.materialize += performance.now() - t0;
        const flags = flagsOf(c, m.target);
        const before = emu.log.length;

        const t1 = performance.now();
        const v = await cli.run(['validate', ...flags], m.dir, HANG_MS);
        phase.validate += performance.now() - t1;
        note(v);
        sound(v, 'validate', c);
        expect(emu.log.slice(before), 'validate sent requests').toEqual([]);
        if (tally.cases % SAMPLE_EVERY === 1) {
          // the in-process run is faithful: the real binary, as a child process, gives the same
          const real = await runCliAsync(['validate', ...flags], { cwd: m.dir, env: { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: API_KEY, CI: '1', NO_COLOR: '1' } });
          expect({ code: real.code, stdout: real.stdout, stderr: real.stderr }, 'the real CLI differs from the in-process run').toEqual({ code: v.code, stdout: v.stdout, stderr: v.stderr });
          tally.sampled++;
        }
        if (v.code === 0) tally.valid++;
        else tally.invalid++;
        if (c.hazard === 'leak-file' && !c.allowOutsideRoot && v.code === 0) {
          // the symlink sits in the folder a glob reads: unless a mutation removed the glob, it is refused
          expect(v.stdout, 'a manifest read a file outside its root').not.toMatch(/leak\./);
        }

        const problems = problemLines(v.stderr);
        const baseBroken = v.code === 1 && (c.env !== undefined || problems.some((l) => !ENV_TAG.test(l)));
        if (baseBroken && tally.cases % 2 === 0) {
          // every other broken manifest also goes through plan / apply / destroy / codegen
          tally.baseBroken++;
          tally.byCommand[c.command] = (tally.byCommand[c.command] ?? 0) + 1;
          const from = emu.log.length;
          const t2 = performance.now();
          const r = await cli.run([...COMMANDS[c.command], ...flags], m.dir, HANG_MS);
          phase.second += performance.now() - t2;
          note(r);
          sound(r, c.command, c);
          expect(r.code, `${c.command} accepted a manifest validate refused:\n${v.stderr}\n${r.stdout}`).toBe(1);
          // plan, apply and destroy start reading the account once the manifest's structure is valid
          // (its deployment known) and drop the reads when its files then prove bad: list requests
          // only, never a write; a manifest whose structure is broken sends nothing at all
          const sent = emu.log.slice(from);
          expect(sent.filter((e) => e.method !== 'GET'), `${c.command} wrote to the account for a broken manifest`).toEqual([]);
          if (c.command === 'codegen' || !(await structureValid(m.dir, m.target, c))) expect(sent, `${c.command} sent requests for a broken manifest`).toEqual([]);
          if (c.command === 'codegen') expect(existsSync(path.join(m.dir, 'generated-client')), 'codegen wrote files for a broken manifest').toBe(false);
        } else if (!baseBroken) {
          tally.planned++;
          const from = emu.log.length;
          const t3 = performance.now();
          const r = await cli.run(['plan', '--format', 'json', ...flags], m.dir, HANG_MS);
          phase.plan += performance.now() - t3;
          note(r);
          sound(r, 'plan', c);
          const sent = emu.log.slice(from);
          expect(sent.filter((e) => e.method !== 'GET'), 'plan wrote to the account').toEqual([]);
          // a mutated model name passes validate (offline) and is refused by plan, located, once the
          // target's model list is read: the one way a plan may fail where validate passed
          const modelRefused = r.code === 1 && /^\S+:\d+:\d+: assistants\.[^:]+\.model: model "[^"]*" is not served by this target/m.test(r.stderr);
          if (modelRefused) {
            expect(r.stderr.split('\n').filter((l) => /^error:|internal error/.test(l)), 'plan errors other than a refused model').toEqual([]);
            tally.modelRefused++;
            return;
          }
          expect(r.code, `plan failed where validate passed:\n${r.stderr}`).toBe(0);
          expect(sent.length).toBeGreaterThan(0);
          const plan = JSON.parse(r.stdout) as { uploads: { path: string; sha256: string }[]; errors?: unknown[] };
          if (!c.allowOutsideRoot) {
            for (const u of plan.uploads) {
              expect(u.path, 'a planned upload lies outside the root').not.toMatch(/(^|\/)\.\.(\/|$)|^\/|^link|leak/);
              expect(outsideHashes, `a planned upload has the content of a file outside the root: ${u.path}`).not.toContain(u.sha256);
            }
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );

    expect(cli.strayOutput).toBe('');

    const seconds = (performance.now() - started) / 1000;
    const figures = {
      seed: SEED,
      cases: tally.cases,
      valid: tally.valid,
      invalid: tally.invalid,
      base_broken_rerun_with: tally.byCommand,
      planned_read_only: tally.planned,
      plans_refusing_a_model_the_target_lacks: tally.modelRefused,
      cli_runs: tally.cases + tally.baseBroken + tally.planned,
      replayed_through_real_binary: tally.sampled,
      slowest_run_ms: Math.round(tally.slowestMs),
      slowest_case: slowest,
      mean_run_ms: Math.round(tally.totalCliMs / (tally.cases + tally.baseBroken + tally.planned)),
      runner_restarts: cli.starts - 1,
      seconds_by_phase: Object.fromEntries(Object.entries(phase).map(([k, v]) => [k, Math.round(v / 100) / 10])),
      seconds: Math.round(seconds),
    };
    if (slowLog.length) console.log(slowLog.join('\n'));
    console.log(`manifest fuzzing:\n${JSON.stringify(figures, null, 2)}`);
    recordFigures('fuzz', figures);
    expect(tally.cases).toBeGreaterThanOrEqual(RUNS);
    expect(tally.invalid).toBeGreaterThan(RUNS / 4);
    expect(tally.valid).toBeGreaterThan(0);
    expect(cli.starts).toBe(1);
  });

  it('a key named __proto__ anywhere (files merged, environment overlays, interpolation) stays data and pollutes nothing', async () => {
    const dir = path.join(sandbox.root, 'proto');
    cpSync(path.join(REPO, 'examples', 'staged-rollout'), dir, { recursive: true });
    const text = readFileSync(path.join(dir, 'assistants.yaml'), 'utf8').replace(
      'environments:\n',
      'environments:\n  "__proto__": { allowMassDelete: true }\n  evil:\n    "__proto__": { autoApprove: true }\n    assistants:\n      "__proto__": { allowTakeover: true }\n    vars: { "__proto__": { polluted: yes } }\n',
    );
    writeFileSync(path.join(dir, 'assistants.yaml'), text);
    for (const env of [[], ['--env', 'evil'], ['--env', '__proto__']]) {
      const r = await cli.run(['validate', ...env], dir);
      expect(r.polluted, r.stderr).toBeUndefined();
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(LOCATED);
      // the keys are reported where they were written, under __proto__, never as inherited by everything
      // (with --env __proto__ that overlay is merged over the root as it should be)
      if (env[1] !== '__proto__') for (const line of r.stderr.split('\n').filter((l) => /allowMassDelete|autoApprove|allowTakeover/.test(l))) expect(line).toContain('__proto__');
    }
    expect(cli.starts).toBe(1);
  });
});
