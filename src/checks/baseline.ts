/**
 * Before and after (`test --baseline FILE`), pure: this run's report against an earlier one,
 * matched by check id (`STORE/NAME`). A check regressed when it passed in the baseline and fails
 * or errs now: exactly those are listed as regressed; the others are fixed, added or removed.
 */
import type { BaselineComparison, TestReport } from './types.js';

export function compareWithBaseline(now: TestReport, before: TestReport, file: string): BaselineComparison {
  const old = new Map(before.checks.map((c) => [c.id, c.status]));
  const current = new Map(now.checks.map((c) => [c.id, c.status]));
  const regressed: string[] = [];
  const fixed: string[] = [];
  const added: string[] = [];
  for (const c of now.checks) {
    const was = old.get(c.id);
    if (was === undefined) added.push(c.id);
    else if (was === 'pass' && c.status !== 'pass') regressed.push(c.id);
    else if (was !== 'pass' && c.status === 'pass') fixed.push(c.id);
  }
  return {
    file,
    created_at: before.created_at,
    regressed,
    fixed,
    added,
    removed: before.checks.filter((c) => !current.has(c.id)).map((c) => c.id),
    figures: {
      hit_rate: { before: before.figures.hit_rate, after: now.figures.hit_rate },
      mrr: { before: before.figures.mrr, after: now.figures.mrr },
    },
  };
}
