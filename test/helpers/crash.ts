/**
 * Crash harness: runs the real CLI as a child process against an in-process emulator and kills it
 * with SIGKILL the moment the emulator has answered the n-th request of a given route; then
 * checks what the account holds (no duplicates, no orphaned uploads, nothing unowned touched).
 */
import { spawn } from 'node:child_process';
import type OpenAI from 'openai';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator, EmulatorOptions, RequestLogEntry } from '../../src/emulator/index.js';
import { ATTR_PATH, TAG_DEPLOYMENT, TAG_RESOURCE } from '../../src/ownership/metadata.js';
import { BIN, cliEnv } from './cli.js';
import { OPENAI, type MatrixTarget } from './reliability/targets.js';

export interface KillPoint {
  /** Count only requests of this method (default: any). */
  method?: string;
  /** Count only requests of this route template (default: any). */
  route?: string;
  /** Kill after the n-th request (1-based) of this method and route. */
  nth: number;
  /** Default SIGKILL. SIGSTOP pauses the CLI instead (resume it with SIGCONT through `then`). */
  signal?: NodeJS.Signals;
  /** Called right after the signal was sent, with the child's pid. */
  then?: (pid: number) => void;
}

export interface CrashAccount {
  emu: Emulator;
  /** What kind of target the emulator plays (reliability/targets.ts). */
  target: MatrixTarget;
  client: OpenAI;
  env: Record<string, string>;
  /** Runs the CLI; with a kill point, SIGKILLs it there. Resolves with the exit and whether it was killed. */
  run(args: string[], cwd: string, kill?: KillPoint, env?: Record<string, string>): Promise<{ code: number | null; killed: boolean; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

/** `target`: the kind of target the emulator plays and the CLI is pointed at (default OpenAI-compatible, with the Assistants API). */
export async function startCrashAccount(options: EmulatorOptions = {}, target: MatrixTarget = OPENAI): Promise<CrashAccount> {
  let onLog: ((e: RequestLogEntry) => void) | undefined;
  const emu = await startEmulator({ indexingDelayMs: 20, quiet: true, ...target.emulator, ...options, onLog: (e) => onLog?.(e) });
  const env = target.env(emu);
  const client = target.client(emu);
  return {
    emu,
    target,
    client,
    env,
    run(args, cwd, kill, extraEnv) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...target.args, ...args], { cwd, env: cliEnv({ ...env, ...extraEnv }), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let killed = false;
        let seen = 0;
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        if (kill) {
          onLog = (e) => {
            if (killed || (kill.method !== undefined && e.method !== kill.method) || (kill.route !== undefined && e.route !== kill.route)) return;
            if (++seen === kill.nth) {
              killed = true;
              child.kill(kill.signal ?? 'SIGKILL');
              if (child.pid !== undefined) kill.then?.(child.pid);
            }
          };
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          if (kill) onLog = undefined;
          resolve({ code, killed, stdout, stderr });
        });
      });
    },
    close: () => emu.close(),
  };
}

export interface Inventory {
  assistants: { id: string; key: string }[];
  stores: { id: string; key: string; paths: string[] }[];
  uploads: { id: string; filename: string }[];
  referenced: Set<string>;
}

/**
 * What the deployment owns, read with the SDK (independently of the code under test); its
 * assistants from `assistants` when given (a Foundry project's agents, reliability/targets.ts).
 */
export async function inventory(client: OpenAI, deployment: string, assistantsOf?: () => Promise<{ id: string; key: string; fileIds: string[] }[]>): Promise<Inventory> {
  const keyOf = (m: Record<string, string> | null | undefined) => m?.[TAG_RESOURCE]?.split(';')[0] ?? '?';
  const assistants: Inventory['assistants'] = [];
  const referenced = new Set<string>();
  if (assistantsOf) {
    for (const a of await assistantsOf()) {
      assistants.push({ id: a.id, key: a.key });
      for (const id of a.fileIds) referenced.add(id);
    }
  } else {
    for await (const a of client.beta.assistants.list({ limit: 100 })) {
      if (a.metadata?.[TAG_DEPLOYMENT] !== deployment) continue;
      assistants.push({ id: a.id, key: keyOf(a.metadata as Record<string, string>) });
      for (const id of a.tool_resources?.code_interpreter?.file_ids ?? []) referenced.add(id);
    }
  }
  const stores: Inventory['stores'] = [];
  for await (const v of client.vectorStores.list({ limit: 100 })) {
    if (v.metadata?.[TAG_DEPLOYMENT] !== deployment) continue;
    const paths: string[] = [];
    for await (const f of client.vectorStores.files.list(v.id, { limit: 100 })) {
      paths.push(String(f.attributes?.[ATTR_PATH] ?? `(unmanaged ${f.id})`));
      referenced.add(f.id);
    }
    stores.push({ id: v.id, key: keyOf(v.metadata as Record<string, string>), paths: paths.sort() });
  }
  const uploads: Inventory['uploads'] = [];
  for await (const f of client.files.list({ purpose: 'assistants' })) {
    if (f.filename.startsWith(`ad~${deployment}~`)) uploads.push({ id: f.id, filename: f.filename });
  }
  return { assistants, stores, uploads, referenced };
}

/** Duplicated keys, and uploads nothing refers to. */
export function problems(inv: Inventory): string[] {
  const out: string[] = [];
  const dup = (keys: string[], kind: string) => {
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k)) out.push(`duplicate ${kind} ${k}`);
      seen.add(k);
    }
  };
  dup(inv.assistants.map((a) => a.key), 'assistant');
  dup(inv.stores.map((s) => s.key), 'vector store');
  for (const u of inv.uploads) if (!inv.referenced.has(u.id)) out.push(`orphaned upload ${u.filename}`);
  return out;
}
