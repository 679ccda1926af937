/**
 * `destroy`: delete everything the manifest's deployment owns (assistants, vector stores, the
 * files it uploaded), with apply's workflow (src/apply/workflow.ts): confirmation, the lease, a
 * new plan and a new question when the account moved before the lease, retries and the protect
 * rule. Nothing else is touched. SIGINT / SIGTERM while it runs: see ../stop.ts.
 */
import { budgetFor, deploy, deployLease, terminalUi } from '../deploy.js';
import { createIo } from '../io.js';
import type { Io } from '../io.js';
import type { CommandOptions } from '../main.js';
import { destroyChecked, loadAndRead } from '../session.js';
import { Stopper } from '../stop.js';

export async function run(_args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const stop = new Stopper(io, 'destroy');
  try {
    return await destroy(opts, io, stop);
  } finally {
    stop.dispose();
  }
}

async function destroy(opts: CommandOptions, io: Io, stop: Stopper): Promise<number> {
  const { lease, extra } = deployLease(stop, 'destroy', io);
  const { desired: manifest, target, live } = await loadAndRead(opts, io, extra, { timed: false, mapping: false });
  const question = `Do you really want to destroy everything deployment "${manifest.deployment}" owns?\n  There is no undo.`;
  try {
    // protected: what the manifest protects, and what the account records as protected
    const planFor = (live: Parameters<typeof destroyChecked>[1]) => destroyChecked(manifest, live, target);
    return await deploy(
      {
        verb: 'destroy',
        target,
        deployment: manifest.deployment,
        root: manifest.root,
        lease,
        budget: () => budgetFor(opts, target),
        signal: stop.signal,
        read: live,
        plan: planFor,
        replan: planFor,
        check: planFor,
        // destroying is deleting everything: the mass-delete threshold does not apply, protect does
        safety: { allowMassDelete: true, allowConflicts: opts.allowConflicts === true, command: 'destroy' },
        questions: { first: question, again: `The plan changed. ${question}` },
        ui: terminalUi(io, opts, stop, 'destroy', { status: true, nothingToDo: () => io.info(`Deployment "${manifest.deployment}" owns nothing on this target.`) }),
      },
      io,
      stop,
    );
  } finally {
    await target.close();
  }
}
