/**
 * promptfoo itself (the pinned copy scripts/promptfoo-env.sh installs into .venv/promptfoo, not a
 * dependency of the project) on `codegen promptfoo` output: the vendored schema is what that
 * promptfoo makes (scripts/promptfoo-schema.mjs), and `promptfoo eval` runs the support-bot
 * configuration against the emulator. The emulator's replies are echoes that name the file its
 * file_search matched best, so the assertions are ones an echo can satisfy: what they prove is the
 * wiring (the provider calls the Responses API with the deployed store's id, the tests reach their
 * assistant, promptfoo grades them); one assertion that must fail shows promptfoo is grading. A
 * response format becomes is-json-checkable JSON.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { API_KEY, copyExample, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

let promptfoo: string;
let account: Account;
beforeAll(async () => {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'promptfoo-env.sh')], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
  promptfoo = out.trim().split(' ')[1]!;
  account = await startAccount();
}, 900_000);
afterAll(async () => account.close());

interface EvalOutput {
  results: { stats: { successes: number; failures: number; errors: number }; results: { success: boolean; testCase: { description: string }; response?: { output: unknown }; gradingResult?: { componentResults?: { pass: boolean; assertion?: { type: string } }[] } }[] };
}

/** promptfoo eval in a child process (asynchronously: the emulator answering it runs in this one). */
async function evaluate(dir: string, config: string): Promise<{ code: number; output: EvalOutput; stderr: string }> {
  const home = mkdtempSync(path.join(tmpdir(), 'ad-promptfoo-home-'));
  const out = path.join(dir, 'results.json');
  const child = spawn(promptfoo, ['eval', '-c', config, '--no-cache', '--no-table', '--no-progress-bar', '-o', out], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: home,
      PROMPTFOO_CONFIG_DIR: home,
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      OPENAI_BASE_URL: account.emu.url,
      OPENAI_API_KEY: API_KEY,
    },
  });
  let stderr = '';
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  return { code, output: JSON.parse(readFileSync(out, 'utf8')) as EvalOutput, stderr };
}

describe('promptfoo on codegen promptfoo output', () => {
  it('the vendored schema is the one the pinned promptfoo makes', () => {
    const before = readFileSync(path.join(REPO, 'vendor', 'promptfoo', 'config-schema.json'), 'utf8');
    const scratch = mkdtempSync(path.join(tmpdir(), 'ad-promptfoo-schema-'));
    execFileSync('bash', ['-c', `cp -r "${REPO}/scripts" "${scratch}/" && mkdir -p "${scratch}/vendor/promptfoo" && node "${scratch}/scripts/promptfoo-schema.mjs" "${path.dirname(path.dirname(path.dirname(promptfoo)))}"`], { encoding: 'utf8' });
    expect(readFileSync(path.join(scratch, 'vendor', 'promptfoo', 'config-schema.json'), 'utf8')).toBe(before);
  }, 60_000);

  it('promptfoo eval runs support-bot\'s configuration against the emulator: the evals reach the deployed store and pass', async () => {
    const dir = copyExample('support-bot');
    expect((await account.cli(['apply', '--auto-approve', '-q'], { cwd: dir })).code).toBe(0);
    expect((await account.cli(['codegen', 'promptfoo'], { cwd: dir })).code).toBe(0);
    const from = account.emu.log.length;
    const { code, output, stderr } = await evaluate(dir, 'promptfooconfig.yaml');
    expect(code, stderr).toBe(0);
    expect(output.results.stats).toMatchObject({ successes: 2, failures: 0, errors: 0 });
    const replies = output.results.results.map((r) => [r.testCase.description, r.response?.output]);
    expect(replies).toEqual(
      expect.arrayContaining([
        ['A refund question is answered from the refunds article', expect.stringMatching(/^You said: How long do I have to ask for a refund of an annual plan\? The best match is ad~support-bot~[0-9a-f]+~refunds\.md\.$/)],
        ['A sync problem is answered from the sync troubleshooting article', expect.stringMatching(/The best match is ad~support-bot~[0-9a-f]+~sync\.md\.$/)],
      ]),
    );
    // promptfoo called the Responses API, once per test
    expect(account.emu.log.slice(from).filter((e) => e.method === 'POST' && e.route === '/v1/responses')).toHaveLength(2);
  }, 120_000);

  it('an assertion the reply does not meet fails, and is-json holds for an assistant with a JSON response format', async () => {
    const dir = copyExample('support-bot');
    const file = path.join(dir, 'assistants.yaml');
    let manifest = readFileSync(file, 'utf8').replace('deployment: support-bot', 'deployment: support-bot-evals');
    manifest = manifest.replace('      - { type: contains, value: sync.md }', '      - { type: contains, value: invoices.md }');
    manifest = manifest.replace('    metadata: { owner: support-team, tier: "1" }\n', `    metadata: { owner: support-team, tier: "1" }
  triage:
    model: gpt-4o-mini
    instructions: Classify the question.
    response_format:
      type: json_schema
      json_schema:
        name: triage
        strict: true
        schema: { type: object, additionalProperties: false, required: [topic], properties: { topic: { type: string } } }
`);
    manifest = manifest.replace('evals:\n', `evals:
  triage-json:
    assistant: triage
    prompt: Classify - my invoice is wrong
    assert:
      - type: is-json
        value: { type: object, required: [topic] }
`);
    writeFileSync(file, manifest);
    expect((await account.cli(['apply', '--auto-approve', '-q'], { cwd: dir })).code).toBe(0);
    expect((await account.cli(['codegen', 'promptfoo', '-o', 'evals.yaml'], { cwd: dir })).code).toBe(0);
    const { code, output } = await evaluate(dir, 'evals.yaml');
    expect(code).not.toBe(0);
    expect(output.results.stats).toMatchObject({ successes: 2, failures: 1, errors: 0 });
    const byName = Object.fromEntries(output.results.results.map((r) => [r.testCase.description, r]));
    expect(byName['A sync problem is answered from the sync troubleshooting article']!.success).toBe(false);
    const json = byName['triage-json']!;
    expect(json.success).toBe(true);
    // promptfoo hands a json_schema reply on parsed
    expect(json.response!.output as unknown).toEqual({ topic: expect.any(String) });
  }, 120_000);
});
