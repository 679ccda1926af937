/**
 * `codegen python`: write a Python client package for the manifest's assistants (docs/CODEGEN.md).
 * Offline by default (the code finds its resources by their ownership tags at run time); with
 * --resolve-ids the ids are read from the target now and written into the code.
 */
import path from 'node:path';
import { ManifestError, UserError } from '../../errors.js';
import { apiProblems } from '../../codegen/python/api-check.js';
import { defaultPackageName, generatePython, type ResolvedIds } from '../../codegen/python/generate.js';
import { resolveIds } from '../../codegen/resolve-ids.js';
import { isIdentifier } from '../../codegen/python/pysrc.js';
import type { Api } from '../../codegen/python/versions.js';
import { writePackage } from '../../codegen/write.js';
import { createIo } from '../io.js';
import type { CommandOptions } from '../main.js';
import { connect, loadDesired, readAccount } from '../session.js';

const API_LABEL: Record<Api, string> = { assistants: 'Assistants API', responses: 'Responses API', foundry: 'Foundry project' };

export async function run(args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const language = args[0] ?? 'python';
  if (language === 'promptfoo') return (await import('./codegen-promptfoo.js')).run(opts);
  if (language !== 'python') throw new UserError(`codegen: unknown language ${JSON.stringify(language)}; use python or promptfoo`);
  const api = (typeof opts.api === 'string' ? opts.api : 'assistants') as Api;
  const desired = await loadDesired(opts, io);
  const packageName = typeof opts.package === 'string' ? opts.package : defaultPackageName(desired.deployment);
  if (!isIdentifier(packageName) || packageName.startsWith('_')) {
    throw new UserError(`--package ${JSON.stringify(packageName)} is not a Python package name`, 'use letters, digits and _, not starting with a digit or _, and not a Python keyword');
  }
  if (desired.assistants.length === 0) {
    throw new UserError(`the manifest declares no assistants (deployment "${desired.deployment}"): there is no client to generate`);
  }
  const problems = apiProblems(desired, api);
  if (problems.length > 0) throw new ManifestError(problems);
  let resolved: ResolvedIds | undefined;
  if (opts.resolveIds === true) {
    if (api === 'foundry') {
      throw new UserError('--resolve-ids does not apply to --api foundry: the code finds each agent by its name when it runs', 'leave out --resolve-ids');
    }
    const target = await connect(opts, io);
    try {
      resolved = resolveIds(desired, await readAccount(target, desired.deployment), api);
    } finally {
      await target.close();
    }
  }
  const outDir = path.resolve(process.cwd(), typeof opts.out === 'string' ? opts.out : packageName);
  const pkg = generatePython(desired, { api, packageName, ...(resolved ? { resolved } : {}) });
  const report = writePackage(outDir, pkg);
  const shown = path.relative(process.cwd(), outDir) || '.';
  const parts = [`${report.written.length} written`, `${report.unchanged.length} unchanged`];
  if (report.removed.length) parts.push(`${report.removed.length} removed (${report.removed.join(', ')})`);
  io.out(
    `Python client for deployment "${desired.deployment}" (${API_LABEL[api]}, package ${packageName}) in ${shown}: ${parts.join(', ')}.`,
  );
  if (report.handlers.created) io.info(`Fill in the function tool handlers in ${path.join(shown, pkg.handlers.path)}.`);
  if (report.handlers.appended.length) {
    io.info(`Added handler stubs to ${path.join(shown, pkg.handlers.path)}: ${report.handlers.appended.join(', ')} (your code there is untouched).`);
  }
  io.info(`Try it: cd ${shown} && python -m pip install -r requirements.txt && python -m ${packageName} "Hello"`);
  if (api === 'assistants') {
    io.info('Note: OpenAI no longer serves the Assistants API (sunset 2026-08-26); for api.openai.com generate with --api responses.');
  }
  return 0;
}
