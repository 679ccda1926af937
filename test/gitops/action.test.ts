/**
 * The GitHub Action (action.yml at the repository root), run as the runner runs a composite action
 * (test/helpers/actions-runner.ts): its shell step, action/run.sh, with the runner's variables and
 * files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, the event file), against the emulator;
 * its remote actions (setup-node, upload-artifact, the sticky comment) are recorded and stood in
 * for, and `gh` is a fake that answers from a described repository.
 */
import { readFileSync, writeFileSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planValidator } from '../../src/plan/saved.js';
import type { Plan } from '../../src/plan/types.js';
import { allSteps, loadAction, runAction } from '../helpers/actions-runner.js';
import type { ActionResult, Runner } from '../helpers/actions-runner.js';
import { hasStackTrace, REPO } from '../helpers/cli.js';
import { API_KEY, copyExample, mutating, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';
import { baseEnv, fakeGitHub, linkTool, newRunner, remoteActions } from '../helpers/gitops.js';
import type { FakeGitHub, RemoteActions } from '../helpers/gitops.js';

const REPOSITORY = 'acme/assistants';
const HEAD = '1111111111111111111111111111111111111111';
const MERGE_PR = '2222222222222222222222222222222222222222';
const MERGED = '3333333333333333333333333333333333333333';
const WORKFLOW_REF = `${REPOSITORY}/.github/workflows/assistants-deploy.yml`;

let account: Account;
beforeAll(async () => {
  account = await startAccount();
});
afterAll(async () => account.close());

/** A pull request and its merge, in one fake repository; the artifacts of the runs are kept. */
function repository(workspace: string) {
  let runId = 100;
  const remote: RemoteActions = remoteActions(() => String(runId));
  const gh: FakeGitHub = fakeGitHub({ repository: REPOSITORY, pulls: { [MERGED]: [7] }, prs: { 7: { headRefOid: HEAD } }, runs: [], artifacts: {}, issues: [] });
  const env = baseEnv({ ...account.env, FAKE_GH_STATE: gh.stateFile, FAKE_GH_LOG: gh.logFile, NO_COLOR: '1' }, gh.bin);
  const runner = (event: 'pull_request' | 'push'): Runner =>
    newRunner({
      workspace,
      event:
        event === 'pull_request'
          ? { name: 'pull_request', payload: { number: 7, pull_request: { number: 7, head: { sha: HEAD } } } }
          : { name: 'push', payload: { ref: 'refs/heads/main', repository: { default_branch: 'main' } } },
      github: {
        repository: REPOSITORY,
        run_id: String(runId),
        token: 'ghs_fake',
        workflow: 'assistants-deploy',
        workflow_ref: `${WORKFLOW_REF}@${event === 'pull_request' ? 'refs/pull/7/merge' : 'refs/heads/main'}`,
        ...(event === 'pull_request' ? { sha: MERGE_PR, ref: 'refs/pull/7/merge', ref_name: '7/merge' } : { sha: MERGED, ref: 'refs/heads/main', ref_name: 'main' }),
      },
      env,
      onUses: remote.onUses,
    });
  return {
    remote,
    gh,
    /** a successful pull_request run of the workflow, as GitHub lists it, with the artifacts it uploaded */
    async pullRequest(inputs: Record<string, string>): Promise<ActionResult> {
      runId += 1;
      const res = await runAction(runner('pull_request'), REPO, inputs);
      if (res.ok) {
        (gh.state.runs as unknown[]).unshift({ databaseId: runId, workflow: 'assistants-deploy.yml', headSha: HEAD, event: 'pull_request', status: 'success' });
        gh.state.artifacts = remote.artifacts;
        gh.save();
      }
      return res;
    },
    async push(inputs: Record<string, string>): Promise<ActionResult> {
      runId += 1;
      return runAction(runner('push'), REPO, inputs);
    },
  };
}

function project(example: string): string {
  const dir = copyExample(example);
  linkTool(dir);
  return dir;
}

const usesOf = (remote: RemoteActions) => remote.calls.map((c) => c.uses);
const runStep = (res: ActionResult) => allSteps(res.steps).find((s) => s.id === 'run')!;

describe('action.yml', () => {
  const action = loadAction(REPO);

  it('is a composite action whose only shell step is action/run.sh, given every input it reads', () => {
    expect(action.runs.using).toBe('composite');
    const runs = action.runs.steps.filter((s) => s.run !== undefined);
    expect(runs.map((s) => [s.shell, s.run])).toEqual([['bash', 'bash "$GITHUB_ACTION_PATH/action/run.sh"']]);
    expect(action.runs.steps.filter((s) => s.uses).map((s) => s.uses)).toEqual([
      'actions/setup-node@v5',
      'actions/upload-artifact@v6',
      'marocchino/sticky-pull-request-comment@v3',
      // command: test saves its JSON report and comments its own report (test/gitops/action-test.test.ts)
      'actions/upload-artifact@v6',
      'marocchino/sticky-pull-request-comment@v3',
    ]);
    // every INPUT_* the script reads is set from the input of that name
    const script = readFileSync(path.join(REPO, 'action/run.sh'), 'utf8');
    const read = [...new Set([...script.matchAll(/\$\{(INPUT_[A-Z_]+)/g)].map((m) => m[1]!))].sort();
    const env = runs[0]!.env as Record<string, string>;
    expect(Object.keys(env).filter((k) => k.startsWith('INPUT_')).sort()).toEqual(read);
    for (const name of read) {
      const input = name.slice('INPUT_'.length).toLowerCase().replace(/_/g, '-');
      expect(action.inputs, name).toHaveProperty([input]);
      expect(env[name]).toBe(`\${{ inputs.${input} }}`);
    }
    // every input is used by some step, every output comes from the script's GITHUB_OUTPUT
    const text = readFileSync(path.join(REPO, 'action.yml'), 'utf8');
    for (const input of Object.keys(action.inputs)) expect(text, input).toMatch(new RegExp(`inputs\\.${input}(?![\\w-])`));
    expect(Object.keys(action.outputs).sort()).toEqual(['exit_code', 'has_changes', 'plan_json', 'plan_markdown', 'regressed', 'test_json', 'test_markdown']);
    for (const [name, o] of Object.entries(action.outputs)) {
      expect(o.value).toBe(`\${{ steps.run.outputs.${name} }}`);
      expect(script).toMatch(new RegExp(`output ${name} `));
    }
  });

  it('pull request with changes: has_changes, the markdown plan in the summary and as one comment, the JSON plan as the artifact', async () => {
    const dir = project('support-bot');
    const repo = repository(dir);
    const res = await repo.pullRequest({ command: 'plan', setup: 'false' });
    expect(res.ok, runStep(res).stderr).toBe(true);
    expect(res.outputs).toMatchObject({ has_changes: 'true', exit_code: '2' });
    const md = readFileSync(res.outputs.plan_markdown!, 'utf8');
    expect(md.startsWith('### assistants-deploy plan for `support-bot`\n\n**Plan: 2 to add, 0 to change, 0 to destroy.** Files: 6 to upload, 6 to attach.')).toBe(true);
    expect(md).toContain(`\n<sub>Planned at 1111111, [run 101](https://github.com/${REPOSITORY}/actions/runs/101).</sub>\n`);
    expect(md).not.toMatch(/\u001b\[/);
    expect(res.summary).toBe(md);
    const saved = JSON.parse(readFileSync(res.outputs.plan_json!, 'utf8')) as Plan;
    expect((await planValidator())(saved)).toEqual([]);
    // setup: false: no setup-node; the artifact and the comment
    expect(usesOf(repo.remote)).toEqual(['actions/upload-artifact@v6', 'marocchino/sticky-pull-request-comment@v3']);
    expect(repo.remote.calls[0]!.with).toEqual({ name: 'assistants-deploy-plan', path: res.outputs.plan_json, 'retention-days': '30', overwrite: 'true' });
    expect(repo.remote.calls[1]!.with).toEqual({ header: 'assistants-deploy-plan', path: res.outputs.plan_markdown, GITHUB_TOKEN: 'ghs_fake' });
    expect(repo.remote.comments).toEqual({ 'assistants-deploy-plan': md });
    expect(mutating(account.emu).length).toBe(0);

    // rerun on the same pull request: the same comment is written again, still one comment
    const again = await repo.pullRequest({ command: 'plan', setup: 'false' });
    expect(again.outputs.has_changes).toBe('true');
    expect(Object.keys(repo.remote.comments)).toEqual(['assistants-deploy-plan']);
    expect(repo.remote.commentWrites['assistants-deploy-plan']).toBe(2);
    expect(repo.remote.comments['assistants-deploy-plan']).toContain('[run 102]');

    // merge: apply fetches the plan of the pull request's last commit, applies it, checks
    const from = account.emu.log.length;
    const apply = await repo.push({ command: 'apply', setup: 'false' });
    expect(apply.ok, runStep(apply).stderr).toBe(true);
    expect(apply.outputs).toMatchObject({ has_changes: 'false', exit_code: '0' });
    expect(runStep(apply).stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
    expect(runStep(apply).stderr).toContain('The plan reviewed on pull request #7 (commit 1111111, run 102).');
    expect(apply.summary).toContain('### assistants-deploy apply of `assistants.yaml`\n\n```text\n');
    expect(apply.summary).toContain('Apply complete!');
    expect(mutating(account.emu, from).length).toBeGreaterThan(0);
    expect(repo.gh.calls()).toEqual([
      ['api', `repos/${REPOSITORY}/commits/${MERGED}/pulls`, '--jq', '.[0].number // empty'],
      ['pr', 'view', '7', '--repo', REPOSITORY, '--json', 'headRefOid', '--jq', '.headRefOid'],
      ['run', 'list', '--repo', REPOSITORY, '--workflow', 'assistants-deploy.yml', '--commit', HEAD, '--event', 'pull_request', '--status', 'success', '--limit', '1', '--json', 'databaseId', '--jq', '.[0].databaseId // empty'],
      ['run', 'download', '102', '--repo', REPOSITORY, '--name', 'assistants-deploy-plan', '--dir', expect.stringMatching(/\/assistants-deploy\/reviewed$/)],
    ]);
    // a push neither comments nor uploads
    expect(usesOf(repo.remote)).toHaveLength(4);

    // the next pull request, with nothing to change: the one comment now says so
    const none = await repo.pullRequest({ command: 'plan', setup: 'false' });
    expect(none.ok).toBe(true);
    expect(none.outputs).toMatchObject({ has_changes: 'false', exit_code: '0' });
    expect(readFileSync(none.outputs.plan_markdown!, 'utf8')).toContain('**No changes.** The account matches the manifest.');
    expect(Object.keys(repo.remote.comments)).toEqual(['assistants-deploy-plan']);
    expect(repo.remote.comments['assistants-deploy-plan']).toContain('**No changes.**');
  });

  it('a failing manifest: the step fails with the located error, the comment shows that error instead of the old plan, no artifact', async () => {
    const dir = project('order-desk');
    writeFileSync(path.join(dir, 'assistants.yaml'), readFileSync(path.join(dir, 'assistants.yaml'), 'utf8').replace('model: gpt-4.1\n', 'model: 41\n'));
    const repo = repository(dir);
    const res = await repo.pullRequest({ command: 'plan', setup: 'false' });
    expect(res.ok).toBe(false);
    const step = runStep(res);
    expect(step.outcome).toBe('failure');
    expect(step.code).toBe(1);
    expect(step.stderr).toMatch(/^assistants\.yaml:\d+:\d+: assistants\.billing\.model: must be a string, not number 41$/m);
    // the annotation, on stdout where the runner reads workflow commands
    expect(step.stdout).toContain('::error title=assistants-deploy plan::assistants-deploy plan failed (exit 1); the error is above\n');
    expect(hasStackTrace(step.stderr)).toBe(false);
    expect(res.outputs).toMatchObject({ exit_code: '1', has_changes: '', plan_json: '' });
    const md = readFileSync(res.outputs.plan_markdown!, 'utf8');
    expect(md.startsWith('### assistants-deploy plan failed for `assistants.yaml`\n\n`assistants-deploy plan` exited with code 1; nothing was changed by this run.\n\n````text\n')).toBe(true);
    expect(md).toMatch(/assistants\.billing\.model: must be a string, not number 41/);
    expect(res.summary).toBe(md);
    expect(usesOf(repo.remote)).toEqual(['marocchino/sticky-pull-request-comment@v3']);
    expect(repo.remote.comments['assistants-deploy-plan']).toBe(md);
  });

  it('merge of a plan the account has moved past: apply refuses, changing nothing', async () => {
    const dir = project('data-analyst');
    const repo = repository(dir);
    expect((await repo.pullRequest({ command: 'plan', setup: 'false' })).outputs.has_changes).toBe('true');
    await account.client.beta.assistants.create({ model: 'gpt-4o', name: 'x', metadata: { 'assistants-deploy.deployment': 'data-analyst', 'assistants-deploy.resource': 'analyst;v1;' } });
    const from = account.emu.log.length;
    const apply = await repo.push({ command: 'apply', setup: 'false' });
    expect(apply.ok).toBe(false);
    expect(runStep(apply).stderr).toContain('error: the saved plan');
    expect(runStep(apply).stderr).toContain('is stale');
    expect(apply.outputs.exit_code).toBe('1');
    expect(mutating(account.emu, from)).toEqual([]);
  });

  it('environment, working-directory and args: own names for the artifact and comment; the check after apply keeps the global args', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ad-monorepo-'));
    cpSync(path.join(REPO, 'examples', 'staged-rollout'), path.join(root, 'hr bot'), { recursive: true });
    linkTool(path.join(root, 'hr bot'));
    const repo = repository(root);
    const inputs = { command: 'plan', setup: 'false', 'working-directory': 'hr bot', environment: 'staging', args: '--var company=Globex' };
    const res = await repo.pullRequest(inputs);
    expect(res.ok, runStep(res).stderr).toBe(true);
    const md = readFileSync(res.outputs.plan_markdown!, 'utf8');
    expect(md).toContain('### assistants-deploy plan for `hr-helper-staging`');
    expect(md).toContain('Globex');
    expect(path.basename(res.outputs.plan_markdown!)).toBe('plan-hr-bot-staging.md');
    expect(repo.remote.calls[0]!.with.name).toBe('assistants-deploy-plan-hr-bot-staging');
    expect(Object.keys(repo.remote.comments)).toEqual(['assistants-deploy-plan-hr-bot-staging']);

    const apply = await repo.push({ ...inputs, command: 'apply', args: '--var company=Globex --concurrency 4' });
    expect(apply.ok, runStep(apply).stderr).toBe(true);
    expect(apply.outputs).toMatchObject({ has_changes: 'false', exit_code: '0' });
    expect(repo.gh.calls().at(-1)).toContain('assistants-deploy-plan-hr-bot-staging');
  });

  it('command test: the report is its own comment (not the plan\'s) and its JSON report the artifact', async () => {
    const dir = project('support-bot');
    const repo = repository(dir);
    expect((await account.cli(['apply', '--auto-approve', '-q'], { cwd: dir })).code).toBe(0);
    const res = await repo.pullRequest({ command: 'test', setup: 'false' });
    expect(res.ok, runStep(res).stderr).toBe(true);
    expect(res.outputs.exit_code).toBe('0');
    expect(res.outputs.test_markdown).toMatch(/\/assistants-deploy\/test\.md$/);
    expect(res.outputs.test_json).toMatch(/\/assistants-deploy\/test\.json$/);
    expect(res.outputs.plan_markdown ?? '').toBe('');
    expect(repo.remote.calls.map((c) => c.uses)).toEqual(['actions/upload-artifact@v6', 'marocchino/sticky-pull-request-comment@v3']);
    expect(repo.remote.calls[0]!.with).toEqual({ name: 'assistants-deploy-test', path: res.outputs.test_json, 'retention-days': '90', overwrite: 'true' });
    expect(repo.remote.calls[1]!.with.header).toBe('assistants-deploy-test');
    expect(repo.remote.comments['assistants-deploy-test']).toContain('**Test passed: 4 of 4 checks passed');
    expect(Object.keys(repo.remote.comments)).toEqual(['assistants-deploy-test']);
  });

  it('bad inputs and a project without the tool: error and hint, exit 1, nothing run', async () => {
    const dir = project('support-bot');
    const repo = repository(dir);
    const bad = await repo.pullRequest({ command: 'deploy' });
    expect(runStep(bad).code).toBe(1);
    expect(runStep(bad).stderr).toMatch(/^error: command "deploy" is not one of plan, apply, test\nhint: set the input `command` to plan/m);
    // setup: true (the default) needs a lock file to npm ci from
    const noLock = await repo.pullRequest({ command: 'plan' });
    expect(usesOf(repo.remote)).toContain('actions/setup-node@v5');
    expect(repo.remote.calls.find((c) => c.uses === 'actions/setup-node@v5')!.with).toEqual({ 'node-version': '24', cache: 'npm', 'cache-dependency-path': './package-lock.json' });
    expect(runStep(noLock).stderr).toContain('error: no package-lock.json in ".", so npm ci cannot install assistants-deploy\nhint: run npm install (it writes package-lock.json) and commit package-lock.json');

    const bare = mkdtempSync(path.join(tmpdir(), 'ad-bare-'));
    mkdirSync(path.join(bare, 'sub'));
    const none = await repository(bare).pullRequest({ command: 'plan', setup: 'false', 'working-directory': 'sub' });
    expect(runStep(none).stderr).toContain('error: assistants-deploy is not installed in "sub" (no node_modules/.bin/assistants-deploy)\nhint: list it in devDependencies');
    const missing = await repository(bare).pullRequest({ command: 'plan', setup: 'false', 'working-directory': 'nowhere' });
    expect(runStep(missing).stderr).toMatch(/^error: working-directory "nowhere" does not exist/m);

    // a push of a commit that no pull request reviewed
    repo.gh.state.pulls = {};
    repo.gh.save();
    const direct = await repo.push({ command: 'apply', setup: 'false' });
    expect(direct.ok).toBe(false);
    expect(runStep(direct).stderr).toContain('error: commit 3333333 belongs to no pull request, so there is no reviewed plan to apply\nhint: merge through a pull request, or set plan-file: none');
    for (const r of [bad, noLock, none, missing, direct]) {
      expect(r.outputs.exit_code).toBe('1');
      expect(hasStackTrace(runStep(r).stderr)).toBe(false);
    }
  });
});
