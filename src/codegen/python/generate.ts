/**
 * Desired -> a Python package (file path -> content), deterministic: the same manifest (and, with
 * --resolve-ids, the same ids) gives byte-identical files. See docs/CODEGEN.md for the layout.
 *
 * Each file has its module: package-files.ts (`__init__.py`, `_config.py`, requirements.txt,
 * README.md), cli-module.ts (`__main__.py`), assistant-module.ts (one module per assistant),
 * functions.ts (tools.py and handlers.py); the hand-written runtime is copied from templates/.
 */
import { readFileSync } from 'node:fs';
import type { DesiredAssistant, Desired } from '../../manifest/desired.js';
import { packageFile } from '../../package-root.js';
import { assistantModule } from './assistant-module.js';
import { mainModule } from './cli-module.js';
import { functionDefs, handlersScaffold, handlerStub, toolsModule } from './functions.js';
import { configModule, initModule, readme, requirements } from './package-files.js';
import { snakeName } from './pysrc.js';
import type { GeneratedPackage, GenerateOptions } from './types.js';
import type { Api } from './versions.js';

export { GENERATED_MARK } from './header.js';
export type { FunctionDef, GeneratedPackage, GenerateOptions, ResolvedIds } from './types.js';

const RESERVED_MODULES = new Set(['tools', 'handlers', 'openai', 'typing', 'json', 'os', 'sys', 'argparse']);

/**
 * The hand-written modules in templates/python/, copied as they are (package path -> template):
 * `_common.py` for every API, `_turns.py` for those on the Responses protocol, and one runtime per API. They import the manifest's values from the
 * `_config.py` written by `configModule` (templates/python/_config.py is its stand-in there, so
 * the templates lint and type-check on their own).
 */
export const TEMPLATES: Record<Api, Record<string, string>> = {
  assistants: { '_common.py': '_common.py', '_runtime.py': '_runtime_assistants.py' },
  responses: { '_common.py': '_common.py', '_turns.py': '_turns.py', '_runtime.py': '_runtime_responses.py' },
  foundry: { '_common.py': '_common.py', '_turns.py': '_turns.py', '_runtime.py': '_runtime_foundry.py' },
};

const templateCache = new Map<string, string>();

function template(name: string): string {
  let text = templateCache.get(name);
  if (text === undefined) {
    text = readFileSync(packageFile('templates', 'python', name), 'utf8');
    templateCache.set(name, text);
  }
  return text;
}

/** The default package name for a deployment: `order-desk` -> `order_desk`. */
export function defaultPackageName(deployment: string): string {
  return snakeName(deployment);
}

/** Module names of the assistants (key -> module), unique and never a reserved name. */
export function moduleNames(assistants: DesiredAssistant[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const a of assistants) {
    let base = snakeName(a.key);
    if (base.startsWith('_') || RESERVED_MODULES.has(base)) base = `${base}_assistant`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    out.set(a.key, name);
  }
  return out;
}

export function generatePython(d: Desired, opts: GenerateOptions): GeneratedPackage {
  if (d.assistants.length === 0) throw new Error('the manifest declares no assistants: there is no client to generate');
  const pkg = opts.packageName;
  const modules = moduleNames(d.assistants);
  const { defs, byAssistant, schemas } = functionDefs(d);
  const files = new Map<string, string>();
  files.set('requirements.txt', requirements(opts));
  files.set('README.md', '');
  files.set(`${pkg}/__init__.py`, initModule(d, opts, modules));
  files.set(`${pkg}/__main__.py`, mainModule(d, opts, modules));
  files.set(`${pkg}/_config.py`, configModule(d));
  for (const [out, name] of Object.entries(TEMPLATES[opts.api])) files.set(`${pkg}/${out}`, template(name));
  files.set(`${pkg}/py.typed`, '');
  if (defs.length) files.set(`${pkg}/tools.py`, toolsModule(d, defs, schemas));
  for (const a of d.assistants) files.set(`${pkg}/${modules.get(a.key)}.py`, assistantModule(a, d, opts, byAssistant.get(a.key) ?? []));
  // The README describes every file of the folder: these, and handlers.py when there are tools.
  const listed = [...files.keys()];
  if (defs.length) listed.splice(listed.indexOf(`${pkg}/tools.py`) + 1, 0, `${pkg}/handlers.py`);
  files.set('README.md', readme(d, opts, modules, listed));
  return {
    files,
    handlers: {
      path: `${pkg}/handlers.py`,
      scaffold: handlersScaffold(d, defs),
      stubs: defs.map((def) => ({ name: def.handler, text: handlerStub(def) })),
    },
  };
}
