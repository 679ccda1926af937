/**
 * The Foundry target (`--target foundry`): a Microsoft Foundry project, its endpoint and
 * credential from endpoint.ts. Each manifest assistant is a prompt agent, read and written through
 * the real @azure/ai-projects SDK (agents.ts, read.ts, write.ts; the mapping is
 * src/kinds/agent.ts); vector stores and files live on the project's OpenAI-compatible surface
 * (`{endpoint}/openai/v1`) and go through the openai SDK with the same token, with the very read
 * and write code the other targets use (src/targets/read.ts, write.ts), so batches, attributes,
 * pacing, retries and the lease (a vector store there) hold unchanged. Every request, the SDK's
 * included, goes through the one fetch the caller gives (the request log, the lease's and the
 * stop's fences).
 */
import OpenAI from 'openai';
import { ApiError } from '../../errors.js';
import { AGENT_NAME, ASSISTANTS_TOOL_TYPES, liveFromVersion, RESPONSES_ERA_TOOL_TYPES, type Tagged } from '../../kinds/index.js';
import { checkForeignHoldings } from '../foreign.js';
import type { Live } from '../live.js';
import { described, type Target } from '../provider.js';
import { readLive, readUploads, readVectorStore, sdkLists } from '../read.js';
import { accountFor, type Account } from '../write.js';
import { agentsApi } from './agents.js';
import { isLoopbackHost, projectCredential, projectEndpoint } from './endpoint.js';
import { auditAgents, readAgents, type AgentsRead } from './read.js';
import { agentWrites } from './write.js';

export { isLoopbackHost } from './endpoint.js';

export interface FoundryOptions {
  /** `--project-endpoint`; else AZURE_AI_PROJECT_ENDPOINT. */
  endpoint?: string;
  env: NodeJS.ProcessEnv;
  /** The fetch every request goes through. */
  fetch: typeof globalThis.fetch;
  /** SDK retries of writes (reads are retried 8 times). */
  maxRetries: number;
  timeoutMs: number;
}

/** What to check when a request to the project fails, in this target's words (the shared ones name the OpenAI variables). */
const FOUNDRY_HINTS: Record<number, string> = {
  401: 'check the token: AZURE_AI_PROJECT_TOKEN, or what DefaultAzureCredential signs in with (az login); it must be for https://ai.azure.com',
  403: 'the identity lacks a role on this Foundry project that may manage agents and files',
};

/** `fn`, its API errors described (provider.ts), with the hints of this target. */
async function describedHere<T>(what: string, baseUrl: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await described(what, baseUrl, fn);
  } catch (error) {
    if (error instanceof ApiError && error.hint !== undefined) {
      const hint = (error.status !== undefined ? FOUNDRY_HINTS[error.status] : undefined) ?? error.hint.replace('OPENAI_BASE_URL', 'AZURE_AI_PROJECT_ENDPOINT');
      throw new ApiError(error.message, error.status, error.code, error.requestId, hint);
    }
    throw error;
  }
}

export async function openFoundry(options: FoundryOptions): Promise<Target> {
  const endpoint = projectEndpoint(options.endpoint, options.env);
  const credential = await projectCredential(options.env);
  // a credential that gives no token says so now, in its own words (the openai SDK would wrap them)
  await credential.token();
  const origin = new URL(endpoint.url).origin;
  const secure = origin.replace(/^http:/, 'https:');
  const api = await agentsApi({
    endpoint: endpoint.insecureLoopback ? endpoint.url.replace(/^http:/, 'https:') : endpoint.url,
    credential: credential.credential,
    transport: { fetch: options.fetch, timeoutMs: options.timeoutMs, ...(endpoint.insecureLoopback ? { downgrade: { from: secure, to: origin } } : {}) },
    writeRetries: options.maxRetries,
  });
  const client = new OpenAI({ apiKey: credential.token, baseURL: `${endpoint.url}/openai/v1`, maxRetries: options.maxRetries, timeout: options.timeoutMs, fetch: options.fetch });
  const writes = agentWrites(api);
  const account: Account = { ...accountFor(client), ...writes, wholeUpdates: true };
  const baseUrl = endpoint.url;
  const local = isLoopbackHost(new URL(baseUrl).hostname);
  return {
    client,
    baseUrl,
    local: false,
    description: `Foundry project "${endpoint.project}" at ${baseUrl} (credential: ${credential.source})`,
    implicitLocal: false,
    serves: () => true,
    read: (deployment) =>
      describedHere('reading the Foundry project', baseUrl, async (): Promise<Live> => {
        let agents: AgentsRead | undefined;
        const live = await readLive(sdkLists(client), { deployment, models: false, assistants: async () => (agents = await readAgents(api, deployment)) });
        // prompt agents take the tools of the Responses era too (src/kinds/tools.ts)
        return { ...live, toolTypes: [...ASSISTANTS_TOOL_TYPES, ...RESPONSES_ERA_TOOL_TYPES], foundry: { agentNames: agents?.names ?? [] } };
      }),
    checkForeign: (live, fileIds) => describedHere('reading the Foundry project', baseUrl, () => checkForeignHoldings(client, live, fileIds)),
    readOne: (type, id) => describedHere<Tagged>(`reading ${id}`, baseUrl, async () => (type === 'assistant' ? liveFromVersion(await api.latest(id)) : readVectorStore(client, id))),
    tagOne: (type, id, metadata) => describedHere(`tagging ${id}`, baseUrl, () => (type === 'assistant' ? writes.setAssistantMetadata(id, metadata) : account.setVectorStoreMetadata(id, metadata))),
    uploads: () => readUploads(client),
    account,
    pacesFromStart: options.env.ASSISTANTS_DEPLOY_PACE === 'always',
    // a project's lists may trail its writes for a moment; the emulator's do not
    settleDelays: local ? [] : [1_000, 3_000],
    kind: 'foundry',
    auditAssistants: () => auditAgents(api),
    kindOfId: (id) => (id.startsWith('vs_') ? 'vector_store' : AGENT_NAME.test(id) ? 'assistant' : undefined),
    close: async () => {},
  };
}
