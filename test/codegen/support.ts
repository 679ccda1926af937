/**
 * Helpers for the codegen tests: the Python environments (scripts/python-env-codegen.sh), an
 * emulator behind a validating proxy (every response any client receives, Python included, is
 * checked against openapi.assistants.yaml or openapi.responses.yaml), and running Python.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { combinedValidator, type CombinedValidator } from '../support/openapi-responses.js';
import { REPO } from '../helpers/cli.js';

export type PyEnv = 'assistants' | 'responses' | 'floor' | 'tools';

let envs: Record<string, string> | undefined;

/** Create (once, idempotent, locked) and return the Python of each environment. */
export function pythonEnvs(): Record<PyEnv, string> {
  if (!envs) {
    const out = execFileSync('bash', [path.join(REPO, 'scripts', 'python-env-codegen.sh')], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
    envs = Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ') as [string, string]));
  }
  return envs as Record<PyEnv, string>;
}

export function toolsBin(name: 'ruff' | 'mypy'): string {
  return path.join(path.dirname(pythonEnvs().tools), name);
}

export interface ValidatedEmulator {
  emu: Emulator;
  /** Base URL of the proxy, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  validator: CombinedValidator;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** An emulator behind a proxy that validates every response before passing it on. */
export async function validatedEmulator(options: EmulatorOptions = {}): Promise<ValidatedEmulator> {
  const emu = await startEmulator({ indexingDelayMs: 0, quiet: true, ...options });
  const validator = combinedValidator();
  const upstream = emu.url.replace(/\/v1$/, '');
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (v === undefined || k === 'host' || k === 'connection' || k === 'content-length' || k === 'accept-encoding') continue;
          headers[k] = Array.isArray(v) ? v.join(', ') : v;
        }
        const method = req.method ?? 'GET';
        const upstreamRes = await fetch(`${upstream}${req.url ?? '/'}`, {
          method,
          headers,
          ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
        });
        const buf = Buffer.from(await upstreamRes.arrayBuffer());
        const copy = new Response(buf.length || ![204, 304].includes(upstreamRes.status) ? buf : null, { status: upstreamRes.status, headers: upstreamRes.headers });
        await validator.validate(method, new URL(`${upstream}${req.url ?? '/'}`), copy);
        const out: Record<string, string> = {};
        upstreamRes.headers.forEach((v, k) => {
          if (!['content-length', 'transfer-encoding', 'content-encoding', 'connection'].includes(k)) out[k] = v;
        });
        out['content-length'] = String(buf.length);
        res.writeHead(upstreamRes.status, out);
        res.end(buf);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `proxy: ${String(error)}`, type: 'proxy', param: null, code: null } }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    emu,
    url: `http://127.0.0.1:${port}/v1`,
    validator,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await emu.close();
    },
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a Python program (async, so the in-process emulator keeps serving). */
export function runPython(python: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...(options.env ?? {}) };
    for (const k of Object.keys(env)) if (k.startsWith('OPENAI_') && !(options.env && k in options.env)) delete env[k];
    const child = spawn(python, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
