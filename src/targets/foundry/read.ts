/**
 * A Foundry project's agents as the live assistants a plan compares (src/kinds/agent.ts): the
 * agent list, one page per 100 agents, each agent with its latest version. An agent whose latest
 * version carries no ownership tags but whose name has the deployment's prefix may be one of the
 * deployment's agents edited outside the tool (a version made in the portal or with an SDK): its
 * versions are read, newest first, until one tagged with the deployment is found. Found: the agent
 * is the deployment's, with that version's tags (so every field the latest version changed shows
 * as drift) and `tagged_version` set; not found: it is someone else's agent.
 */
import { agentNameFor, liveFromVersion, type LiveAssistant } from '../../kinds/index.js';
import { deploymentOf, TAG_DEPLOYMENT, TAG_RESOURCE, userMetadata } from '../../ownership/index.js';
import type { AuditAssistant } from '../audit.js';
import { mapLimit, pagesFor } from '../read.js';
import { AGENT_PAGE, type AgentsApi } from './agents.js';

export interface AgentsRead {
  /** Every agent of the project, owned or not, as live assistants. */
  items: LiveAssistant[];
  pages: number;
  minimumPages: number;
  /** Every agent's name. */
  names: string[];
}

/** The deployment's tags from an older version of an untagged agent, or undefined when no version has them. */
async function olderTags(api: AgentsApi, name: string, deployment: string): Promise<{ version: string; tags: Record<string, string>; pages: number; minimum: number } | undefined> {
  const { versions, pages } = await api.versions(name, (v) => deploymentOf(v.metadata) === deployment);
  const index = versions.findIndex((v) => deploymentOf(v.metadata) === deployment);
  if (index < 0) return { version: '', tags: {}, pages, minimum: pagesFor(versions.length, AGENT_PAGE) };
  const m = versions[index]!.metadata ?? {};
  const tags: Record<string, string> = { [TAG_DEPLOYMENT]: deployment };
  if (m[TAG_RESOURCE] !== undefined) tags[TAG_RESOURCE] = m[TAG_RESOURCE];
  return { version: String(versions[index]!.version), tags, pages, minimum: Math.ceil((index + 1) / AGENT_PAGE) };
}

export async function readAgents(api: AgentsApi, deployment: string): Promise<AgentsRead> {
  const { agents, pages } = await api.list();
  let extraPages = 0;
  let extraMinimum = 0;
  const prefix = agentNameFor(deployment, '');
  const items: LiveAssistant[] = [];
  for (const a of agents) {
    const live = liveFromVersion(a.latest);
    if (deploymentOf(live.metadata) === undefined && a.name.toLowerCase().startsWith(prefix)) {
      const older = await olderTags(api, a.name, deployment);
      extraPages += older?.pages ?? 0;
      extraMinimum += older?.minimum ?? 0;
      if (older && older.version) {
        live.metadata = { ...userMetadata(live.metadata), ...older.tags };
        live.agent = { ...live.agent!, tagged_version: older.version };
      }
    }
    items.push(live);
  }
  return { items, pages: pages + extraPages, minimumPages: pagesFor(agents.length, AGENT_PAGE) + extraMinimum, names: agents.map((a) => a.name) };
}

/**
 * What audit reads as the project's assistants: every agent with what any of its versions uses
 * (an older version can still be called by number, so a store or file it names is not unused),
 * one versions list per agent.
 */
export async function auditAgents(api: AgentsApi): Promise<{ items: AuditAssistant[]; pages: number; minimumPages: number }> {
  const { agents, pages } = await api.list();
  let versionPages = 0;
  let minimum = pagesFor(agents.length, AGENT_PAGE);
  const items = await mapLimit(agents, 8, async (a): Promise<AuditAssistant> => {
    const { versions, pages: p } = await api.versions(a.name);
    versionPages += p;
    minimum += pagesFor(versions.length, AGENT_PAGE);
    const stores = new Set<string>();
    const files = new Set<string>();
    for (const v of versions) {
      const live = liveFromVersion(v);
      for (const id of live.tool_resources?.file_search?.vector_store_ids ?? []) stores.add(id);
      for (const id of live.tool_resources?.code_interpreter?.file_ids ?? []) files.add(id);
    }
    const latest = liveFromVersion(a.latest);
    return { id: a.name, name: latest.name, metadata: latest.metadata, vector_store_ids: [...stores], file_ids: [...files] };
  });
  return { items, pages: pages + versionPages, minimumPages: minimum };
}
