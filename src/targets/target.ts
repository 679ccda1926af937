/**
 * Which account the tool talks to (DESIGN.md, "Target"), chosen from the openai SDK's own
 * variables, or the embedded emulator (`--target local`, and the default with no key, no base URL
 * and no CI), or a Microsoft Foundry project (`--target foundry`, foundry/), and the provider
 * (provider.ts) that speaks to it. The API key never leaves this
 * module except inside the SDK.
 */
import path from 'node:path';
import OpenAI from 'openai';
import { UserError } from '../errors.js';
import { startLocal } from './local.js';
import { apiProvider, type Target } from './provider.js';

export type { Target } from './provider.js';

export { LOCAL_DIR, localModels } from './local.js';

export type TargetChoice = 'auto' | 'local' | 'env' | 'foundry';

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
  const common = {
    maxRetries: options.maxRetries ?? 4,
    timeout: options.timeoutMs ?? 60_000,
    fetch: instrumentedFetch(options),
  };
  if (choice === 'foundry') {
    // a Foundry project (src/targets/foundry/): the Azure SDK is loaded only for it
    const { openFoundry } = await import('./foundry/index.js');
    return openFoundry({ ...(options.projectEndpoint !== undefined ? { endpoint: options.projectEndpoint } : {}), env, fetch: common.fetch, maxRetries: common.maxRetries, timeoutMs: common.timeout });
  }
  if (choice === 'local') {
    const local = await startLocal(options.cwd, env);
    return apiProvider(new OpenAI({ apiKey: 'local', baseURL: local.url, ...common }), {
      baseUrl: 'local',
      local: true,
      implicitLocal,
      description: `local target (embedded emulator, data in ${path.relative(options.cwd, local.dir) || local.dir})`,
      openai: false,
      ...(env.ASSISTANTS_DEPLOY_PACE ? { pace: env.ASSISTANTS_DEPLOY_PACE } : {}),
      close: () => local.close(),
    });
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
  return apiProvider(client, {
    baseUrl: shown,
    local: false,
    implicitLocal: false,
    description: `${shown}${env.OPENAI_PROJECT_ID ? ` (project ${env.OPENAI_PROJECT_ID})` : ''}`,
    openai: /(^|\.)openai\.com$/.test(new URL(baseURL).hostname),
    ...(env.ASSISTANTS_DEPLOY_PACE ? { pace: env.ASSISTANTS_DEPLOY_PACE } : {}),
    close: async () => {},
  });
}
