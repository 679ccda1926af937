/**
 * The cost change a plan makes, against a live account: a store holding three files is applied,
 * another deployment's store sits in the same account, and then a plan that adds a file and one
 * that removes a file are made with a price table given by --prices (a free allowance that the
 * account crosses, so the bill's change differs from the store's). Expected figures are computed
 * here from the files' sizes, the live usage_bytes and that table.
 */
import { writeFileSync, rmSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { hasStackTrace, tempProject } from '../helpers/cli.js';
import { startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';
import { delta, money, perDay, perMonth, size } from './expect.js';
import type { Table } from './expect.js';

const MANIFEST = `version: 1
deployment: costs
vector_stores:
  kb:
    name: Knowledge
    files: ["kb/*.md"]
`;
const body = (n: number, mark: string) => `${mark}\n${'x'.repeat(n - mark.length - 2)}\n`;
const FILES = { 'kb/a.md': body(1000, '# A'), 'kb/b.md': body(2000, '# B'), 'kb/c.md': body(1500, '# C') };
const NEW_FILE = body(2500, '# D');
const OTHER = body(3000, 'other deployment');

/** $0.50 per KiB-day, the first 8 KiB of vector storage free per account; files $0.25 per KiB-day. */
const TABLE = {
  name: 'test',
  title: 'Test prices',
  currency: 'USD',
  read_at: '2026-11-01',
  month_days: 30,
  prices: {
    vector_store_storage: {
      description: 'vector storage',
      price: 0.5,
      unit: 'KiB-day',
      unit_bytes: 1024,
      free_allowance: { bytes: 8192, per: 'account', description: 'the first 8 KiB' },
      estimated: true,
      source: 'https://example.test/prices',
      read_at: '2026-11-01',
    },
    file_storage: { description: 'files', price: 0.25, unit: 'KiB-day', unit_bytes: 1024, free_allowance: null, estimated: true, source: 'https://example.test/prices', read_at: '2026-11-01' },
  },
};
const T = TABLE as unknown as Table;

let account: Account;
let base: string;
let pricesFile: string;
let live: { store: number; other: number; files: number };

beforeAll(async () => {
  account = await startAccount({ indexingDelayMs: 1 });
  base = tempProject({ 'assistants.yaml': MANIFEST, ...FILES });
  pricesFile = path.join(tempProject({ 'prices.json': JSON.stringify(TABLE) }), 'prices.json');
  const applied = await account.cli(['apply', '--auto-approve'], { cwd: base });
  expect(applied.code, applied.stderr).toBe(0);
  // another deployment's store with one file, in the same account
  const file = await account.client.files.create({ file: await toFile(Buffer.from(OTHER), 'other.md'), purpose: 'assistants' });
  await account.client.vectorStores.create({ name: 'Other', file_ids: [file.id], metadata: { 'assistants-deploy.deployment': 'elsewhere' } });
  await new Promise((r) => setTimeout(r, 50));
  const stores = await account.client.vectorStores.list({ limit: 100 });
  const ours = stores.data.find((v) => v.metadata?.['assistants-deploy.deployment'] === 'costs')!;
  const theirs = stores.data.find((v) => v.name === 'Other')!;
  live = { store: ours.usage_bytes, other: theirs.usage_bytes, files: Object.values(FILES).reduce((n, f) => n + Buffer.byteLength(f), 0) };
  expect(live.store).toBe(4500);
  expect(live.other).toBe(3000);
});
afterAll(async () => account.close());

function variant(edit: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-cost-'));
  cpSync(base, dir, { recursive: true });
  rmSync(path.join(dir, '.assistants-deploy'), { recursive: true, force: true });
  edit(dir);
  return dir;
}

async function plans(dir: string): Promise<{ plan: Plan; text: string; md: string }> {
  const json = await account.cli(['plan', '--format', 'json', '--prices', pricesFile], { cwd: dir });
  expect(json.code, json.stderr).toBe(0);
  const text = await account.cli(['plan', '--prices', pricesFile], { cwd: dir });
  const md = await account.cli(['plan', '--format', 'markdown', '--prices', pricesFile], { cwd: dir });
  return { plan: JSON.parse(json.stdout) as Plan, text: text.stdout, md: md.stdout };
}

/** Billable bytes of the account, the free allowance applied once. */
const billable = (total: number) => Math.max(0, total - 8192);

describe('a plan that adds a file', () => {
  let dir: string;
  let out: Awaited<ReturnType<typeof plans>>;
  beforeAll(async () => {
    dir = variant((d) => writeFileSync(path.join(d, 'kb', 'd.md'), NEW_FILE));
    out = await plans(dir);
  });

  it('json: the store grows by the local size, and the bill by what passes the free allowance', () => {
    const cost = out.plan.cost!;
    expect(cost.prices.file).toBe(pricesFile);
    const s = cost.vector_storage.stores;
    expect(s).toHaveLength(1);
    const after = live.store + 2500;
    expect(s[0]).toMatchObject({ address: 'vector_store.kb', change: 'update', before: { bytes: live.store }, after: { bytes: after }, after_from: { live_bytes: live.store, local_bytes: 2500 } });
    expect(s[0]!.delta.per_day).toBeCloseTo(perDay(2500, T), 12);
    expect(s[0]!.delta.per_month).toBeCloseTo(perMonth(2500, T), 12);
    const a = cost.vector_storage.account!;
    expect(a).toMatchObject({ total_before_bytes: live.store + live.other, total_after_bytes: after + live.other, other_bytes: live.other, free_bytes: 8192 });
    // 7,500 bytes in all was inside the 8 KiB allowance; 10,000 is 1,808 bytes past it
    expect(a.before.bytes).toBe(billable(7500));
    expect(a.after.bytes).toBe(1808);
    expect(a.delta.per_month).toBeCloseTo(perMonth(1808, T), 12);
    expect(a.delta.per_month).toBeLessThan(s[0]!.delta.per_month);
    const f = cost.file_storage.deployment;
    expect([f.before.bytes, f.after.bytes]).toEqual([live.files, live.files + 2500]);
    expect(f.delta.per_month).toBeCloseTo(perMonth(2500, T, 'file_storage'), 12);
  });

  it('text and markdown show the same figures', () => {
    const after = live.store + 2500;
    expect(out.text).toContain('Storage cost (prices: ' + pricesFile + ': Test prices, read 2026-11-01; vector storage $0.50 per KiB-day, the first 8 KiB free per account; a month is 30 days):');
    expect(out.text).toMatch(
      new RegExp(
        esc(
          `changed: ${size(live.store)} -> ${size(after)} (${size(live.store)} live + ${size(2500)} local), ${money(perDay(after, T))}/day, ${money(perMonth(after, T))}/month (${delta(perMonth(2500, T))}/month)`,
        ),
      ),
    );
    expect(out.text).toContain(
      `The account's vector storage (every store, free 8 KiB per account applied): ${size(7500)} -> ${size(10000)}: $0.00 -> ${money(perMonth(1808, T))}/month (${delta(perMonth(1808, T))}/month, ${delta(perDay(1808, T))}/day).`,
    );
    expect(out.text).toContain(`Uploaded files of this deployment: ${size(live.files)} -> ${size(live.files + 2500)}, ${money(perMonth(live.files + 2500, T, 'file_storage'))}/month`);
    expect(out.md).toContain(`Cost: ${delta(perMonth(1808, T))}/month for the account's vector storage ($0.00 -> ${money(perMonth(1808, T))}/month after the free 8 KiB; prices: ${pricesFile}, read 2026-11-01).`);
    expect(out.md).toContain(`| \`vector_store.kb\` | changed | ${size(live.store)} | ${size(after)} | ${money(perDay(after, T))} | ${money(perMonth(after, T))} | ${delta(perMonth(2500, T))} |`);
    expect(out.md).toContain(`| **the account** (free 8 KiB applied) | | ${size(7500)} | ${size(10000)} | ${money(perDay(1808, T))} | ${money(perMonth(1808, T))} | ${delta(perMonth(1808, T))} |`);
  });

  it('a saved plan carries the cost, validates, and applies', async () => {
    const saved = path.join(dir, 'plan.json');
    const made = await account.cli(['plan', '--out', saved, '--prices', pricesFile], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    const applied = await account.cli(['apply', saved, '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`Storage cost (prices: ${pricesFile}`);
    // back to the base state for the next case
    const back = await account.cli(['apply', '--auto-approve'], { cwd: base });
    expect(back.code, back.stderr).toBe(0);
  });
});

describe('a plan that removes a file', () => {
  let out: Awaited<ReturnType<typeof plans>>;
  beforeAll(async () => {
    out = await plans(variant((d) => rmSync(path.join(d, 'kb', 'b.md'))));
  });

  it('json: the store shrinks by the live usage of the file, the bill does not change inside the allowance', () => {
    const cost = out.plan.cost!;
    const s = cost.vector_storage.stores[0]!;
    expect(s).toMatchObject({ change: 'update', before: { bytes: live.store }, after: { bytes: live.store - 2000 }, after_from: { live_bytes: live.store - 2000, local_bytes: 0 } });
    expect(s.delta.per_month).toBeCloseTo(-perMonth(2000, T), 12);
    const a = cost.vector_storage.account!;
    expect([a.total_before_bytes, a.total_after_bytes]).toEqual([7500, 5500]);
    expect([a.before.per_month, a.after.per_month, a.delta.per_month]).toEqual([0, 0, 0]);
    const f = cost.file_storage.deployment;
    expect([f.before.bytes, f.after.bytes]).toEqual([live.files, live.files - 2000]);
    expect(f.delta.per_month).toBeCloseTo(-perMonth(2000, T, 'file_storage'), 12);
  });

  it('text and markdown show the decrease', () => {
    const after = live.store - 2000;
    expect(out.text).toContain(`changed: ${size(live.store)} -> ${size(after)} (live usage_bytes), ${money(perDay(after, T))}/day, ${money(perMonth(after, T))}/month (${delta(-perMonth(2000, T))}/month)`);
    expect(delta(-perMonth(2000, T))).toMatch(/^-\$/);
    expect(out.text).toContain(`This deployment's vector storage: ${size(live.store)} -> ${size(after)}, ${money(perMonth(live.store, T))} -> ${money(perMonth(after, T))}/month (${delta(-perMonth(2000, T))}/month) before the free allowance.`);
    expect(out.text).toContain(`${size(7500)} -> ${size(5500)}, within the free 8 KiB: $0.00 -> $0.00/month ($0.00/month, $0.00/day).`);
    expect(out.md).toContain(`| \`vector_store.kb\` | changed | ${size(live.store)} | ${size(after)} | ${money(perDay(after, T))} | ${money(perMonth(after, T))} | ${delta(-perMonth(2000, T))} |`);
  });
});

describe('--prices', () => {
  it('a table missing a source or a storage price is refused, naming the field; nothing is planned', async () => {
    const bad = structuredClone(TABLE) as Record<string, unknown> & typeof TABLE;
    (bad.prices.vector_store_storage as Partial<typeof TABLE.prices.vector_store_storage>).source = '';
    delete (bad.prices as Partial<typeof TABLE.prices>).file_storage;
    const file = path.join(tempProject({ 'bad.json': JSON.stringify(bad) }), 'bad.json');
    const r = await account.cli(['plan', '--prices', file], { cwd: base });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error: the price table ${file} is not valid: prices.vector_store_storage.source must be a non-empty string`);
    expect(r.stderr).toContain('prices.file_storage is required');
    expect(hasStackTrace(r.stderr)).toBe(false);
    const missing = await account.cli(['plan', '--prices', 'nope.json'], { cwd: base });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the price table nope.json: ENOENT');
  });
});

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
