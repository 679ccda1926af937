/**
 * `--target foundry`, first applies: every example of examples/ deploys unchanged on a Foundry
 * project (the emulator as one, over https with a certificate the CLI trusts through
 * NODE_EXTRA_CA_CERTS), each assistant one prompt agent, read back with the real Node SDK
 * (@azure/ai-projects) and field by field against what the example's files say; the plan after is
 * empty. What the manifest says that Foundry has no place for, and a bad agent name, are located
 * errors with nothing sent (not even a read); so are an http endpoint that is not loopback, and a
 * missing or malformed one. Plain http to a loopback endpoint (the emulator's default) works.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, runCliAsync, tempProject } from '../helpers/cli.js';
import { copyExample } from '../helpers/deploy.js';
import { startFoundryProject, TOKEN, type FoundryProject } from '../helpers/foundry-cli.js';

let tls: FoundryProject;
let plain: FoundryProject;

beforeAll(async () => {
  [tls, plain] = await Promise.all([startFoundryProject({ tls: true }), startFoundryProject()]);
});
afterAll(async () => {
  await Promise.all([tls?.close(), plain?.close()]);
  for (const p of [tls, plain]) {
    expect(p.f.validator.failures.map((x) => JSON.stringify(x).slice(0, 400))).toEqual([]);
    expect(p.f.openai.failures.map((x) => JSON.stringify(x).slice(0, 400))).toEqual([]);
  }
});

/** The agent as the real Node SDK reads it. */
async function sdkAgent(name: string) {
  const a = await tls.project!.agents.get(name);
  return a.versions.latest as unknown as { version: string; description: string; metadata: Record<string, string>; definition: Record<string, any> };
}

async function storeIdByKey(deployment: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const v of tls.openai.vectorStores.list({ limit: 100 })) {
    if (v.metadata?.['assistants-deploy.deployment'] === deployment) out.set(String(v.metadata['assistants-deploy.resource']).split(';')[0]!, v.id);
  }
  return out;
}

async function applyAndNoOp(dir: string, extra: string[] = [], file: string[] = []): Promise<void> {
  const applied = await tls.cli([...extra, 'apply', ...file, '--auto-approve'], dir);
  expect(applied.stderr).not.toMatch(/error/i);
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.stdout).toContain('Apply complete!');
  const again = await tls.cli([...extra, 'plan', ...file, '--detailed-exitcode'], dir);
  expect(again.code, again.stdout + again.stderr).toBe(0);
  expect(again.stdout).toContain('No changes. The account matches the manifest.');
}

describe('every example deploys unchanged on a Foundry project', () => {
  it('support-bot: one agent whose file_search carries the store, its ranking and sampling, the display name in metadata', async () => {
    const dir = copyExample('support-bot');
    await applyAndNoOp(dir);
    const v = await sdkAgent('support-bot-support');
    const stores = await storeIdByKey('support-bot');
    expect(v.version).toBe('1');
    expect(v.description).toBe('Answers customer questions from the help center.');
    expect(v.metadata).toMatchObject({ owner: 'support-team', tier: '1', 'assistants-deploy.name': 'Acme Support', 'assistants-deploy.deployment': 'support-bot' });
    expect(v.metadata['assistants-deploy.resource']).toMatch(/^support;v1;/);
    expect(Object.keys(v.metadata)).toHaveLength(5);
    expect(v.definition).toEqual({
      kind: 'prompt',
      model: 'gpt-4o',
      instructions: readFileSync(path.join(dir, 'prompts/support.md'), 'utf8'),
      temperature: 0.2,
      tools: [{ type: 'file_search', vector_store_ids: [stores.get('product-docs')], max_num_results: 8, ranking_options: { ranker: 'auto', score_threshold: 0.4 } }],
    });
    const files = [];
    for await (const f of tls.openai.vectorStores.files.list(stores.get('product-docs')!)) files.push(f.attributes?.['assistants-deploy.path']);
    expect(files.sort()).toEqual(['docs/account/two-factor.md', 'docs/billing/invoices.md', 'docs/billing/refunds.md', 'docs/getting-started.md', 'docs/troubleshooting/login.md', 'docs/troubleshooting/sync.md']);
  });

  it('order-desk: three agents, functions flattened with their schema files, billing searching the policies', async () => {
    const dir = copyExample('order-desk');
    // the folder is the manifest (assistants.yaml and knowledge.yaml merged)
    await applyAndNoOp(dir, [], ['-f', '.']);
    const schema = (f: string) => JSON.parse(readFileSync(path.join(dir, 'functions', f), 'utf8'));
    const stores = await storeIdByKey('order-desk');
    const lookup = { type: 'function', name: 'lookup_order', description: "Find an order by its number or the customer's email.", parameters: schema('lookup_order.json'), strict: true };
    expect((await sdkAgent('order-desk-triage')).definition).toMatchObject({ model: 'gpt-4.1-mini', temperature: 0.3, tools: [lookup] });
    const billing = await sdkAgent('order-desk-billing');
    expect(billing.definition.tools).toEqual([
      lookup,
      { type: 'function', name: 'issue_refund', description: 'Refund all or part of an order to the original payment method.', parameters: schema('issue_refund.json'), strict: true },
      { type: 'file_search', vector_store_ids: [stores.get('policies')] },
    ]);
    expect(billing.definition.text).toBeUndefined();
    expect(billing.metadata).toMatchObject({ owner: 'order-desk', escalation: 'finance', 'assistants-deploy.name': 'Billing specialist' });
    const shipping = await sdkAgent('order-desk-shipping');
    expect(shipping.definition.tools).toEqual([{ type: 'function', name: 'track_shipment', description: 'Current status and history of a parcel.', parameters: schema('track_shipment.json'), strict: false }]);
    expect(shipping.definition.instructions).toMatch(/^You help customers with deliveries\./);
    expect(shipping.definition.temperature).toBeUndefined();
  });

  it('data-analyst: code_interpreter carries the file sets\' uploads in its container', async () => {
    const dir = copyExample('data-analyst');
    await applyAndNoOp(dir);
    const v = await sdkAgent('data-analyst-analyst');
    const uploads = new Map<string, string>();
    for await (const f of tls.openai.files.list({ purpose: 'assistants' })) uploads.set(f.id, f.filename);
    const [tool] = v.definition.tools as { type: string; container: { type: string; file_ids: string[] } }[];
    expect(tool!.type).toBe('code_interpreter');
    expect(tool!.container.type).toBe('auto');
    expect(tool!.container.file_ids.map((id) => uploads.get(id)!.split('~').at(-1)).sort()).toEqual(['products.json', 'regions.csv', 'sales-2026-09.csv', 'sales-2026-10.csv']);
    expect(v.metadata).toMatchObject({ owner: 'finance-analytics', 'data-classification': 'internal', 'assistants-deploy.name': 'Sales analyst' });
  });

  it('foundry-agent: file_search and a strict function, retention in the plan', async () => {
    const dir = copyExample('foundry-agent');
    const plan = await tls.cli(['plan'], dir);
    expect(plan.stdout).toContain('  + agent "it-helpdesk-helpdesk" version 1 {');
    await applyAndNoOp(dir);
    const v = await sdkAgent('it-helpdesk-helpdesk');
    const stores = await storeIdByKey('it-helpdesk');
    expect(v.definition).toEqual({
      kind: 'prompt',
      model: 'gpt-4.1-mini',
      instructions: readFileSync(path.join(dir, 'prompts/helpdesk.md'), 'utf8'),
      temperature: 0.2,
      tools: [
        { type: 'file_search', vector_store_ids: [stores.get('runbooks')], max_num_results: 5 },
        { type: 'function', name: 'open_ticket', description: 'Open a ticket with the IT team for what the runbooks do not solve.', parameters: JSON.parse(readFileSync(path.join(dir, 'functions/open_ticket.json'), 'utf8')), strict: true },
      ],
    });
    expect(v.metadata).toMatchObject({ owner: 'it-team', 'assistants-deploy.name': 'IT helpdesk' });
    // its retrieval checks run against the project's stores
    const checks = await tls.cli(['test'], dir);
    expect(checks.code, checks.stdout + checks.stderr).toBe(0);
    expect(checks.stdout).toMatch(/3 of 3 checks passed/);
  });

  it('staged-rollout: the base and each environment are their own deployment, so their own agents', async () => {
    const dir = copyExample('staged-rollout');
    await applyAndNoOp(dir);
    await applyAndNoOp(dir, ['--env', 'prod']);
    const dev = await sdkAgent('hr-helper-dev-hr-helper');
    const prod = await sdkAgent('hr-helper-prod-hr-helper');
    expect(dev.definition).toMatchObject({ model: 'gpt-4.1-mini', temperature: 0.3, tools: [{ type: 'file_search', max_num_results: 5 }] });
    expect(prod.definition).toMatchObject({ model: 'gpt-4.1', temperature: 0.2 });
    expect(prod.metadata['assistants-deploy.resource']).toMatch(/;protect$/);
    expect(dev.metadata).toMatchObject({ stage: 'dev', 'assistants-deploy.name': 'Acme HR helper' });
  });
});

describe('what Foundry has no place for: located errors, nothing sent', () => {
  const MANIFEST = `version: 1
deployment: desk
vector_stores:
  kb: { files: ["kb/*.md"] }
assistants:
  fine: { model: gpt-4o }
  deep:
    model: o3
    reasoning_effort: max
  ranked:
    model: gpt-4o
    tools:
      - type: file_search
        file_search: { ranking_options: { ranker: default_2024_08_21, score_threshold: 0.2 } }
    tool_resources: { file_search: { vector_stores: [kb] } }
  toolless:
    model: gpt-4o
    tool_resources: { file_search: { vector_stores: [kb] } }
  tagged:
    model: gpt-4o
    metadata: { a: "1", b: "2", c: "3", d: "4", e: "5", f: "6", g: "7", h: "8", i: "9", j: "10", k: "11", l: "12", m: "13", n: "14" }
  trailing_:
    model: gpt-4o
  a_b: { model: gpt-4o }
  a.b: { model: gpt-4o }
  ${'x'.repeat(60)}: { model: gpt-4o }
`;

  it('plan and apply refuse the manifest before a request; validate --target foundry finds the same offline', async () => {
    const dir = tempProject({ 'assistants.yaml': MANIFEST, 'kb/a.md': '# A\n' });
    const from = plain.f.emu.log.length;
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const r = await plain.cli(args, dir);
      expect(r.code).toBe(1);
      expect(hasStackTrace(r.stderr)).toBe(false);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toEqual([
        // validate's warning for other targets, printed as the manifest loads
        expect.stringMatching(/^assistants\.yaml:18:36: assistants\.toolless\.tool_resources\.file_search: warning: vector stores are attached but the assistant has no file_search tool/),
        expect.stringMatching(/^assistants\.yaml:9:23: assistants\.deep\.reasoning_effort: "max" is not a reasoning effort of a Foundry prompt agent \(none, minimal, low, medium, high, xhigh\); choose one of those for this target$/),
        expect.stringMatching(/^assistants\.yaml:14:51: assistants\.ranked\.tools\[0\]\.file_search\.ranking_options\.ranker: ranker "default_2024_08_21" is not offered by Foundry's file_search \(auto, default-2024-11-15\); use auto, or leave ranker out$/),
        expect.stringMatching(/^assistants\.yaml:18:36: assistants\.toolless\.tool_resources\.file_search: a Foundry agent keeps its vector stores in its file_search tool, and this assistant has none; add \{ type: file_search \} to tools, or remove the vector stores$/),
        expect.stringMatching(/^assistants\.yaml:21:15: assistants\.tagged\.metadata: has 14 keys; on Foundry the limit is 13 \(a version holds 16, and assistants-deploy keeps the display name and 2 ownership tags there\); remove 1$/),
        expect.stringMatching(/^assistants\.yaml:22:3: assistants\.trailing_: its Foundry agent name "desk-trailing-" \(deployment, "-", key\) must start and end with a letter or digit and hold only letters, digits and hyphens; rename the key$/),
        expect.stringMatching(/^assistants\.yaml:24:3: assistants\.a_b: its Foundry agent name "desk-a-b" is also assistants\.a\.b's \(names are lower case, with "_" and "\." as "-"\); rename one of the keys$/),
        expect.stringMatching(/^assistants\.yaml:26:3: assistants\.x{60}: its Foundry agent name "desk-x{60}" \(deployment, "-", key\) has 65 characters; Foundry allows 63\. Shorten the key or the deployment name$/),
        '7 problems found.',
      ]);
    }
    expect(plain.requests(from)).toEqual([]);
    const v = await plain.cli(['validate'], dir);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('7 problems found; nothing was sent to the API.');
    expect(v.stderr).toContain('assistants.yaml:9:23: assistants.deep.reasoning_effort');
    // the same manifest is fine for an OpenAI target, where these fields have a place (warnings aside)
    const openai = await runCliAsync(['validate'], { cwd: dir });
    expect(openai.code, openai.stderr).toBe(0);
    expect(plain.requests(from)).toEqual([]);
  });

  it('an http endpoint that is not loopback, a missing one and one that names no project are refused, nothing sent', async () => {
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: desk\nassistants:\n  fine: { model: gpt-4o }\n' });
    const http = await plain.cli(['plan'], dir, { env: { AZURE_AI_PROJECT_ENDPOINT: 'http://foundry.example.com/api/projects/p' } });
    expect(http.code).toBe(1);
    expect(http.stderr).toContain('error: the project endpoint http://foundry.example.com/api/projects/p is plain http: a bearer token is sent over https only (http is allowed for a loopback address, the emulator)');
    const missing = await plain.cli(['plan'], dir, { env: { AZURE_AI_PROJECT_ENDPOINT: undefined } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: --target foundry needs the project endpoint');
    expect(missing.stderr).toContain('hint: set AZURE_AI_PROJECT_ENDPOINT (or pass --project-endpoint)');
    const path_ = await plain.cli(['plan', '--project-endpoint', `${new URL(plain.f.endpoint).origin}/v1`], dir);
    expect(path_.code).toBe(1);
    expect(path_.stderr).toContain('is not a project endpoint (its path must be /api/projects/<project>, with no query)');
    for (const r of [http, missing, path_]) expect(hasStackTrace(r.stderr)).toBe(false);
    // without --target foundry the variable alone chooses nothing, and says so
    const ci = await runCliAsync(['plan'], { cwd: dir, env: { CI: '1', AZURE_AI_PROJECT_ENDPOINT: plain.f.endpoint } });
    expect(ci.code).toBe(1);
    expect(ci.stderr).toContain('hint: AZURE_AI_PROJECT_ENDPOINT is set: pass --target foundry to deploy to that Foundry project');
    // the flag wins over the variable
    const flag = await plain.cli(['plan', '--project-endpoint', plain.f.endpoint], dir, { env: { AZURE_AI_PROJECT_ENDPOINT: 'http://foundry.example.com/api/projects/p' } });
    expect(flag.code, flag.stderr).toBe(0);
  });

  it('plain http to the loopback emulator works, the token never printed', async () => {
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: plain-http\nassistants:\n  fine: { model: gpt-4o, instructions: Be brief. }\n' });
    const r = await plain.cli(['apply', '--auto-approve', '--verbose'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/api: POST \/api\/projects\/local-project\/agents\?api-version=v1 -> 200/);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect((await plain.agent('plain-http-fine'))?.definition).toEqual({ kind: 'prompt', model: 'gpt-4o', instructions: 'Be brief.' });
  });
});

describe('credentials: DefaultAzureCredential when no AZURE_AI_PROJECT_TOKEN is set', () => {
  let strict: FoundryProject;
  const CLI_TOKEN = 'token-from-the-azure-cli-0123456789';
  beforeAll(async () => {
    // a project that accepts only the token the Azure CLI hands out
    strict = await startFoundryProject({ token: CLI_TOKEN });
  });
  afterAll(async () => strict?.close());

  it('takes the token from the Azure CLI (az account get-access-token, a stand-in az on PATH), for the ai.azure.com resource', async () => {
    const bin = tempProject({ az: `#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls"\necho '{"accessToken": "${CLI_TOKEN}", "expires_on": 4102444800, "tokenType": "Bearer"}'\n` });
    chmodSync(path.join(bin, 'az'), 0o755);
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: cli-login\nassistants:\n  a: { model: gpt-4o }\n' });
    const env = { AZURE_AI_PROJECT_TOKEN: undefined, AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential', PATH: `${bin}:${process.env.PATH}` };
    const r = await strict.cli(['apply', '--auto-approve', '--verbose'], dir, { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('(credential: DefaultAzureCredential)');
    expect(r.stdout + r.stderr).not.toContain(CLI_TOKEN);
    expect(readFileSync(path.join(bin, 'calls'), 'utf8').trim().split('\n')[0]).toBe('account get-access-token --output json --resource https://ai.azure.com');
    expect((await strict.agent('cli-login-a'))?.definition.model).toBe('gpt-4o');
  });

  it('no credential at all: a clear error, nothing sent to the project; a token the project refuses: its 401 with a hint of this target', async () => {
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: cli-login\nassistants:\n  a: { model: gpt-4o }\n' });
    const from = strict.f.emu.log.length;
    const none = await strict.cli(['plan'], dir, { env: { AZURE_AI_PROJECT_TOKEN: undefined, AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential', AZURE_CLIENT_ID: undefined, AZURE_TENANT_ID: undefined, AZURE_CLIENT_SECRET: undefined } });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('error: could not get a token for the Foundry project from DefaultAzureCredential: ');
    expect(none.stderr).toContain('hint: sign in with `az login`');
    expect(hasStackTrace(none.stderr)).toBe(false);
    expect(strict.requests(from)).toEqual([]);
    const wrong = await strict.cli(['plan'], dir, { env: { AZURE_AI_PROJECT_TOKEN: 'not-the-right-token-at-all' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/error: reading the Foundry project: the API answered 401/);
    expect(wrong.stderr).toContain('hint: check the token: AZURE_AI_PROJECT_TOKEN, or what DefaultAzureCredential signs in with (az login)');
    expect(wrong.stderr).not.toContain('not-the-right-token-at-all');
  });
});

describe('tools of the Responses era on a Foundry project', () => {
  const SECRET = 'mcp-secret-value-0123456789abcdef';
  const manifest = (extra = '') => `version: 1
deployment: era
assistants:
  researcher:
    model: gpt-4o
    instructions: Search the web and the wiki.
    tools:
      - type: web_search
        search_context_size: low
        filters: { allowed_domains: [example.com] }${extra}
      - type: mcp
        server_label: wiki
        server_url: https://mcp.example.com/sse
        allowed_tools: [search]
        require_approval: never
        headers: { X-Api-Key: "\${env:WIKI_KEY}" }
`;

  it('web_search and mcp deploy as the agent tools, the secret read from the environment only then and never shown; the plan after is empty', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest() });
    const plan = await plain.cli(['plan', '--format', 'json'], dir, { env: { WIKI_KEY: SECRET } });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).not.toContain(SECRET);
    const applied = await plain.cli(['apply', '--auto-approve', '--verbose'], dir, { env: { WIKI_KEY: SECRET } });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain(SECRET);
    const v = await plain.agent('era-researcher');
    expect(v?.definition.tools).toEqual([
      { type: 'web_search', search_context_size: 'low', filters: { allowed_domains: ['example.com'] } },
      { type: 'mcp', server_label: 'wiki', server_url: 'https://mcp.example.com/sse', allowed_tools: ['search'], require_approval: 'never', headers: { 'X-Api-Key': SECRET } },
    ]);
    expect(JSON.stringify(v?.metadata)).not.toContain(SECRET);
    const again = await plain.cli(['plan', '--detailed-exitcode'], dir, { env: { WIKI_KEY: 'another-value' } });
    expect(again.code, again.stdout).toBe(0);
    // an mcp tool whose secret is not set: nothing is sent for that agent
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest().replace('Search the web and the wiki.', 'Search.'));
    const unset = await plain.cli(['apply', '--auto-approve'], dir, { env: { WIKI_KEY: undefined } });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('agent "era-researcher": not sent, because ${env:WIKI_KEY} (an mcp tool\'s secret) is not set in the environment');
    expect(await plain.versions('era-researcher')).toHaveLength(1);
  });

  it('a web_search field a prompt agent has no place for is a located error', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest('\n        external_web_access: false') });
    const r = await plain.cli(['plan'], dir, { env: { WIKI_KEY: SECRET } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^assistants\.yaml:11:30: assistants\.researcher\.tools\[0\]\.external_web_access: a Foundry prompt agent's web_search has no external_web_access/m);
  });
});

