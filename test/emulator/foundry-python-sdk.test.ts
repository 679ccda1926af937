/**
 * The real Python SDK, azure-ai-projects 2.10.0 (scripts/python-env-foundry.sh -> .venv/foundry),
 * drives the emulator as a Foundry project through the proxy that validates every agents answer
 * against the subset and every OpenAI-surface answer against the OpenAI descriptions: an agent
 * version with file_search and function tools, versions page by page, get, update (a new version
 * only when the definition changed), delete a version, files and a vector store through
 * `get_openai_client()`, `responses.create(extra_body={"agent_reference": …})` citing the file it
 * used, the 403 of a preview kind, delete the agent (test/emulator/python/foundry_sdk.py).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../helpers/python.js';
import { REPO } from '../helpers/cli.js';
import { foundryEmulator, type FoundryEmulator } from '../helpers/foundry-openapi.js';

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'python');
let python: string;
let f: FoundryEmulator;

beforeAll(async () => {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'python-env-foundry.sh')], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
  python = out.trim().split(' ')[1]!;
  f = await foundryEmulator();
}, 900_000);
afterAll(async () => {
  await f.close();
});

describe('azure-ai-projects (Python) against the emulator', () => {
  it('creates, pages, gets, updates and deletes agent versions, and the agent answers through agent_reference', async () => {
    const r = await runPython(python, [path.join(DIR, 'foundry_sdk.py')], { cwd: DIR, env: { AZURE_AI_PROJECT_ENDPOINT: f.endpoint, PYTHONWARNINGS: 'ignore::DeprecationWarning' }, timeoutMs: 120_000 });
    expect(r.stderr + r.stdout).toContain('ok');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(f.validator.failures.map((x) => JSON.stringify(x).slice(0, 500))).toEqual([]);
    expect(f.openai.failures.map((x) => JSON.stringify(x).slice(0, 500))).toEqual([]);
    // the agents operations the script drove, each answer validated
    expect([...f.validator.covered].sort()).toEqual(
      expect.arrayContaining(['Agents_CreateAgentVersion 200', 'Agents_ListAgentVersions 200', 'Agents_GetAgent 200', 'Agents_GetAgentVersion 200', 'Agents_UpdateAgent 200', 'Agents_DeleteAgentVersion 200', 'Agents_DeleteAgent 200', 'Agents_CreateAgentVersion 403', 'Agents_GetAgent 404']),
    );
  });
});
