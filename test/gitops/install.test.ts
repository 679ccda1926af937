/**
 * Adopting the tool in another repository, for real, with Node 24 and the npm registry:
 * - `npm pack` of a fresh copy of this working tree (every file git tracks or would track, built by
 *   the pack's own prepack), installed with `npm install --save-dev <tgz>` into an empty folder
 *   outside the repository: no npm warning; `init` from that installed copy; `npm install` and
 *   `npm ci` in the new project; then the commands its workflow runs (validate, plan --target local
 *   with --detailed-exitcode: 2, apply, plan: 0) and the written workflow's jobs themselves, through
 *   the runner stand-in with the installed action (node_modules/assistants-deploy/action.yml),
 *   against the emulator.
 * - `npm install --save-dev git+file://…` of a git repository made from the same copy: npm runs the
 *   `prepare` build; the package.json `init` writes from there approves it in allowScripts, and
 *   installs with no warning.
 * Slow (minutes): the installs go through npm and its cache.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSteps, loadWorkflow, runJob } from '../helpers/actions-runner.js';
import { REPO } from '../helpers/cli.js';
import { startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';
import { fakeGitHub, NODE_DIR, newRunner, remoteActions } from '../helpers/gitops.js';

const SLOW = 300_000;

/** The environment of a shell on a developer's machine: Node 24 first, no CI, no npm_* of the test run. */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('npm_') || k.startsWith('OPENAI_') || k === 'CI' || k === 'NODE_OPTIONS' || k.startsWith('VITEST')) continue;
    env[k] = v;
  }
  env.PATH = `${NODE_DIR}:${process.env.PATH ?? ''}`;
  return { ...env, ...extra };
}

function sh(command: string, args: string[], cwd: string, env: Record<string, string> = userEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), SLOW);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const warnings = (text: string) => text.split('\n').filter((l) => /^npm warn/i.test(l));
const ad = (args: string[], cwd: string, env?: Record<string, string>) => sh('npx', ['--no-install', 'assistants-deploy', ...args], cwd, env);

/** every folder the tests make (projects with node_modules): removed at the end */
const made: string[] = [];
function temp(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

let stage: string; // the fresh copy, also a git repository
let tarball: string;
let account: Account;

beforeAll(async () => {
  account = await startAccount();
  stage = temp('ad-stage-');
  const list = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' });
  expect(list.status).toBe(0);
  for (const rel of list.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(REPO, rel))) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(stage, rel)), { recursive: true });
    copyFileSync(path.join(REPO, rel), path.join(stage, rel));
  }
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: stage, encoding: 'utf8' });
  expect(git('init', '-q').status).toBe(0);
  expect(git('add', '-A').status).toBe(0);
  expect(git('commit', '-qm', 'snapshot of the working tree').status).toBe(0);
  // the copy builds with this checkout's dependencies (as after npm ci)
  symlinkSync(path.join(REPO, 'node_modules'), path.join(stage, 'node_modules'));
  const packs = temp('ad-packs-');
  const pack = await sh('npm', ['pack', '--pack-destination', packs], stage);
  expect(pack.code, pack.stderr).toBe(0);
  tarball = path.join(packs, pack.stdout.trim().split('\n').at(-1)!);
  expect(existsSync(tarball), tarball).toBe(true);
}, SLOW);
afterAll(async () => {
  await account?.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('the package', () => {
  it('npm pack: holds what the tool reads at run time (bundle, schemas, prices, model deprecations, CI examples, the action) and nothing dev-only', () => {
    const files = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'package.json',
      'README.md',
      'bin/assistants-deploy.js',
      'dist/bundle/main.js',
      'dist/bundle/hash-worker.js',
      'dist/bundle/stat-worker.js',
      'schemas/manifest.schema.json',
      'schemas/plan.schema.json',
      'schemas/test-report.schema.json',
      'prices/openai.json',
      'models/deprecations.json',
      'examples/ci/github-actions.yml',
      'examples/ci/gitlab-ci.yml',
      'examples/ci/drift-check.yml',
      'action.yml',
      'action/run.sh',
      'templates/python/_common.py',
      'templates/python/_runtime_assistants.py',
      'templates/python/_runtime_responses.py',
    ]) {
      expect(files, f).toContain(f);
    }
    const dev = files.filter((f) => /^(src|test|scripts|bench|docs|vendor|node_modules|\.ci)\//.test(f) || (f.startsWith('dist/') && !f.startsWith('dist/bundle/')) || /\.(ts|map)$/.test(f));
    expect(dev).toEqual([]);
    const pkg = JSON.parse(spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }).stdout) as Record<string, unknown>;
    expect(pkg.scripts).toBeUndefined(); // no prepare: a tarball has no install script to approve
    expect(pkg.allowScripts).toBeUndefined();
    expect(pkg).toMatchObject({ name: 'assistants-deploy', engines: { node: '>=22.12.0' }, bin: { 'assistants-deploy': 'bin/assistants-deploy.js' }, repository: { url: 'git+https://github.com/assistants-deploy/assistants-deploy.git' } });
    // the working tree's package.json is back as it was
    expect(readFileSync(path.join(stage, 'package.json'), 'utf8')).toBe(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  });

  it('engines: every runtime dependency accepts every Node version the package accepts', () => {
    const semver = createRequire(path.join(REPO, 'package.json'))('semver') as { subset(a: string, b: string): boolean };
    const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; engines?: { node?: string } }> };
    const ours = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const narrower = Object.entries(lock.packages)
      .filter(([k, v]) => k !== '' && !v.dev && v.engines?.node && !semver.subset(ours, v.engines.node))
      .map(([k, v]) => `${k} ${v.engines!.node}`);
    expect(narrower).toEqual([]);
  });
});

describe('adopting it in another repository', () => {
  it(
    'tarball: npm install --save-dev prints no warning; init from the installed copy; npm ci; validate, plan (2), apply, plan (0); the written workflow runs',
    async () => {
      const consumer = temp('ad-consumer-');
      const install = await sh('npm', ['install', '--save-dev', tarball], consumer);
      expect(install.code, install.stderr).toBe(0);
      expect(warnings(install.stderr), install.stderr).toEqual([]);
      expect(install.stdout + install.stderr).not.toMatch(/deprecated|EBADENGINE/i);
      const version = await ad(['--version'], consumer);
      expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version);

      const init = await ad(['init', 'my-assistants'], consumer);
      expect(init.code, init.stderr).toBe(0);
      const project = path.join(consumer, 'my-assistants');
      const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { private: boolean; devDependencies: Record<string, string>; allowScripts?: unknown };
      expect(pkg.private).toBe(true);
      expect(pkg.devDependencies).toEqual({ 'assistants-deploy': `file:${path.relative(project, tarball)}` });
      expect(pkg.allowScripts).toBeUndefined();
      expect(init.stderr).toContain(`(from ${path.join(consumer, 'package.json')})`);

      const first = await sh('npm', ['install'], project);
      expect(first.code, first.stderr).toBe(0);
      expect(warnings(first.stderr), first.stderr).toEqual([]);
      expect(existsSync(path.join(project, 'package-lock.json'))).toBe(true);
      const ci = await sh('npm', ['ci'], project);
      expect(ci.code, ci.stderr).toBe(0);
      expect(warnings(ci.stderr), ci.stderr).toEqual([]);

      // the commands the workflow runs, against the local target (CI set, as on a runner)
      const env = userEnv({ CI: 'true', NO_COLOR: '1' });
      const validate = await ad(['validate'], project, env);
      expect([validate.code, validate.stdout]).toEqual([0, 'Valid: deployment "my-assistants", 1 assistant, 1 vector store, 0 file sets, 1 file.\n']);
      const plan = await ad(['plan', '--target', 'local', '--detailed-exitcode'], project, env);
      expect(plan.code, plan.stderr).toBe(2);
      expect(plan.stdout).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
      const apply = await ad(['apply', '--target', 'local', '--auto-approve'], project, env);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
      const after = await ad(['plan', '--target', 'local', '--detailed-exitcode'], project, env);
      expect(after.code, after.stdout).toBe(0);
      // codegen reads its templates from the installed copy
      const codegen = await ad(['codegen', 'python', '-o', 'client'], project, env);
      expect(codegen.code, codegen.stderr).toBe(0);
      expect(existsSync(path.join(project, 'client', 'my_assistants', '_runtime.py')), codegen.stdout).toBe(true);
      const noKey = await ad(['plan'], project, env);
      expect(noKey.code).toBe(1);
      expect(noKey.stderr).toMatch(/^error: /m);

      // the workflow init wrote, job by job, with the installed action, against the emulator
      let runId = 900;
      const remote = remoteActions(() => String(runId));
      const HEAD = 'dddddddddddddddddddddddddddddddddddddddd';
      const MERGED = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
      const gh = fakeGitHub({ repository: 'acme/my-assistants', pulls: { [MERGED]: [1] }, prs: { 1: { headRefOid: HEAD } }, runs: [], artifacts: {}, issues: [] });
      const workflow = loadWorkflow(path.join(project, '.github/workflows/assistants-deploy.yml'));
      const runner = (event: 'pull_request' | 'push') =>
        newRunner({
          workspace: project,
          event: { name: event, payload: event === 'pull_request' ? { pull_request: { number: 1, head: { sha: HEAD } } } : { repository: { default_branch: 'main' } } },
          github: {
            repository: 'acme/my-assistants',
            run_id: String(runId),
            token: 'ghs_fake',
            workflow_ref: 'acme/my-assistants/.github/workflows/assistants-deploy.yml@refs/heads/main',
            ...(event === 'pull_request' ? { sha: 'ffffffffffffffffffffffffffffffffffffffff', ref: 'refs/pull/1/merge', ref_name: '1/merge' } : { sha: MERGED, ref: 'refs/heads/main', ref_name: 'main' }),
          },
          env: { ...userEnv({ OPENAI_BASE_URL: account.env.OPENAI_BASE_URL!, FAKE_GH_STATE: gh.stateFile, FAKE_GH_LOG: gh.logFile }), PATH: `${gh.bin}:${NODE_DIR}:${process.env.PATH ?? ''}` },
          secrets: { OPENAI_API_KEY: account.env.OPENAI_API_KEY! },
          vars: {},
          onUses: remote.onUses,
        });
      const pr = await runJob(runner('pull_request'), workflow, 'plan');
      expect(pr?.ok, JSON.stringify(pr && allSteps(pr.steps).map((s) => [s.label, s.outcome, s.stderr.slice(-2000)]))).toBe(true);
      expect(pr!.steps.map((s) => s.label)).toEqual(['actions/checkout@v5', 'actions/setup-node@v5', 'Install', 'Validate', 'Plan']);
      expect(warnings(pr!.steps[2]!.stderr)).toEqual([]);
      const planned = pr!.steps[4]!;
      expect(planned.outputs.has_changes).toBe('true');
      expect(readFileSync(planned.outputs.plan_markdown!, 'utf8')).toContain('### assistants-deploy plan for `my-assistants`');
      expect(Object.keys(remote.comments)).toEqual(['assistants-deploy-plan']);
      (gh.state.runs as unknown[]).push({ databaseId: runId, workflow: 'assistants-deploy.yml', headSha: HEAD, event: 'pull_request', status: 'success' });
      gh.state.artifacts = remote.artifacts;
      gh.save();

      runId += 1;
      const merge = await runJob(runner('push'), workflow, 'apply');
      expect(merge?.ok, JSON.stringify(merge && allSteps(merge.steps).map((s) => [s.label, s.outcome, s.stderr.slice(-2000)]))).toBe(true);
      const applied = merge!.steps.at(-1)!;
      expect(applied.outputs).toMatchObject({ has_changes: 'false', exit_code: '0' });
      expect(allSteps(applied.inner!).find((s) => s.id === 'run')!.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
      // the installed copy holds the action it ran
      expect(readdirSync(path.join(project, 'node_modules', 'assistants-deploy', 'action'))).toEqual(['run.sh']);
    },
    SLOW,
  );

  it(
    'git URL: npm install --save-dev git+file://… builds it (prepare); init from there writes allowScripts, and that project installs with no warning',
    async () => {
      const consumer = temp('ad-gitconsumer-');
      const url = `git+file://${stage}`;
      const install = await sh('npm', ['install', '--save-dev', url], consumer);
      expect(install.code, install.stderr).toBe(0);
      // npm 11.16+ lists the unreviewed prepare of a git dependency (the one advisory); nothing else
      expect(warnings(install.stderr).filter((l) => !l.startsWith('npm warn install-scripts')), install.stderr).toEqual([]);
      expect(install.stdout + install.stderr).not.toMatch(/deprecated|EBADENGINE/i);
      const copy = path.join(consumer, 'node_modules', 'assistants-deploy');
      expect(existsSync(path.join(copy, 'dist', 'bundle', 'main.js'))).toBe(true);
      expect(readdirSync(copy).sort()).toEqual(['README.md', 'action', 'action.yml', 'bin', 'dist', 'examples', 'models', 'package.json', 'prices', 'schemas', 'templates']);
      expect(readdirSync(path.join(copy, 'dist'))).toEqual(['bundle']);

      const init = await ad(['init', 'app', '--ci', 'none'], consumer);
      expect(init.code, init.stderr).toBe(0);
      const app = path.join(consumer, 'app');
      const pkg = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; allowScripts: Record<string, boolean> };
      expect(pkg.devDependencies).toEqual({ 'assistants-deploy': url });
      expect(pkg.allowScripts).toEqual({ [url]: true });
      const again = await sh('npm', ['install'], app);
      expect(again.code, again.stderr).toBe(0);
      expect(warnings(again.stderr), again.stderr).toEqual([]);
      const validate = await ad(['validate'], app);
      expect(validate.code, validate.stderr).toBe(0);
      expect(validate.stdout).toBe('Valid: deployment "app", 1 assistant, 1 vector store, 0 file sets, 1 file.\n');
    },
    SLOW,
  );
});
