/**
 * The tools of the Responses era (`web_search`, `mcp`) in the manifest, through the real CLI:
 * `validate` takes them (an MCP header's `${env:NAME}` is not read, so its variable need not be set);
 * on a target serving the Assistants API (the emulator here, as the local target is) plan and apply
 * give a located error for the assistant that lists them, naming the targets that take them, send
 * nothing for it and go ahead with the rest (exit 1); `codegen python --api assistants` refuses them
 * the same way. An MCP header's secret is never in any output, saved plan or generated file, even
 * when its variable is set; adversarial: an assistant of the same key made by hand stays untouched,
 * and a `--var` value holding `${env:…}` text is not read as a reference in a header.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planValidator } from '../../src/plan/saved.js';
import type { Plan } from '../../src/plan/types.js';
import { tempProject } from '../helpers/cli.js';
import { mutating, startAccount, type Account } from '../helpers/deploy.js';

const SECRET = 'wiki-secret-7f3a9c1e5b';

// line numbers matter: the located errors below name them
const MANIFEST = `version: 1
deployment: era
vars:
  tenant: acme
assistants:
  researcher:
    model: gpt-4o
    instructions: Find things out.
    tools:
      - type: function
        function: { name: lookup }
      - type: web_search
        search_context_size: low
        user_location: { country: NL, city: Amsterdam, timezone: Europe/Amsterdam }
        filters: { allowed_domains: [example.com, docs.example.org] }
      - type: mcp
        server_label: wiki
        server_url: https://mcp.example.com/mcp
        allowed_tools: [ask_question, read_page]
        require_approval: { never: { tool_names: [read_page] } }
        headers:
          Authorization: "Bearer \${env:WIKI_TOKEN}"
          X-Tenant: "\${var:tenant}"
  plain:
    model: gpt-4o
    instructions: Plain.
`;

let account: Account;
beforeAll(async () => {
  account = await startAccount();
});
afterAll(async () => account.close());

const project = () => tempProject({ 'assistants.yaml': MANIFEST });
const LOCATED =
  'assistants.yaml:12:9: assistants.researcher.tools[1]: web_search (tools[1]) and mcp (tools[2]) are tools of the Responses API, which this target\'s Assistants API does not have; they work with `--target foundry` (a Foundry prompt agent) or in the code that `codegen python --api responses` (or `--api foundry`) writes; nothing is sent for this assistant';

describe('web_search and mcp in the manifest', () => {
  it('validate takes them without the MCP header variables set (they are read when the tool is sent)', async () => {
    const dir = project();
    const r = await account.cli(['validate'], { cwd: dir, env: { WIKI_TOKEN: undefined } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Valid: deployment "era", 2 assistants');
  });

  it('plan on an Assistants-API target: a located error naming where they work, the rest planned, exit 1; no secret in any output', async () => {
    const dir = project();
    const env = { WIKI_TOKEN: SECRET, SECRET_TOKEN: SECRET };
    const text = await account.cli(['plan'], { cwd: dir, env });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`${LOCATED}\n`);
    expect(text.stdout).toContain(`  ✗ assistant.researcher: ${LOCATED}`);
    expect(text.stdout).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy\. 1 error: assistant\.researcher is left out\.\n$/);
    const json = await account.cli(['plan', '--format', 'json', '--out', 'plan.json'], { cwd: dir, env });
    expect(json.code).toBe(1);
    const plan = JSON.parse(json.stdout) as Plan;
    expect((await planValidator())(plan)).toEqual([]);
    expect(plan.errors).toEqual([
      {
        address: 'assistant.researcher',
        key: 'researcher',
        code: 'tool_not_supported',
        path: 'assistants.researcher.tools[1]',
        loc: { file: 'assistants.yaml', line: 12, col: 9 },
        message: LOCATED.slice(LOCATED.indexOf('web_search (')),
      },
    ]);
    expect(plan.resource_changes.map((c) => c.address)).toEqual(['assistant.plain']);
    const md = await account.cli(['plan', '--format', 'markdown'], { cwd: dir, env });
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr, md.stdout, md.stderr, readFileSync(path.join(dir, 'plan.json'), 'utf8')]) {
      expect(out).not.toContain(SECRET);
    }
  });

  it('apply: creates the rest, sends nothing for that assistant, leaves a hand-made one of the same key alone, exits 1', async () => {
    const dir = project();
    const hand = await account.client.beta.assistants.create({ model: 'gpt-4o', name: 'researcher', metadata: { 'assistants-deploy.deployment': 'other' } });
    const from = account.emu.log.length;
    const r = await account.cli(['apply', '--auto-approve'], { cwd: dir, env: { WIKI_TOKEN: SECRET } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(LOCATED);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    // one assistant created (the lease's own writes aside): plain's, none for researcher
    const writes = mutating(account.emu, from).filter((e) => e.route.startsWith('/v1/assistants'));
    expect(writes.map((e) => `${e.method} ${e.route}`)).toEqual(['POST /v1/assistants']);
    const mine = (await account.client.beta.assistants.list({ limit: 100 })).data.filter((a) => a.metadata?.['assistants-deploy.deployment'] === 'era');
    expect(mine.map((a) => a.name)).toEqual(['plain']);
    expect((await account.client.beta.assistants.retrieve(hand.id)).metadata).toEqual({ 'assistants-deploy.deployment': 'other' });
    // a plan afterwards: nothing left to do but the refused assistant
    const again = await account.cli(['plan', '--format', 'json'], { cwd: dir });
    expect(again.code).toBe(1);
    expect((JSON.parse(again.stdout) as Plan).resource_changes).toEqual([]);
  });

  it('codegen python --api assistants refuses them, located; --api responses takes them and writes no secret', async () => {
    const dir = project();
    const refused = await account.cli(['codegen', 'python', '--api', 'assistants', '-o', 'out-a'], { cwd: dir, env: { WIKI_TOKEN: SECRET } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "assistants.yaml:12:9: assistants.researcher.tools[1]: web_search (tools[1]) and mcp (tools[2]) are tools of the Responses API, which the Assistants API does not have: generate this client with --api responses or --api foundry (or leave the tools out)\n",
    );
    expect(readdirSync(dir)).not.toContain('out-a');
    const ok = await account.cli(['codegen', 'python', '--api', 'responses', '-o', 'out-r', '--var', 'tenant=acme-${env:SECRET_TOKEN}'], { cwd: dir, env: { WIKI_TOKEN: SECRET, SECRET_TOKEN: SECRET } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(SECRET);
    const files = readdirSync(path.join(dir, 'out-r'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(py|txt|md)$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(readFileSync(path.join(dir, 'out-r', f), 'utf8'), f).not.toContain(SECRET);
    const module = readFileSync(path.join(dir, 'out-r', 'era', 'researcher.py'), 'utf8');
    // the header is read from the environment at run time; the var's `${` stays text
    expect(module).toContain('"Authorization": env_text("Bearer ${env:WIKI_TOKEN}"),');
    expect(module).toContain('"X-Tenant": "acme-${env:SECRET_TOKEN}",');
  });
});
