/**
 * The scoring of src/checks, on hand-written search answers: a check's pass or fail and its rank
 * when one file comes back as several chunks, a forbidden folder, min_score, a result without a
 * path attribute, a failed search; the suite's figures and gates (MRR over the checks with
 * `expect` only, n/a when none has); and the baseline comparison (exactly the pass -> fail checks
 * regressed).
 */
import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../src/checks/baseline.js';
import { figuresOf, gatesOf, scoreCheck } from '../../src/checks/score.js';
import { buildReport, planSearches } from '../../src/checks/suite.js';
import type { DesiredCheck, SearchHit } from '../../src/kinds/checks.js';
import type { LiveVectorStore } from '../../src/kinds/index.js';

const check = (over: Partial<DesiredCheck> = {}): DesiredCheck => ({ store: 'docs', name: 'c', query: 'q', expect: ['a.md'], forbid: [], k: 3, ...over });
const hit = (path: string | null, score: number, id = path ?? 'x'): SearchHit => ({ file_id: `file-${id}`, filename: `ad~d~0~${id}`, score, attributes: path === null ? {} : { 'assistants-deploy.path': path } });

describe('scoreCheck', () => {
  it('ranks by the answer\'s items: a file that comes back as several chunks holds several places', () => {
    const r = scoreCheck(check({ k: 3 }), 'vs_1', { hits: [hit('b.md', 0.9), hit('b.md', 0.8), hit('a.md', 0.7), hit('a.md', 0.6)] });
    expect(r).toMatchObject({ status: 'pass', rank: 3, reciprocal_rank: 0.3333, reasons: [] });
    expect(r.results.map((x) => [x.rank, x.path, x.expected])).toEqual([[1, 'b.md', false], [2, 'b.md', false], [3, 'a.md', true]]);
    const tight = scoreCheck(check({ k: 2 }), 'vs_1', { hits: [hit('b.md', 0.9), hit('b.md', 0.8), hit('a.md', 0.7)] });
    expect(tight).toMatchObject({ status: 'fail', rank: null, reciprocal_rank: 0, reasons: ['a.md is not within the top 2'] });
  });

  it('every expected path must be there; a forbidden folder fails the check; min_score looks at the best chunk', () => {
    expect(scoreCheck(check({ expect: ['a.md', 'c.md'] }), 'vs_1', { hits: [hit('a.md', 0.9)] }).reasons).toEqual(['c.md is not within the top 3']);
    const forbidden = scoreCheck(check({ forbid: ['drafts/'] }), 'vs_1', { hits: [hit('a.md', 0.9), hit('drafts/x.md', 0.5), hit('draftsman.md', 0.4)] });
    expect(forbidden.reasons).toEqual(['drafts/x.md came back at rank 2, and it is forbidden']);
    expect(forbidden.results.map((x) => x.forbidden)).toEqual([false, true, false]);
    const low = scoreCheck(check({ min_score: 0.8 }), 'vs_1', { hits: [hit('b.md', 0.9), hit('a.md', 0.5), hit('a.md', 0.75)] });
    expect(low.reasons).toEqual(['a.md scores 0.75 (rank 2), below min_score 0.8']);
    expect(scoreCheck(check({ min_score: 0.7 }), 'vs_1', { hits: [hit('a.md', 0.5), hit('a.md', 0.75)] }).status).toBe('pass');
  });

  it('a result without the path attribute is nobody\'s file; a forbid-only check has no rank; a failed search is an error', () => {
    const r = scoreCheck(check(), 'vs_1', { hits: [hit(null, 0.9, 'a.md')] });
    expect(r.results[0]).toMatchObject({ path: null, expected: false });
    expect(r.status).toBe('fail');
    const only = scoreCheck(check({ expect: [], forbid: ['x.md'] }), 'vs_1', { hits: [hit('a.md', 0.9)] });
    expect(only).toMatchObject({ status: 'pass', rank: null, reciprocal_rank: null });
    const failed = scoreCheck(check(), 'vs_1', { error: 'searching docs: the API answered 500' });
    expect(failed).toMatchObject({ status: 'error', reciprocal_rank: 0, results: [], error: 'searching docs: the API answered 500' });
  });
});

describe('figures, gates, report', () => {
  it('hit rate is the share of checks that pass; MRR is over the checks with expect; an error fails the suite', () => {
    const reports = [
      scoreCheck(check({ name: 'a' }), 'vs', { hits: [hit('a.md', 1)] }),
      scoreCheck(check({ name: 'b' }), 'vs', { hits: [hit('x.md', 1), hit('a.md', 0.5)] }),
      scoreCheck(check({ name: 'c', expect: [], forbid: ['a.md'] }), 'vs', { hits: [hit('a.md', 1)] }),
    ];
    const f = figuresOf(reports);
    expect(f).toEqual({ checks: 3, passed: 2, failed: 1, errors: 0, hit_rate: 0.6667, mrr: 0.75 });
    expect(gatesOf(f, { hit_rate: 0.6, mrr: 0.8 })).toEqual([
      { figure: 'hit_rate', threshold: 0.6, value: 0.6667, ok: true },
      { figure: 'mrr', threshold: 0.8, value: 0.75, ok: false },
    ]);
    expect(gatesOf(figuresOf([reports[2]!]), { hit_rate: 0, mrr: 1 })[1]).toEqual({ figure: 'mrr', threshold: 1, value: null, ok: true });
  });

  it('a check of a store not deployed is an error naming the store; the oldest of two copies under one key is searched', () => {
    const store = (id: string, created: number): LiveVectorStore => ({ id, created_at: created, name: 'docs', expires_after: null, metadata: { 'assistants-deploy.deployment': 'd', 'assistants-deploy.resource': 'docs;' }, usage_bytes: 0, status: 'completed', last_active_at: null, file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 } });
    const searches = planSearches([check(), check({ store: 'other', name: 'o' })], [store('vs_new', 20), store('vs_old', 10)]);
    expect(searches.map((s) => [s.vectorStoreId, s.body])).toEqual([
      ['vs_old', { query: 'q', max_num_results: 3 }],
      [null, { query: 'q', max_num_results: 3 }],
    ]);
    const report = buildReport(searches, [{ hits: [hit('a.md', 1)] }, undefined], {
      toolVersion: '0', createdAt: 't', deployment: 'd', target: { base_url: 'local', local: true }, suite: { k: 3, thresholds: { hit_rate: 0, mrr: 0 } }, pending: null, requests: { read: 5, search: 1 },
    });
    expect(report.checks[1]).toMatchObject({ status: 'error', error: 'vector_store.other is not deployed on this target (no vector store of deployment "d" carries its key); run apply first' });
    expect(report.ok).toBe(false);
  });
});

describe('compareWithBaseline', () => {
  it('regressed: exactly the checks that passed before and do not now', () => {
    const ctx = { toolVersion: '0', createdAt: 'then', deployment: 'd', target: { base_url: 'local', local: true }, suite: { k: 3, thresholds: { hit_rate: 0, mrr: 0 } }, pending: null, requests: { read: 1, search: 1 } };
    const report = (outcomes: Record<string, boolean | 'error' | undefined>) => {
      const names = Object.keys(outcomes).filter((n) => outcomes[n] !== undefined);
      const searches = names.map((name) => ({ check: check({ name }), vectorStoreId: 'vs', body: { query: 'q', max_num_results: 3 } }));
      return buildReport(searches, names.map((n) => (outcomes[n] === 'error' ? { error: 'boom' } : { hits: outcomes[n] ? [hit('a.md', 1)] : [] })), ctx);
    };
    const before = report({ stays: true, breaks: true, errs: true, mends: false, gone: true, stillbad: false });
    const after = report({ stays: true, breaks: false, errs: 'error', mends: true, stillbad: false, fresh: false });
    expect(compareWithBaseline(after, before, 'b.json')).toEqual({
      file: 'b.json',
      created_at: 'then',
      regressed: ['docs/breaks', 'docs/errs'],
      fixed: ['docs/mends'],
      added: ['docs/fresh'],
      removed: ['docs/gone'],
      figures: { hit_rate: { before: 0.6667, after: 0.3333 }, mrr: { before: 0.6667, after: 0.3333 } },
    });
  });
});
