/**
 * `import KEY ID`: put an existing resource under a manifest key by writing the ownership tags,
 * with a fingerprint of its current state (so the next plan shows how it differs from the
 * manifest as manifest changes). Refuses what another deployment owns unless --allow-takeover.
 */
import { describeApiError } from '../../account/errors.js';
import type { LiveAssistant, LiveVectorStore } from '../../account/live.js';
import { isLeaseMetadata, LEASE_TAG } from '../../account/lease.js';
import { readAssistant, readVectorStore } from '../../account/read.js';
import { accountFor } from '../../account/write.js';
import { UserError } from '../../errors.js';
import { loadManifest } from '../../manifest/load.js';
import { closest } from '../../manifest/suggest.js';
import { TAG_DEPLOYMENT, TAG_RESOURCE, USER_MAX_METADATA } from '../../ownership.js';
import { ASSISTANT_FIELDS, liveAssistantSpec, liveVectorStoreSpec, userMetadata, VECTOR_STORE_FIELDS } from '../../plan/normalize.js';
import type { VectorStoreSpec } from '../../plan/normalize.js';
import { decodeResourceTag, encodeResourceTag, fieldHashes } from '../../plan/tags.js';
import { createIo } from '../io.js';
import type { CommandOptions } from '../main.js';
import { loadOptions } from '../options.js';
import { connect, readAccount } from '../session.js';

type Kind = 'assistant' | 'vector_store';

function parseAddress(address: string, id: string): { kind: Kind; key: string } {
  const m = /^(assistant|vector_store)s?\.(.+)$/.exec(address);
  if (m) return { kind: m[1] as Kind, key: m[2]! };
  if (id.startsWith('asst_')) return { kind: 'assistant', key: address };
  if (id.startsWith('vs_')) return { kind: 'vector_store', key: address };
  throw new UserError(`cannot tell what ${address} is: write assistant.KEY or vector_store.KEY`);
}

export async function run(args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const [address, id] = args as [string, string];
  const { kind, key } = parseAddress(address, id);
  const expectedPrefix = kind === 'assistant' ? 'asst_' : 'vs_';
  if (!id.startsWith(expectedPrefix)) throw new UserError(`${id} is not ${kind === 'assistant' ? 'an assistant' : 'a vector store'} id (${expectedPrefix}…)`);

  const { desired } = await loadManifest(loadOptions(opts));
  const keys = kind === 'assistant' ? desired.assistants.map((a) => a.key) : desired.vectorStores.map((v) => v.key);
  if (!keys.includes(key)) {
    const guess = closest(key, keys);
    throw new UserError(
      `the manifest has no ${kind === 'assistant' ? 'assistants' : 'vector_stores'} entry "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
      `add it to the manifest first (assistants-deploy pull --ids ${id} writes one from the live resource)`,
    );
  }
  const target = await connect(opts, io);
  try {
    let live: LiveAssistant | LiveVectorStore;
    try {
      live = kind === 'assistant' ? await readAssistant(target.client, id) : await readVectorStore(target.client, id);
    } catch (error) {
      throw describeApiError(error, `reading ${id}`, target.baseUrl) ?? error;
    }
    if (isLeaseMetadata(live.metadata)) {
      throw new UserError(
        `${id} is the lease of deployment "${live.metadata[LEASE_TAG]}" (the lock an apply or destroy holds while it runs), not a resource: it cannot be imported`,
        'import a vector store of your own; a lease is removed by the command that holds it, and expires by itself',
      );
    }
    const owner = live.metadata[TAG_DEPLOYMENT];
    const ownKey = live.metadata[TAG_RESOURCE]?.split(';')[0];
    if (owner === desired.deployment && ownKey === key) {
      io.out(`${id} is already ${kind}.${key} of deployment "${desired.deployment}"; nothing to do.`);
      return 0;
    }
    if (owner === desired.deployment) {
      throw new UserError(`${id} is already managed as ${kind}.${ownKey} of deployment "${desired.deployment}"`, 'rename the key in the manifest instead');
    }
    if (owner !== undefined && opts.allowTakeover !== true) {
      throw new UserError(
        `${id} belongs to deployment "${owner}" (as ${kind}.${ownKey ?? '?'}): importing it would take it over`,
        'pass --allow-takeover if that deployment should let it go; its next plan will no longer see it',
      );
    }
    const current = await readAccount(target, desired.deployment);
    const existing = (kind === 'assistant' ? current.assistants : current.vectorStores).find((r) => r.metadata[TAG_RESOURCE]?.split(';')[0] === key);
    if (existing) {
      throw new UserError(`${kind}.${key} already exists (${existing.id})`, `destroy it or import under another key; two resources cannot share one key`);
    }
    const user = userMetadata(live.metadata);
    if (Object.keys(user).length > USER_MAX_METADATA) {
      throw new UserError(`${id} has ${Object.keys(user).length} metadata keys; importing needs 2 of the 16 free for the ownership tags`, 'remove some metadata keys first');
    }
    const hashes =
      kind === 'assistant'
        ? fieldHashes(liveAssistantSpec(live as LiveAssistant), ASSISTANT_FIELDS)
        : fieldHashes(liveVectorStoreSpec(live as LiveVectorStore) as VectorStoreSpec, VECTOR_STORE_FIELDS);
    // a protection the resource records (src/plan/tags.ts) stays: only an apply with protect: false lifts it
    const protect = decodeResourceTag(live.metadata[TAG_RESOURCE], [])?.protect === true;
    const metadata = { ...user, [TAG_DEPLOYMENT]: desired.deployment, [TAG_RESOURCE]: encodeResourceTag(key, hashes, protect) };
    const account = accountFor(target.client);
    try {
      if (kind === 'assistant') await account.setAssistantMetadata(id, metadata);
      else await account.setVectorStoreMetadata(id, metadata);
    } catch (error) {
      throw describeApiError(error, `tagging ${id}`, target.baseUrl) ?? error;
    }
    io.out(`Imported ${id} as ${kind}.${key} of deployment "${desired.deployment}"${owner ? ` (taken over from "${owner}")` : ''}.`);
    io.info('Run `assistants-deploy plan` to see how it differs from the manifest.');
    return 0;
  } finally {
    await target.close();
  }
}
