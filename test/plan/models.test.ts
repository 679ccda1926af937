/**
 * The deployer and the target's model list: plan reads GET /v1/models once; an assistant whose model
 * the list does not name is a located error (nothing is sent for it, the rest of the plan goes
 * ahead, plan and apply exit 1); a model with an announced shutdown is warned about with its date,
 * from the target's list where it says, else from models/deprecations.json; a target without a
 * model list is not checked; the local target takes ASSISTANTS_DEPLOY_LOCAL_MODELS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModels } from '../../src/targets/read.js';
import { DEPRECATIONS_FILE, loadDeprecations, shutdownOf } from '../../src/plan/deprecations.js';
import { planValidator } from '../../src/plan/saved.js';
import type { Plan } from '../../src/plan/types.js';
import { REPO, runCliAsync, tempProject } from '../helpers/cli.js';
import { mutating, startAccount, type Account } from '../helpers/deploy.js';

const MANIFEST = `version: 1
deployment: models
vector_stores:
  kb: { files: ["kb/*.md"] }
assistants:
  good:
    model: gpt-4o
    tools: [{ type: file_search }]
    tool_resources: { file_search: { vector_stores: [kb] } }
  typo:
    name: Typo
    model: gpt-4o-mni
environments:
  old:
    assistants: { good: { model: gpt-4.5-preview } }
`;

let account: Account;
beforeAll(async () => {
  account = await startAccount();
});
afterAll(async () => account.close());

const project = () => tempProject({ 'assistants.yaml': MANIFEST, 'kb/a.md': '# A\n' });

describe('a model the target does not serve', () => {
  it('plan: a located error on that assistant, the rest planned; exit 1, the plan still printed (text and JSON)', async () => {
    const dir = project();
    const from = account.emu.log.length;
    const text = await account.cli(['plan'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('assistants.yaml:12:12: assistants.typo.model: model "gpt-4o-mni" is not served by this target (its model list does not name it); nothing is sent for this assistant\n');
    expect(text.stdout).toContain('Errors (nothing is sent for this assistant; the rest of the plan goes ahead):\n  ✗ assistant.typo: assistants.yaml:12:12: assistants.typo.model: model "gpt-4o-mni" is not served by this target');
    expect(text.stdout).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy\. Files: 1 to upload, 1 to attach\. 1 error: assistant\.typo is left out\.\n$/);
    expect(account.emu.log.slice(from).filter((e) => e.route === '/v1/models')).toHaveLength(1);

    const json = await account.cli(['plan', '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(1);
    const plan = JSON.parse(json.stdout) as Plan;
    expect((await planValidator())(plan)).toEqual([]);
    expect(plan.format_version).toBe('1.3');
    expect(plan.errors).toEqual([
      {
        address: 'assistant.typo',
        key: 'typo',
        code: 'model_not_served',
        path: 'assistants.typo.model',
        loc: { file: 'assistants.yaml', line: 12, col: 12 },
        message: 'model "gpt-4o-mni" is not served by this target (its model list does not name it); nothing is sent for this assistant',
      },
    ]);
    expect(plan.resource_changes.map((c) => c.address)).toEqual(['vector_store.kb', 'assistant.good']);
    expect(plan.read?.pages.models).toBe(1);
    const md = await account.cli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(md.stdout).toContain('**Errors**: nothing is sent for this assistant; the rest of the plan goes ahead:\n\n- ❌ `assistant.typo`: `assistants.yaml:12:12` `assistants.typo.model`: model "gpt-4o-mni" is not served');
  });

  it('apply: does the rest, sends nothing for that assistant, exits 1; a saved plan does the same', async () => {
    const dir = project();
    const from = account.emu.log.length;
    const r = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
    expect(r.stderr).toContain('assistants.yaml:12:12: assistants.typo.model: model "gpt-4o-mni" is not served by this target');
    expect(mutating(account.emu, from).filter((e) => e.route === '/v1/assistants').length).toBe(1);
    const names = (await account.client.beta.assistants.list({ limit: 100 })).data.filter((a) => a.metadata?.['assistants-deploy.deployment'] === 'models').map((a) => [a.name, a.model]);
    expect(names).toEqual([['good', 'gpt-4o']]);
    // fixed: the next plan adds just that one, and succeeds
    const fixed = readFileSync(path.join(dir, 'assistants.yaml'), 'utf8').replace('gpt-4o-mni', 'gpt-4o-mini');
    const saved = path.join(dir, 'plan.json');
    const broken = await account.cli(['plan', '--out', saved], { cwd: dir });
    expect(broken.code).toBe(1);
    const fromSaved = account.emu.log.length;
    const applied = await account.cli(['apply', saved, '--auto-approve'], { cwd: dir });
    expect(applied.code).toBe(1);
    expect(mutating(account.emu, fromSaved)).toEqual([]);
    const ok = tempProject({ 'assistants.yaml': fixed, 'kb/a.md': '# A\n' });
    const plan = await account.cli(['plan', '--detailed-exitcode'], { cwd: ok });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`+ assistant "typo" {\n      + name  = "Typo"\n      + model = "gpt-4o-mini"`);
  });
});

describe('a model whose shutdown is announced', () => {
  it('is warned about with its date and replacement, from models/deprecations.json; an overlay that sets the model is where it points', async () => {
    const dir = project();
    const r = await account.cli(['plan', '--env', 'old', '--format', 'json'], { cwd: dir });
    const plan = JSON.parse(r.stdout) as Plan;
    const table = loadDeprecations();
    expect(plan.warnings).toContain(
      `assistant.good: model "gpt-4.5-preview" was shut down on 2025-07-14 (${table.source}, read ${table.read_at}, announced 2025-04-14); recommended replacement: gpt-4.1`,
    );
    const text = await account.cli(['plan', '--env', 'old'], { cwd: dir });
    expect(text.stdout).toContain('Warning: assistant.good: model "gpt-4.5-preview" was shut down on 2025-07-14');
  });

  it("the target's own model list wins where it states a date (deprecation.inference, as Azure OpenAI's does)", async () => {
    const models = { object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 1, owned_by: 'system', deprecation: { fine_tune: 1, inference: Date.UTC(2027, 2, 1) / 1000 } }, { id: 'gpt-4.5-preview', object: 'model', created: 1, owned_by: 'system' }] };
    const client = new OpenAI({ apiKey: 'k', baseURL: 'http://target.invalid/v1', maxRetries: 0, fetch: async () => Response.json(models) });
    const live = await readModels(client);
    expect(live).toEqual({ ids: ['gpt-4o', 'gpt-4.5-preview'], shutdowns: { 'gpt-4o': '2027-03-01' } });
    expect(shutdownOf('gpt-4o', live, loadDeprecations())).toEqual({ shutdown: '2027-03-01', source: "the target's model list" });
    expect(shutdownOf('gpt-4.5-preview', live, loadDeprecations())).toMatchObject({ shutdown: '2025-07-14', replacement: 'gpt-4.1' });
    expect(shutdownOf('gpt-4.1', live, loadDeprecations())).toBeUndefined();
  });

  it('the table is dated, names its sources, and holds one row per model with a YYYY-MM-DD date', () => {
    const table = JSON.parse(readFileSync(DEPRECATIONS_FILE, 'utf8')) as { source: string; read_at: string; copies: Record<string, string>; models: { model: string; shutdown: string; read_in: string[] }[] };
    expect(table.source).toMatch(/^https:\/\/developers\.openai\.com\/api\/docs\/deprecations$/);
    expect(table.read_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const ids = table.models.map((m) => m.model);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of table.models) {
      expect(m.shutdown, m.model).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(m.read_in.length, m.model).toBeGreaterThan(0);
      for (const c of m.read_in) expect(Object.keys(table.copies), m.model).toContain(c);
    }
  });
});

describe('targets without a model list', () => {
  it('404 (no /v1/models) and 403 (a key without the models scope): not checked, no error; other answers are errors', async () => {
    const answer = (status: number) => new OpenAI({ apiKey: 'k', baseURL: 'http://target.invalid/v1', maxRetries: 0, fetch: async () => Response.json({ error: { message: 'no', type: 'invalid_request_error', param: null, code: null } }, { status }) });
    expect(await readModels(answer(404))).toBeUndefined();
    expect(await readModels(answer(403))).toBeUndefined();
    await expect(readModels(answer(400))).rejects.toMatchObject({ status: 400 });
  });

  it('a plan against one plans the unknown model as any other', async () => {
    const today = await startAccount();
    // the same emulator, seen through a proxy that answers /v1/models with 404 (as a server without it would)
    const { createServer } = await import('node:http');
    const upstream = today.emu.url.replace(/\/v1$/, '');
    const proxy = createServer((req, res) => {
      void (async () => {
        if ((req.url ?? '').startsWith('/v1/models')) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'Invalid URL (GET /v1/models)', type: 'invalid_request_error', param: null, code: null } }));
          return;
        }
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)).map(([k, v]) => [k, String(v)]));
        const r = await fetch(`${upstream}${req.url}`, { method: req.method, headers, ...(req.method === 'GET' ? {} : { body: Buffer.concat(chunks) }) });
        res.writeHead(r.status, Object.fromEntries([...r.headers].filter(([k]) => !['content-length', 'transfer-encoding', 'content-encoding', 'connection'].includes(k))));
        res.end(Buffer.from(await r.arrayBuffer()));
      })();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/v1`;
      const r = await today.cli(['plan', '--format', 'json'], { cwd: project(), env: { OPENAI_BASE_URL: url } });
      expect(r.code, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout) as Plan;
      expect(plan.errors).toEqual([]);
      expect(plan.resource_changes.map((c) => c.address)).toEqual(['vector_store.kb', 'assistant.good', 'assistant.typo']);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await today.close();
    }
  });
});

describe('the local target', () => {
  it('serves the catalogue, plus the models in ASSISTANTS_DEPLOY_LOCAL_MODELS', async () => {
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: local-models\nassistants:\n  tuned: { model: "ft:gpt-4o-mini:acme::x1" }\n' });
    const env = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, CI: undefined };
    const refused = await runCliAsync(['plan', '--target', 'local'], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('assistants.tuned.model: model "ft:gpt-4o-mini:acme::x1" is not served by this target');
    const served = await runCliAsync(['plan', '--target', 'local', '--detailed-exitcode'], { cwd: dir, env: { ...env, ASSISTANTS_DEPLOY_LOCAL_MODELS: 'ft:gpt-4o-mini:acme::x1, my-other-model' } });
    expect(served.code, served.stderr).toBe(2);
    expect(served.stdout).toContain(`+ assistant "tuned" {`);
  });
});

it('the deprecations table ships in the package', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { files: string[] };
  expect(pkg.files).toContain('models');
});
