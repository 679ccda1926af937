/**
 * The assistant writes of the Account (src/targets/write.ts) on a Foundry project, each one agents
 * operation: create is `POST /agents` under the name derived from the ownership tags the request
 * carries; an update is a new version holding the whole request (apply sends every field:
 * `wholeUpdates`); delete removes the agent with its versions; import's tagging is a new version
 * with the latest one's definition and the new metadata. A version whose answer was lost (a dropped
 * connection, a timeout, a 5xx) is looked for before it is sent again: the latest version carrying
 * the same resource tag, made since the first attempt, is that write, so a retry adds no second
 * version. `trimVersions` is the retention (README, "Targets"): the deployment's versions of an
 * agent beyond the newest K are deleted, versions made outside the tool never.
 */
import { agentNameFor, versionBody, type AgentVersionBody, type AgentVersionRecord } from '../../kinds/index.js';
import { deploymentOf, resourceKeyOf, TAG_DISPLAY_NAME, TAG_RESOURCE } from '../../ownership/index.js';
import { isNotFound } from '../errors.js';
import { classify } from '../retry.js';
import type { Account } from '../write.js';
import type { AgentsApi } from './agents.js';

type AgentWrites = Pick<Account, 'createAssistant' | 'updateAssistant' | 'deleteAssistant' | 'findAssistant' | 'setAssistantMetadata' | 'trimVersions'>;

const seconds = (v: AgentVersionRecord) => (v.created_at instanceof Date ? Math.floor(v.created_at.getTime() / 1000) : v.created_at);

function nameOf(metadata: unknown): string {
  const deployment = deploymentOf(metadata);
  const key = resourceKeyOf(metadata);
  if (!deployment || !key) throw new Error('an agent is created with its ownership tags (the name is derived from them)');
  return agentNameFor(deployment, key);
}

/** The version, unless an mcp tool's secret names a variable that is not set: then nothing is sent. */
function sendable(name: string, body: AgentVersionBody): AgentVersionBody {
  if (!body.missing) return body;
  throw new Error(`agent "${name}": not sent, because ${body.missing.map((m) => `\${env:${m}}`).join(', ')} (an mcp tool's secret) ${body.missing.length === 1 ? 'is' : 'are'} not set in the environment`);
}

export function agentWrites(api: AgentsApi): AgentWrites {
  /** Agents whose last create-version answer was lost: the resource tag sent, and when (Unix seconds, less one). */
  const lost = new Map<string, { tag: string | undefined; since: number }>();
  const happened = async (name: string, tag: string | undefined): Promise<boolean> => {
    const pending = lost.get(name);
    if (!pending || pending.tag !== tag) return false;
    const latest = await api.latest(name);
    return latest.metadata?.[TAG_RESOURCE] === tag && seconds(latest) >= pending.since;
  };
  return {
    async createAssistant(request) {
      const name = nameOf(request.metadata);
      await api.create(name, sendable(name, versionBody(request, process.env)));
      return { id: name };
    },
    async updateAssistant(id, request) {
      const body = sendable(id, versionBody(request, process.env));
      const tag = body.metadata[TAG_RESOURCE];
      if (await happened(id, tag)) {
        lost.delete(id);
        return;
      }
      const since = lost.get(id)?.since ?? Math.floor(Date.now() / 1000) - 1;
      try {
        await api.createVersion(id, body);
        lost.delete(id);
      } catch (error) {
        if (classify(error, false).ambiguous) lost.set(id, { tag, since });
        throw error;
      }
    },
    async deleteAssistant(id) {
      await api.delete(id);
    },
    async findAssistant(deployment, key, createdAfter, exclude) {
      const name = agentNameFor(deployment, key);
      if (exclude.has(name)) return undefined;
      try {
        const v = await api.latest(name);
        return deploymentOf(v.metadata) === deployment && resourceKeyOf(v.metadata) === key && seconds(v) >= createdAfter ? { id: name } : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async setAssistantMetadata(id, metadata) {
      const latest = await api.latest(id);
      const shown = latest.metadata?.[TAG_DISPLAY_NAME];
      await api.createVersion(id, {
        definition: latest.definition as Record<string, unknown>,
        description: latest.description ?? '',
        metadata: { ...metadata, ...(shown !== undefined ? { [TAG_DISPLAY_NAME]: shown } : {}) },
      });
    },
    async trimVersions(id, keep) {
      const { versions } = await api.versions(id);
      const latest = versions[0];
      const owner = deploymentOf(latest?.metadata);
      const key = resourceKeyOf(latest?.metadata);
      if (!latest || !owner || !key) return 0;
      // newest first: the deployment's versions beyond the newest `keep` go; the latest always stays
      const owned = versions.filter((v) => deploymentOf(v.metadata) === owner && resourceKeyOf(v.metadata) === key);
      let deleted = 0;
      for (const v of owned.slice(keep)) {
        if (v.version === latest.version) continue;
        try {
          await api.deleteVersion(id, String(v.version));
          deleted++;
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      return deleted;
    },
  };
}
