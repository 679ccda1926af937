/**
 * What a plan says beyond the assistant's fields when the target is a Foundry project (the live
 * state has `foundry`): which prompt agent each change is and which version apply makes
 * (`agent`: `~ agent … new version N+1 (live N)`), the drift of a latest version made outside the
 * tool (one without the deployment's tags, or with definition fields the manifest has no place
 * for: apply puts a version of the manifest's back on top), and the error of an agent name the
 * deployment would create that an agent it does not own already has (nothing is sent for that
 * assistant: a create under that name would add a version to someone else's agent).
 */
import { agentNameFor, type DesiredAssistant, type LiveAssistant } from '../kinds/index.js';
import type { Live } from '../targets/live.js';
import { resourceKeyOf } from '../ownership/index.js';
import type { FieldChange, PlanError, ResourceChange } from './types.js';

/** The fields a latest version made outside the tool adds to the assistant's field changes. */
export function agentDrift(live: LiveAssistant): FieldChange[] {
  const a = live.agent;
  if (!a) return [];
  const out: FieldChange[] = [];
  if (a.tagged_version !== undefined) {
    out.push({ field: 'version', path: 'version', before: `${a.version} (made outside assistants-deploy; its last version is ${a.tagged_version})`, after: 'a version of the manifest', cause: 'drift' });
  }
  for (const [path, value] of Object.entries(a.unmapped ?? {})) out.push({ field: 'definition', path, before: value, after: null, cause: 'drift' });
  return out;
}

/** Assistants to be created whose agent name is taken by an agent the deployment does not own. */
export function agentNameErrors(desired: { deployment: string; assistants: readonly DesiredAssistant[] }, live: Live): PlanError[] {
  if (!live.foundry) return [];
  const ownedKeys = new Set(live.assistants.map((a) => resourceKeyOf(a.metadata)));
  const owned = new Set(live.assistants.map((a) => a.id.toLowerCase()));
  const taken = new Map(live.foundry.agentNames.map((n) => [n.toLowerCase(), n]));
  const out: PlanError[] = [];
  for (const a of desired.assistants) {
    if (ownedKeys.has(a.key)) continue;
    const name = agentNameFor(desired.deployment, a.key);
    const holder = taken.get(name.toLowerCase());
    if (holder === undefined) continue;
    const whose = owned.has(name.toLowerCase()) ? 'another assistant of this deployment' : 'an agent this deployment does not own';
    out.push({
      address: `assistant.${a.key}`,
      key: a.key,
      code: 'agent_name_taken',
      path: `assistants.${a.key}`,
      loc: a.loc ?? null,
      message: `its Foundry agent name "${name}" is taken by ${whose} ("${holder}"); nothing is sent for this assistant. Rename the key, or adopt that agent with \`assistants-deploy import assistant.${a.key} ${holder}\``,
    });
  }
  return out;
}

/** The plan's assistant changes, each with the agent it is and the version apply makes. */
export function withAgents(changes: readonly ResourceChange[], desired: { deployment: string; foundry?: { keepVersions?: number } }, live: Live): ResourceChange[] {
  if (!live.foundry) return [...changes];
  const byId = new Map(live.assistants.map((a) => [a.id, a]));
  const keep = desired.foundry?.keepVersions;
  return changes.map((c) => {
    if (c.type !== 'assistant') return c;
    const agent = c.id !== null ? byId.get(c.id)?.agent : undefined;
    if (c.actions.includes('delete')) return { ...c, agent: { name: agent?.name ?? c.id!, live_version: agent?.version ?? null, next_version: null } };
    const version = agent ? Number(agent.version) : 0;
    return {
      ...c,
      agent: {
        name: agent?.name ?? agentNameFor(desired.deployment, c.key),
        live_version: agent?.version ?? null,
        next_version: Number.isFinite(version) ? version + 1 : 1,
        ...(keep !== undefined ? { keep_versions: keep } : {}),
      },
    };
  });
}
