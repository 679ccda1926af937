/**
 * Phase 2 of an execution: create and update the vector stores (with their ownership metadata,
 * src/kinds/vector-store.ts). A store whose only changes are its files counts as updated.
 */
import { vectorStoreMetadata } from '../kinds/index.js';
import { adds } from '../plan/impact.js';
import type { ResourceChange, VectorStoreBody } from '../plan/types.js';
import type { Run } from './run.js';

export async function writeStores(run: Run, storeChanges: readonly ResourceChange[]): Promise<void> {
  const { plan, account, result } = run;
  run.emit({ type: 'phase', name: 'vector_stores', total: storeChanges.length });
  await Promise.all(
    storeChanges.map(async (c) => {
      const body = c.body as VectorStoreBody;
      const metadata = vectorStoreMetadata(plan.deployment, c.key, body, c.protect);
      try {
        if (adds(c)) {
          const { id } = await run.call(`create ${c.address}`, () => account.createVectorStore({ ...body, metadata }), {
            recover: () => account.findVectorStore(plan.deployment, c.key, run.startedAt, run.known),
          });
          run.storeIds.set(c.key, id);
          result.created++;
          run.did.add(`${c.address} create`);
          run.emit({ type: 'done', address: c.address, action: 'create', id });
        } else if (c.field_changes.length > 0) {
          await run.call(`update ${c.address}`, () => account.updateVectorStore(c.id!, { name: body.name, expires_after: body.expires_after, metadata }));
          result.updated++;
          run.did.add(`${c.address} update`);
          run.emit({ type: 'done', address: c.address, action: 'update', id: c.id! });
        } else {
          result.updated++;
          run.did.add(`${c.address} update`);
        }
      } catch (error) {
        run.fail(c.address, error);
      }
    }),
  );
}
