/**
 * `codegen python --api foundry` end to end: examples/order-desk's vector store and files deployed
 * into the emulator playing a Foundry project by the real CLI (`apply` on the project's /openai/v1:
 * upload names, attributes and tags as every target writes them), its agents created with the real
 * Python SDK (azure-ai-projects, .venv/foundry) as the Foundry target makes them (name
 * `<deployment>-<key>`, the ownership tags and display name in the version's metadata, the
 * definition's tools flattened, file_search carrying its store), then the generated client run
 * with the real azure-ai-projects and openai packages against `emulator --foundry` through the proxy
 * that validates every answer: a question answered streamed and polled, citing the manifest path of
 * the file it used; one conversation per user, continued; a function tool called; the tools of the
 * Responses era (web_search, an MCP tool that asks for approval) played by an agent; ruff (as found,
 * defaults, stricter) and mypy --strict clean; requirements.txt naming what it imports.
 * Adversarial: a newer version made by hand (untagged) is not used, an agent of the same name the
 * deployment never tagged is refused (nothing asked), an agent not deployed is named, a non-loopback
 * http endpoint gets no token, and no token is ever printed.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantBody, assistantMetadata, desiredAssistantSpec } from '../../src/kinds/index.js';
import type { DesiredAssistant } from '../../src/kinds/index.js';
import { loadManifest } from '../../src/manifest/load.js';
import { foundryAgentName } from '../../src/ownership/foundry-name.js';
import { resourceKeyOf, TAG_DEPLOYMENT } from '../../src/ownership/index.js';
import { REPO, runCliAsync, tempProject } from '../helpers/cli.js';
import { foundryEmulator, type FoundryEmulator } from '../helpers/foundry-openapi.js';
import { expectMypyClean, expectRuffClean, foundryPython, pythonEnvs, requirementNames, runPython } from '../helpers/python.js';

const TOKEN = 'foundry-codegen-token-5e1f0c';
const QUESTION = 'What does the refund policy say about goodwill refunds?';
const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'python');

let f: FoundryEmulator;
let py: string;
let sdk: OpenAI;
let out: string;
let era: string;

const env = (extra: Record<string, string> = {}) => ({ AZURE_AI_PROJECT_ENDPOINT: f.endpoint, AZURE_AI_PROJECT_TOKEN: TOKEN, PYTHONWARNINGS: 'ignore::DeprecationWarning', ...extra });
const ask = (cwd: string, pkg: string, args: string[], extra: Record<string, string> = {}) => runPython(py, ['-m', pkg, ...args], { cwd, env: env(extra) });

interface VersionSpec {
  name: string;
  definition: Record<string, unknown>;
  metadata: Record<string, string>;
  description?: string;
}

/** Agent versions made with the Python SDK (foundry_agents.py); `NAME VERSION` per version. */
async function createVersions(versions: VersionSpec[]): Promise<string[]> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ad-foundry-agents-')), 'versions.json');
  writeFileSync(file, JSON.stringify({ versions }));
  const r = await runPython(py, [path.join(DIR, 'foundry_agents.py'), file], { cwd: DIR, env: env() });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.trim().split('\n');
}

/**
 * The version the Foundry target makes of a manifest assistant: the request's fields as a prompt
 * agent definition (functions flat, file_search with its store), the ownership tags and the
 * display name in the metadata (../shared/azure-foundry/README.md §11).
 */
function versionOf(deployment: string, a: DesiredAssistant, storeIds: Map<string, string>): VersionSpec {
  const spec = desiredAssistantSpec(a, { vectorStore: (k) => storeIds.get(k)!, fileSet: () => [] });
  const body = assistantBody(a, spec, { vs: (k) => storeIds.get(k)!, files: () => [] });
  const tools = a.tools.map((t) => {
    if (t.type === 'function') return { type: 'function', name: t.function.name, description: t.function.description, parameters: t.function.parameters ?? {}, strict: t.function.strict === true };
    if (t.type === 'file_search') return { type: 'file_search', vector_store_ids: a.vectorStores.map((k) => storeIds.get(k)!) };
    return structuredClone(t);
  });
  const definition: Record<string, unknown> = { kind: 'prompt', model: a.model, ...(a.instructions !== undefined ? { instructions: a.instructions } : {}), tools };
  const metadata = { ...assistantMetadata(deployment, a.key, body, false), 'assistants-deploy.name': a.name };
  return { name: foundryAgentName(deployment, a.key), definition, metadata, description: a.description ?? '' };
}

beforeAll(async () => {
  py = foundryPython();
  pythonEnvs();
  f = await foundryEmulator();
  sdk = new OpenAI({ apiKey: TOKEN, baseURL: f.openaiUrl, maxRetries: 0 });
  // the stores and files, as apply writes them on any target (the assistants: not deployable there)
  const applied = await runCliAsync(['apply', '-f', 'examples/order-desk', '--auto-approve'], { cwd: REPO, env: { OPENAI_BASE_URL: f.openaiUrl, OPENAI_API_KEY: TOKEN }, timeoutMs: 120_000 });
  expect(applied.code, applied.stderr).toBe(0);
  const stores = new Map<string, string>();
  for await (const vs of sdk.vectorStores.list()) if (vs.metadata?.[TAG_DEPLOYMENT] === 'order-desk') stores.set(resourceKeyOf(vs.metadata)!, vs.id);
  expect([...stores.keys()]).toEqual(['policies']);
  const { desired } = await loadManifest({ file: 'examples/order-desk', cwd: REPO });
  const billing = desired.assistants.find((a) => a.key === 'billing')!;
  // billing deployed; triage's name taken by an agent made by hand; shipping not deployed
  expect(await createVersions([versionOf('order-desk', billing, stores), { name: 'order-desk-triage', definition: { kind: 'prompt', model: 'gpt-4.1-mini', instructions: 'Mine.' }, metadata: { owner: 'someone-else' } }])).toEqual(['order-desk-billing 1', 'order-desk-triage 1']);
  out = mkdtempSync(path.join(tmpdir(), 'ad-codegen-foundry-'));
  const gen = await runCliAsync(['codegen', 'python', '-f', 'examples/order-desk', '--api', 'foundry', '-o', out], { cwd: REPO });
  expect(gen.code, gen.stderr).toBe(0);
  expect(gen.stdout).toContain('(Foundry project, package order_desk)');
}, 900_000);

afterAll(async () => {
  await f?.close();
  // every answer the Python packages (and apply) received conformed to the descriptions
  expect(f.validator.failures.map((x) => JSON.stringify(x).slice(0, 400))).toEqual([]);
  expect(f.openai.failures.map((x) => JSON.stringify(x).slice(0, 400))).toEqual([]);
});

describe('codegen python --api foundry (examples/order-desk)', () => {
  it('passes py_compile, ruff (as found, defaults, stricter), ruff format and mypy --strict against .venv/foundry', async () => {
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((x) => x.endsWith('.py'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    const compiled = await runPython(py, ['-m', 'py_compile', ...files], { cwd: out });
    expect(compiled, compiled.stderr).toMatchObject({ code: 0, stderr: '' });
    await expectRuffClean(out);
    await expectMypyClean(out, 'foundry');
  }, 600_000);

  it('requirements.txt names exactly the distributions the code imports', async () => {
    // `azure` is a namespace package: the distribution of each azure.* module imported
    const script = [
      'import ast, json, pathlib, importlib.util, importlib.metadata as md',
      'mods = set()',
      'for p in pathlib.Path(".").rglob("*.py"):',
      '    for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):',
      '        names = [a.name for a in n.names] if isinstance(n, ast.Import) else [n.module] if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module else []',
      '        for m in names:',
      '            top = m.split(".")',
      '            mods.add(".".join(top[:3]) if top[0] == "azure" and top[1] == "ai" else ".".join(top[:2]) if top[0] == "azure" else top[0])',
      'dists = {d.metadata["Name"].lower(): d for d in md.distributions()}',
      'def owner(mod):',
      '    path = pathlib.Path(importlib.util.find_spec(mod).origin).resolve()',
      '    return sorted(n for n, d in dists.items() if any(path == pathlib.Path(d.locate_file(f)).resolve() for f in (d.files or [])))',
      'import sys',
      'third = sorted(m for m in mods if m.split(".")[0] not in sys.stdlib_module_names and m not in ("__future__", "order_desk"))',
      'print(json.dumps({m: owner(m) for m in third}))',
    ].join('\n');
    const r = await runPython(py, ['-c', script], { cwd: out });
    expect(r.code, r.stderr).toBe(0);
    const owners = JSON.parse(r.stdout) as Record<string, string[]>;
    expect(Object.keys(owners).sort()).toEqual(['azure.ai.projects', 'azure.core', 'azure.identity', 'openai']);
    for (const [mod, d] of Object.entries(owners)) expect(d, mod).toHaveLength(1);
    const needed = [...new Set(Object.values(owners).flat())].sort();
    expect(requirementNames(readFileSync(path.join(out, 'requirements.txt'), 'utf8')).sort()).toEqual(needed);
  }, 60_000);

  it('asks the deployed agent, streamed and polled: the reply cites the manifest path of the file it used', async () => {
    const from = f.emu.log.length;
    const streamed = await ask(out, 'order_desk', ['--assistant', 'billing', '--conversation', 'alice', '--events', QUESTION]);
    expect(streamed.code, streamed.stderr).toBe(0);
    const requests = f.emu.log.slice(from).map((e) => `${e.method} ${e.path.replace(/\?.*$/, '')}`);
    const upload = (await sdk.files.list()).data.map((x) => x.filename).find((n) => n.startsWith('ad~order-desk~') && n.endsWith('~refund-policy.md'));
    expect(streamed.stdout).toBe(`You said: ${QUESTION} The best match is ${upload}.[1]\ncited: [1] policies/refund-policy.md\n`);
    const events = streamed.stderr.split('\n');
    expect(events.filter((l) => l === 'event: response.output_text.delta').length).toBeGreaterThan(3);
    expect(events).toContain('event: response.file_search_call.completed');
    expect(events).toContain('event: response.output_text.annotation.added');
    expect(events.filter((l) => l.startsWith('event: ')).at(-1)).toBe('event: response.completed');
    // the agent found by its name (once), a conversation made, one response with the agent reference
    expect(requests).toEqual(['GET /api/projects/local-project/agents/order-desk-billing', 'POST /api/projects/local-project/openai/v1/conversations', 'POST /api/projects/local-project/openai/v1/responses']);
    const polled = await ask(out, 'order_desk', ['--assistant', 'billing', '--conversation', 'alice-poll', '--poll', QUESTION]);
    expect(polled).toMatchObject({ code: 0, stdout: streamed.stdout, stderr: '' });
    for (const text of [streamed.stdout, streamed.stderr, polled.stdout]) expect(text).not.toContain(TOKEN);
  }, 120_000);

  it('keeps one conversation per user and continues it, answered by the tagged version', async () => {
    for (const q of ['first question', 'second question']) {
      const r = await ask(out, 'order_desk', ['--assistant', 'billing', '--conversation', 'bob', q]);
      expect(r.code, r.stderr).toBe(0);
    }
    const store = JSON.parse(readFileSync(path.join(out, '.order_desk-conversations.json'), 'utf8')) as Record<string, string>;
    const id = store['order-desk/billing/bob']!;
    expect(id).toMatch(/^conv_/);
    const items = [];
    for await (const item of sdk.conversations.items.list(id, { order: 'asc' })) items.push(item as unknown as Record<string, unknown>);
    const texts = items.filter((i) => i.type === 'message').map((i) => `${String(i.role)}: ${(i.content as { text?: string }[])[0]?.text ?? ''}`);
    expect(texts.map((t) => t.replace(/ The best match is .*$/, ''))).toEqual(['user: first question', 'assistant: You said: first question', 'user: second question', 'assistant: You said: second question']);
    const by = items.filter((i) => i.role === 'assistant').map((i) => (i.created_by as { agent: unknown }).agent);
    expect(by).toEqual([{ type: 'agent_id', name: 'order-desk-billing', version: '1' }, { type: 'agent_id', name: 'order-desk-billing', version: '1' }]);
  }, 120_000);

  it('calls the function tools the agent holds, with the output of your handler (a stub: its error) sent back', async () => {
    const r = await ask(out, 'order_desk', ['--assistant', 'billing', '--conversation', 'carol', 'please lookup_order for order_number: AC-104233']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('The lookup_order tool returned: {"error": "NotImplementedError: lookup_order: write this handler in handlers.py"}');
    expect(r.stderr).toMatch(/^the handler of function tool lookup_order failed\nTraceback/);
  }, 120_000);

  it('a newer version made by hand (untagged, a portal edit) is not used: the newest tagged one is', async () => {
    const { desired } = await loadManifest({ file: 'examples/order-desk', cwd: REPO });
    expect(desired.assistants.some((a) => a.key === 'billing')).toBe(true);
    expect(await createVersions([{ name: 'order-desk-billing', definition: { kind: 'prompt', model: 'gpt-4.1', instructions: 'Edited in the portal.' }, metadata: {} }])).toEqual(['order-desk-billing 2']);
    const r = await ask(out, 'order_desk', ['--assistant', 'billing', '--conversation', 'dave', QUESTION]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('cited: [1] policies/refund-policy.md');
    const id = (JSON.parse(readFileSync(path.join(out, '.order_desk-conversations.json'), 'utf8')) as Record<string, string>)['order-desk/billing/dave']!;
    const items = (await sdk.conversations.items.list(id)).data as unknown as Record<string, unknown>[];
    expect(items.filter((i) => i.role === 'assistant').map((i) => (i.created_by as { agent: { version: string } }).agent.version)).toEqual(['1']);
  }, 120_000);

  it('an agent of the same name the deployment never tagged is refused, one not deployed is named; nothing is asked', async () => {
    const from = f.emu.log.length;
    const foreign = await ask(out, 'order_desk', ['--assistant', 'triage', 'hello']);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toBe("error: agent 'order-desk-triage' is not deployment 'order-desk''s (no version carries its tags): run `assistants-deploy apply --target foundry`\n");
    const missing = await ask(out, 'order_desk', ['--assistant', 'shipping', 'hello']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("error: agent 'order-desk-shipping' of deployment 'order-desk' not found: run `assistants-deploy apply --target foundry` first\n");
    expect(f.emu.log.slice(from).filter((e) => e.method !== 'GET').map((e) => e.path)).toEqual([]);
  }, 120_000);

  it('sends no token over plain http to an endpoint that is not loopback, and needs an endpoint', async () => {
    const from = f.emu.log.length;
    const remote = await ask(out, 'order_desk', ['hello'], { AZURE_AI_PROJECT_ENDPOINT: 'http://192.0.2.10:9/api/projects/p' });
    expect(remote.code).toBe(1);
    expect(remote.stderr).toMatch(/^error: .*non-TLS protected \(non-https\) URLs/);
    expect(remote.stderr).not.toContain(TOKEN);
    const none = await runPython(py, ['-m', 'order_desk', 'hello'], { cwd: out, env: { AZURE_AI_PROJECT_ENDPOINT: '', AZURE_AI_PROJECT_TOKEN: TOKEN } });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('error: no Foundry project: set AZURE_AI_PROJECT_ENDPOINT to the project endpoint\n');
    expect(f.emu.log.length).toBe(from);
  }, 120_000);
});

describe('codegen python --api foundry: an agent with the tools of the Responses era', () => {
  const MANIFEST = `version: 1
deployment: era
assistants:
  researcher:
    model: gpt-4.1
    instructions: Find things out.
    tools:
      - type: web_search
        search_context_size: low
      - type: mcp
        server_label: wiki
        server_url: https://mcp.example.com/mcp
        allowed_tools: [ask_question]
        headers: { Authorization: "Bearer \${env:WIKI_TOKEN}" }
`;

  beforeAll(async () => {
    const dir = tempProject({ 'assistants.yaml': MANIFEST });
    era = path.join(dir, 'client');
    const gen = await runCliAsync(['codegen', 'python', '--api', 'foundry', '-o', 'client'], { cwd: dir });
    expect(gen.code, gen.stderr).toBe(0);
    // the agent as the target sends it: the tools flat, the header's secret read when sent
    const { desired } = await loadManifest({ file: 'assistants.yaml', cwd: dir });
    const spec = versionOf('era', desired.assistants[0]!, new Map());
    const tools = (spec.definition.tools as Record<string, unknown>[]).map((t) => (t.type === 'mcp' ? { ...t, headers: { Authorization: 'Bearer wiki-secret-1' } } : t));
    expect(await createVersions([{ ...spec, definition: { ...spec.definition, tools } }])).toEqual(['era-researcher 1']);
  }, 300_000);

  it('searches the web, and refuses the MCP call that waits for approval unless --approve', async () => {
    const web = await ask(era, 'era', ['--conversation', 'w', 'search the web for cats']);
    expect(web).toMatchObject({ code: 0, stdout: 'You said: search the web for cats The web search found nothing (the emulator does not reach the web).\n' });
    const refused = await ask(era, 'era', ['--conversation', 'm', 'please ask_question about cats']);
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stdout).toBe('The call of ask_question on wiki was not approved.\n');
    expect(refused.stderr).toBe('refused the call of ask_question on MCP server wiki: pass approve= to allow calls\n');
    const approved = await ask(era, 'era', ['--conversation', 'm', '--approve', '--poll', 'please ask_question about dogs']);
    expect(approved).toMatchObject({ code: 0, stdout: 'The ask_question tool of wiki failed: the emulator reaches no MCP server (offline).\n' });
    const store = JSON.parse(readFileSync(path.join(era, '.era-conversations.json'), 'utf8')) as Record<string, string>;
    const items = (await sdk.conversations.items.list(store['era/researcher/m']!, { order: 'asc' })).data as unknown as Record<string, unknown>[];
    // the server's tools listed once in the conversation; two approval requests, one refused, one run
    expect(items.map((i) => i.type)).toEqual(['message', 'mcp_list_tools', 'mcp_approval_request', 'mcp_approval_response', 'message', 'message', 'mcp_approval_request', 'mcp_approval_response', 'mcp_call', 'message']);
    expect(items.map((i) => i.approve).filter((x) => x !== undefined)).toEqual([false, true]);
    expect(JSON.stringify(items)).not.toContain('wiki-secret-1');
  }, 120_000);
});
