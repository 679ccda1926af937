/**
 * Manifest -> Desired: reads `{ file: path }` references, expands file globs, and enforces what
 * the schema cannot say: references between resources, the API's limits stated only in prose
 * (LIMITS.md), reserved ownership keys, strict-mode schema rules, file types and sizes.
 *
 * The steps, one module each: resolve-stores.ts (vector stores and file sets, with their files),
 * resolve-assistant.ts (instructions, tools, response formats), resolve-references.ts (what the
 * sections say of each other); resolve-scope.ts holds what they share.
 */
import type { Problem, SourceLoc } from '../errors.js';
import type { Desired, Warning } from './desired.js';
import { resolveAssistant } from './resolve-assistant.js';
import { resolveChecks } from './resolve-checks.js';
import { checkCodeInterpreterFiles } from './resolve-references.js';
import { ResolveScope } from './resolve-scope.js';
import type { ResolveContext } from './resolve-scope.js';
import { resolveFileSet, resolveVectorStore } from './resolve-stores.js';
import type { ManifestDoc } from './types.js';

export { MAX_INSTRUCTIONS } from './resolve-assistant.js';
export { MAX_CODE_INTERPRETER_FILES } from './resolve-references.js';
export type { ResolveContext } from './resolve-scope.js';

export interface Resolved {
  desired: Desired;
  problems: Problem[];
  warnings: Warning[];
}

export async function resolveDesired(doc: ManifestDoc, ctx: ResolveContext): Promise<Resolved> {
  const s = new ResolveScope(ctx);
  const [vectorStores, fileSets] = await Promise.all([
    Promise.all(Object.entries(doc.vector_stores ?? {}).map(([key, spec]) => resolveVectorStore(s, key, spec))),
    Promise.all(Object.entries(doc.file_sets ?? {}).map(([key, spec]) => resolveFileSet(s, key, spec))),
  ]);
  const assistants = await Promise.all(Object.entries(doc.assistants ?? {}).map(([key, spec]) => resolveAssistant(s, doc, key, spec)));
  checkCodeInterpreterFiles(s, assistants, fileSets);
  const { checks, suite, evals } = resolveChecks(s, doc, sortByKey(vectorStores), assistants);

  const desired: Desired = {
    deployment: doc.deployment,
    ...(ctx.environment ? { environment: ctx.environment } : {}),
    root: ctx.root.dir,
    sources: ctx.sources,
    vectorStores: sortByKey(vectorStores),
    fileSets: sortByKey(fileSets),
    assistants: sortByKey(assistants),
    locate: (path) => s.at(path).loc,
    ...(doc.foundry?.keep_versions !== undefined ? { foundry: { keepVersions: doc.foundry.keep_versions } } : {}),
    checks,
    suite,
    evals,
  };
  return { desired, problems: sortProblems(s.problems), warnings: s.warnings };
}

function sortByKey<T extends { key: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Problems in file order, then line and column; unlocated ones last. */
export function sortProblems(problems: Problem[]): Problem[] {
  const key = (loc?: SourceLoc) => (loc ? [loc.file, loc.line, loc.col] as const : ['\uffff', 0, 0] as const);
  return [...problems].sort((a, b) => {
    const [fa, la, ca] = key(a.loc);
    const [fb, lb, cb] = key(b.loc);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
}
