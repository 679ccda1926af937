/**
 * A local emulator of the OpenAI Assistants, Files and Vector stores API (see README.md beside this file).
 *
 *   const emu = await startEmulator({ indexingDelayMs: 50 });
 *   const client = new OpenAI({ apiKey: 'test', baseURL: emu.url });
 *   ...
 *   await emu.close();
 */
import { Account } from './model/account.js';
import { DiskPersistence, MemoryPersistence } from './model/persistence.js';
import { FaultInjector, parseFaultSpec, type FaultSpec } from './faults.js';
import { RateLimiter } from './rate-limits.js';
import { buildServer, type RequestLogEntry } from './server.js';

export { parseFaultSpec, type FaultSpec } from './faults.js';
export type { RequestLogEntry } from './server.js';

export interface EmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Persist the account in this folder; default in memory. */
  dataDir?: string;
  /** Fault spec (the --faults grammar) or a parsed one. */
  faults?: string | FaultSpec;
  /** Enforce the published rate limits; `timeScale` > 1 compresses the minute. */
  rateLimits?: boolean | { timeScale?: number };
  /** Default true; false answers the assistants, threads and runs routes with 404 like OpenAI today. */
  assistantsApi?: boolean;
  /** How long a vector store file stays in_progress (default 50 ms). */
  indexingDelayMs?: number;
  /** How long a `background: true` response stays `queued`, then `in_progress` (default: the run delay, 10 ms or less). */
  backgroundDelayMs?: number;
  /** Model ids to serve beyond the built-in catalogue (fine-tunes, newer models). */
  models?: string[];
  /** If set, only this bearer key is accepted (401 invalid_api_key otherwise). */
  apiKey?: string;
  /**
   * Play a Foundry project of this name instead of OpenAI: the agents operations at
   * `/api/projects/{project}` and the OpenAI-compatible surface at `{project}/openai/v1`
   * (docs/API-DEVIATIONS.md, "Foundry"); `url` is then that surface and `projectEndpoint` the project.
   */
  foundry?: { project: string };
  /**
   * Serve https with this PEM key and certificate (for 127.0.0.1 / localhost): the Azure JS SDK
   * (@azure/core-rest-pipeline's bearer policy) sends a token over https only, whatever
   * `allowInsecureConnection` says (docs/API-DEVIATIONS.md, F19).
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
  quiet?: boolean;
  /** Called as each request is logged, in order (tests use it to act at an exact point). */
  onLog?: (entry: RequestLogEntry) => void;
}

export interface Emulator {
  /** Base URL for the openai SDK, e.g. http://127.0.0.1:PORT/v1 (a Foundry project: …/api/projects/NAME/openai/v1) */
  url: string;
  /** With `foundry`: the project endpoint for the Azure SDKs, http://127.0.0.1:PORT/api/projects/NAME */
  projectEndpoint?: string;
  port: number;
  /** Every request, in order. */
  log: RequestLogEntry[];
  clearLog(): void;
  setFaults(spec: string | FaultSpec | undefined): void;
  /** index-fail so far: files attached while it was on, and how many of them were made to fail. */
  readonly indexFaults: { attached: number; failed: number };
  close(): Promise<void>;
}

function toSpec(spec: string | FaultSpec | undefined): FaultSpec | undefined {
  if (spec === undefined) return undefined;
  return typeof spec === 'string' ? parseFaultSpec(spec) : spec;
}

/** A project name that fits in one path segment (letters, digits, `-`, `_`, `.`). */
function checkProjectName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name) || name === '_project') {
    throw new Error(`foundry project name must be 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit (got "${name}")`);
  }
  return name;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const foundry = options.foundry ? { project: checkProjectName(options.foundry.project) } : undefined;
  const persistence = options.dataDir ? new DiskPersistence(options.dataDir) : new MemoryPersistence();
  const indexingDelayMs = options.indexingDelayMs ?? 50;
  const runDelayMs = Math.min(indexingDelayMs, 10);
  const account = new Account(persistence, { indexingDelayMs, runDelayMs });
  account.load();
  const faults = new FaultInjector(toSpec(options.faults));
  const rl = options.rateLimits;
  const limiter = rl ? new RateLimiter(typeof rl === 'object' ? (rl.timeScale ?? 1) : 1) : undefined;
  const log: RequestLogEntry[] = [];
  const app = buildServer(
    {
      account,
      faults,
      limiter,
      log,
      ...(options.onLog ? { onLog: options.onLog } : {}),
      apiKey: options.apiKey,
      options: {
        indexingDelayMs,
        runDelayMs,
        assistantsApi: options.assistantsApi !== false,
        quiet: options.quiet ?? false,
        models: options.models ?? [],
        backgroundDelayMs: options.backgroundDelayMs ?? runDelayMs,
        foundry,
      },
    },
    options.tls,
  );
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  const origin = `${options.tls ? 'https' : 'http'}://${urlHost}:${port}`;
  const projectEndpoint = options.foundry ? `${origin}/api/projects/${options.foundry.project}` : undefined;
  return {
    url: projectEndpoint ? `${projectEndpoint}/openai/v1` : `${origin}/v1`,
    ...(projectEndpoint ? { projectEndpoint } : {}),
    port,
    log,
    clearLog: () => {
      log.length = 0;
    },
    setFaults: (spec) => faults.set(toSpec(spec)),
    indexFaults: faults.indexCounts,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await persistence.sync();
      persistence.close();
    },
  };
}
