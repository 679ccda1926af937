/**
 * Phase 6 of an execution: delete what the plan deletes, assistants first, then vector stores (a
 * replaced store's old copy only once its replacement exists and every assistant moved to it),
 * then the uploads nothing keeps, unless something failed (the next run removes them).
 */
import { KINDS, type ResourceType } from '../kinds/index.js';
import { impactOf } from '../plan/impact.js';
import type { ResourceChange } from '../plan/types.js';
import type { Account } from '../targets/write.js';
import { Skip, type Run } from './run.js';

const DELETE: Record<ResourceType, (account: Account, id: string) => Promise<void>> = {
  assistant: (account, id) => account.deleteAssistant(id),
  vector_store: (account, id) => account.deleteVectorStore(id),
};

async function deleteOne(run: Run, c: ResourceChange): Promise<void> {
  if (impactOf(c) === 'replace') {
    // the old store goes only once its replacement exists and every assistant moved to it
    const blockers = [...run.failed].filter((a) => a === c.address || a.startsWith(`${c.address} `) || a.startsWith('assistant.'));
    if (blockers.length > 0) {
      run.fail(`${c.address} (old ${c.id})`, new Skip('kept the old store: its replacement or an assistant update failed'));
      return;
    }
  }
  try {
    await run.call(`delete ${c.address}`, () => DELETE[c.type](run.account, c.id!), { gone: () => undefined });
    run.result.deleted++;
    run.did.add(`${c.address} delete`);
    run.emit({ type: 'done', address: c.address, action: 'delete', id: c.id! });
  } catch (error) {
    run.fail(c.address, error);
  }
}

export async function prune(run: Run, deletions: readonly ResourceChange[]): Promise<void> {
  const { plan, result } = run;
  run.emit({ type: 'phase', name: 'prune', total: deletions.length + plan.file_deletions.length });
  // kind by kind, what refers to others first (KINDS lists what is referred to first)
  for (const kind of [...KINDS].reverse()) await run.each(deletions.filter((c) => c.type === kind.type), (c) => deleteOne(run, c));
  if (plan.file_deletions.length === 0) return;
  if (result.failures.length > 0) {
    run.emit({ type: 'note', message: `left ${plan.file_deletions.length} unused files in place because something failed; the next run of the same command removes them` });
    return;
  }
  await run.each(plan.file_deletions, (d) =>
    run
      .call(`delete file ${d.filename}`, () => run.account.deleteFile(d.file_id), { gone: () => undefined })
      .then(() => {
        result.files.deleted++;
      })
      .catch((error: unknown) => run.fail(`file ${d.filename}`, error)),
  );
}
