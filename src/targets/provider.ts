/**
 * A target as the rest of the tool sees it (octoDNS's provider: a few verbs): read the deployment's
 * live state page by page, the writes apply makes one change at a time (`account`), the lookups of
 * one resource by id, and which kinds it serves. Every error it throws from the API is described
 * (status, the API's words, the request id, a hint), never the SDK's raw error.
 *
 * Today's providers: the Assistants protocol over HTTP (`apiProvider`: OpenAI-compatible servers,
 * older deployments), which is also OpenAI without the Assistants API once its first read finds
 * `/v1/assistants` answered with 404 (assistants are then not served: the plan reports them not
 * deployable); the local target, the same protocol served by the embedded emulator
 * (local.ts); and a Microsoft Foundry project (foundry/: agents through @azure/ai-projects,
 * stores and files through this same openai SDK on the project's `/openai/v1`). A provider for
 * another kind of target is a module that makes a `Target`.
 */
import type OpenAI from 'openai';
import type { ResourceType, Tagged } from '../kinds/index.js';
import type { AuditAssistant } from './audit.js';
import { describeApiError } from './errors.js';
import { checkForeignHoldings } from './foreign.js';
import type { Live, LiveFile } from './live.js';
import type { ListSource } from './list-http.js';
import { readAssistant, readLive, readUploads, readVectorStore, sdkLists } from './read.js';
import { accountFor, type Account } from './write.js';

export interface Target {
  /** The SDK client (the lease and audit read and write through it). */
  client: OpenAI;
  /** Base URL without credentials, for messages and plans. */
  baseUrl: string;
  local: boolean;
  /** One line saying which account this is, for people. */
  description: string;
  /** Set when the tool chose the local target because nothing else was configured. */
  implicitLocal: boolean;
  /** Whether it serves a kind: every kind, but assistants only while its reads find the Assistants API. */
  serves(type: ResourceType): boolean;
  /** The deployment's live state, with list requests only. */
  read(deployment: string): Promise<Live>;
  /** `live` with the stores outside the deployment checked for the uploads a plan deletes. */
  checkForeign(live: Live, fileIds: readonly string[]): Promise<Live>;
  /** One resource by id, in its kind's live shape (`what`: for the message, `reading asst_…`). */
  readOne(type: ResourceType, id: string): Promise<Tagged>;
  /** Writes one resource's metadata (import's ownership tags). */
  tagOne(type: ResourceType, id: string, metadata: Record<string, string>): Promise<void>;
  /** Every upload of purpose `assistants`, by id. */
  uploads(): Promise<Map<string, LiveFile>>;
  /** The writes apply makes, one change each, and the lookups that recover a lost answer. */
  account: Account;
  /** Paced to the published rate limits from the first request (OpenAI's platform), not only after a 429. */
  pacesFromStart: boolean;
  /** Waits before reading again when the check after an apply finds a difference: its lists may trail writes. */
  settleDelays: readonly number[];
  /** Which kind an id names (`pull --ids`, `import`), when not told by the kinds' id prefixes (a Foundry agent is named, not prefixed). */
  kindOfId?(id: string): ResourceType | undefined;
  /** `foundry`: a Microsoft Foundry project (foundry/); absent: an OpenAI-compatible account. */
  kind?: 'foundry';
  /** What audit reads as the account's assistants when they are not the Assistants API's (a Foundry project's agents, every version). */
  auditAssistants?: () => Promise<{ items: AuditAssistant[]; pages: number; minimumPages: number }>;
  close(): Promise<void>;
}

export interface ProviderInfo {
  baseUrl: string;
  local: boolean;
  description: string;
  implicitLocal: boolean;
  /** Its host is OpenAI's platform. */
  openai: boolean;
  /** ASSISTANTS_DEPLOY_PACE: `always`, `on-429`, or unset (pace from the start on OpenAI's platform). */
  pace?: string;
  /** How the read gets its list pages (default: through the SDK client). */
  lists?: ListSource;
  /** A read of this deployment already under way (openTarget's prefetch): the first read of it is this one. */
  prefetched?: { deployment: string; live: Promise<Live> };
  close(): Promise<void>;
}

/** `fn`, with an error from the API described as `what` failed. */
export async function described<T>(what: string, baseUrl: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw describeApiError(error, what, baseUrl) ?? error;
  }
}

/** The Assistants protocol over HTTP, through the openai SDK. */
export function apiProvider(client: OpenAI, info: ProviderInfo): Target {
  let assistantsApi = true;
  const { baseUrl } = info;
  const account = accountFor(client);
  const lists = info.lists ?? sdkLists(client);
  let prefetched = info.prefetched;
  return {
    client,
    baseUrl,
    local: info.local,
    description: info.description,
    implicitLocal: info.implicitLocal,
    serves: (type) => type !== 'assistant' || assistantsApi,
    read: (deployment) =>
      described('reading the account', baseUrl, async () => {
        const ahead = prefetched?.deployment === deployment ? prefetched.live : undefined;
        prefetched = undefined;
        const live = await (ahead ?? readLive(lists, { deployment }));
        assistantsApi = live.assistantsApi;
        return live;
      }),
    checkForeign: (live, fileIds) => described('reading the account', baseUrl, () => checkForeignHoldings(client, live, fileIds)),
    readOne: (type, id) => described<Tagged>(`reading ${id}`, baseUrl, () => (type === 'assistant' ? readAssistant(client, id) : readVectorStore(client, id))),
    tagOne: (type, id, metadata) => described(`tagging ${id}`, baseUrl, () => (type === 'assistant' ? account.setAssistantMetadata(id, metadata) : account.setVectorStoreMetadata(id, metadata))),
    uploads: () => readUploads(client),
    account,
    pacesFromStart: info.pace === 'always' || (info.pace !== 'on-429' && info.openai),
    settleDelays: info.openai ? [1_000, 3_000] : [],
    close: () => {
      lists.close?.();
      return info.close();
    },
  };
}
