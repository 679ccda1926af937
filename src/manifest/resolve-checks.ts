/**
 * The manifest's retrieval checks (`vector_stores.KEY.checks`), the suite's thresholds (`test`)
 * and the evals for promptfoo (`evals`) -> Desired, with what the schema cannot say: an expected
 * path must be one of that store's files (did you mean …?), a check's name is unique within its
 * store, a path is not both expected and forbidden, an eval names a defined assistant, a regex
 * compiles. A filter on an attribute no file of the store carries is a warning (`ne` and `nin`
 * match files without it).
 */
import path from 'node:path';
import { formatProblem } from '../errors.js';
import { DEFAULT_SUITE } from '../kinds/checks.js';
import type { DesiredCheck, DesiredEval, DesiredSuite, SearchFilter } from '../kinds/checks.js';
import { ATTR_PATH, ATTR_SHA256 } from '../ownership/index.js';
import type { DesiredAssistant, DesiredVectorStore } from './desired.js';
import type { Path } from './locations.js';
import type { ResolveScope } from './resolve-scope.js';
import { closest } from './suggest.js';
import type { CheckSpec, ManifestDoc } from './types.js';

export interface ResolvedChecks {
  checks: DesiredCheck[];
  suite: DesiredSuite;
  evals: DesiredEval[];
}

/** `./docs//a.md` -> `docs/a.md`: paths as the store's files name them. */
function manifestPath(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, '/'));
  return n.startsWith('./') ? n.slice(2) : n;
}

export function resolveChecks(s: ResolveScope, doc: ManifestDoc, stores: DesiredVectorStore[], assistants: DesiredAssistant[]): ResolvedChecks {
  const suite: DesiredSuite = {
    k: doc.test?.k ?? DEFAULT_SUITE.k,
    thresholds: { ...DEFAULT_SUITE.thresholds, ...(doc.test?.thresholds ?? {}) },
  };
  const checks: DesiredCheck[] = [];
  for (const store of stores) {
    const specs = doc.vector_stores?.[store.key]?.checks ?? [];
    const names = new Set<string>();
    specs.forEach((spec, i) => {
      const check = resolveCheck(s, store, spec, ['vector_stores', store.key, 'checks', i], suite.k);
      if (names.has(check.name)) {
        s.problems.push({
          ...s.at(['vector_stores', store.key, 'checks', i, spec.name !== undefined ? 'name' : 'query']),
          message: `a second check named "${check.name}" in vector_store.${store.key}; give each check of a store its own \`name\` (reports and --baseline tell them apart by it)`,
        });
      }
      names.add(check.name);
      checks.push(check);
    });
  }
  return { checks, suite, evals: resolveEvals(s, doc, assistants) };
}

function resolveCheck(s: ResolveScope, store: DesiredVectorStore, spec: CheckSpec, base: Path, k: number): DesiredCheck {
  const files = store.files.map((f) => f.path);
  const expect = (spec.expect ?? []).map(manifestPath);
  const forbid = (spec.forbid ?? []).map(manifestPath);
  if (expect.length === 0 && forbid.length === 0) {
    s.problems.push({ ...s.at(base), message: 'a check needs `expect` (paths that must come back) or `forbid` (paths that must not), or both' });
  }
  const unmatched: string[] = [];
  expect.forEach((p, j) => {
    if (files.includes(p)) return;
    const guess = closest(p, files);
    const listed = files.length > 6 ? `${files.slice(0, 6).join(', ')} and ${files.length - 6} more` : files.join(', ');
    const problem = {
      ...s.at([...base, 'expect', j]),
      message: `"${p}" is not one of vector_store.${store.key}'s files${guess ? ` (did you mean "${guess}"?)` : ''}; an expected path must be a file the store's \`files\` match (${files.length ? `they are: ${listed}` : 'it has none'})`,
    };
    if (s.ctx.checks === 'report') unmatched.push(formatProblem(problem));
    else s.problems.push(problem);
  });
  forbid.forEach((p, j) => {
    if (expect.includes(p)) s.problems.push({ ...s.at([...base, 'forbid', j]), message: `"${p}" is both expected and forbidden; keep it in one of the lists` });
  });
  if (spec.filters) checkFilterKeys(s, store, spec.filters, [...base, 'filters']);
  return {
    store: store.key,
    name: spec.name ?? spec.query,
    query: spec.query,
    expect,
    forbid,
    k: spec.k ?? k,
    ...(spec.min_score !== undefined ? { min_score: spec.min_score } : {}),
    ...(spec.filters ? { filters: spec.filters } : {}),
    ...(spec.ranking_options ? { ranking_options: spec.ranking_options } : {}),
    ...(spec.rewrite_query !== undefined ? { rewrite_query: spec.rewrite_query } : {}),
    ...(s.at(base).loc ? { loc: s.at(base).loc! } : {}),
    ...(unmatched.length ? { unmatched } : {}),
  };
}

/** A filter's keys, each an attribute the store's files carry (their own, or the path and hash the tool adds). */
function checkFilterKeys(s: ResolveScope, store: DesiredVectorStore, filter: SearchFilter, p: Path): void {
  if ('filters' in filter) {
    filter.filters.forEach((f, i) => checkFilterKeys(s, store, f, [...p, 'filters', i]));
    return;
  }
  const known = [...Object.keys(store.attributes), ATTR_PATH, ATTR_SHA256];
  if (known.includes(filter.key)) return;
  const guess = closest(filter.key, known);
  s.warnings.push({
    ...s.at([...p, 'key']),
    message: `no file of vector_store.${store.key} has the attribute "${filter.key}"${guess ? ` (did you mean "${guess}"?)` : ''}, so this filter ${filter.type === 'ne' || filter.type === 'nin' ? 'matches every file' : 'matches no file'}; its attributes: ${known.join(', ')}`,
  });
}

function resolveEvals(s: ResolveScope, doc: ManifestDoc, assistants: DesiredAssistant[]): DesiredEval[] {
  const keys = assistants.map((a) => a.key);
  const out: DesiredEval[] = [];
  for (const [key, spec] of Object.entries(doc.evals ?? {})) {
    const base: Path = ['evals', key];
    if (!keys.includes(spec.assistant)) {
      const guess = closest(spec.assistant, keys);
      s.problems.push({
        ...s.at([...base, 'assistant']),
        message: `no assistants entry named "${spec.assistant}"${guess ? ` (did you mean "${guess}"?)` : ''}${keys.length ? `; defined: ${keys.join(', ')}` : '; the manifest defines no assistants'}`,
      });
    }
    spec.assert.forEach((a, i) => {
      if (a.type !== 'regex') return;
      try {
        new RegExp(a.value);
      } catch (error) {
        s.problems.push({ ...s.at([...base, 'assert', i, 'value']), message: `is not a regular expression promptfoo can use: ${(error as Error).message}` });
      }
    });
    out.push({ key, assistant: spec.assistant, description: spec.description ?? key, prompt: spec.prompt, assert: spec.assert, ...(s.at(base, true).loc ? { loc: s.at(base, true).loc! } : {}) });
  }
  return out;
}
