/**
 * The name a manifest assistant's Foundry prompt agent has: derived from the deployment and the
 * assistant's key, so the target and the generated client (`codegen python --api foundry`) find
 * the same agent without an id (Foundry's agent id is its name).
 *
 * The rule is the Foundry target's and codegen's alike (src/kinds/agent.ts `agentNameFor` is this
 * function): `<deployment>-<key>`,
 * lower case, `_` and `.` (which Foundry refuses) as `-`. Foundry's rule
 * (../shared/azure-foundry/README.md §6; docs/API-DEVIATIONS.md F6): at most 63 characters,
 * letters, digits and hyphens, starting and ending with a letter or digit. Two keys of a manifest
 * can meet (`faq_bot` and `faq.bot`): `foundryNameProblems` says so. Two deployments can too
 * (`a-b` with key `c`, `a` with key `b-c`): the ownership tags tell their agents apart, and neither
 * touches or uses the other's.
 */

/** Foundry's agent name rule (the service's and the emulator's, F6). */
export const FOUNDRY_AGENT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const FOUNDRY_NAME_MAX = 63;

export function foundryAgentName(deployment: string, key: string): string {
  return `${deployment}-${key}`.toLowerCase().replace(/[_.]/g, '-');
}

/** Why assistants of a deployment cannot be Foundry agents, by key: a name Foundry refuses, or one another key also gets. */
export function foundryNameProblems(deployment: string, keys: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const key of keys) {
    const name = foundryAgentName(deployment, key);
    const other = byName.get(name);
    if (name.length > FOUNDRY_NAME_MAX) {
      out.set(key, `its Foundry agent name "${name}" (deployment, "-", key) has ${name.length} characters; Foundry allows ${FOUNDRY_NAME_MAX}. Shorten the key or the deployment name`);
    } else if (!FOUNDRY_AGENT_NAME.test(name)) {
      out.set(key, `its Foundry agent name "${name}" (deployment, "-", key) must start and end with a letter or digit and hold only letters, digits and hyphens; rename the key`);
    } else if (other !== undefined) {
      out.set(key, `its Foundry agent name "${name}" is also assistants.${other}'s (names are lower case, with "_" and "." as "-"); rename one of the keys`);
    }
    if (other === undefined) byName.set(name, key);
  }
  return out;
}
