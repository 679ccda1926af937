/**
 * The account as a lease store (src/targets/lease.ts): a lease is an empty vector store, the one
 * kind every target serves, whose metadata carries the deployment, the holder and the heartbeat
 * (metadata is replaced whole, so a renewal sends all of it again). Each request retries on its own
 * terms; a create whose answer was lost is recovered by listing for the holder's token.
 */
import type OpenAI from 'openai';
import { APIError } from 'openai/core/error';
import { DEFAULT_RETRY, withRetry } from './retry.js';
import { PAGE, readAll } from './read.js';
import { LEASE_BEAT, LEASE_COMMAND, LEASE_HOLDER, LEASE_MACHINE, LEASE_PROCESS, LEASE_TAG } from './lease.js';
import type { LeaseRecord, LeaseStore } from './lease.js';

const isGone = (e: unknown) => e instanceof APIError && e.status === 404;

export function vectorStoreLeases(client: OpenAI): LeaseStore {
  const policy = { ...DEFAULT_RETRY, attempts: 6 };
  const toRecord = (v: OpenAI.VectorStores.VectorStore): LeaseRecord | undefined => {
    const m = (v.metadata ?? {}) as Record<string, string>;
    if (typeof m[LEASE_TAG] !== 'string' || typeof m[LEASE_HOLDER] !== 'string') return undefined;
    const [pid, ...host] = (m[LEASE_PROCESS] ?? '').split('@');
    return {
      id: v.id,
      created_at: v.created_at,
      deployment: m[LEASE_TAG],
      token: m[LEASE_HOLDER],
      pid: Number(pid),
      host: host.join('@'),
      machine: m[LEASE_MACHINE] ?? '',
      beat: m[LEASE_BEAT] ?? '',
      command: m[LEASE_COMMAND] ?? 'apply',
    };
  };
  const created = new Map<string, Record<string, string>>();
  const list = async (deployment: string) => {
    const { items } = await readAll(client.vectorStores.list({ limit: PAGE.list }, { maxRetries: 8 }));
    return items.map(toRecord).filter((r): r is LeaseRecord => r !== undefined && r.deployment === deployment);
  };
  return {
    async create(r) {
      const metadata = {
        [LEASE_TAG]: r.deployment,
        [LEASE_HOLDER]: r.token,
        [LEASE_PROCESS]: `${r.pid}@${r.host}`.slice(0, 512),
        [LEASE_MACHINE]: r.machine,
        [LEASE_BEAT]: r.beat,
        [LEASE_COMMAND]: r.command,
      };
      const made = await withRetry<{ id: string }>(
        () =>
          client.vectorStores.create(
            { name: `assistants-deploy lease: ${r.deployment}`, metadata, expires_after: { anchor: 'last_active_at', days: 1 } },
            { maxRetries: 0 },
          ),
        { policy, hooks: { recover: async () => (await list(r.deployment)).find((l) => l.token === r.token) } },
      );
      created.set(made.id, metadata);
      return made.id;
    },
    list,
    async renew(id, beat) {
      try {
        // metadata is replaced whole: send all of it again with the new beat
        const metadata = created.get(id);
        if (!metadata) return false;
        await client.vectorStores.update(id, { metadata: { ...metadata, [LEASE_BEAT]: beat } }, { maxRetries: 2 });
        return true;
      } catch (error) {
        if (isGone(error)) return false;
        throw error;
      }
    },
    async remove(id) {
      try {
        await client.vectorStores.delete(id, { maxRetries: 4 });
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    },
  };
}
