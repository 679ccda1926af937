/**
 * Which account the tool talks to, and the SDK client for it (DESIGN.md, "Target"): the openai
 * SDK's own variables, or the embedded emulator (`--target local`, and the default with no key,
 * no base URL and no CI). The API key never leaves this module except inside the SDK.
 */
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { UserError } from '../errors.js';

export type TargetChoice = 'auto' | 'local' | 'env';

export interface TargetOptions {
  choice: TargetChoice;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Called once per HTTP request made (for --verbose and request counting). */
  onRequest?: (entry: RequestRecord) => void;
  /** SDK retries for transient errors (reads); apply passes its own policy. */
  maxRetries?: number;
  timeoutMs?: number;
  /** Wraps fetch (apply's pacing budget plugs in here). */
  wrapFetch?: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch;
}

export interface RequestRecord {
  method: string;
  /** Path and query, never the host's credentials. */
  route: string;
  status: number | 'error';
  ms: number;
}

export interface Target {
  client: OpenAI;
  /** Base URL without credentials, for messages and plans. */
  baseUrl: string;
  local: boolean;
  /** One line saying which account this is, for people. */
  description: string;
  /** Set when the tool chose the local target because nothing else was configured. */
  implicitLocal: boolean;
  close(): Promise<void>;
}

export const LOCAL_DIR = path.join('.assistants-deploy', 'local');

function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

function instrumentedFetch(options: TargetOptions): typeof globalThis.fetch {
  const base: typeof globalThis.fetch = options.wrapFetch ? options.wrapFetch(globalThis.fetch) : globalThis.fetch;
  if (!options.onRequest) return base;
  const report = options.onRequest;
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const started = performance.now();
    try {
      const response = await base(input, init);
      report({ method, route: url.pathname + url.search, status: response.status, ms: performance.now() - started });
      return response;
    } catch (error) {
      report({ method, route: url.pathname + url.search, status: 'error', ms: performance.now() - started });
      throw error;
    }
  };
}

/** A lock so two processes never serve the same local account at once. */
function lockLocal(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockFile = path.join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      let alive = false;
      try {
        if (holder > 0) {
          process.kill(holder, 0);
          alive = true;
        }
      } catch {
        alive = false;
      }
      if (alive) {
        throw new UserError(
          `the local target (${dir}) is in use by another assistants-deploy process (pid ${holder})`,
          'wait for it to finish, or run `assistants-deploy emulator --data .assistants-deploy/local` once and point OPENAI_BASE_URL at it to share one account',
        );
      }
      rmSync(lockFile, { force: true }); // left by a process that died
    }
  }
  throw new UserError(`cannot lock the local target in ${dir}`);
}

export async function openTarget(options: TargetOptions): Promise<Target> {
  const env = options.env;
  const key = env.OPENAI_API_KEY?.trim() || undefined;
  const baseEnv = env.OPENAI_BASE_URL?.trim() || undefined;
  let choice = options.choice;
  let implicitLocal = false;
  if (choice === 'auto') {
    if (key || baseEnv) choice = 'env';
    else if (isCi(env)) {
      throw new UserError(
        'no target: OPENAI_API_KEY is not set and CI is set, so there is no account to use',
        'set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server) in the pipeline, or pass --target local to use the embedded emulator on purpose',
      );
    } else {
      choice = 'local';
      implicitLocal = true;
    }
  }
  const common = {
    maxRetries: options.maxRetries ?? 4,
    timeout: options.timeoutMs ?? 60_000,
    fetch: instrumentedFetch(options),
  };
  if (choice === 'local') {
    const dir = path.resolve(options.cwd, LOCAL_DIR);
    const unlock = lockLocal(dir);
    try {
      const { startEmulator } = await import('../emulator/index.js');
      const emulator = await startEmulator({ dataDir: dir, indexingDelayMs: 0, quiet: true });
      const client = new OpenAI({ apiKey: 'local', baseURL: emulator.url, ...common });
      return {
        client,
        baseUrl: 'local',
        local: true,
        implicitLocal,
        description: `local target (embedded emulator, data in ${path.relative(options.cwd, dir) || dir})`,
        close: async () => {
          await emulator.close();
          unlock();
        },
      };
    } catch (error) {
      unlock();
      throw error;
    }
  }
  if (!key && !baseEnv) {
    throw new UserError('--target env needs OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)');
  }
  const baseURL = baseEnv ?? 'https://api.openai.com/v1';
  let shown: string;
  try {
    const u = new URL(baseURL);
    shown = `${u.protocol}//${u.host}${u.pathname}`.replace(/\/$/, '');
  } catch {
    throw new UserError(`OPENAI_BASE_URL is not a URL: ${JSON.stringify(baseURL)}`);
  }
  const client = new OpenAI({
    apiKey: key ?? 'unset',
    baseURL,
    organization: env.OPENAI_ORG_ID?.trim() || null,
    project: env.OPENAI_PROJECT_ID?.trim() || null,
    ...common,
  });
  return {
    client,
    baseUrl: shown,
    local: false,
    implicitLocal: false,
    description: `${shown}${env.OPENAI_PROJECT_ID ? ` (project ${env.OPENAI_PROJECT_ID})` : ''}`,
    close: async () => {},
  };
}
