/**
 * The real CLI against the emulator playing a Foundry project (`--target foundry`), behind the
 * proxy that validates every agents answer against the OpenAPI subset and every `/openai/v1`
 * answer against the OpenAI descriptions (foundry-openapi.ts). Plain http on loopback by default
 * (the CLI's own http rule for the emulator); with `tls`, https with a certificate made for this
 * run, trusted by this process and by the CLI through NODE_EXTRA_CA_CERTS, and the real Node SDK
 * (@azure/ai-projects) in `project` to read the agents back. The real Python SDK
 * (azure-ai-projects, .venv/foundry) reads and writes agents in `python`.
 *
 *   const p = await startFoundryProject();
 *   await p.cli(['apply', '--auto-approve'], dir);
 *   await p.agent('support-bot-support')   // the agent as the service returns it (GET, validated)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AIProjectClient } from '@azure/ai-projects';
import OpenAI from 'openai';
import { expect } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { REPO, runCliAsync, type CliResult } from './cli.js';
import { foundryEmulator, trustedLocalCertificate, type FoundryEmulator } from './foundry-openapi.js';
import { runPython } from './python.js';

export const TOKEN = 'foundry-test-token-0123456789';

/** An agent version as the service answers it. */
export interface VersionJson {
  name: string;
  version: string;
  description: string;
  metadata: Record<string, string>;
  created_at: number;
  definition: Record<string, unknown> & { model: string; instructions?: string; tools?: Record<string, unknown>[] };
}

export interface FoundryProject {
  f: FoundryEmulator;
  env: Record<string, string>;
  /** The openai SDK on the project's /openai/v1 (stores, files). */
  openai: OpenAI;
  /** With `tls`: the real Node SDK on the project. */
  project?: AIProjectClient;
  cli(args: string[], cwd: string, options?: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number }): Promise<CliResult>;
  /** Every agent: its latest version. */
  agents(): Promise<VersionJson[]>;
  /** The agent's latest version, or undefined. */
  agent(name: string): Promise<VersionJson | undefined>;
  /** The agent's versions, newest first. */
  versions(name: string): Promise<VersionJson[]>;
  /** Requests the project received since `from` (the emulator's log). */
  requests(from?: number): { method: string; path: string }[];
  close(): Promise<void>;
}

/** `token`: the one the project accepts (emulator `apiKey`), given to the CLI and the checks. */
export async function startFoundryProject(options: { tls?: boolean; emulator?: EmulatorOptions; token?: string } = {}): Promise<FoundryProject> {
  const token = options.token ?? TOKEN;
  const tls = options.tls ? trustedLocalCertificate() : undefined;
  const f = await foundryEmulator({ ...(options.emulator ?? {}), ...(options.token ? { apiKey: options.token } : {}), ...(tls ? { tls } : {}) });
  const env: Record<string, string> = { AZURE_AI_PROJECT_ENDPOINT: f.endpoint, AZURE_AI_PROJECT_TOKEN: token };
  if (tls) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ad-ca-')), 'ca.pem');
    writeFileSync(file, tls.cert);
    env.NODE_EXTRA_CA_CERTS = file;
  }
  const headers = { authorization: `Bearer ${token}` };
  const get = async (p: string): Promise<{ status: number; body: any }> => {
    const r = await fetch(`${f.endpoint}${p}${p.includes('?') ? '&' : '?'}api-version=v1`, { headers });
    return { status: r.status, body: await r.json() };
  };
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  return {
    f,
    env,
    openai: new OpenAI({ apiKey: token, baseURL: f.openaiUrl, maxRetries: 2 }),
    ...(tls ? { project: new AIProjectClient(f.endpoint, credential) } : {}),
    cli: (args, cwd, o = {}) => runCliAsync(['--target', 'foundry', ...args], { cwd, env: { ...env, ...(o.env ?? {}) }, input: o.input, timeoutMs: o.timeoutMs ?? 120_000 }),
    async agents() {
      const out: VersionJson[] = [];
      let after = '';
      for (;;) {
        const page = await get(`/agents?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`);
        expect(page.status).toBe(200);
        for (const a of page.body.data) out.push(a.versions.latest);
        if (!page.body.has_more) return out;
        after = page.body.last_id;
      }
    },
    async agent(name) {
      const r = await get(`/agents/${encodeURIComponent(name)}`);
      return r.status === 404 ? undefined : (r.body.versions.latest as VersionJson);
    },
    async versions(name) {
      const r = await get(`/agents/${encodeURIComponent(name)}/versions?limit=100`);
      return r.status === 404 ? [] : (r.body.data as VersionJson[]);
    },
    requests: (from = 0) => f.emu.log.slice(from).map((e) => ({ method: e.method, path: e.path })),
    close: () => f.close(),
  };
}

let foundryPython: string | undefined;

/** The Python of .venv/foundry (azure-ai-projects 2.10.0), made once (scripts/python-env-foundry.sh). */
export function foundryPythonEnv(): string {
  foundryPython ??= execFileSync('bash', [path.join(REPO, 'scripts', 'python-env-foundry.sh')], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] }).trim().split(' ')[1]!;
  return foundryPython;
}

/**
 * test/targets/python/foundry_agent.py with the real Python SDK: `get NAME` (the agent's versions,
 * newest first, as JSON), `version NAME JSON` (a version made by hand: `{definition, metadata,
 * description}`), `create NAME JSON` (a hand-made agent).
 */
export async function pythonAgent(p: FoundryProject, args: string[]): Promise<any> {
  const dir = path.join(REPO, 'test', 'targets', 'python');
  const r = await runPython(foundryPythonEnv(), [path.join(dir, 'foundry_agent.py'), ...args], { cwd: dir, env: { ...p.env, PYTHONWARNINGS: 'ignore::DeprecationWarning' }, timeoutMs: 120_000 });
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(r.stdout);
}
