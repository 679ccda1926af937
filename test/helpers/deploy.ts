/**
 * End-to-end harness: an in-process emulator (the account), the real CLI pointed at it over HTTP,
 * and an SDK client for setting the account up or checking it.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import { REPO, runCliAsync } from './cli.js';
import type { CliResult } from './cli.js';

export const API_KEY = 'sk-test-e2e-0123456789abcdef';

export interface Account {
  emu: Emulator;
  client: OpenAI;
  env: Record<string, string>;
  /** Runs the CLI against this account. */
  cli(args: string[], options?: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number }): Promise<CliResult>;
  close(): Promise<void>;
}

export async function startAccount(options: EmulatorOptions = {}): Promise<Account> {
  const emu = await startEmulator({ indexingDelayMs: 20, quiet: true, ...options });
  const env = { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: API_KEY };
  const client = new OpenAI({ apiKey: API_KEY, baseURL: emu.url, maxRetries: 3 });
  return {
    emu,
    client,
    env,
    cli: (args, o = {}) => runCliAsync(args, { cwd: o.cwd, env: { ...env, ...(o.env ?? {}) }, input: o.input, timeoutMs: o.timeoutMs }),
    close: () => emu.close(),
  };
}

/** A private copy of an example (tests edit files and write caches in it). */
export function copyExample(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `ad-${name}-`));
  cpSync(path.join(REPO, 'examples', name), dir, { recursive: true });
  return dir;
}

/** Requests in the emulator's log since `from` that change something. */
export function mutating(emu: Emulator, from = 0) {
  return emu.log.slice(from).filter((e) => e.method !== 'GET');
}
