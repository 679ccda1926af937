/**
 * Helpers for the codegen tests: the Python environments (scripts/python-env-codegen.sh), an
 * emulator behind a validating proxy (every response any client receives, Python included, is
 * checked against openapi.assistants.yaml or openapi.responses.yaml), and running Python.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { combinedValidator, type CombinedValidator } from './openapi-responses.js';
import { REPO } from './cli.js';

export type PyEnv = 'assistants' | 'responses' | 'floor' | 'tools';

let envs: Record<string, string> | undefined;
let foundry: string | undefined;

/** Create (once, idempotent, locked) and return the Python of each environment. */
export function pythonEnvs(): Record<PyEnv, string> {
  if (!envs) {
    const out = execFileSync('bash', [path.join(REPO, 'scripts', 'python-env-codegen.sh')], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
    envs = Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ') as [string, string]));
  }
  return envs as Record<PyEnv, string>;
}

/** The Python of .venv/foundry (scripts/python-env-foundry.sh: azure-ai-projects, azure-identity, openai). */
export function foundryPython(): string {
  if (!foundry) {
    const out = execFileSync('bash', [path.join(REPO, 'scripts', 'python-env-foundry.sh')], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
    foundry = out.trim().split(' ')[1]!;
  }
  return foundry;
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

/** Rules checked on top of ruff's defaults, at Python 3.10 (the oldest the openai package supports). */
export const STRICT_RULES = 'E,W,F,I,N,UP,B,SIM,RUF';

/**
 * ruff in `cwd` as a user runs it (`ruff check .`: the configuration found there, none in a
 * generated folder), with ruff's own defaults only (`--isolated`), with STRICT_RULES added at
 * py310, and `ruff format --check`: every one clean.
 */
export async function expectRuffClean(cwd: string): Promise<void> {
  const ruff = toolsBin('ruff');
  const runs: [string, string[]][] = [
    ['ruff check .', ['check', '--no-cache', '.']],
    ['ruff check --isolated .', ['check', '--no-cache', '--isolated', '.']],
    ['ruff check --isolated --extend-select STRICT_RULES --target-version py310 .', ['check', '--no-cache', '--isolated', '--extend-select', STRICT_RULES, '--target-version', 'py310', '.']],
  ];
  for (const [what, args] of runs) {
    const r = await runPython(ruff, args, { cwd });
    expect(r.stdout + r.stderr, what).toContain('All checks passed!');
    expect(r.code, what).toBe(0);
  }
  const fmt = await runPython(ruff, ['format', '--no-cache', '--isolated', '--check', '.'], { cwd });
  expect(fmt.stdout + fmt.stderr, 'ruff format --check').toMatch(/files? already formatted/);
  expect(fmt.code).toBe(0);
}

/** `mypy --strict` with the packages of one environment (`foundry`: .venv/foundry); args default to `.`. */
export async function expectMypyClean(cwd: string, env: Exclude<PyEnv, 'tools'> | 'foundry', args: string[] = ['.']): Promise<void> {
  const python = env === 'foundry' ? foundryPython() : pythonEnvs()[env];
  const r = await runPython(
    toolsBin('mypy'),
    ['--strict', '--python-executable', python, '--cache-dir', path.join(REPO, '.venv', `mypy-cache-${env}`), ...args],
    { cwd, timeoutMs: 300_000 },
  );
  expect(r.stdout + r.stderr, `mypy --strict against ${env === 'foundry' ? '.venv/foundry' : `.venv/codegen-${env}`}`).toMatch(/^Success: no issues found/m);
  expect(r.code).toBe(0);
}

/**
 * The third-party modules the .py files under `cwd` import (absolute imports that are neither the
 * standard library nor `pkg`), each with the distributions that provide it in that environment.
 */
export async function thirdPartyImports(cwd: string, python: string, pkg: string): Promise<Record<string, string[]>> {
  const script = [
    'import ast, json, pathlib, sys',
    'import importlib.metadata as md',
    'mods = set()',
    'for p in sorted(pathlib.Path(".").rglob("*.py")):',
    '    for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):',
    '        if isinstance(node, ast.Import):',
    '            mods.update(a.name.split(".")[0] for a in node.names)',
    '        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:',
    '            mods.add(node.module.split(".")[0])',
    'third = sorted(m for m in mods if m not in sys.stdlib_module_names and m not in ("__future__", sys.argv[1]))',
    'dists = md.packages_distributions()',
    'print(json.dumps({m: sorted(dists.get(m, [])) for m in third}))',
  ].join('\n');
  const r = await runPython(python, ['-c', script, pkg], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, string[]>;
}

/** PEP 503 name of each requirement line of a requirements.txt. */
export function requirementNames(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((l) => /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(l)![0].toLowerCase().replace(/[-_.]+/g, '-'));
}
