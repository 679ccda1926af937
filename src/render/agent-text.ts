/**
 * How a plan's change to a Foundry prompt agent reads (plan-text.ts): the agent and the version
 * apply makes, `~ agent "support-bot-support" new version 3 (live 2)`, `+ agent "…" version 1`,
 * `- agent "…" (latest version 4; every version goes)`, and the retention that follows the apply.
 */
import type { ResourceChange } from '../plan/types.js';

/** The heading of the change's block, after its symbol; undefined for anything but an agent. */
export function agentHeading(c: ResourceChange): string | undefined {
  const a = c.agent;
  if (!a) return undefined;
  const name = `agent ${JSON.stringify(a.name)}`;
  if (a.next_version === null) return `${name} (latest version ${a.live_version ?? '?'}; every version goes)`;
  if (a.live_version === null) return `${name} version ${a.next_version}`;
  return `${name} new version ${a.next_version} (live ${a.live_version})`;
}

/** What happens to the agent, in the block's comment line: an update is a new version. */
export function agentVerb(c: ResourceChange): string | undefined {
  return c.agent && c.agent.live_version !== null && c.agent.next_version !== null ? 'gets a new version' : undefined;
}

/** The retention note inside the block, when the plan keeps only the newest versions. */
export function retentionNote(c: ResourceChange): string | undefined {
  const k = c.agent?.keep_versions;
  if (k === undefined || c.agent?.next_version === null) return undefined;
  return `        # keeps the newest ${k} version${k === 1 ? '' : 's'} this deployment made; older ones are deleted after the apply`;
}
