/**
 * Which Foundry project, and with which credential: the project endpoint from `--project-endpoint`
 * or AZURE_AI_PROJECT_ENDPOINT (`https://{account}.services.ai.azure.com/api/projects/{project}`,
 * §1 of ../shared/azure-foundry/README.md), and an Entra token for the scope
 * `https://ai.azure.com/.default` (§4): AZURE_AI_PROJECT_TOKEN when set (CI, the emulator), else
 * @azure/identity's DefaultAzureCredential (az login, managed identity, service principals,
 * workload identity), loaded only then. Plain http is allowed for a loopback host only (the
 * emulator): a bearer token never crosses a network unencrypted.
 */
import type { TokenCredential } from '@azure/identity';
import { UserError } from '../../errors.js';

export const SCOPE = 'https://ai.azure.com/.default';

export interface ProjectEndpoint {
  /** As given, without a trailing slash. */
  url: string;
  /** The project's name (the last path segment). */
  project: string;
  /** http on a loopback host (the emulator). */
  insecureLoopback: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The endpoint checked: a URL whose path is `/api/projects/NAME`, https (or http on loopback), no credentials in it. */
export function projectEndpoint(given: string | undefined, env: NodeJS.ProcessEnv): ProjectEndpoint {
  const raw = given?.trim() || env.AZURE_AI_PROJECT_ENDPOINT?.trim();
  if (!raw) {
    throw new UserError(
      '--target foundry needs the project endpoint',
      'set AZURE_AI_PROJECT_ENDPOINT (or pass --project-endpoint) to https://<account>.services.ai.azure.com/api/projects/<project>, as the Foundry portal shows it',
    );
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UserError(`the project endpoint is not a URL: ${JSON.stringify(raw)}`, 'copy it from the Foundry portal: https://<account>.services.ai.azure.com/api/projects/<project>');
  }
  const shown = `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '');
  if (u.username || u.password) throw new UserError(`the project endpoint must not carry credentials (${shown})`, 'give the token in AZURE_AI_PROJECT_TOKEN, or sign in for DefaultAzureCredential (az login)');
  const m = /^\/api\/projects\/([^/]+)\/?$/.exec(u.pathname);
  if (!m || u.search) {
    throw new UserError(`the project endpoint ${shown} is not a project endpoint (its path must be /api/projects/<project>, with no query)`, 'copy it from the Foundry portal: https://<account>.services.ai.azure.com/api/projects/<project>');
  }
  const loopback = isLoopbackHost(u.hostname);
  if (u.protocol === 'http:' && !loopback) {
    throw new UserError(
      `the project endpoint ${shown} is plain http: a bearer token is sent over https only (http is allowed for a loopback address, the emulator)`,
      'use the https:// endpoint the Foundry portal shows',
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`the project endpoint ${shown} must be https://`);
  return { url: shown, project: decodeURIComponent(m[1]!), insecureLoopback: u.protocol === 'http:' };
}

/** A credential handing out one token (AZURE_AI_PROJECT_TOKEN), for an hour at a time. */
function staticCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

/** The credential, and a function giving a bearer token for the OpenAI-compatible surface (cached by @azure/identity). */
export async function projectCredential(env: NodeJS.ProcessEnv): Promise<{ credential: TokenCredential; token: () => Promise<string>; source: string }> {
  const fixed = env.AZURE_AI_PROJECT_TOKEN?.trim();
  if (fixed) {
    return { credential: staticCredential(fixed), token: async () => fixed, source: 'AZURE_AI_PROJECT_TOKEN' };
  }
  const { DefaultAzureCredential, getBearerTokenProvider } = await import('@azure/identity');
  const inner = new DefaultAzureCredential();
  const failed = (error: unknown) =>
    new UserError(
      `could not get a token for the Foundry project from DefaultAzureCredential: ${String((error as Error).message ?? error).split('\n')[0]}`,
      'sign in with `az login` (or configure a managed identity, a service principal in AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET, or workload identity), or set AZURE_AI_PROJECT_TOKEN',
    );
  // the SDK asks the credential itself, the openai SDK asks the provider: their failures read the same way
  const credential: TokenCredential = {
    getToken: async (scopes, options) => {
      try {
        return await inner.getToken(scopes, options);
      } catch (error) {
        throw failed(error);
      }
    },
  };
  const provider = getBearerTokenProvider(credential, SCOPE);
  const token = async () => {
    try {
      return await provider();
    } catch (error) {
      throw error instanceof UserError ? error : failed(error);
    }
  };
  return { credential, token, source: 'DefaultAzureCredential' };
}
