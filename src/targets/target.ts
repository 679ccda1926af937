/**
 * Which account the tool talks to (DESIGN.md, "Target"), chosen from the openai SDK's own
 * variables, or the embedded emulator (`--target local`, and the default with no key, no base URL
 * and no CI), or a Microsoft Foundry project (`--target foundry`, foundry/), and the provider
 * (provider.ts) that speaks to it. The API key never leaves this
 * module except inside the SDK.
 */
import path from 'node:path';
import type OpenAI from 'openai';
import type { Live } from './live.js';
import { UserError } from '../errors.js';
import { HttpLists, listsOverHttp, type ListSource } from './list-http.js';
import { startLocal } from './local.js';
import { apiProvider, type Target } from './provider.js';
import { PAGE, READ, readLive, sdkLists } from './read.js';

export type { Target } from './provider.js';

export { LOCAL_DIR, localModels } from './local.js';

export type TargetChoice = 'auto' | 'local' | 'env' | 'foundry' | 'local-foundry';

/** A Foundry project, remote or the embedded one: what maps onto it is checked against Foundry's rules. */
export function isFoundryChoice(choice: unknown): boolean {
  return choice === 'foundry' || choice === 'local-foundry';
}

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
  /** `--project-endpoint` (with `foundry`; else AZURE_AI_PROJECT_ENDPOINT). */
  projectEndpoint?: string;
  /**
   * This deployment's live state is read at once, before the SDK is loaded (a no-op plan's reads
   * go out tens of milliseconds sooner), where the lists are read over node:http; the target's
   * first `read` of it is that read.
   */
  prefetch?: string;
}

export interface RequestRecord {
  method: string;
  /** Path and query, never the host's credentials. */
  route: string;
  status: number | 'error';
  ms: number;
}

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

/**
 * The plan's list pages over node:http (list-http.ts) where that sends what the SDK would: no fetch
 * wrapper (apply's fences), a plain base URL, bearer-key auth; else through the SDK client.
 */
function listsFor(sdk: Promise<OpenAI>, options: TargetOptions, auth: { baseURL: string; apiKey: string; organization: string | null; project: string | null }): ListSource | undefined {
  if (options.wrapFetch || !listsOverHttp(auth.baseURL, options.env)) return undefined;
  return new HttpLists({
    ...auth,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxRetries: READ.maxRetries,
    pageSize: PAGE,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    fallback: { vectorStoreFiles: (id) => sdk.then((client) => sdkLists(client).vectorStoreFiles(id)) },
  });
}

/** The SDK, loaded when a target is opened (after a prefetch has sent its first requests). */
async function sdkClient(options: ConstructorParameters<typeof OpenAI>[0]): Promise<OpenAI> {
  const { default: OpenAI } = await import('openai');
  return new OpenAI(options);
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
        env.AZURE_AI_PROJECT_ENDPOINT?.trim()
          ? 'AZURE_AI_PROJECT_ENDPOINT is set: pass --target foundry to deploy to that Foundry project'
          : 'set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server) in the pipeline, or pass --target local to use the embedded emulator on purpose',
      );
    } else {
      choice = 'local';
      implicitLocal = true;
    }
  }
  if (choice === 'foundry') {
    // a Foundry project (src/targets/foundry/): the Azure SDK is loaded only for it
    const { openFoundry } = await import('./foundry/index.js');
    const common = clientOptions(options);
    return openFoundry({ ...(options.projectEndpoint !== undefined ? { endpoint: options.projectEndpoint } : {}), env, fetch: common.fetch, maxRetries: common.maxRetries, timeoutMs: common.timeout });
  }
  if (choice === 'local') return openLocal(options, implicitLocal);
  if (choice === 'local-foundry') return openLocalFoundry(options);
  if (!key && !baseEnv) {
    throw new UserError('--target env needs OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)');
  }
  return openEnv(options, key, baseEnv ?? 'https://api.openai.com/v1');
}

/** The SDK client's options besides the account: retries, timeout, the instrumented fetch (which loads fetch). */
function clientOptions(options: TargetOptions) {
  return { maxRetries: options.maxRetries ?? 4, timeout: options.timeoutMs ?? 60_000, fetch: instrumentedFetch(options) };
}

async function openLocal(options: TargetOptions, implicitLocal: boolean): Promise<Target> {
  const local = await startLocal(options.cwd, options.env);
  const sdk = sdkClient({ apiKey: 'local', baseURL: local.url, ...clientOptions(options) });
  const lists = listsFor(sdk, options, { baseURL: local.url, apiKey: 'local', organization: null, project: null });
  return apiProvider(await sdk, {
    ...(lists ? { lists } : {}),
    baseUrl: 'local',
    local: true,
    implicitLocal,
    description: `local target (embedded emulator, data in ${path.relative(options.cwd, local.dir) || local.dir})`,
    openai: false,
    ...(options.env.ASSISTANTS_DEPLOY_PACE ? { pace: options.env.ASSISTANTS_DEPLOY_PACE } : {}),
    close: () => local.close(),
  });
}

/** The embedded emulator playing a Foundry project, opened as the Foundry target is (any token is accepted). */
async function openLocalFoundry(options: TargetOptions): Promise<Target> {
  const local = await startLocal(options.cwd, options.env, true);
  try {
    const { openFoundry } = await import('./foundry/index.js');
    const common = clientOptions(options);
    const env = { ...options.env, AZURE_AI_PROJECT_TOKEN: 'local' };
    const target = await openFoundry({ endpoint: local.projectEndpoint ?? local.url, env, fetch: common.fetch, maxRetries: common.maxRetries, timeoutMs: common.timeout });
    return {
      ...target,
      local: true,
      description: `local Foundry project (embedded emulator, data in ${path.relative(options.cwd, local.dir) || local.dir})`,
      close: async () => {
        await target.close();
        await local.close();
      },
    };
  } catch (error) {
    await local.close();
    throw error;
  }
}

async function openEnv(options: TargetOptions, key: string | undefined, baseURL: string): Promise<Target> {
  const env = options.env;
  let shown: string;
  try {
    const u = new URL(baseURL);
    shown = `${u.protocol}//${u.host}${u.pathname}`.replace(/\/$/, '');
  } catch {
    throw new UserError(`OPENAI_BASE_URL is not a URL: ${JSON.stringify(baseURL)}`);
  }
  const auth = { baseURL, apiKey: key ?? 'unset', organization: env.OPENAI_ORG_ID?.trim() || null, project: env.OPENAI_PROJECT_ID?.trim() || null };
  let loaded!: (client: OpenAI) => void;
  const sdk = new Promise<OpenAI>((resolve) => (loaded = resolve));
  const lists = listsFor(sdk, options, auth);
  // the deployment's pages first, then the SDK (and fetch) is loaded while they come in
  let prefetched: { deployment: string; live: Promise<Live> } | undefined;
  if (lists && options.prefetch !== undefined) {
    prefetched = { deployment: options.prefetch, live: readLive(lists, { deployment: options.prefetch }) };
    prefetched.live.catch(() => {}); // awaited by the target's read, or dropped with it
  }
  // the SDK is loaded once the first requests are out
  if (prefetched && lists instanceof HttpLists) await lists.sent();
  const client = await sdkClient({ ...auth, ...clientOptions(options) });
  loaded(client);
  return apiProvider(client, {
    ...(lists ? { lists } : {}),
    ...(prefetched ? { prefetched } : {}),
    baseUrl: shown,
    local: false,
    implicitLocal: false,
    description: `${shown}${env.OPENAI_PROJECT_ID ? ` (project ${env.OPENAI_PROJECT_ID})` : ''}`,
    openai: /(^|\.)openai\.com$/.test(new URL(baseURL).hostname),
    ...(env.ASSISTANTS_DEPLOY_PACE ? { pace: env.ASSISTANTS_DEPLOY_PACE } : {}),
    close: async () => {},
  });
}
