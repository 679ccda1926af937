/**
 * The last phase of an execution on a Foundry project: retention. After a run without failures,
 * each agent the run made a version of keeps the newest `keep_versions` versions the deployment
 * made (the plan's `agent.keep_versions`, from `foundry.keep_versions`); its older ones are
 * deleted. Versions made outside the tool are never deleted, nor the latest. A failure here fails
 * that agent's retention only: the next apply that makes a version trims again.
 */
import type { ResourceChange } from '../plan/types.js';
import type { Run } from './run.js';

export async function keepVersions(run: Run, changes: readonly ResourceChange[]): Promise<void> {
  const trim = run.account.trimVersions;
  if (!trim || run.aborted || run.result.failures.length > 0) return;
  const due = changes.filter((c) => c.agent?.keep_versions !== undefined && (run.did.has(`${c.address} create`) || run.did.has(`${c.address} update`)));
  if (due.length === 0) return;
  run.emit({ type: 'phase', name: 'retention', total: due.length });
  await run.each(due, async (c) => {
    const name = c.agent!.name;
    try {
      const deleted = await run.call(`retention of ${c.address}`, () => trim.call(run.account, name, c.agent!.keep_versions!));
      if (deleted > 0) run.emit({ type: 'note', message: `${c.address}: deleted ${deleted} older version${deleted === 1 ? '' : 's'} of agent "${name}" (keep_versions: ${c.agent!.keep_versions})` });
    } catch (error) {
      run.fail(`${c.address} (retention)`, error);
    }
  });
}
