/**
 * SIGINT and SIGTERM (issue 13): an apply or destroy stopped by a signal starts nothing new, lets
 * the requests in flight finish, releases the deployment lease, says what it did and did not do,
 * and exits 130 / 143. The next run, as another machine would start it (ASSISTANTS_DEPLOY_LEASE_HOST:
 * a holder elsewhere cannot be seen to be dead, so a lease left behind would hold it for the TTL),
 * takes the lease at once and finishes the job. A second signal exits at once and leaves the lease,
 * which the next run from elsewhere breaks only once it is stale.
 *
 * Real CLI processes over HTTP against the emulator; uploads (and file deletions) are slowed with
 * the emulator's latency fault so that the signal lands while requests are in flight.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { LEASE_BEAT, LEASE_COMMAND, LEASE_HOLDER, LEASE_MACHINE, LEASE_PROCESS, LEASE_TAG } from '../../src/targets/lease.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { BIN, cliEnv, tempProject } from '../helpers/cli.js';
import { API_KEY } from '../helpers/deploy.js';
import { inventory, problems } from '../helpers/crash.js';
import { leases } from '../helpers/reliability/scenario.js';

const FILES = 120;
const DEPLOYMENT = 'sig';
/** Uploads and file deletions take 150-250 ms each; with 4 in flight the files take seconds. */
const SLOW_FILES = 'seed=3,latency=200~50,routes=/v1/files*';
const ELSEWHERE = { ASSISTANTS_DEPLOY_LEASE_HOST: 'ci-runner-elsewhere', ASSISTANTS_DEPLOY_LEASE_POLL_MS: '200' };

let emu: Emulator;
let client: OpenAI;
const figures: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ indexingDelayMs: 20, quiet: true });
  client = new OpenAI({ apiKey: API_KEY, baseURL: emu.url, maxRetries: 3 });
});

afterAll(async () => {
  if (figures.length > 0) console.log(`signals:\n${figures.join('\n')}`);
  await emu.close();
});

/** A project of FILES distinct files in one vector store and an assistant that searches it. */
function project(deployment = DEPLOYMENT): string {
  const files: Record<string, string> = {
    'assistants.yaml': [
      'version: 1',
      `deployment: ${deployment}`,
      'vector_stores:',
      '  docs:',
      '    files: ["docs/*.md"]',
      'assistants:',
      '  helper:',
      '    model: gpt-4o',
      '    instructions: Answer from the docs.',
      '    tools: [{ type: file_search }]',
      '    tool_resources: { file_search: { vector_stores: [docs] } }',
      '',
    ].join('\n'),
  };
  for (let i = 0; i < FILES; i++) files[`docs/page-${String(i).padStart(3, '0')}.md`] = `# Page ${i}\n\nThis page explains topic number ${i} in some detail.\n`;
  return tempProject(files, 'ad-signals-');
}

interface Running {
  pid: number;
  startedAt: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when stderr matches (rejects after `ms` or when the process ends first); the time it matched. */
  waitFor(re: RegExp, ms?: number): Promise<number>;
  /** When stderr first matched `re` (as this process received it), or undefined. */
  seenAt(re: RegExp): number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(signal: NodeJS.Signals): number;
}

function start(args: string[], cwd: string, env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: cliEnv({ OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: API_KEY, CI: '1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const startedAt = Date.now();
  let stdout = '';
  let stderr = '';
  const watchers: { re: RegExp; resolve: (t: number) => void }[] = [];
  const received: { at: number; length: number }[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    received.push({ at: Date.now(), length: stderr.length });
    for (const w of [...watchers]) {
      if (w.re.test(stderr)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(Date.now());
      }
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 170_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  return {
    pid: child.pid!,
    startedAt,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitFor(re, ms = 60_000) {
      if (re.test(stderr)) return Promise.resolve(Date.now());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${stderr}`)), ms);
        watchers.push({
          re,
          resolve: (at) => {
            clearTimeout(t);
            resolve(at);
          },
        });
        void exited.then(() => setTimeout(() => reject(new Error(`the process ended before ${re}:\n${stdout}\n${stderr}`)), 50));
      });
    },
    seenAt(re) {
      const m = re.exec(stderr);
      if (!m) return undefined;
      const end = m.index + m[0].length;
      return received.find((r) => r.length >= end)?.at;
    },
    exited,
    kill(signal) {
      child.kill(signal);
      return Date.now();
    },
  };
}

/** Uploads that started (reached the emulator) after `t`, with some slack for requests already on their way. */
function uploadsStartedAfter(t: number, slackMs = 100): number {
  return emu.log.filter((e) => e.method === 'POST' && e.route === '/v1/files' && e.at - e.ms > t + slackMs).length;
}

const uploadedOk = (from: number) => emu.log.slice(from).filter((e) => e.method === 'POST' && e.route === '/v1/files' && e.status === 200).length;

/** The account holds the deployment exactly once: one store with every file, one assistant, each file uploaded once, no lease. */
async function expectConverged(dir: string, deployment = DEPLOYMENT): Promise<void> {
  const inv = await inventory(client, deployment);
  expect(problems(inv)).toEqual([]);
  expect(inv.assistants.map((a) => a.key)).toEqual(['helper']);
  expect(inv.stores.map((s) => s.key)).toEqual(['docs']);
  expect(inv.stores[0]!.paths).toEqual(Array.from({ length: FILES }, (_, i) => `docs/page-${String(i).padStart(3, '0')}.md`));
  expect(inv.uploads).toHaveLength(FILES);
  expect(new Set(inv.uploads.map((u) => u.filename)).size).toBe(FILES);
  expect(await leases(client)).toEqual([]);
  const plan = start(['plan', '--detailed-exitcode'], dir);
  const done = await plan.exited;
  expect(done.code, plan.stderr).toBe(0);
  expect(plan.stdout).toContain('No changes. The account matches the manifest.');
}

/** Deletes whatever the deployment owns, directly (tests share one emulator). */
async function clean(deployment = DEPLOYMENT): Promise<void> {
  emu.setFaults(undefined);
  const inv = await inventory(client, deployment);
  for (const a of inv.assistants) await client.beta.assistants.delete(a.id);
  for (const s of inv.stores) await client.vectorStores.delete(s.id);
  for (const u of inv.uploads) await client.files.delete(u.id);
  for (const id of await leases(client)) await client.vectorStores.delete(id);
}

/**
 * Starts an apply, sends `signal` once it has uploaded about a tenth of the files, and checks the
 * stopped apply's report against what the emulator saw; then an apply from another machine.
 */
async function stopApplyThenTakeOver(signal: 'SIGINT' | 'SIGTERM', code: number): Promise<void> {
  const dir = project();
  emu.setFaults(SLOW_FILES);
  const from = emu.log.length;
  const first = start(['apply', '--auto-approve', '--concurrency', '4'], dir);
  await first.waitFor(/uploading: \d+\/120/);
  const sentAt = first.kill(signal);
  const end = await first.exited;
  const stopSeconds = (end.at - sentAt) / 1000;
  expect(end.code, first.stderr).toBe(code);
  expect(end.signal).toBeNull();
  const uploaded = uploadedOk(from);
  expect(uploaded).toBeGreaterThan(0);
  expect(uploaded).toBeLessThan(FILES);
  // it said what it was doing, what it did and what it did not do
  expect(first.stderr).toMatch(new RegExp(`${signal}: stopping this apply: starting nothing new, waiting up to 10 s for the \\d+ requests? in flight, then releasing the lease\\.`));
  expect(first.stderr).toContain(`Apply stopped by ${signal}. Done: Resources: 0 added, 0 changed, 0 destroyed. Files: ${uploaded} uploaded.\n`);
  expect(first.stderr).toContain(`Not done: 2 to add (vector_store.docs, assistant.helper). Files: ${FILES - uploaded} to upload, ${FILES} to attach.\n`);
  expect(first.stderr).toMatch(/Released the lease vs_\S+ on deployment "sig": the next apply or destroy, from any machine, starts without waiting\./);
  expect(first.stdout).not.toContain('Apply complete!');
  // nothing new started once the CLI said it was stopping (it stops starting requests before it
  // says so; the slack is for requests already on their way), and no lease is left
  const stopping = first.seenAt(new RegExp(`${signal}: stopping this apply`))!;
  expect(uploadsStartedAfter(stopping)).toBe(0);
  expect(stopSeconds).toBeLessThan(5);
  expect(await leases(client)).toEqual([]);

  // another machine: a lease left behind would make it wait for the whole TTL (120 s)
  emu.setFaults(undefined);
  const second = start(['apply', '--auto-approve', '--verbose'], dir, ELSEWHERE);
  const heldAt = await second.waitFor(/lease: holding vs_\S+ for deployment "sig"/, 30_000);
  const takeover = (heldAt - second.startedAt) / 1000;
  const done = await second.exited;
  expect(done.code, second.stderr).toBe(0);
  expect(second.stderr).not.toContain('Waiting for the lease');
  expect(second.stdout).toContain(`Apply complete! Resources: 2 added, 0 changed, 0 destroyed. Files: ${FILES - uploaded} uploaded, ${FILES} attached.`);
  expect(takeover).toBeLessThan(5);
  figures.push(`  ${signal}: exit ${end.code} ${stopSeconds.toFixed(2)} s after the signal (${uploaded} of ${FILES} uploaded); the apply from another machine held the lease ${takeover.toFixed(2)} s after it started`);
  await expectConverged(dir);
}

describe('a signal during apply', () => {
  it('SIGINT: in-flight requests finish, nothing new starts, the lease is released, exit 130; an apply from another machine takes the lease within 5 s and converges', async () => {
    try {
      await stopApplyThenTakeOver('SIGINT', 130);
    } finally {
      await clean();
    }
  }, 120_000);

  it('SIGTERM (a cancelled CI job): the same, exit 143', async () => {
    try {
      await stopApplyThenTakeOver('SIGTERM', 143);
    } finally {
      await clean();
    }
  }, 120_000);

  it('a second SIGINT exits at once and leaves the lease; an apply from another machine waits until it is stale, breaks it, and converges', async () => {
    try {
      const dir = project();
      emu.setFaults(SLOW_FILES);
      const first = start(['apply', '--auto-approve', '--concurrency', '4'], dir);
      await first.waitFor(/uploading: \d+\/120/);
      first.kill('SIGINT');
      await first.waitFor(/SIGINT: stopping this apply/, 5_000);
      const again = first.kill('SIGINT');
      const end = await first.exited;
      expect(end.code, first.stderr).toBe(130);
      expect(end.at - again).toBeLessThan(1_000);
      expect(first.stderr).toContain('SIGINT again: exiting at once, without waiting for the requests in flight. If this apply held the deployment\'s lease, it stays behind');
      expect(first.stderr).not.toContain('Released the lease');
      expect(await leases(client)).toHaveLength(1);

      emu.setFaults(undefined);
      const t = Date.now();
      const second = start(['apply', '--auto-approve'], dir, { ...ELSEWHERE, ASSISTANTS_DEPLOY_LEASE_TTL_MS: '3000' });
      const done = await second.exited;
      expect(done.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(/Waiting for the lease on deployment "sig": another apply holds it \(pid \d+ on .+, lease vs_\S+\)\./);
      expect(second.stderr).toMatch(/Broke the stale lease vs_\S+ of deployment "sig" \(apply, pid \d+ on .+\): no heartbeat for \d s\./);
      expect(Date.now() - t).toBeGreaterThan(3_000);
      await expectConverged(dir);
    } finally {
      await clean();
    }
  }, 120_000);

  it('requests still in flight when the grace period ends are cut off: the apply exits within it, says so, and releases the lease', async () => {
    try {
      const dir = project();
      // each upload takes 2.5 s, far longer than the 0.3 s grace
      emu.setFaults('seed=4,latency=2500,routes=/v1/files');
      const first = start(['apply', '--auto-approve', '--concurrency', '3'], dir, { ASSISTANTS_DEPLOY_STOP_GRACE_MS: '300' });
      await first.waitFor(/Uploading 120 files/);
      await new Promise((r) => setTimeout(r, 500));
      const sentAt = first.kill('SIGINT');
      const end = await first.exited;
      expect(end.code, first.stderr).toBe(130);
      expect(end.at - sentAt).toBeLessThan(2_000);
      expect(first.stderr).toContain('waiting up to 0.3 s for the 3 requests in flight');
      expect(first.stderr).toContain('Cut off 3 requests still in flight after 0.3 s: each may or may not have been carried out; the next run finds out and finishes the job.');
      expect(first.stderr).toMatch(/Apply stopped by SIGINT\. Done: Resources: 0 added, 0 changed, 0 destroyed\.\n/);
      expect(first.stderr).toContain(`Not done: 2 to add (vector_store.docs, assistant.helper). Files: ${FILES} to upload, ${FILES} to attach.`);
      expect(first.stderr).toMatch(/Released the lease vs_\S+ on deployment "sig"/);
      expect(await leases(client)).toEqual([]);
      // the cut-off uploads may still land on the server: the next apply adopts or removes them
      await new Promise((r) => setTimeout(r, 2_500));
      emu.setFaults(undefined);
      const second = start(['apply', '--auto-approve'], dir, ELSEWHERE);
      expect((await second.exited).code, second.stderr).toBe(0);
      expect(second.stderr).not.toContain('Waiting for the lease');
      await expectConverged(dir);
    } finally {
      await clean();
    }
  }, 120_000);

  it('SIGINT while waiting for the lease held elsewhere: stops waiting at once, takes nothing, leaves the other lease alone', async () => {
    const metadata = { [LEASE_TAG]: DEPLOYMENT, [LEASE_HOLDER]: 'elsewhere-1', [LEASE_PROCESS]: '4242@ci-runner-9', [LEASE_MACHINE]: 'another-machine', [LEASE_BEAT]: '0', [LEASE_COMMAND]: 'apply' };
    const other = await client.vectorStores.create({ name: 'lease', metadata });
    let beat = 0;
    const heart = setInterval(() => void client.vectorStores.update(other.id, { metadata: { ...metadata, [LEASE_BEAT]: String(++beat) } }).catch(() => undefined), 150);
    try {
      const dir = project();
      const from = emu.log.length;
      const first = start(['apply', '--auto-approve'], dir, { ASSISTANTS_DEPLOY_LEASE_POLL_MS: '200', ASSISTANTS_DEPLOY_LEASE_TTL_MS: '1000' });
      await first.waitFor(/Waiting for the lease on deployment "sig"/);
      const sentAt = first.kill('SIGINT');
      const end = await first.exited;
      expect(end.code, first.stderr).toBe(130);
      expect(end.at - sentAt).toBeLessThan(2_000);
      expect(first.stderr).toContain('Apply stopped by SIGINT before it changed anything.');
      expect(await leases(client)).toEqual([other.id]);
      // it wrote nothing but its own lease, which is gone again
      const writes = emu.log.slice(from).filter((e) => e.method !== 'GET' && !(e.method === 'POST' && e.path === `/v1/vector_stores/${other.id}`));
      expect(writes.every((e) => e.route === '/v1/vector_stores' || e.route === '/v1/vector_stores/{vector_store_id}'), JSON.stringify(writes)).toBe(true);
      expect((await inventory(client, DEPLOYMENT)).uploads).toEqual([]);
    } finally {
      clearInterval(heart);
      await client.vectorStores.delete(other.id);
      await clean();
    }
  }, 60_000);
});

describe('a signal during destroy', () => {
  it('SIGINT: the deletions in flight finish, the rest is reported not done, exit 130; a destroy from another machine finishes without waiting', async () => {
    try {
      const dir = project();
      const deployed = start(['apply', '--auto-approve'], dir);
      expect((await deployed.exited).code, deployed.stderr).toBe(0);
      emu.setFaults(SLOW_FILES);
      const from = emu.log.length;
      const first = start(['destroy', '--auto-approve', '--concurrency', '4'], dir);
      // the assistant and the store go first, then the uploaded files, slowly
      await first.waitFor(/- vector_store\.docs: destroyed/);
      await new Promise((r) => setTimeout(r, 600));
      const sentAt = first.kill('SIGINT');
      const end = await first.exited;
      expect(end.code, first.stderr).toBe(130);
      expect(end.at - sentAt).toBeLessThan(5_000);
      const deleted = emu.log.slice(from).filter((e) => e.method === 'DELETE' && e.route === '/v1/files/{file_id}' && e.status === 200).length;
      expect(deleted).toBeGreaterThan(0);
      expect(deleted).toBeLessThan(FILES);
      expect(first.stderr).toContain(`Destroy stopped by SIGINT. Done: Resources: 0 added, 0 changed, 2 destroyed. Files: ${deleted} deleted.\n`);
      expect(first.stderr).toContain(`Not done: no resource changes. Files: ${FILES - deleted} to delete.\n`);
      expect(first.stderr).toMatch(/Released the lease vs_\S+ on deployment "sig"/);
      const stopping = first.seenAt(/SIGINT: stopping this destroy/)!;
      expect(emu.log.filter((e) => e.method === 'DELETE' && e.route === '/v1/files/{file_id}' && e.at - e.ms > stopping + 100)).toEqual([]);
      expect((await inventory(client, DEPLOYMENT)).uploads).toHaveLength(FILES - deleted);
      expect(await leases(client)).toEqual([]);

      emu.setFaults(undefined);
      const second = start(['destroy', '--auto-approve', '--verbose'], dir, ELSEWHERE);
      const heldAt = await second.waitFor(/lease: holding vs_\S+ for deployment "sig"/, 30_000);
      const done = await second.exited;
      expect(done.code, second.stderr).toBe(0);
      expect(second.stderr).not.toContain('Waiting for the lease');
      expect(second.stdout).toContain(`Destroy complete! Resources: 0 added, 0 changed, 0 destroyed. Files: ${FILES - deleted} deleted.`);
      expect((heldAt - second.startedAt) / 1000).toBeLessThan(5);
      const inv = await inventory(client, DEPLOYMENT);
      expect([inv.assistants, inv.stores, inv.uploads]).toEqual([[], [], []]);
      expect(await leases(client)).toEqual([]);
    } finally {
      await clean();
    }
  }, 120_000);
});
