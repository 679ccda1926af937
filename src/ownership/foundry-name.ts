/**
 * The name a manifest assistant's Foundry prompt agent has: derived from the deployment and the
 * assistant's key, so the target (src/targets/foundry) and the generated client (`codegen python
 * --api foundry`) find the same agent without an id (Foundry's agent id is its name).
 *
 * Foundry's rule (../shared/azure-foundry/README.md §6; docs/API-DEVIATIONS.md F6): at most 63
 * characters, letters, digits and hyphens, starting and ending with a letter or digit; case is not
 * reliable either way, so names are lower case. The name is `<deployment>--<key>`, each part lower
 * cased with `_` and `.` (which Foundry refuses) made `-`, runs of `-` made one, and `-` trimmed
 * from its ends, so a part never holds `--` and the separator cannot be mistaken: deployment
 * `order-desk` with key `billing` is `order-desk--billing`, and no other deployment's key gives it.
 * Two keys of one manifest can still meet (`faq_bot` and `faq.bot`): `foundryNameProblems` says so.
 */

/** Foundry's agent name rule (the service's and the emulator's, F6). */
export const FOUNDRY_AGENT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const FOUNDRY_NAME_MAX = 63;

function part(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

export function foundryAgentName(deployment: string, key: string): string {
  return `${part(deployment)}--${part(key)}`;
}

/** Why assistants of a deployment cannot be Foundry agents, by key: a name too long, or one another key also gets. */
export function foundryNameProblems(deployment: string, keys: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const key of keys) {
    const name = foundryAgentName(deployment, key);
    const other = byName.get(name);
    if (!FOUNDRY_AGENT_NAME.test(name)) {
      out.set(
        key,
        `its Foundry agent name "${name}" (deployment--key) is ${name.length} characters long; Foundry allows ${FOUNDRY_NAME_MAX}: shorten the key (or the deployment name) by ${name.length - FOUNDRY_NAME_MAX}`,
      );
    } else if (other !== undefined) {
      out.set(key, `its Foundry agent name "${name}" is also assistant "${other}"'s (Foundry names are lower case, with "-" for "_" and "."): rename one of the keys`);
    }
    if (other === undefined) byName.set(name, key);
  }
  return out;
}
