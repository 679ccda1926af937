/**
 * Executes a Plan, exactly its changes, in dependency order: upload files, create and update
 * vector stores, attach / detach / re-attribute files, wait for indexing, create and update
 * assistants, then prune (assistants, vector stores, files), then, on a Foundry project, the
 * retention of agent versions; a phase each (uploads.ts, stores.ts, store-files.ts, indexing.ts,
 * assistants.ts, prune.ts, retention.ts) over what they share (run.ts).
 * Independent work runs concurrently under one budget; a failure stops only what depends on it,
 * and the run ends with the list.
 *
 * Stopping: once `signal` aborts, no new request starts (queued work, pacing waits, retries and
 * polling end at once), the requests in flight finish, and the run returns what it did and, in
 * `stopped`, what it did not. Every step is idempotent, so the next run finishes the job.
 */
import { adds, impactOf, removes } from '../plan/impact.js';
import type { ApplyResult } from './events.js';
import { writeAssistants } from './assistants.js';
import { waitForIndexing } from './indexing.js';
import { prune } from './prune.js';
import { keepVersions } from './retention.js';
import { Run, type ApplyContext } from './run.js';
import { writeStores } from './stores.js';
import { fileChanges, writeStoreFiles } from './store-files.js';
import { uploadFiles } from './uploads.js';

export type { ApplyContext } from './run.js';

export async function executePlan(ctx: ApplyContext): Promise<ApplyResult> {
  const run = new Run(ctx);
  const { plan } = run;
  await uploadFiles(run, ctx.root);

  const storeChanges = plan.resource_changes.filter((c) => c.type === 'vector_store' && (adds(c) || impactOf(c) === 'update'));
  for (const c of plan.resource_changes) if (c.type === 'vector_store' && c.id && impactOf(c) === 'update') run.storeIds.set(c.key, c.id);
  if (await run.stopsBefore(storeChanges.filter((c) => adds(c) || c.field_changes.length > 0).length)) return run.stop();
  await writeStores(run, storeChanges);

  if (await run.stopsBefore(fileChanges(storeChanges))) return run.stop();
  const batches = await writeStoreFiles(run, storeChanges, ctx.batchSize ?? 2000);
  if (run.aborted) return run.stop();

  const toIndex = batches.reduce((n, b) => n + b.files.length, 0);
  run.emit({ type: 'phase', name: 'index', total: toIndex });
  if (toIndex > 0) run.indexingSeen = await waitForIndexing(run, batches);
  if (run.aborted) return run.stop();

  const assistantChanges = plan.resource_changes.filter((c) => c.type === 'assistant' && !removes(c));
  if (await run.stopsBefore(assistantChanges.length)) return run.stop();
  await writeAssistants(run, assistantChanges);

  const deletions = plan.resource_changes.filter((c) => removes(c));
  if (await run.stopsBefore(deletions.length + plan.file_deletions.length)) return run.stop();
  await prune(run, deletions);
  await keepVersions(run, assistantChanges);

  const result = run.result;
  if (run.aborted) {
    const left = run.notDone();
    if (left.add.length + left.change.length + left.destroy.length + Object.values(left.files).reduce((a, b) => a + b, 0) > 0) result.stopped = left;
  }
  return result;
}
