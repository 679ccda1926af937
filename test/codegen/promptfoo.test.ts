/**
 * `codegen promptfoo` through the real CLI against the emulator: the configuration of every
 * example (after its apply) validates against promptfoo's configuration schema
 * (vendor/promptfoo/config-schema.json, draft-07, with ajv), with one provider per assistant whose
 * file_search searches the ids the deployment's stores have (never another deployment's store of
 * the same name), and one test per eval restricted to its assistant. A store not deployed is an
 * error with nothing written. (test/codegen/promptfoo-eval.test.ts runs promptfoo itself.)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../helpers/cli.js';
import { copyExample, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

type Config = { description: string; prompts: unknown[]; providers: { id: string; label: string; config?: Record<string, unknown> }[]; tests: { description: string; vars: { prompt: string }; providers: string[]; assert: { type: string }[] }[] };

let account: Account;
let validate: (data: unknown) => string[];
beforeAll(async () => {
  account = await startAccount();
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const check = ajv.compile(JSON.parse(readFileSync(path.join(REPO, 'vendor', 'promptfoo', 'config-schema.json'), 'utf8')) as object);
  validate = (data) => (check(data) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}, 60_000);
afterAll(async () => account.close());

async function generated(dir: string): Promise<{ text: string; config: Config }> {
  const r = await account.cli(['codegen', 'promptfoo', '-f', '.', '-o', 'evals.yaml'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const text = readFileSync(path.join(dir, 'evals.yaml'), 'utf8');
  return { text, config: parse(text) as Config };
}

const storeIds = async (deployment: string) =>
  (await account.client.vectorStores.list({ limit: 100 })).data.filter((v) => v.metadata?.['assistants-deploy.deployment'] === deployment).map((v) => v.id);

describe('codegen promptfoo', () => {
  it('the configuration of every example validates against promptfoo\'s schema, with the deployed ids', async () => {
    for (const name of ['support-bot', 'order-desk', 'data-analyst', 'staged-rollout']) {
      const dir = copyExample(name);
      expect((await account.cli(['apply', '-f', '.', '--auto-approve', '-q'], { cwd: dir })).code).toBe(0);
      const { text, config } = await generated(dir);
      expect(validate(config), name).toEqual([]);
      expect(text.startsWith('# yaml-language-server: $schema=https://promptfoo.dev/config-schema.json\n')).toBe(true);
      expect(config.prompts).toEqual([{ id: 'user-message', label: 'user message', raw: '{{prompt}}' }]);
      const manifest = parse(readFileSync(path.join(dir, existsSync(path.join(dir, 'knowledge.yaml')) ? 'knowledge.yaml' : 'assistants.yaml'), 'utf8')) as { evals?: Record<string, { assistant: string; prompt: string }> };
      const evals = Object.entries(manifest.evals ?? {});
      expect(config.tests.map((t) => [t.vars.prompt, t.providers])).toEqual(evals.map(([, e]) => [e.prompt, [e.assistant]]));
      for (const t of config.tests) expect(config.providers.map((p) => p.label)).toContain(t.providers[0]);
      const ids = await storeIds(parse(readFileSync(path.join(dir, 'assistants.yaml'), 'utf8')).deployment as string);
      for (const p of config.providers) {
        expect(p.id).toMatch(/^openai:responses:gpt-/);
        for (const tool of (p.config?.tools ?? []) as { type: string; vector_store_ids?: string[] }[]) {
          if (tool.type === 'file_search') expect(ids).toEqual(expect.arrayContaining(tool.vector_store_ids!));
        }
      }
    }
  });

  it('support-bot: its assistant as a Responses API provider, its evals as tests', async () => {
    const dir = copyExample('support-bot');
    expect((await account.cli(['apply', '--auto-approve', '-q'], { cwd: dir })).code).toBe(0);
    // another deployment with a store of the same name and files
    const twin = copyExample('support-bot');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(twin, 'assistants.yaml'), readFileSync(path.join(twin, 'assistants.yaml'), 'utf8').replace('deployment: support-bot', 'deployment: support-bot-twin'));
    expect((await account.cli(['apply', '--auto-approve', '-q'], { cwd: twin })).code).toBe(0);
    const [mine] = await storeIds('support-bot');
    const { config } = await generated(dir);
    expect(config.providers).toEqual([
      {
        id: 'openai:responses:gpt-4o',
        label: 'support',
        config: {
          instructions: readFileSync(path.join(dir, 'prompts', 'support.md'), 'utf8'),
          temperature: 0.2,
          tools: [{ type: 'file_search', vector_store_ids: [mine], max_num_results: 8, ranking_options: { ranker: 'auto', score_threshold: 0.4 } }],
        },
      },
    ]);
    expect(config.tests[0]).toEqual({
      description: 'A refund question is answered from the refunds article',
      vars: { prompt: 'How long do I have to ask for a refund of an annual plan?' },
      providers: ['support'],
      assert: [{ type: 'icontains', value: 'refund' }, { type: 'regex', value: 'refunds\\.md' }],
    });
    // the schema is no rubber stamp: a field promptfoo does not know, or an assertion without its type, is refused
    expect(validate({ ...config, tests: [{ ...config.tests[0], expected_output: 'x' }] })).not.toEqual([]);
    expect(validate({ ...config, tests: [{ ...config.tests[0], assert: [{ value: 'x' }] }] })).not.toEqual([]);
  });

  it('a store that is not deployed: error naming it, nothing written', async () => {
    const dir = copyExample('staged-rollout');
    const r = await account.cli(['--env', 'prod', 'codegen', 'promptfoo'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: codegen promptfoo: not deployed on this target: vector store handbook\nhint: run `assistants-deploy apply` first: the configuration names the ids the deployment has on this target\n');
    expect(existsSync(path.join(dir, 'promptfooconfig.yaml'))).toBe(false);
  });
});
