/**
 * `destroy`: delete everything the manifest's deployment owns (assistants, vector stores, the
 * files it uploaded), with apply's confirmation, retries and protect rule. Nothing else is touched.
 */
import type { Desired } from '../../manifest/desired.js';
import { checkSafety } from '../../apply/safety.js';
import { renderText } from '../../plan/render-text.js';
import { hasChanges } from '../../plan/types.js';
import { createIo } from '../io.js';
import type { CommandOptions } from '../main.js';
import { approve, execute, report } from './apply.js';
import { connect, loadDesired, makePlan, readAccount } from '../session.js';

export async function run(_args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const manifest = await loadDesired(opts, io);
  const nothing: Desired = { ...manifest, vectorStores: [], fileSets: [], assistants: [] };
  const protectedKeys = new Set([
    ...manifest.assistants.filter((a) => a.protect).map((a) => `assistant.${a.key}`),
    ...manifest.vectorStores.filter((v) => v.protect).map((v) => `vector_store.${v.key}`),
  ]);
  const target = await connect(opts, io, { maxRetries: 0 });
  try {
    const live = await readAccount(target, manifest.deployment);
    const plan = makePlan(nothing, live, target);
    for (const c of plan.resource_changes) if (protectedKeys.has(c.address)) c.protect = true;
    plan.not_deployable = [];
    io.out(renderText(plan, { color: io.color }));
    if (!hasChanges(plan)) {
      io.info(`Deployment "${manifest.deployment}" owns nothing on this target.`);
      return 0;
    }
    // destroying is deleting everything: the mass-delete threshold does not apply, protect does
    checkSafety(plan, { owned: live.assistants.length + live.vectorStores.length, allowMassDelete: true, allowTakeover: false });
    const question = `Do you really want to destroy everything deployment "${manifest.deployment}" owns?\n  There is no undo.`;
    if (!(await approve(io, opts, question, 'destroy'))) return 1;
    const result = await execute(plan, target, manifest.root, opts, io);
    return report(io, result, 'Destroy');
  } finally {
    await target.close();
  }
}
