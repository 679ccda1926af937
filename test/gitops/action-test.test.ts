/**
 * The Action's `command: test` (action.yml, action/run.sh), run as the runner runs it
 * (test/helpers/actions-runner.ts) against the emulator, with a fake `gh`: on the default branch it
 * tests the deployed stores and saves its JSON report as the artifact; on a pull request it fetches
 * that report as the baseline (`baseline: default-branch`), tests, and posts the report with the
 * checks that regressed as its own sticky comment, failing the step when a threshold fails.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSteps, runAction } from '../helpers/actions-runner.js';
import type { ActionResult, Runner } from '../helpers/actions-runner.js';
import { hasStackTrace, REPO } from '../helpers/cli.js';
import { copyExample, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';
import { baseEnv, fakeGitHub, linkTool, newRunner, remoteActions } from '../helpers/gitops.js';

const REPOSITORY = 'acme/assistants';
const MAIN_SHA = '4444444444444444444444444444444444444444';
const PR_HEAD = '5555555555555555555555555555555555555555';
const WORKFLOW_REF = `${REPOSITORY}/.github/workflows/assistants-deploy.yml`;

let account: Account;
beforeAll(async () => {
  account = await startAccount();
});
afterAll(async () => account.close());

const runStep = (res: ActionResult) => allSteps(res.steps).find((s) => s.id === 'run')!;

function repository(workspace: string) {
  let runId = 500;
  const remote = remoteActions(() => String(runId));
  const gh = fakeGitHub({ repository: REPOSITORY, pulls: {}, prs: {}, runs: [], artifacts: {}, issues: [] });
  const env = baseEnv({ ...account.env, FAKE_GH_STATE: gh.stateFile, FAKE_GH_LOG: gh.logFile, NO_COLOR: '1' }, gh.bin);
  const runner = (event: 'pull_request' | 'push'): Runner =>
    newRunner({
      workspace,
      event:
        event === 'pull_request'
          ? { name: 'pull_request', payload: { number: 9, pull_request: { number: 9, head: { sha: PR_HEAD }, base: { repo: { default_branch: 'main' } } } } }
          : { name: 'push', payload: { ref: 'refs/heads/main', repository: { default_branch: 'main' } } },
      github: {
        repository: REPOSITORY,
        run_id: String(runId),
        token: 'ghs_fake',
        workflow: 'assistants-deploy',
        workflow_ref: `${WORKFLOW_REF}@${event === 'pull_request' ? 'refs/pull/9/merge' : 'refs/heads/main'}`,
        ...(event === 'pull_request' ? { sha: PR_HEAD, ref: 'refs/pull/9/merge', ref_name: '9/merge' } : { sha: MAIN_SHA, ref: 'refs/heads/main', ref_name: 'main' }),
      },
      env,
      onUses: remote.onUses,
    });
  return {
    remote,
    gh,
    /** a run on the default branch; when it succeeds, GitHub lists it with the artifacts it uploaded */
    async push(inputs: Record<string, string>): Promise<ActionResult> {
      runId += 1;
      const res = await runAction(runner('push'), REPO, inputs);
      if (res.ok) {
        (gh.state.runs as unknown[]).unshift({ databaseId: runId, workflow: 'assistants-deploy.yml', headSha: MAIN_SHA, headBranch: 'main', event: 'push', status: 'success' });
        gh.state.artifacts = remote.artifacts;
        gh.save();
      }
      return res;
    },
    async pullRequest(inputs: Record<string, string>): Promise<ActionResult> {
      runId += 1;
      return runAction(runner('pull_request'), REPO, inputs);
    },
  };
}

async function deployedProject(): Promise<string> {
  const dir = copyExample('support-bot');
  linkTool(dir);
  const applied = await account.cli(['apply', '--auto-approve', '-q'], { cwd: dir });
  expect(applied.code, applied.stderr).toBe(0);
  return dir;
}

describe('action.yml command: test', () => {
  it('default branch: no baseline yet, report saved; pull request: compared with it, regressions in the comment, the step fails', async () => {
    const dir = await deployedProject();
    const repo = repository(dir);
    const inputs = { command: 'test', setup: 'false', baseline: 'default-branch' };

    const main = await repo.push(inputs);
    expect(main.ok, runStep(main).stderr).toBe(true);
    expect(runStep(main).stderr).toContain('No baseline: no successful run of assistants-deploy.yml on main saved a test report yet; testing without one.');
    expect(main.outputs).toMatchObject({ exit_code: '0' });
    expect(main.outputs.regressed ?? '').toBe('');
    const saved = JSON.parse(readFileSync(main.outputs.test_json!, 'utf8')) as { ok: boolean; checks: unknown[] };
    expect(saved).toMatchObject({ ok: true });
    expect(saved.checks).toHaveLength(4);
    // a push saves the report, and comments nothing
    expect(repo.remote.calls.map((c) => c.uses)).toEqual(['actions/upload-artifact@v6']);
    expect(repo.remote.calls[0]!.with.name).toBe('assistants-deploy-test');
    expect(main.summary).toContain('**Test passed: 4 of 4 checks passed');
    expect(main.summary).toContain('<sub>Tested at 4444444, [run 501]');

    // the pull request narrows the glob: the two-factor article leaves the store's files
    const file = path.join(dir, 'assistants.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('      - "docs/**/*.md"\n', '      - "docs/billing/*.md"\n      - "docs/troubleshooting/*.md"\n      - "docs/*.md"\n'));
    const pr = await repo.pullRequest(inputs);
    expect(pr.ok).toBe(false);
    const step = runStep(pr);
    expect(step.code).toBe(1);
    expect(hasStackTrace(step.stderr)).toBe(false);
    expect(step.stderr).toContain('Baseline: the test report of run 501 on main.');
    expect(pr.outputs).toMatchObject({ exit_code: '1', regressed: '1' });
    const md = readFileSync(pr.outputs.test_markdown!, 'utf8');
    expect(md).toContain('❌ **1 regressed:** `product-docs/two-factor recovery`');
    expect(md).toContain('**Test failed: 1 of 4 checks failed; hit rate at k 0.75 is below 1');
    expect(md).toContain('<sub>Tested at 5555555, [run 502]');
    expect(pr.summary).toBe(md);
    expect(step.stdout).toContain('::error title=assistants-deploy test::assistants-deploy test: a threshold failed');
    const comment = repo.remote.calls.find((c) => c.uses === 'marocchino/sticky-pull-request-comment@v3')!;
    expect(comment.with).toEqual({ header: 'assistants-deploy-test', path: pr.outputs.test_markdown, GITHUB_TOKEN: 'ghs_fake' });
    expect(repo.remote.comments['assistants-deploy-test']).toBe(md);
    expect(repo.gh.calls().filter((c) => c[0] === 'run')).toEqual([
      ['run', 'list', '--repo', REPOSITORY, '--workflow', 'assistants-deploy.yml', '--branch', 'main', '--event', 'push', '--status', 'success', '--limit', '1', '--json', 'databaseId', '--jq', '.[0].databaseId // empty'],
      ['run', 'list', '--repo', REPOSITORY, '--workflow', 'assistants-deploy.yml', '--branch', 'main', '--event', 'push', '--status', 'success', '--limit', '1', '--json', 'databaseId', '--jq', '.[0].databaseId // empty'],
      ['run', 'download', '501', '--repo', REPOSITORY, '--name', 'assistants-deploy-test', '--dir', expect.stringMatching(/\/assistants-deploy\/baseline$/)],
    ]);
  });

  it('a baseline path, a missing one, and a manifest that fails before testing', async () => {
    const dir = await deployedProject();
    const repo = repository(dir);
    const first = await account.cli(['test', '-q', '--json', 'earlier.json'], { cwd: dir });
    expect(first.code).toBe(0);
    const ok = await repo.pullRequest({ command: 'test', setup: 'false', baseline: 'earlier.json' });
    expect(ok.ok, runStep(ok).stderr).toBe(true);
    expect(ok.outputs).toMatchObject({ exit_code: '0', regressed: '0' });
    expect(readFileSync(ok.outputs.test_markdown!, 'utf8')).toContain('✅ **No check regressed.**');

    const missing = await repo.pullRequest({ command: 'test', setup: 'false', baseline: 'nowhere.json' });
    expect(missing.ok).toBe(false);
    expect(runStep(missing).stderr).toMatch(/^error: baseline "nowhere\.json" does not exist \(in .+\)\nhint: give the path of a JSON report/m);

    writeFileSync(path.join(dir, 'assistants.yaml'), readFileSync(path.join(dir, 'assistants.yaml'), 'utf8').replace('k: 3\n', 'k: 0\n'));
    const bad = await repo.pullRequest({ command: 'test', setup: 'false' });
    expect(bad.ok).toBe(false);
    expect(bad.outputs.exit_code).toBe('1');
    expect(bad.outputs.test_json ?? '').toBe('');
    const md = readFileSync(bad.outputs.test_markdown!, 'utf8');
    expect(md.startsWith('### assistants-deploy test failed for `assistants.yaml`\n\n`assistants-deploy test` exited with code 1')).toBe(true);
    expect(md).toMatch(/assistants\.yaml:\d+:\d+: vector_stores\.product-docs\.checks\[0\]\.k: must be at least 1/);
    expect(repo.remote.comments['assistants-deploy-test']).toBe(md);
  });
});
