/**
 * Generated code against the kinds of target: one without the Assistants API (OpenAI since
 * 2026-08-26), the floor of the stated openai ranges, and ids resolved at generation time.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.js';
import { pythonEnvs, runPython, validatedEmulator, type ValidatedEmulator } from '../helpers/python.js';

let py: ReturnType<typeof pythonEnvs>;

beforeAll(() => {
  py = pythonEnvs();
}, 900_000);

async function cli(args: string[], env: Record<string, string> = {}) {
  return runCliAsync(args, { env: { OPENAI_API_KEY: 'test', ...env }, timeoutMs: 120_000 });
}

async function generate(example: string, api: string, extra: string[] = [], env: Record<string, string> = {}) {
  const out = mkdtempSync(path.join(tmpdir(), `ad-codegen-${example}-${api}-`));
  const r = await cli(['codegen', 'python', '-f', path.join('examples', example), '-o', out, '--api', api, ...extra], env);
  return { out, r };
}

describe('a target without the Assistants API', () => {
  let api: ValidatedEmulator;

  beforeAll(async () => {
    api = await validatedEmulator({ assistantsApi: false });
    const r = await cli(['apply', '-f', 'examples/support-bot', '--auto-approve'], { OPENAI_BASE_URL: api.url });
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    expect(api.validator.failures).toEqual([]);
  });

  it('--api assistants code prints one line saying to regenerate with --api responses, and exits 1', async () => {
    const { out, r } = await generate('support-bot', 'assistants');
    expect(r.code, r.stderr).toBe(0);
    for (const args of [['hello'], ['--poll', 'hello']]) {
      const run = await runPython(py.assistants, ['-m', 'support_bot', ...args], { cwd: out, env: { OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'test' } });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        'error: this target does not serve the Assistants API (OpenAI sunset it on 2026-08-26); regenerate this client with `assistants-deploy codegen python --api responses`\n',
      );
    }
  }, 120_000);

  it('--api responses code answers from the deployed vector store there (the migration path)', async () => {
    const { out, r } = await generate('support-bot', 'responses');
    expect(r.code, r.stderr).toBe(0);
    const run = await runPython(py.responses, ['-m', 'support_bot', 'How do I turn on two-factor authentication?'], { cwd: out, env: { OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'test' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^You said: How do I turn on two-factor authentication\? The best match is ad~support-bot~[0-9a-f]{16}~two-factor\.md\.\[1\]\ncited: \[1\] docs\/account\/two-factor\.md\n$/);
  }, 120_000);

  it('--resolve-ids with --api assistants refuses, pointing at --api responses', async () => {
    const { r } = await generate('support-bot', 'assistants', ['--resolve-ids'], { OPENAI_BASE_URL: api.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not serve the Assistants API');
    expect(r.stderr).toContain('--api responses');
  }, 120_000);
});

describe('the floor of the stated ranges (openai==3.3.1) and --resolve-ids', () => {
  let api: ValidatedEmulator;

  beforeAll(async () => {
    api = await validatedEmulator();
    const r = await cli(['apply', '-f', 'examples/order-desk', '--auto-approve'], { OPENAI_BASE_URL: api.url });
    expect(r.code, r.stderr).toBe(0);
    const d = await cli(['apply', '-f', 'examples/data-analyst', '--auto-approve'], { OPENAI_BASE_URL: api.url });
    expect(d.code, d.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    expect(api.validator.failures).toEqual([]);
  });

  for (const which of ['assistants', 'responses'] as const) {
    it(`--api ${which} code runs on openai 3.3.1, streaming and polling, with a function call`, async () => {
      const { out, r } = await generate('order-desk', which);
      expect(r.code, r.stderr).toBe(0);
      const env = { OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'test' };
      const version = await runPython(py.floor, ['-c', 'import openai; print(openai.__version__)'], { cwd: out });
      expect(version.stdout.trim()).toBe('3.3.1');
      const streamed = await runPython(py.floor, ['-m', 'order_desk', '--assistant', 'triage', '--events', 'lookup_order for order_number: AC-1'], { cwd: out, env });
      expect(streamed.code, streamed.stderr).toBe(0);
      expect(streamed.stdout).toContain('The lookup_order tool returned: {"error": "NotImplementedError: lookup_order: write this handler in handlers.py"}');
      expect(streamed.stderr).toContain('event: ');
      const polled = await runPython(py.floor, ['-m', 'order_desk', '--assistant', 'billing', '--poll', 'refund policy goodwill'], { cwd: out, env });
      expect(polled.code, polled.stderr).toBe(0);
      expect(polled.stdout).toMatch(/^You said: refund policy goodwill The best match is ad~order-desk~[0-9a-f]{16}~refund-policy\.md\.\[1\]\ncited: \[1\] policies\/refund-policy\.md\n$/);
    }, 120_000);
  }

  it('--resolve-ids writes the deployed ids into the code, which then needs no lookup', async () => {
    const a = await generate('order-desk', 'assistants', ['--resolve-ids'], { OPENAI_BASE_URL: api.url });
    expect(a.r.code, a.r.stderr).toBe(0);
    const ids = new Map<string, string>();
    const list = (await (await fetch(`${api.emu.url}/assistants?limit=100`, { headers: { authorization: 'Bearer test', 'openai-beta': 'assistants=v2' } })).json()) as { data: { id: string; metadata: Record<string, string> }[] };
    for (const x of list.data) ids.set(x.metadata['assistants-deploy.resource']!.split(';')[0]!, x.id);
    expect(readFileSync(path.join(a.out, 'order_desk', 'billing.py'), 'utf8')).toContain(`    assistant_id="${ids.get('billing')}",\n`);
    // no lookup by tags; the assistant is read once, only to know its vector store when a citation needs a path
    api.emu.clearLog();
    const asked = await runPython(py.assistants, ['-m', 'order_desk', '--assistant', 'billing', 'refund policy goodwill'], { cwd: a.out, env: { OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'test' } });
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toMatch(/\.\[1\]\ncited: \[1\] policies\/refund-policy\.md\n$/);
    expect(api.emu.log.map((e) => `${e.method} ${e.route}`)).toEqual([
      'POST /v1/threads',
      'POST /v1/threads/{thread_id}/messages',
      'POST /v1/threads/{thread_id}/runs',
      'GET /v1/assistants/{assistant_id}',
      'GET /v1/vector_stores/{vector_store_id}/files/{file_id}',
    ]);
    const r = await generate('data-analyst', 'responses', ['--resolve-ids'], { OPENAI_BASE_URL: api.url });
    expect(r.r.code, r.r.stderr).toBe(0);
    const analyst = readFileSync(path.join(r.out, 'data_analyst', 'analyst.py'), 'utf8');
    expect(analyst).toMatch(/resolved=Resources\(\n        vector_store_ids=\[\],\n        file_ids=\[\n(            "file-\w+",\n){4}        \],\n    \),/);
    // resolved code makes no list requests
    api.emu.clearLog();
    const run = await runPython(py.responses, ['-m', 'data_analyst', '--poll', 'sum'], { cwd: r.out, env: { OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'test' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Code interpreter files: (ad~data-analyst~[0-9a-f]{16}~[\w.-]+(, )?){4}\.\n$/);
    expect(api.emu.log.map((e) => `${e.method} ${e.route}`)).toEqual(['POST /v1/conversations', 'POST /v1/responses']);
    // and without deployed resources it refuses
    const missing = await generate('support-bot', 'responses', ['--resolve-ids'], { OPENAI_BASE_URL: api.url });
    expect(missing.r.code).toBe(1);
    expect(missing.r.stderr).toContain('--resolve-ids: not deployed on this target: vector store product-docs');
  }, 120_000);
});
