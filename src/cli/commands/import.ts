/**
 * `import KEY ID`: put an existing resource under a manifest key by writing the ownership tags,
 * with a fingerprint of its current state (so the next plan shows how it differs from the
 * manifest as manifest changes). Refuses what another deployment owns unless --allow-takeover.
 * What differs by kind (the id's prefix, the manifest section, the fingerprint) is the kind's
 * (src/kinds/); the target reads and tags the resource.
 */
import { UserError } from '../../errors.js';
import { KINDS } from '../../kinds/index.js';
import type { AnyKind, Tagged } from '../../kinds/index.js';
import { loadManifest } from '../../manifest/load.js';
import { closest } from '../../manifest/suggest.js';
import { deploymentOf, FOUNDRY_USER_MAX_METADATA, resourceKeyOf, userMetadata, USER_MAX_METADATA } from '../../ownership/index.js';
import { isLeaseMetadata, LEASE_TAG } from '../../targets/lease.js';
import { isFoundryChoice } from '../../targets/target.js';
import { createIo } from '../io.js';
import type { CommandOptions } from '../main.js';
import { loadOptions } from '../options.js';
import { connect, readAccount } from '../session.js';

function parseAddress(address: string, id: string): { kind: AnyKind; key: string } {
  for (const kind of KINDS) {
    const m = new RegExp(`^${kind.type}s?\\.(.+)$`).exec(address);
    if (m) return { kind, key: m[1]! };
  }
  const byId = KINDS.find((k) => id.startsWith(k.idPrefix));
  if (byId) return { kind: byId, key: address };
  throw new UserError(`cannot tell what ${address} is: write ${KINDS.map((k) => `${k.type}.KEY`).reverse().join(' or ')}`);
}

export async function run(args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const [address, id] = args as [string, string];
  const { kind, key } = parseAddress(address, id);
  if (!isFoundryChoice(opts.target) && !id.startsWith(kind.idPrefix)) throw new UserError(`${id} is not ${kind.noun} id (${kind.idPrefix}…)`);

  const { desired } = await loadManifest(loadOptions(opts));
  const keys = desired[kind.collection].map((r) => r.key);
  if (!keys.includes(key)) {
    const guess = closest(key, keys);
    throw new UserError(
      `the manifest has no ${kind.section} entry "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
      `add it to the manifest first (assistants-deploy pull --ids ${id} writes one from the live resource)`,
    );
  }
  const target = await connect(opts, io);
  try {
    // a Foundry agent is named, not prefixed (src/targets/foundry/)
    if (target.kindOfId && target.kindOfId(id) !== kind.type) throw new UserError(`${id} is not ${kind.type === 'assistant' ? 'an agent name' : `${kind.noun} id (${kind.idPrefix}…)`}`);
    const live = await target.readOne(kind.type, id);
    if (isLeaseMetadata(live.metadata)) {
      throw new UserError(
        `${id} is the lease of deployment "${live.metadata[LEASE_TAG]}" (the lock an apply or destroy holds while it runs), not a resource: it cannot be imported`,
        'import a vector store of your own; a lease is removed by the command that holds it, and expires by itself',
      );
    }
    const owner = deploymentOf(live.metadata);
    const ownKey = resourceKeyOf(live.metadata);
    if (owner === desired.deployment && ownKey === key) {
      io.out(`${id} is already ${kind.type}.${key} of deployment "${desired.deployment}"; nothing to do.`);
      return 0;
    }
    if (owner === desired.deployment) {
      throw new UserError(`${id} is already managed as ${kind.type}.${ownKey} of deployment "${desired.deployment}"`, 'rename the key in the manifest instead');
    }
    if (owner !== undefined && opts.allowTakeover !== true) {
      throw new UserError(
        `${id} belongs to deployment "${owner}" (as ${kind.type}.${ownKey ?? '?'}): importing it would take it over`,
        'pass --allow-takeover if that deployment should let it go; its next plan will no longer see it',
      );
    }
    const current = await readAccount(target, desired.deployment);
    const existing = (current[kind.collection] as readonly Tagged[]).find((r) => resourceKeyOf(r.metadata) === key);
    if (existing) {
      throw new UserError(`${kind.type}.${key} already exists (${existing.id})`, `destroy it or import under another key; two resources cannot share one key`);
    }
    const user = userMetadata(live.metadata);
    // a Foundry agent version keeps the display name there too
    const room = target.kind === 'foundry' && kind.type === 'assistant' ? FOUNDRY_USER_MAX_METADATA : USER_MAX_METADATA;
    if (Object.keys(user).length > room) {
      throw new UserError(`${id} has ${Object.keys(user).length} metadata keys; importing needs ${16 - room} of the 16 free for the ownership tags`, 'remove some metadata keys first');
    }
    const metadata = (kind.importMetadata as (l: Tagged, d: string, k: string) => Record<string, string>)(live, desired.deployment, key);
    await target.tagOne(kind.type, id, metadata);
    io.out(`Imported ${id} as ${kind.type}.${key} of deployment "${desired.deployment}"${owner ? ` (taken over from "${owner}")` : ''}.`);
    io.info('Run `assistants-deploy plan` to see how it differs from the manifest.');
    return 0;
  } finally {
    await target.close();
  }
}
