/**
 * The CI workflows in examples/ci (what `init` writes, and what people copy), run as the pipeline
 * runs them, against the emulator:
 * - GitHub: whole jobs, chosen by their `if:` for the event, through the runner stand-in
 *   (test/helpers/actions-runner.ts), the action they use being this checkout's action.yml as
 *   ./node_modules/assistants-deploy; `npm ci` is stood in for by links to this checkout (the
 *   install test, install.test.ts, runs it for real); `gh` is a fake repository.
 * - GitLab: each `script:` entry by bash with CI=true, the project-local bin on PATH through
 *   node_modules/.bin.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allSteps, loadAction, loadWorkflow, runJob } from '../helpers/actions-runner.js';
import type { Runner, Step } from '../helpers/actions-runner.js';
import { REPO } from '../helpers/cli.js';
import { copyExample, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';
import { baseEnv, fakeGitHub, linkTool, newRunner, remoteActions } from '../helpers/gitops.js';

const CI = path.join(REPO, 'examples', 'ci');
const REPOSITORY = 'acme/assistants';
const HEAD = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const MERGED = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

let account: Account;
beforeAll(async () => {
  account = await startAccount();
});
afterAll(async () => account.close());

function project(example: string): string {
  const dir = copyExample(example);
  linkTool(dir);
  return dir;
}

/** `npm ci` in these tests: the links linkTool made are what it would leave. */
const standInForInstall = (step: Step) => (step.run === 'npm ci' ? { code: 0, stdout: 'links to this checkout stand in for npm ci\n', stderr: '' } : undefined);

function github(workspace: string) {
  let runId = 500;
  const remote = remoteActions(() => String(runId));
  const gh = fakeGitHub({ repository: REPOSITORY, pulls: { [MERGED]: [3] }, prs: { 3: { headRefOid: HEAD } }, runs: [], artifacts: {}, issues: [] });
  const runner = (event: 'pull_request' | 'push' | 'schedule'): Runner =>
    newRunner({
      workspace,
      event: {
        name: event,
        payload: event === 'pull_request' ? { pull_request: { number: 3, head: { sha: HEAD } } } : { repository: { default_branch: 'main' } },
      },
      github: {
        repository: REPOSITORY,
        run_id: String(runId),
        token: 'ghs_fake',
        workflow: 'assistants-deploy',
        workflow_ref: `${REPOSITORY}/.github/workflows/assistants-deploy.yml@refs/heads/main`,
        ...(event === 'pull_request' ? { sha: 'cccccccccccccccccccccccccccccccccccccccc', ref: 'refs/pull/3/merge', ref_name: '3/merge' } : { sha: MERGED, ref: 'refs/heads/main', ref_name: 'main' }),
      },
      env: baseEnv({ ...account.env, FAKE_GH_STATE: gh.stateFile, FAKE_GH_LOG: gh.logFile }, gh.bin),
      secrets: { OPENAI_API_KEY: account.env.OPENAI_API_KEY! },
      vars: {},
      localActions: { './node_modules/assistants-deploy': REPO },
      onUses: remote.onUses,
      onRun: standInForInstall,
    });
  return {
    remote,
    gh,
    async run(event: 'pull_request' | 'push' | 'schedule', workflow: string, job: string) {
      runId += 1;
      const res = await runJob(runner(event), loadWorkflow(path.join(CI, workflow)), job);
      if (event === 'pull_request' && res?.ok) {
        (gh.state.runs as unknown[]).unshift({ databaseId: runId, workflow: 'assistants-deploy.yml', headSha: HEAD, event: 'pull_request', status: 'success' });
        gh.state.artifacts = remote.artifacts;
        gh.save();
      }
      return res;
    },
  };
}

const step = (steps: { label: string }[] | undefined, label: string) => {
  const found = steps?.find((s) => s.label === label);
  if (!found) throw new Error(`no step ${label}`);
  return found as ReturnType<typeof allSteps>[number];
};

describe('GitHub Actions (examples/ci/*.yml)', () => {
  const action = loadAction(REPO);
  const files = readdirSync(CI).filter((f) => f !== 'gitlab-ci.yml');

  it('run on Node 24, the project-local bin and the action from node_modules, with inputs and outputs the action has', () => {
    expect(files.sort()).toEqual(['drift-check.yml', 'github-actions.yml']);
    for (const file of files) {
      const text = readFileSync(path.join(CI, file), 'utf8');
      expect(text, file).not.toMatch(/npx (?!--no-install )assistants-deploy/);
      const workflow = loadWorkflow(path.join(CI, file));
      for (const [name, job] of Object.entries(workflow.jobs)) {
        const uses = job.steps.map((s) => s.uses).filter(Boolean);
        expect(uses.slice(0, 2), `${file} ${name}`).toEqual(['actions/checkout@v5', 'actions/setup-node@v5']);
        expect(job.steps[1]!.with).toEqual({ 'node-version': 24, cache: 'npm' });
        expect(job.steps[2]).toEqual({ name: 'Install', run: 'npm ci' });
        for (const s of job.steps.filter((x) => x.uses === './node_modules/assistants-deploy')) {
          for (const input of Object.keys(s.with ?? {})) expect(action.inputs, `${file}: input ${input}`).toHaveProperty([input]);
          expect(s.with?.setup).toBe(false);
        }
      }
      for (const m of text.matchAll(/steps\.(\w+)\.outputs\.(\w+)/g)) {
        const [, id, out] = m;
        const owner = Object.values(workflow.jobs).flatMap((j) => j.steps).find((s) => s.id === id)!;
        if (owner.uses === './node_modules/assistants-deploy') expect(action.outputs, `${file}: output ${out}`).toHaveProperty([out!]);
      }
    }
    const main = loadWorkflow(path.join(CI, 'github-actions.yml'));
    expect(main.jobs.plan!.if).toBe("github.event_name == 'pull_request'");
    expect(main.jobs.apply!.if).toBe("github.event_name == 'push' && github.ref_name == github.event.repository.default_branch");
    expect(main.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', actions: 'read' });
  });

  it('pull request: validate, then the plan as one comment and an artifact; merge: apply that plan; next pull request: no changes', async () => {
    const dir = project('support-bot');
    const gh = github(dir);
    expect(await gh.run('pull_request', 'github-actions.yml', 'apply')).toBeUndefined();
    const pr = await gh.run('pull_request', 'github-actions.yml', 'plan');
    expect(pr?.ok, JSON.stringify(pr?.steps.map((s) => [s.label, s.outcome, s.stderr]))).toBe(true);
    expect(pr!.steps.map((s) => [s.label, s.outcome])).toEqual([
      ['actions/checkout@v5', 'success'],
      ['actions/setup-node@v5', 'success'],
      ['Install', 'success'],
      ['Validate', 'success'],
      ['Plan', 'success'],
    ]);
    expect(step(pr!.steps, 'Validate').stdout).toBe('Valid: deployment "support-bot", 1 assistant, 1 vector store, 0 file sets, 6 files.\n');
    const plan = step(pr!.steps, 'Plan');
    expect(plan.outputs.has_changes).toBe('true');
    const md = readFileSync(plan.outputs.plan_markdown!, 'utf8');
    expect(md.startsWith('### assistants-deploy plan for `support-bot`\n\n**Plan: 2 to add')).toBe(true);
    expect(pr!.summary).toBe(md);
    expect(gh.remote.comments).toEqual({ 'assistants-deploy-plan': md });
    expect(gh.remote.artifacts).toEqual({ 502: { 'assistants-deploy-plan': expect.any(String) } }); // 501: the apply job, left out

    expect(await gh.run('push', 'github-actions.yml', 'plan')).toBeUndefined();
    const merge = await gh.run('push', 'github-actions.yml', 'apply');
    const applied = step(merge!.steps, 'Apply the reviewed plan');
    expect(merge?.ok, allSteps(merge!.steps).map((s) => s.stderr).join('\n')).toBe(true);
    expect(applied.outputs).toMatchObject({ has_changes: 'false', exit_code: '0' });
    expect(allSteps(applied.inner!).find((s) => s.id === 'run')!.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
    expect(gh.gh.calls().find((c) => c[1] === 'download')).toEqual(['run', 'download', '502', '--repo', REPOSITORY, '--name', 'assistants-deploy-plan', '--dir', expect.any(String)]);

    const next = await gh.run('pull_request', 'github-actions.yml', 'plan');
    expect(step(next!.steps, 'Plan').outputs.has_changes).toBe('false');
    expect(gh.remote.comments['assistants-deploy-plan']).toContain('**No changes.** The account matches the manifest.');
  });

  it('a broken manifest fails Validate with the located error, and the plan does not run', async () => {
    const dir = project('order-desk');
    writeFileSync(path.join(dir, 'assistants.yaml'), readFileSync(path.join(dir, 'assistants.yaml'), 'utf8').replace('model: gpt-4.1\n', 'model: 41\n'));
    const pr = await github(dir).run('pull_request', 'github-actions.yml', 'plan');
    expect(pr?.ok).toBe(false);
    const validate = step(pr!.steps, 'Validate');
    expect(validate.outcome).toBe('failure');
    expect(validate.stderr).toMatch(/^assistants\.yaml:\d+:\d+: assistants\.billing\.model: must be a string, not number 41$/m);
    expect(step(pr!.steps, 'Plan').outcome).toBe('skipped');
  });

  it('drift check: a plan with changes opens an issue, or updates the open one; no drift, no issue', async () => {
    const dir = project('data-analyst');
    const gh = github(dir);
    const first = await gh.run('schedule', 'drift-check.yml', 'drift');
    expect(first?.ok, JSON.stringify(first?.steps.map((s) => [s.label, s.outcome, s.stderr]))).toBe(true);
    const issue = gh.remote.calls.find((c) => c.uses === 'peter-evans/create-issue-from-file@v5');
    expect(issue?.with).toEqual({
      title: 'assistants-deploy: the account differs from assistants.yaml',
      'content-filepath': step(first!.steps, 'Plan').outputs.plan_markdown,
      labels: 'assistants-deploy-drift',
      'issue-number': '',
    });
    expect(readFileSync(issue!.with['content-filepath']!, 'utf8')).toContain('### assistants-deploy plan for `data-analyst`');
    // no comment and no artifact off a pull request
    expect(gh.remote.calls.map((c) => c.uses)).toEqual(['actions/checkout@v5', 'actions/setup-node@v5', 'peter-evans/create-issue-from-file@v5']);

    gh.gh.state.issues = [{ number: 12, labels: ['assistants-deploy-drift'], state: 'open' }];
    gh.gh.save();
    await gh.run('schedule', 'drift-check.yml', 'drift');
    expect(gh.remote.calls.filter((c) => c.uses.startsWith('peter-evans/')).at(-1)!.with['issue-number']).toBe('12');

    const applied = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    const calm = await gh.run('schedule', 'drift-check.yml', 'drift');
    expect(step(calm!.steps, 'Plan').outputs.has_changes).toBe('false');
    expect(step(calm!.steps, 'Find the open drift issue').outcome).toBe('skipped');
    expect(step(calm!.steps, 'Open or update the drift issue').outcome).toBe('skipped');
  });
});

/** Runs one script entry as GitLab's runner does (bash, CI=true, no TTY), without blocking the emulator. */
function runScript(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd,
      env: { ...baseEnv(account.env), CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('GitLab CI (examples/ci/gitlab-ci.yml)', () => {
  const pipeline = parse(readFileSync(path.join(CI, 'gitlab-ci.yml'), 'utf8')) as Record<string, { script?: string[]; image?: string; before_script?: string[] }> & {
    variables: Record<string, string>;
  };

  it('merge request plan, then apply on the default branch, then no changes', async () => {
    expect(pipeline['.assistants-deploy']).toMatchObject({ image: 'node:24', before_script: ['npm ci'] });
    const dir = project('staged-rollout');
    const plan = pipeline['assistants-deploy:plan']!.script!;
    expect(plan).toHaveLength(3);
    for (const script of plan) {
      const r = await runScript(script, dir, pipeline.variables);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(readFileSync(path.join(dir, 'plan.env'), 'utf8')).toBe('PLAN_CHANGES=true\n');
    expect(readFileSync(path.join(dir, 'plan.md'), 'utf8')).toContain('### assistants-deploy plan for `hr-helper-dev`');

    const apply = pipeline['assistants-deploy:apply']!.script!;
    expect(apply[0]).toContain('/jobs/artifacts/'); // fetching the artifact needs GitLab: plan.json is already here
    for (const script of apply.slice(1)) {
      const r = await runScript(script, dir, pipeline.variables);
      expect(r.code, r.stderr).toBe(0);
    }
    const again = await runScript(plan[1]!, dir, pipeline.variables);
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(dir, 'plan.env'), 'utf8')).toBe('PLAN_CHANGES=false\n');
  });
});
