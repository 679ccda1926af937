/**
 * A Foundry project's agents operations through the real @azure/ai-projects SDK (list, get,
 * create, create version, list versions, delete, delete version: §5 of
 * ../shared/azure-foundry/README.md), with the tool's transport (transport.ts) and its errors as
 * the openai SDK's. Two clients: reads retried by the SDK (8 times, as every read of the tool),
 * writes sent as often as the caller says (apply: once, its own retry loop decides about another
 * attempt). The SDK is loaded only when a command uses this target.
 */
import type { AIProjectClient } from '@azure/ai-projects';
import type { TokenCredential } from '@azure/identity';
import type { AgentVersionBody, AgentVersionRecord } from '../../kinds/index.js';
import { VERSION } from '../../package-root.js';
import { azure, fetchHttpClient, type TransportOptions } from './transport.js';

/** Largest page of the agents lists (SW `limit` 1–100). */
export const AGENT_PAGE = 100;

export interface AgentRecord {
  name: string;
  latest: AgentVersionRecord;
}

export interface AgentsApi {
  /** Every agent of the project, and how many pages that took. */
  list(): Promise<{ agents: AgentRecord[]; pages: number }>;
  /** The agent's versions, newest first, page by page until `enough` says stop. */
  versions(name: string, enough?: (v: AgentVersionRecord) => boolean): Promise<{ versions: AgentVersionRecord[]; pages: number }>;
  /** The agent's latest version. */
  latest(name: string): Promise<AgentVersionRecord>;
  /** `POST /agents`: the agent with its first version. */
  create(name: string, body: AgentVersionBody): Promise<AgentVersionRecord>;
  /** `POST /agents/{name}/versions`: a new version, whatever the definition. */
  createVersion(name: string, body: AgentVersionBody): Promise<AgentVersionRecord>;
  delete(name: string): Promise<void>;
  deleteVersion(name: string, version: string): Promise<void>;
}

export interface AgentsOptions {
  /** The endpoint the SDK is given (https). */
  endpoint: string;
  credential: TokenCredential;
  transport: TransportOptions;
  /** SDK retries of a write (reads: 8). */
  writeRetries: number;
}

const record = (v: unknown): AgentVersionRecord => v as AgentVersionRecord;

export async function agentsApi(options: AgentsOptions): Promise<AgentsApi> {
  const { AIProjectClient } = await import('@azure/ai-projects');
  const httpClient = fetchHttpClient(options.transport);
  const client = (maxRetries: number): AIProjectClient =>
    new AIProjectClient(options.endpoint, options.credential, {
      httpClient,
      retryOptions: { maxRetries, retryDelayInMs: 250, maxRetryDelayInMs: 8_000 },
      userAgentOptions: { userAgentPrefix: `assistants-deploy/${VERSION}` },
    });
  const reads = client(8).agents;
  const writes = client(options.writeRetries).agents;
  return {
    list: () =>
      azure(async () => {
        const agents: AgentRecord[] = [];
        let pages = 0;
        for await (const page of reads.list({ limit: AGENT_PAGE }).byPage({ maxPageSize: AGENT_PAGE })) {
          pages++;
          for (const a of page) agents.push({ name: a.name, latest: record(a.versions.latest) });
        }
        return { agents, pages: Math.max(1, pages) };
      }),
    versions: (name, enough) =>
      azure(async () => {
        const versions: AgentVersionRecord[] = [];
        let pages = 0;
        for await (const page of reads.listVersions(name, { limit: AGENT_PAGE, order: 'desc' }).byPage({ maxPageSize: AGENT_PAGE })) {
          pages++;
          versions.push(...page.map(record));
          if (enough && page.some((v) => enough(record(v)))) break;
        }
        return { versions, pages: Math.max(1, pages) };
      }),
    latest: (name) => azure(async () => record((await reads.get(name)).versions.latest)),
    create: (name, body) =>
      azure(async () => {
        const agent = await writes.create(name, body.definition as never, { metadata: body.metadata, description: body.description });
        return record(agent.versions.latest);
      }),
    createVersion: (name, body) => azure(async () => record(await writes.createVersion(name, body.definition as never, { metadata: body.metadata, description: body.description }))),
    delete: (name) =>
      azure(async () => {
        await writes.delete(name);
      }),
    deleteVersion: (name, version) =>
      azure(async () => {
        await writes.deleteVersion(name, version);
      }),
  };
}
