/**
 * `codegen python --api responses` with the tools of the Responses era: the generated client sends
 * web_search with its options and an MCP tool whose header secret it reads from its environment at
 * run time (the file holds only the template), refuses the MCP calls that wait for approval unless
 * told (`approve=` / `--approve`), names a missing variable in one line (exit 1, nothing sent), and
 * passes ruff and mypy --strict against every openai environment. Run with the real openai package
 * against the emulator through the proxy that validates every answer (R15, R16).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync, tempProject } from '../helpers/cli.js';
import { expectMypyClean, expectRuffClean, pythonEnvs, runPython, validatedEmulator, type ValidatedEmulator } from '../helpers/python.js';

const SECRET = 'wiki-token-4c2d';
const MANIFEST = `version: 1
deployment: era
assistants:
  researcher:
    model: gpt-4.1
    instructions: Find things out.
    tools:
      - type: web_search
        search_context_size: low
        user_location: { country: NL, city: Amsterdam }
        filters: { allowed_domains: [example.com] }
      - type: mcp
        server_label: wiki
        server_url: https://mcp.example.com/mcp
        server_description: The team wiki.
        allowed_tools: [ask_question, read_page]
        require_approval: { never: { tool_names: [read_page] } }
        headers:
          Authorization: "Bearer \${env:WIKI_TOKEN}"
          X-Team: ops
`;

let api: ValidatedEmulator;
let dir: string;
let py: ReturnType<typeof pythonEnvs>;

const run = (args: string[], env: Record<string, string> = { WIKI_TOKEN: SECRET }) => runPython(py.responses, ['-m', 'era', ...args], { cwd: dir, env: { OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'test', ...env } });

beforeAll(async () => {
  py = pythonEnvs();
  api = await validatedEmulator();
  const project = tempProject({ 'assistants.yaml': MANIFEST });
  const r = await runCliAsync(['codegen', 'python', '--api', 'responses', '-o', 'client'], { cwd: project, env: { WIKI_TOKEN: SECRET } });
  expect(r.code, r.stderr).toBe(0);
  dir = path.join(project, 'client');
}, 900_000);

afterAll(async () => {
  await api.close();
  expect(api.validator.failures).toEqual([]);
});

describe('codegen python --api responses: web_search and mcp', () => {
  it('holds only the template of the secret, and reads it from the environment when the tools are made', async () => {
    for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((x) => /\.(py|txt|md)$/.test(x))) {
      expect(readFileSync(path.join(dir, f), 'utf8'), f).not.toContain(SECRET);
    }
    const script = 'import json\nfrom era import researcher\nfrom era._runtime import Resources\nprint(json.dumps(researcher._tools(Resources([], [])), sort_keys=True))';
    const r = await runPython(py.responses, ['-c', script], { cwd: dir, env: { WIKI_TOKEN: SECRET } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([
      { type: 'web_search', search_context_size: 'low', user_location: { type: 'approximate', country: 'NL', city: 'Amsterdam' }, filters: { allowed_domains: ['example.com'] } },
      {
        type: 'mcp',
        server_label: 'wiki',
        server_url: 'https://mcp.example.com/mcp',
        server_description: 'The team wiki.',
        allowed_tools: ['ask_question', 'read_page'],
        require_approval: { never: { tool_names: ['read_page'] } },
        headers: { Authorization: `Bearer ${SECRET}`, 'X-Team': 'ops' },
      },
    ]);
  }, 60_000);

  it('passes ruff (as found, defaults, stricter), ruff format and mypy --strict against every openai environment', async () => {
    await expectRuffClean(dir);
    for (const env of ['responses', 'floor'] as const) await expectMypyClean(dir, env);
  }, 600_000);

  it('searches the web; an MCP call waits for approval: refused by default, run with --approve, none needed for read_page', async () => {
    const web = await run(['--conversation', 'w', 'search the web for the release notes']);
    expect(web).toMatchObject({ code: 0, stdout: 'You said: search the web for the release notes The web search found nothing (the emulator does not reach the web).\n' });
    const refused = await run(['--conversation', 'm', '--events', 'please ask_question about the roadmap']);
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stdout).toBe('The call of ask_question on wiki was not approved.\n');
    expect(refused.stderr).toContain('refused the call of ask_question on MCP server wiki: pass approve= to allow calls\n');
    expect(refused.stderr).toContain('event: response.mcp_list_tools.completed\n');
    const approved = await run(['--conversation', 'm', '--approve', 'please ask_question about the roadmap']);
    expect(approved).toMatchObject({ code: 0, stdout: 'The ask_question tool of wiki failed: the emulator reaches no MCP server (offline).\n', stderr: '' });
    const free = await run(['--conversation', 'm', '--poll', 'read_page start']);
    expect(free).toMatchObject({ code: 0, stdout: 'The read_page tool of wiki failed: the emulator reaches no MCP server (offline).\n', stderr: '' });
    for (const r of [web, refused, approved, free]) expect(r.stdout + r.stderr).not.toContain(SECRET);
  }, 120_000);

  it('a secret whose variable is not set: one line naming it, exit 1, no response asked', async () => {
    api.emu.clearLog();
    const r = await run(['--conversation', 'x', 'hello'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: environment variable WIKI_TOKEN is not set: a tool of this assistant reads it (an MCP server\'s header or token)\n');
    expect(api.emu.log.filter((e) => e.route === '/v1/responses')).toEqual([]);
  }, 60_000);
});
