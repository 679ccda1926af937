/**
 * `codegen promptfoo`: write a promptfoo configuration from the manifest (src/codegen/promptfoo/):
 * one provider per assistant, calling the Responses API with the ids its vector stores (and
 * code_interpreter files) are deployed under, read now from the target by their ownership tags (as
 * `codegen python --resolve-ids` reads them: every one must be deployed), and one test per eval.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { promptfooYaml } from '../../codegen/promptfoo/config.js';
import { createIo } from '../io.js';
import type { CommandOptions } from '../main.js';
import { connect, loadDesired, manifestArgument, readAccount } from '../session.js';
import { resolveIds } from '../../codegen/resolve-ids.js';

export async function run(opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const desired = await loadDesired(opts, io);
  if (desired.assistants.length === 0) {
    throw new UserError(`the manifest declares no assistants (deployment "${desired.deployment}"): there is no provider to configure`);
  }
  const target = await connect(opts, io);
  let ids;
  try {
    ids = resolveIds(desired, await readAccount(target, desired.deployment), 'responses');
  } catch (error) {
    if (error instanceof UserError && error.message.startsWith('--resolve-ids: ')) {
      throw new UserError(`codegen promptfoo: ${error.message.slice('--resolve-ids: '.length)}`, 'run `assistants-deploy apply` first: the configuration names the ids the deployment has on this target');
    }
    throw error;
  } finally {
    await target.close();
  }
  const out = path.resolve(process.cwd(), typeof opts.out === 'string' ? opts.out : 'promptfooconfig.yaml');
  await writeFile(out, promptfooYaml(desired, { vectorStores: ids.vectorStores, files: ids.files }, manifestArgument(opts)));
  const shown = path.relative(process.cwd(), out) || out;
  const n = desired.evals?.length ?? 0;
  io.out(`promptfoo configuration for deployment "${desired.deployment}" in ${shown}: ${desired.assistants.length} provider${desired.assistants.length === 1 ? '' : 's'}, ${n} test${n === 1 ? '' : 's'}.`);
  if (n === 0) io.info('The manifest declares no evals, so the configuration has no tests: add some under `evals:` (README, "Evals with promptfoo").');
  io.info(`Run it: npx promptfoo@latest eval -c ${shown}`);
  return 0;
}
