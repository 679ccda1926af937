/**
 * `destroy`: delete everything the manifest's deployment owns (assistants, vector stores, the
 * files it uploaded), with apply's confirmation, retries and protect rule. Nothing else is touched.
 * SIGINT / SIGTERM while it runs: see ../stop.ts.
 */
import { DeploymentLease } from '../../targets/lease.js';
import type { Live } from '../../targets/live.js';
import { checkSafety } from '../../apply/safety.js';
import { hasChanges } from '../../plan/types.js';
import { createIo } from '../io.js';
import type { Io } from '../io.js';
import type { CommandOptions } from '../main.js';
import { approve, executeHolding, stoppedBeforeChanges, wrapFor } from './apply.js';
import { connect, destroyChecked, fingerprintFor, loadDesired, readAccount, showPlan } from '../session.js';
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
  const manifest = await loadDesired(opts, io);
  const lease = new DeploymentLease('destroy', io);
  const target = await connect(opts, io, { maxRetries: 0, wrapFetch: wrapFor(stop, lease) });
  try {
    const live = await readAccount(target, manifest.deployment);
    // protected: what the manifest protects, and what the account records as protected
    const planFor = (l: Live) => destroyChecked(manifest, l, target);
    let plan = await planFor(live);
    showPlan(io, plan, { command: 'destroy' });
    if (!hasChanges(plan)) {
      io.info(`Deployment "${manifest.deployment}" owns nothing on this target.`);
      await lease.sweep(target, manifest.deployment);
      return 0;
    }
    // destroying is deleting everything: the mass-delete threshold does not apply, protect does
    checkSafety(plan, { owned: live.assistants.length + live.vectorStores.length, allowMassDelete: true, allowConflicts: opts.allowConflicts === true, command: 'destroy' });
    const question = `Do you really want to destroy everything deployment "${manifest.deployment}" owns?\n  There is no undo.`;
    if (!(await approve(io, opts, question, 'destroy'))) return 1;
    stop.arm();
    return await lease.hold(
      target,
      manifest.deployment,
      async () => {
        // another apply or destroy may have changed the account before this one got the lease
        const now = await readAccount(target, manifest.deployment);
        stop.signal.throwIfAborted();
        if ((await fingerprintFor(target, now, plan)) !== plan.live_fingerprint) {
          io.info('The account changed before this destroy got the lease; planning again.');
          plan = await planFor(now);
          showPlan(io, plan, { status: false, command: 'destroy' });
          if (!hasChanges(plan)) return 0;
          checkSafety(plan, { owned: now.assistants.length + now.vectorStores.length, allowMassDelete: true, allowConflicts: opts.allowConflicts === true, command: 'destroy' });
        }
        return executeHolding({ plan, target, root: manifest.root, opts, io, stop, lease, deployment: manifest.deployment, verb: 'Destroy' }, planFor);
      },
      stop.signal,
    );
  } catch (error) {
    return stoppedBeforeChanges(io, stop, 'Destroy', error);
  } finally {
    await target.close();
  }
}
