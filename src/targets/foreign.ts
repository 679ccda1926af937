/**
 * Which vector stores outside the deployment hold the uploads a plan deletes. Deleting a file
 * removes it from every store, so an upload attached to a hand-made store, or to another
 * deployment's, is a conflict (src/plan/diff.ts `conflictsOf`), like one an outside assistant uses.
 *
 * The stores were listed already (`Live.foreignStores`, with their file counts), so the check costs
 * only what it must, and only when the plan deletes uploads. Per store holding T files, for D
 * uploads to check, the cheaper of:
 *   - D lookups, `GET /vector_stores/{id}/files/{file_id}` (404: not held), or
 *   - ceil(T / 100) pages of `GET /vector_stores/{id}/files`;
 * a store with no files costs nothing. So the check costs sum over stores of min(D, ceil(T / 100)).
 * A store whose count the target does not give is checked by lookups (exact whatever its size).
 */
import type OpenAI from 'openai';
import type { ForeignCheckStats, ForeignHolding, Live } from './live.js';
import { isNotFound, mapLimit, PAGE, READ, readAll } from './read.js';

interface Paged<T> {
  data: T[];
  hasNextPage(): boolean;
  getNextPage(): Promise<Paged<T>>;
}

/** How a store is checked, and what it costs: the cheaper way. */
export function checkCost(storeFiles: number | null, uploads: number): { by: 'none' | 'lookups' | 'pages'; requests: number } {
  if (uploads === 0 || storeFiles === 0) return { by: 'none', requests: 0 };
  if (storeFiles === null) return { by: 'lookups', requests: uploads };
  const pages = Math.ceil(storeFiles / PAGE.list);
  return uploads <= pages ? { by: 'lookups', requests: uploads } : { by: 'pages', requests: pages };
}

/**
 * `live` with `foreignHoldings` for exactly `fileIds` (the uploads a plan deletes) and the
 * check's cost added to its read figures. The same ids give the same answer on the same account,
 * which is what lets a saved plan be checked against a later read (src/cli/session.ts).
 */
export async function checkForeignHoldings(client: OpenAI, live: Live, fileIds: readonly string[], options: { concurrency?: number } = {}): Promise<Live> {
  const ids = [...new Set(fileIds)].sort();
  const stores = (live.foreignStores ?? []).map((s) => ({ store: s, cost: checkCost(s.files, ids.length) })).filter((s) => s.cost.by !== 'none');
  const stats: ForeignCheckStats = { uploads: ids.length, stores: stores.length, lookups: 0, pages: 0 };
  const held = new Map<string, Set<string>>();
  const hold = (storeId: string, fileId: string) => {
    let set = held.get(storeId);
    if (!set) held.set(storeId, (set = new Set()));
    set.add(fileId);
  };
  const wanted = new Set(ids);

  type Task = { kind: 'lookup'; storeId: string; fileId: string } | { kind: 'list'; storeId: string };
  const tasks: Task[] = [];
  for (const { store, cost } of stores) {
    if (cost.by === 'lookups') for (const fileId of ids) tasks.push({ kind: 'lookup', storeId: store.id, fileId });
    else tasks.push({ kind: 'list', storeId: store.id });
  }
  await mapLimit(tasks, options.concurrency ?? 32, async (t) => {
    if (t.kind === 'lookup') {
      stats.lookups++;
      try {
        await client.vectorStores.files.retrieve(t.fileId, { vector_store_id: t.storeId }, READ);
        hold(t.storeId, t.fileId);
      } catch (error) {
        if (!isNotFound(error)) throw error; // not in that store (or the store is gone since the list)
      }
      return;
    }
    try {
      const r = await readAll(client.vectorStores.files.list(t.storeId, { limit: PAGE.list }, READ) as unknown as Promise<Paged<OpenAI.VectorStores.VectorStoreFile>>);
      stats.pages += r.pages;
      for (const f of r.items) if (wanted.has(f.id)) hold(t.storeId, f.id);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      stats.pages++;
    }
  });

  const byId = new Map((live.foreignStores ?? []).map((s) => [s.id, s]));
  const foreignHoldings: ForeignHolding[] = [...held]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([storeId, files]) => ({ vector_store_id: storeId, deployment: byId.get(storeId)?.deployment ?? null, file_ids: [...files].sort() }));
  const spent = stats.lookups + stats.pages;
  const chosen = stores.reduce((n, s) => n + s.cost.requests, 0);
  return {
    ...live,
    foreignHoldings,
    stats: { ...live.stats, requests: live.stats.requests + spent, minimumPages: live.stats.minimumPages + chosen, foreign_check: stats },
  };
}
