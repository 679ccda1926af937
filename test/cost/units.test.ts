/**
 * The pure parts: the price table's checks, how figures read, and the estimate for the kinds of
 * store change the end-to-end tests do not reach (replace, delete, a failed file re-attached).
 */
import { describe, expect, it } from 'vitest';
import type { Live, LiveVectorStore } from '../../src/targets/live.js';
import { formatBytes, formatMoney } from '../../src/format.js';
import { estimatePlanCost } from '../../src/plan/cost/plan-cost.js';
import { checkPriceTable, loadPrices } from '../../src/plan/cost/prices.js';
import type { Plan, ResourceChange } from '../../src/plan/types.js';
import { BUILT_IN, money, perMonth, size } from './expect.js';

describe('price table', () => {
  it('the built-in table is valid and every price names its unit, source and date', () => {
    expect(checkPriceTable(BUILT_IN)).toEqual([]);
    const { table, ref } = loadPrices(undefined);
    expect(ref.file).toBe('prices/openai.json (built in)');
    for (const p of Object.values(table.prices)) {
      expect(p.unit).not.toBe('');
      expect(p.source).toMatch(/^https:\/\//);
      expect(p.read_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('names each problem', () => {
    const bad = structuredClone(BUILT_IN) as unknown as Record<string, unknown> & { prices: Record<string, Record<string, unknown>> };
    bad.currency = 'dollars';
    bad.month_days = 0;
    bad.prices.vector_store_storage!.price = -1;
    bad.prices.vector_store_storage!.free_allowance = { bytes: 1, per: 'project', description: 'x' };
    delete bad.prices.file_storage!.unit_bytes;
    expect(checkPriceTable(bad)).toEqual([
      'currency must be an ISO 4217 code such as USD',
      'month_days must be a number of days from 1 to 31',
      'prices.vector_store_storage.price must be a number >= 0',
      'prices.vector_store_storage.free_allowance.per must be "account" (the only scope the tool can apply)',
      'prices.file_storage.unit_bytes is required (a storage price is per a number of bytes)',
    ]);
  });
});

describe('figures as printed', () => {
  it('money: two decimals, or two significant digits under a cent', () => {
    expect(formatMoney(1234.567, 'USD')).toBe('$1,234.57');
    expect(formatMoney(0.05, 'USD')).toBe('$0.05');
    expect(formatMoney(0.0000046566, 'USD')).toBe('$0.0000047');
    expect(formatMoney(-0.3, 'USD')).toBe('-$0.30');
    expect(formatMoney(0, 'USD')).toBe('$0.00');
    expect(formatMoney(2, 'EUR')).toBe('€2.00');
    let x = 0.9;
    for (let i = 0; i < 500; i++, x = (x * 7919) % 1 || 0.123) expect(formatMoney(x / 10 ** (i % 9), 'USD')).toBe(money(x / 10 ** (i % 9)));
  });

  it('sizes: binary units, at most one decimal', () => {
    expect([0, 1023, 1024, 2355, 1048576, 1073741824, 5 * 2 ** 40].map(formatBytes)).toEqual(['0 B', '1023 B', '1 KiB', '2.3 KiB', '1 MiB', '1 GiB', '5 TiB']);
    for (const n of [1, 999, 4500, 123456, 98765432]) expect(formatBytes(n)).toBe(size(n));
  });
});

describe('estimate of each kind of store change', () => {
  const store = (id: string, key: string, files: [string, number][]): LiveVectorStore => ({
    id,
    created_at: 0,
    name: key,
    expires_after: null,
    metadata: { 'assistants-deploy.deployment': 'd', 'assistants-deploy.resource': `${key};v1;` },
    usage_bytes: files.reduce((n, [, b]) => n + b, 0),
    status: 'completed',
    last_active_at: 0,
    file_counts: { in_progress: 0, completed: files.length, failed: 0, cancelled: 0, total: files.length },
    files: files.map(([fid, b]) => ({ id: fid, status: 'completed', attributes: null, chunking_strategy: null, usage_bytes: b, created_at: 0 })),
  });
  const change = (key: string, id: string | null, actions: ResourceChange['actions'], attach: number[], detach: string[] = []): ResourceChange => ({
    address: `vector_store.${key}`,
    type: 'vector_store',
    key,
    id,
    actions,
    action_reason: 'update_because_files_changed',
    drift: false,
    protect: false,
    field_changes: [],
    body: null,
    files: {
      attach: attach.map((size, i) => ({ path: `f${i}`, sha256: 'a'.repeat(64), size, attributes: {}, chunking_strategy: {}, reason: 'new' })),
      detach: detach.map((file_id) => ({ file_id, path: null, reason: 'removed' })),
      update_attributes: [],
      unchanged: 0,
      total_after: 0,
      duplicates: [],
    },
  });
  const live: Live = {
    assistantsApi: true,
    assistants: [],
    vectorStores: [store('vs_r', 'r', [['f1', 3000]]), store('vs_d', 'd', [['f2', 5000]]), store('vs_u', 'u', [['f3', 700], ['f4', 300]]), store('vs_n', 'n', [['f5', 64]])],
    files: [],
    others: { assistants: 0, vectorStores: 0 },
    accountUsage: { vectorStores: 5, vectorStoreBytes: 9064 + 10_000 },
    stats: { requests: 0, pages: { assistants: 0, vector_stores: 0, files: 0, vector_store_files: 0 }, minimumPages: 0 },
  };
  const plan = {
    resource_changes: [change('r', 'vs_r', ['create', 'delete'], [1200, 800]), change('d', 'vs_d', ['delete'], []), change('u', 'vs_u', ['update'], [50], ['f4']), change('c', null, ['create'], [10])],
    uploads: [],
    file_deletions: [],
  } as unknown as Plan;

  it('replace starts empty, delete ends at 0, update keeps live usage less what it detaches, unchanged stores count too', () => {
    const cost = estimatePlanCost(plan, live, loadPrices(undefined));
    const rows = cost.vector_storage.stores.map((s) => [s.address, s.change, s.before.bytes, s.after.bytes, s.after_from.live_bytes, s.after_from.local_bytes]);
    expect(rows).toEqual([
      ['vector_store.c', 'create', 0, 10, 0, 10],
      ['vector_store.d', 'delete', 5000, 0, 0, 0],
      ['vector_store.n', 'none', 64, 64, 64, 0],
      ['vector_store.r', 'replace', 3000, 2000, 0, 2000],
      ['vector_store.u', 'update', 1000, 750, 700, 50],
    ]);
    const d = cost.vector_storage.deployment;
    expect([d.before.bytes, d.after.bytes]).toEqual([9064, 2824]);
    expect(d.delta.per_month).toBeCloseTo(perMonth(2824 - 9064, BUILT_IN), 15);
    expect(cost.vector_storage.account).toMatchObject({ total_before_bytes: 19_064, total_after_bytes: 12_824, other_bytes: 10_000 });
  });
});
