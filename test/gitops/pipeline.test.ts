/**
 * The CI workflows in examples/ci, run as the pipeline runs them: their own `run:` / `script:`
 * commands, read from the YAML files, executed by bash with CI=true and no TTY, against the
 * emulator. Steps that need the CI server itself (actions, `gh`, GitLab's API) are named and
 * stood in for (the saved plan stays in the folder, as the artifact would bring it back).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planValidator } from '../../src/plan/saved.js';
import type { Plan } from '../../src/plan/types.js';
import { BIN, REPO } from '../helpers/cli.js';
import { API_KEY, copyExample, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

/** `npx assistants-deploy …` in the pipeline runs this checkout's CLI. */
function shimDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-shim-'));
  const npx = path.join(dir, 'npx');
  writeFileSync(npx, `#!/bin/sh\nif [ "$1" = "assistants-deploy" ]; then shift; exec "${process.execPath}" "${BIN}" "$@"; fi\necho "unexpected npx $*" >&2\nexit 127\n`);
  chmodSync(npx, 0o755);
  return dir;
}

let account: Account;
let shim: string;
beforeAll(async () => {
  account = await startAccount();
  shim = shimDir();
});
afterAll(async () => account.close());

/** Runs one step's script as the runner does (bash -eo pipefail), without blocking the emulator. */
function runScript(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd,
      env: {
        PATH: `${shim}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? '/tmp',
        CI: 'true',
        OPENAI_BASE_URL: account.env.OPENAI_BASE_URL!,
        OPENAI_API_KEY: API_KEY,
        ...env,
      },
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

describe('GitHub Actions (examples/ci/github-actions.yml)', () => {
  const workflow = parse(readFileSync(path.join(REPO, 'examples/ci/github-actions.yml'), 'utf8')) as {
    env: Record<string, string>;
    jobs: Record<string, { steps: Step[]; if: string }>;
  };
  const env = Object.fromEntries(Object.entries(workflow.env).filter(([, v]) => !String(v).includes('${{')));
  const step = (job: string, name: string) => {
    const s = workflow.jobs[job]!.steps.find((x) => x.name === name);
    if (!s?.run) throw new Error(`no run step "${name}" in job ${job}`);
    return s.run;
  };

  it('has the steps the recipe describes', () => {
    expect(workflow.jobs.plan!.if).toBe("github.event_name == 'pull_request'");
    expect(workflow.jobs.apply!.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    const plan = workflow.jobs.plan!.steps;
    expect(plan.map((s) => s.name ?? s.uses)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'Install',
      'Validate',
      'Plan',
      'Save the plan for the merge',
      'Comment the plan on the pull request',
    ]);
    expect(plan.find((s) => s.name === 'Save the plan for the merge')).toMatchObject({ uses: 'actions/upload-artifact@v4' });
    expect(step('plan', 'Comment the plan on the pull request')).toContain('--body-file plan.md');
    expect(step('apply', 'Fetch the plan reviewed on the pull request')).toContain('gh run download "$run" --name assistants-deploy-plan');
  });

  it('pull request: validate and plan write the markdown comment and the saved plan; merge: apply it; then no changes', async () => {
    const dir = copyExample('support-bot');
    const output = path.join(dir, 'github-output');
    const summary = path.join(dir, 'step-summary');
    const gh = { ...env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary };

    const validate = await runScript(step('plan', 'Validate'), dir, gh);
    expect(validate.code, validate.stderr).toBe(0);
    const plan = await runScript(step('plan', 'Plan'), dir, gh);
    expect(plan.code, plan.stderr).toBe(0);
    const md = readFileSync(path.join(dir, 'plan.md'), 'utf8');
    expect(md.startsWith('### assistants-deploy plan for `support-bot`\n\n**Plan: 2 to add, 0 to change, 0 to destroy.** Files: 6 to upload, 6 to attach.')).toBe(true);
    expect(md).not.toMatch(/\u001b\[/);
    const saved = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as Plan;
    expect((await planValidator())(saved)).toEqual([]);
    expect(readFileSync(output, 'utf8')).toBe('changes=true\n');
    expect(readFileSync(summary, 'utf8')).toBe(md);

    // merge to main: the artifact brings plan.json back; apply it, then check
    const apply = await runScript(step('apply', 'Apply the reviewed plan'), dir, gh);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
    expect(apply.stderr).not.toMatch(/\u001b\[/);
    const check = await runScript(step('apply', 'Check the account matches the manifest'), dir, gh);
    expect(check.code, check.stdout).toBe(0);

    // the next pull request with nothing to change
    writeFileSync(output, '');
    const again = await runScript(step('plan', 'Plan'), dir, gh);
    expect(again.code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('changes=false\n');
    expect(readFileSync(path.join(dir, 'plan.md'), 'utf8')).toContain('**No changes.** The account matches the manifest.');
  });

  it('merge of a plan the account has moved past: apply refuses, changing nothing', async () => {
    const dir = copyExample('data-analyst');
    const gh = { ...env, GITHUB_OUTPUT: path.join(dir, 'out'), GITHUB_STEP_SUMMARY: path.join(dir, 'sum') };
    expect((await runScript(step('plan', 'Plan'), dir, gh)).code).toBe(0);
    await account.client.beta.assistants.create({ model: 'gpt-4o', name: 'x', metadata: { 'assistants-deploy.deployment': 'data-analyst', 'assistants-deploy.resource': 'analyst;v1;' } });
    const from = account.emu.log.length;
    const apply = await runScript(step('apply', 'Apply the reviewed plan'), dir, gh);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('error: the saved plan plan.json is stale');
    expect(account.emu.log.slice(from).filter((e) => e.method !== 'GET')).toEqual([]);
  });

  it('a broken manifest fails the plan step with the located error on stderr', async () => {
    const dir = copyExample('order-desk');
    writeFileSync(path.join(dir, 'assistants.yaml'), readFileSync(path.join(dir, 'assistants.yaml'), 'utf8').replace('model: gpt-4.1\n', 'model: 41\n'));
    const gh = { ...env, GITHUB_OUTPUT: path.join(dir, 'out'), GITHUB_STEP_SUMMARY: path.join(dir, 'sum') };
    const validate = await runScript(step('plan', 'Validate'), dir, gh);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/^assistants\.yaml:\d+:\d+: assistants\.billing\.model: must be a string, not number 41$/m);
    const plan = await runScript(step('plan', 'Plan'), dir, gh);
    expect(plan.code).toBe(1);
    expect(existsSync(path.join(dir, 'out')) ? readFileSync(path.join(dir, 'out'), 'utf8') : '').toBe('');
  });
});

describe('GitLab CI (examples/ci/gitlab-ci.yml)', () => {
  const pipeline = parse(readFileSync(path.join(REPO, 'examples/ci/gitlab-ci.yml'), 'utf8')) as Record<string, { script?: string[]; variables?: Record<string, string> }> & {
    variables: Record<string, string>;
  };

  it('merge request plan, then apply on the default branch, then no changes', async () => {
    const dir = copyExample('staged-rollout');
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
