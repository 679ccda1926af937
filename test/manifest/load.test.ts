/**
 * Loading manifests: examples validate, directories merge, overlays and interpolation apply,
 * globs expand sorted and measured, and the resolved Desired holds what the files say.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/errors.js';
import { loadManifest, validateManifest } from '../../src/manifest/load.js';
import { REPO, runCli, tempProject } from '../helpers/cli.js';

const EXAMPLES = readdirSync(path.join(REPO, 'examples')).filter((d) =>
  statSync(path.join(REPO, 'examples', d, 'assistants.yaml'), { throwIfNoEntry: false })?.isFile(),
);

describe('examples', () => {
  it('there are at least four', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
  });

  it.each(EXAMPLES)('validate -f examples/%s exits 0 with a summary', (name) => {
    const r = runCli(['validate', '-f', `examples/${name}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Valid.*: deployment "[a-z0-9-]+", \d+ assistants?, \d+ vector stores?, \d+ file sets?, \d+ files?/);
  });

  it('support-bot: the glob excludes drafts and sorts the files', async () => {
    const { desired } = await loadManifest({ file: path.join(REPO, 'examples/support-bot'), cwd: REPO });
    const docs = desired.vectorStores.find((v) => v.key === 'product-docs')!;
    const expected = ['account/two-factor.md', 'billing/invoices.md', 'billing/refunds.md', 'getting-started.md', 'troubleshooting/login.md', 'troubleshooting/sync.md'].map(
      (f) => `docs/${f}`,
    );
    expect(docs.files.map((f) => f.path)).toEqual(expected);
    for (const f of docs.files) expect(f.size).toBe(statSync(path.join(REPO, 'examples/support-bot', f.path)).size);
    const support = desired.assistants[0]!;
    expect(support.instructions).toBe(readFileSync(path.join(REPO, 'examples/support-bot/prompts/support.md'), 'utf8'));
    expect(support.vectorStores).toEqual(['product-docs']);
  });

  it('order-desk: a folder of manifests merges and parameter schemas come from their files', async () => {
    const { desired } = await loadManifest({ file: path.join(REPO, 'examples/order-desk'), cwd: REPO });
    expect(desired.assistants.map((a) => a.key)).toEqual(['billing', 'shipping', 'triage']);
    expect(desired.vectorStores.map((v) => v.key)).toEqual(['policies']);
    const billing = desired.assistants[0]!;
    const refund = billing.tools.find((t) => t.type === 'function' && t.function.name === 'issue_refund');
    const onDisk = JSON.parse(readFileSync(path.join(REPO, 'examples/order-desk/functions/issue_refund.json'), 'utf8')) as unknown;
    expect(refund).toEqual({
      type: 'function',
      function: { name: 'issue_refund', description: 'Refund all or part of an order to the original payment method.', parameters: onDisk, strict: true },
    });
  });

  it('staged-rollout: the prod overlay changes model, removes the expiry and switches deployment', async () => {
    const base = (await loadManifest({ file: path.join(REPO, 'examples/staged-rollout'), cwd: REPO })).desired;
    const prod = (await loadManifest({ file: path.join(REPO, 'examples/staged-rollout'), cwd: REPO, env: 'prod' })).desired;
    expect(base.deployment).toBe('hr-helper-dev');
    expect(prod.deployment).toBe('hr-helper-prod');
    expect(base.assistants[0]!.model).toBe('gpt-4.1-mini');
    expect(prod.assistants[0]!.model).toBe('gpt-4.1');
    expect(base.vectorStores[0]!.expires_after).toEqual({ anchor: 'last_active_at', days: 14 });
    expect(prod.vectorStores[0]!.expires_after).toBeUndefined();
    expect(prod.vectorStores[0]!.protect).toBe(true);
    expect(prod.assistants[0]!.metadata).toEqual({ stage: 'prod' });
    expect(prod.assistants[0]!.name).toBe('Acme HR helper');
  });
});

describe('loading rules', () => {
  const head = 'version: 1\ndeployment: t\n';

  it('interpolates ${env:} and ${var:}, --var beating the manifest default, $${ staying literal', async () => {
    const dir = tempProject({
      'assistants.yaml': `${head}vars: { brand: Acme, tone: warm }\nassistants:\n  a:\n    model: \${env:AD_MODEL}\n    name: "\${var:brand} bot"\n    instructions: "Be \${var:tone}. Literal: $\${var:tone}"\n`,
    });
    const { desired } = await loadManifest({ file: 'assistants.yaml', cwd: dir, vars: { tone: 'brief' }, processEnv: { AD_MODEL: 'gpt-4.1' } });
    const a = desired.assistants[0]!;
    expect(a.model).toBe('gpt-4.1');
    expect(a.name).toBe('Acme bot');
    expect(a.instructions).toBe('Be brief. Literal: ${var:tone}');
  });

  it('defaults names to the key and keeps optional fields out when not set', async () => {
    const dir = tempProject({ 'assistants.yaml': `${head}assistants:\n  helper: { model: gpt-4o }\n` });
    const { desired } = await loadManifest({ file: 'assistants.yaml', cwd: dir });
    expect(desired.assistants[0]).toEqual({
      key: 'helper',
      model: 'gpt-4o',
      name: 'helper',
      tools: [],
      vectorStores: [],
      fileSets: [],
      metadata: {},
      protect: false,
      loc: { file: 'assistants.yaml', line: 4, col: 3 },
      modelLoc: { file: 'assistants.yaml', line: 4, col: 20 },
    });
  });

  it('an overlay null removes a resource, and unknown --env lists the choices', async () => {
    const dir = tempProject({
      'assistants.yaml': `${head}assistants:\n  a: { model: x }\n  debug: { model: y }\nenvironments:\n  prod:\n    assistants: { debug: null }\n`,
    });
    const prod = await loadManifest({ file: 'assistants.yaml', cwd: dir, env: 'prod' });
    expect(prod.desired.assistants.map((a) => a.key)).toEqual(['a']);
    await expect(loadManifest({ file: 'assistants.yaml', cwd: dir, env: 'qa' })).rejects.toThrow('unknown environment "qa" (available: prod)');
  });

  it('validate without --env checks every environment', async () => {
    const dir = tempProject({
      'assistants.yaml': `${head}assistants:\n  a: { model: x }\nenvironments:\n  staging: {}\n  prod:\n    assistants: { a: { top_p: 5 } }\n`,
    });
    const results = await validateManifest({ file: 'assistants.yaml', cwd: dir });
    expect(results.map((r) => [r.environment ?? 'base', r.problems.length])).toEqual([
      ['base', 0],
      ['staging', 0],
      ['prod', 1],
    ]);
    expect(results[2]!.problems[0]!.loc).toEqual({ file: 'assistants.yaml', line: 8, col: 31 });
  });

  it('YAML anchors and merge keys work', async () => {
    const dir = tempProject({
      'assistants.yaml': `${head}assistants:\n  a: &base { model: gpt-4o, temperature: 0.5 }\n  b:\n    <<: *base\n    temperature: 0.9\n`,
    });
    const { desired } = await loadManifest({ file: 'assistants.yaml', cwd: dir });
    expect(desired.assistants.map((a) => [a.key, a.model, a.temperature])).toEqual([
      ['a', 'gpt-4o', 0.5],
      ['b', 'gpt-4o', 0.9],
    ]);
  });

  it('reports every problem at once, sorted by line', async () => {
    const dir = tempProject({ 'assistants.yaml': `${head}assistants:\n  a: { model: 1 }\n  b: { model: x, top_p: 9 }\n` });
    const error = await loadManifest({ file: 'assistants.yaml', cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).problems.map((p) => `${p.loc?.line}:${p.loc?.col}`)).toEqual(['4:15', '5:25']);
  });

  it('a missing manifest is a clear error with a hint', () => {
    const dir = tempProject({});
    const r = runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: manifest not found: assistants.yaml\nhint: create one with `assistants-deploy init`, or name it with -f PATH\n');
  });

  it('--allow-outside-root lets a glob reach a sibling folder', () => {
    const dir = tempProject({ 'app/assistants.yaml': `${head}vector_stores:\n  d: { files: ["../shared/*.md"] }\n`, 'shared/a.md': '# a\n' });
    expect(runCli(['validate', '-f', 'app'], { cwd: dir }).code).toBe(1);
    const ok = runCli(['validate', '-f', 'app', '--allow-outside-root'], { cwd: dir });
    expect(ok.stdout).toContain('1 vector store, 0 file sets, 1 file');
    expect(ok.code).toBe(0);
  });

  it('--format json reports problems with file, line and column', () => {
    const dir = tempProject({ 'assistants.yaml': `${head}assistants:\n  a: { model: x, top_p: 9 }\n` });
    const r = runCli(['validate', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { valid: boolean; environments: { problems: unknown[] }[] };
    expect(out.valid).toBe(false);
    expect(out.environments[0]!.problems).toEqual([
      { file: 'assistants.yaml', line: 4, col: 25, path: 'assistants.a.top_p', message: 'must be at most 1, not 9' },
    ]);
  });
});
