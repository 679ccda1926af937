/**
 * `audit` against an emulator account the test seeds: 113 vector stores and 110 assistants (two
 * pages of each), one store of 120 files (two pages of its files), 241 files; used and unused,
 * idle and recent, owned by two deployments and untagged. The audit must list exactly the unused
 * ones (never a store an assistant references), with sizes and costs computed here from the
 * seeded contents and the price table, reading every page with list requests only. Then
 * `audit --delete` deletes exactly the ids given (checked with the SDK), through injected faults,
 * and refuses ids it did not list. A target without the Assistants API ranks by idleness.
 *
 * Idle resources are made by running the in-process emulator's clock back while they are created
 * (the emulator sets a store's last_active_at when it is created).
 */
import { toFile } from 'openai';
import type OpenAI from 'openai';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/plan/cost/audit.js';
import { hasStackTrace, tempProject } from '../helpers/cli.js';
import { startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';
import { BUILT_IN, money, perDay, perMonth, size } from './expect.js';
import type { Table } from './expect.js';

const DAY_MS = 86_400_000;
const TAG = 'assistants-deploy.deployment';

/** Runs fn with the clock `days` days back (the emulator runs in this process). */
async function daysAgo<T>(days: number, fn: () => Promise<T>): Promise<T> {
  const real = Date.now;
  Date.now = () => real() - days * DAY_MS;
  try {
    return await fn();
  } finally {
    Date.now = real;
  }
}

async function inBatches<T, R>(items: T[], fn: (item: T, i: number) => Promise<R>, size = 16): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((x, j) => fn(x, i + j)))));
  return out;
}

/** The seeded account, as the test knows it. */
class Seed {
  bytes = new Map<string, number>();
  storeFiles = new Map<string, string[]>();
  private n = 0;
  constructor(private readonly client: OpenAI) {}

  async upload(name?: string, bytes?: number): Promise<string> {
    const i = this.n++;
    const length = bytes ?? 100 + ((i * 37) % 900);
    const content = `file ${i}\n`.padEnd(length, 'abcdefghij');
    const f = await this.client.files.create({ file: await toFile(Buffer.from(content), name ?? `doc-${i}.md`), purpose: 'assistants' });
    this.bytes.set(f.id, length);
    return f.id;
  }

  async store(opts: { name: string; files: number; owner?: string; expires?: number }): Promise<string> {
    const fileIds = await inBatches(Array.from({ length: opts.files }), () => this.upload());
    const v = await this.client.vectorStores.create({
      name: opts.name,
      file_ids: fileIds,
      ...(opts.owner ? { metadata: { [TAG]: opts.owner } } : {}),
      ...(opts.expires ? { expires_after: { anchor: 'last_active_at', days: opts.expires } } : {}),
    });
    this.storeFiles.set(v.id, fileIds);
    return v.id;
  }

  storeBytes(id: string): number {
    return (this.storeFiles.get(id) ?? []).reduce((n, f) => n + this.bytes.get(f)!, 0);
  }
}

let account: Account;
let seed: Seed;
const ids = {
  used: [] as string[],
  idleUsed: [] as string[],
  big: '',
  unused: { recentOwned: '', idleUntagged: '', expiredOther: '', empty: '' },
  ciFiles: [] as string[],
  loose: { owned: '', plain: '', other: '', old: '' },
};
const owners = ['shop', 'other', undefined] as const;
const sha16 = (i: number) => `${i}`.padStart(16, 'a');

beforeAll(async () => {
  account = await startAccount({ indexingDelayMs: 1 });
  const client = account.client;
  seed = new Seed(client);
  await daysAgo(60, async () => {
    ids.idleUsed = await inBatches([0, 1, 2], (i) => seed.store({ name: `Idle used ${i}`, files: 1, owner: 'shop' }));
    ids.unused.idleUntagged = await seed.store({ name: 'Forgotten', files: 1 });
    ids.loose.old = await seed.upload('old-export.txt', 5000);
  });
  await daysAgo(45, async () => {
    ids.unused.expiredOther = await seed.store({ name: 'Trial', files: 2, owner: 'other', expires: 7 });
  });
  ids.used = await inBatches(Array.from({ length: 105 }), (_, i) => seed.store({ name: `Used ${i}`, files: 1, ...(owners[i % 3] ? { owner: owners[i % 3]! } : {}) }));
  ids.big = await seed.store({ name: 'Big', files: 120, owner: 'shop' });
  ids.unused.recentOwned = await seed.store({ name: 'Draft', files: 2, owner: 'shop' });
  ids.unused.empty = await seed.store({ name: 'Empty', files: 0, expires: 30 });
  ids.ciFiles = await inBatches([0, 1, 2, 3], () => seed.upload());
  ids.loose.owned = await seed.upload(`ad~shop~${sha16(1)}~notes.md`);
  ids.loose.plain = await seed.upload('orphan.txt');
  ids.loose.other = await seed.upload(`ad~other~${sha16(2)}~x.md`);

  const assistant = (store: string | undefined, files: string[] = []) =>
    client.beta.assistants.create({
      model: 'gpt-4o',
      tools: [{ type: 'file_search' }, ...(files.length ? [{ type: 'code_interpreter' as const }] : [])],
      tool_resources: { ...(store ? { file_search: { vector_store_ids: [store] } } : {}), ...(files.length ? { code_interpreter: { file_ids: files } } : {}) },
    });
  await inBatches([...ids.used, ...ids.idleUsed, ids.big], (id) => assistant(id));
  await assistant(undefined, ids.ciFiles);
  await new Promise((r) => setTimeout(r, 30));
}, 120_000);
afterAll(async () => account.close());

const unusedStores = () => Object.values(ids.unused);
const looseFiles = () => Object.values(ids.loose);
const T = BUILT_IN;

async function auditJson(args: string[] = []): Promise<{ report: AuditReport; requests: typeof account.emu.log }> {
  const from = account.emu.log.length;
  const r = await account.cli(['audit', '--format', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return { report: JSON.parse(r.stdout) as AuditReport, requests: account.emu.log.slice(from) };
}

describe('audit (read-only)', () => {
  let report: AuditReport;
  let requests: typeof account.emu.log;
  beforeAll(async () => {
    ({ report, requests } = await auditJson());
  });

  it('lists exactly the unreferenced stores and the unattached files; never a referenced store', () => {
    expect(report.target.assistants_api).toBe(true);
    expect(report.vector_stores.map((s) => s.id).sort()).toEqual(unusedStores().sort());
    expect(report.files.map((f) => f.id).sort()).toEqual(looseFiles().sort());
    const referenced = new Set([...ids.used, ...ids.idleUsed, ids.big]);
    expect(report.vector_stores.filter((s) => referenced.has(s.id))).toEqual([]);
    for (const f of [...ids.ciFiles, ...[...seed.storeFiles.values()].flat()]) expect(report.files.some((x) => x.id === f)).toBe(false);
    expect(report.totals.account).toEqual({
      vector_stores: 113,
      files: seed.bytes.size,
      vector_bytes: [...seed.storeFiles.keys()].reduce((n, id) => n + seed.storeBytes(id), 0),
      file_bytes: [...seed.bytes.values()].reduce((a, b) => a + b, 0),
    });
  });

  it('says why, who owns it, how big it is and what it costs (from the price table)', () => {
    const by = new Map(report.vector_stores.map((s) => [s.id, s]));
    const u = ids.unused;
    expect(by.get(u.recentOwned)).toMatchObject({ owner: 'shop', reasons: ['unreferenced'], no_expiry: true, idle_days: 0, files: 2 });
    expect(by.get(u.idleUntagged)).toMatchObject({ owner: null, reasons: ['unreferenced', 'idle'], no_expiry: true, idle_days: 60 });
    expect(by.get(u.expiredOther)).toMatchObject({ owner: 'other', reasons: ['unreferenced', 'idle', 'expired'], no_expiry: false, idle_days: 45, status: 'expired' });
    expect(by.get(u.empty)).toMatchObject({ owner: null, reasons: ['unreferenced'], no_expiry: false, files: 0 });
    for (const s of report.vector_stores) {
      expect(s.cost.bytes, s.name).toBe(seed.storeBytes(s.id));
      expect(s.cost.per_day).toBeCloseTo(perDay(s.cost.bytes, T), 15);
      expect(s.cost.per_month).toBeCloseTo(perMonth(s.cost.bytes, T), 15);
    }
    // largest first
    expect(report.vector_stores.map((s) => s.cost.bytes)).toEqual([...report.vector_stores.map((s) => s.cost.bytes)].sort((a, b) => b - a));
    const files = new Map(report.files.map((f) => [f.id, f]));
    expect(files.get(ids.loose.owned)!.owner).toBe('shop');
    expect(files.get(ids.loose.other)!.owner).toBe('other');
    expect(files.get(ids.loose.plain)!.owner).toBeNull();
    expect(files.get(ids.loose.old)!.cost.bytes).toBe(5000);
    for (const f of report.files) expect(f.cost).toEqual({ bytes: seed.bytes.get(f.id), per_day: perDay(seed.bytes.get(f.id)!, T, 'file_storage'), per_month: perMonth(seed.bytes.get(f.id)!, T, 'file_storage') });
    // idle stores an assistant references are shown apart, never listed
    expect(report.referenced_idle.map((s) => s.id).sort()).toEqual([...ids.idleUsed].sort());
    for (const s of report.referenced_idle) expect(s.referenced_by).toHaveLength(1);
    expect(report.prices).toMatchObject({ file: 'prices/openai.json (built in)', read_at: T.read_at });
    const listed = unusedStores().reduce((n, id) => n + seed.storeBytes(id), 0);
    expect(report.totals.listed_cost.per_month).toBeCloseTo(perMonth(listed, T), 15);
    // a small account is inside the free allowance: deleting saves nothing on the bill
    expect(report.totals.savings.per_month).toBe(0);
  });

  it('reads every page with list requests only, within 10% of the least number of pages', () => {
    expect(requests.every((e) => e.method === 'GET')).toBe(true);
    expect([...new Set(requests.map((e) => e.route))].sort()).toEqual(['/v1/assistants', '/v1/files', '/v1/vector_stores', '/v1/vector_stores/{vector_store_id}/files']);
    const minimum =
      Math.ceil(110 / 100) + // assistants
      Math.ceil(113 / 100) + // vector stores
      1 + // files: 241 fit one page of 10,000
      112 + // one page of files for each store but the big one
      Math.ceil(120 / 100); // the big store's files
    expect(minimum).toBe(119);
    expect(report.read.minimumPages).toBe(minimum);
    expect(requests.length).toBe(report.read.requests);
    expect(requests.length).toBeGreaterThanOrEqual(minimum);
    expect(requests.length).toBeLessThanOrEqual(Math.floor(minimum * 1.1));
  });

  it('--idle-days moves the line', async () => {
    const { report: r50 } = await auditJson(['--idle-days', '50']);
    const trial = r50.vector_stores.find((s) => s.id === ids.unused.expiredOther)!;
    expect(trial.reasons).toEqual(['unreferenced', 'expired']);
    expect(r50.vector_stores.find((s) => s.id === ids.unused.idleUntagged)!.reasons).toEqual(['unreferenced', 'idle']);
    const { report: r90 } = await auditJson(['--idle-days', '90']);
    expect(r90.referenced_idle).toEqual([]);
    expect(r90.vector_stores.map((s) => s.id).sort()).toEqual(unusedStores().sort());
  });

  it('applies the free allowance once, to the account, as the table says', async () => {
    const total = report.totals.account.vector_bytes;
    const listed = report.totals.listed.vector_bytes;
    // an allowance that the account passes by half of what is listed
    const free = total - Math.floor(listed / 2);
    const table = structuredClone(T) as Table & { prices: { vector_store_storage: { free_allowance: { bytes: number; per: string; description: string } } } };
    table.prices.vector_store_storage.free_allowance = { bytes: free, per: 'account', description: 'a test allowance' };
    const file = path.join(tempProject({ 'p.json': JSON.stringify(table) }), 'p.json');
    const { report: r } = await auditJson(['--prices', file]);
    expect(r.prices.file).toBe(file);
    expect(r.totals.account_cost.per_month).toBeCloseTo(perMonth(total - free, T), 15);
    expect(r.totals.savings.per_month).toBeCloseTo(perMonth(total - free, T), 15);
    expect(r.totals.savings.per_month).toBeLessThan(r.totals.listed_cost.per_month);
  });

  it('text and markdown list the same, with the table named', async () => {
    const text = await account.cli(['audit']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Prices: prices/openai.json (built in): OpenAI API list prices (standard tier, USD), read ${T.read_at};`);
    const s = ids.unused.idleUntagged;
    const b = seed.storeBytes(s);
    expect(text.stdout).toMatch(
      new RegExp(`^  ${s} +"Forgotten" +untagged +${esc(size(b))} +${esc(money(perDay(b, T)))}/day +${esc(money(perMonth(b, T)))}/month +no assistant references it; idle 60 days; no expiry policy$`, 'm'),
    );
    for (const id of [...unusedStores(), ...looseFiles()]) expect(text.stdout).toContain(id);
    for (const id of [...ids.used, ids.big]) expect(text.stdout).not.toContain(id);
    expect(text.stdout).toContain(`Vector stores that look unused: 4 of 113`);
    expect(text.stdout).toContain(`Files in no vector store and no assistant's tool resources: 4 of ${seed.bytes.size}:`);
    const md = await account.cli(['audit', '--format', 'markdown']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`| \`${s}\` | Forgotten | (untagged) | ${size(b)} | ${money(perDay(b, T))} | ${money(perMonth(b, T))} | no assistant references it; idle 60 days; no expiry policy |`);
    expect(md.stdout).toContain(`| \`${ids.loose.old}\` | old-export.txt | (untagged) | ${size(5000)} | $0.00 |`);
    for (const id of [...ids.used, ids.big]) expect(md.stdout).not.toContain(id);
  });
});

describe('audit --delete', () => {
  const deletes = (from: number) => account.emu.log.slice(from).filter((e) => e.method === 'DELETE');

  it('refuses an id it does not list, a referenced store, and a pattern; deletes nothing', async () => {
    const from = account.emu.log.length;
    const used = await account.cli(['audit', '--delete', ids.unused.recentOwned, ids.used[0]!, '--auto-approve']);
    expect(used.code).toBe(1);
    expect(used.stderr).toContain(`not listed: ${ids.used[0]}. Nothing was deleted.`);
    expect(hasStackTrace(used.stderr)).toBe(false);
    const idle = await account.cli(['audit', '--delete', ids.idleUsed[0]!, '--auto-approve']);
    expect(idle.code).toBe(1);
    expect(idle.stderr).toContain(`${ids.idleUsed[0]} (an assistant references it)`);
    const pattern = await account.cli(['audit', '--delete', 'vs_*', '--auto-approve']);
    expect(pattern.code).toBe(1);
    expect(pattern.stderr).toContain('patterns are never accepted');
    const unknown = await account.cli(['audit', '--delete', 'vs_doesnotexist', '--auto-approve']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not listed: vs_doesnotexist');
    // no terminal to ask on, and no --auto-approve
    const unasked = await account.cli(['audit', '--delete', ids.unused.recentOwned]);
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toContain('audit --delete needs confirmation');
    expect(deletes(from)).toEqual([]);
    await expect(account.client.vectorStores.retrieve(ids.unused.recentOwned)).resolves.toMatchObject({ id: ids.unused.recentOwned });
  });

  it('deletes exactly the ids given, through failures, and reports what it freed', async () => {
    const [store, file] = [ids.unused.idleUntagged, ids.loose.plain];
    const before = { stores: (await listAll(account.client)).stores, files: (await listAll(account.client)).files };
    account.emu.setFaults(`seed=8,500=0.3,drop=0.2,routes=/v1/vector_stores/${store}|/v1/files/${file}`);
    const from = account.emu.log.length;
    let r;
    try {
      r = await account.cli(['audit', '--delete', store, file, '--auto-approve']);
    } finally {
      account.emu.setFaults(undefined);
    }
    expect(r.code, r.stderr).toBe(0);
    const sent = deletes(from);
    expect(new Set(sent.map((e) => e.path))).toEqual(new Set([`/v1/vector_stores/${store}`, `/v1/files/${file}`]));
    // seed 8 draws 500, ok, drop, ok: a server error and a dropped connection, each retried
    expect(sent.filter((e) => e.fault).map((e) => e.fault).sort()).toEqual(['500', 'drop']);
    expect(sent).toHaveLength(4);
    await expect(account.client.vectorStores.retrieve(store)).rejects.toMatchObject({ status: 404 });
    await expect(account.client.files.retrieve(file)).rejects.toMatchObject({ status: 404 });
    const after = await listAll(account.client);
    expect(after.stores.sort()).toEqual(before.stores.filter((id) => id !== store).sort());
    expect(after.files.sort()).toEqual(before.files.filter((id) => id !== file).sort());
    const freed = seed.storeBytes(store) + seed.bytes.get(file)!;
    expect(r.stdout).toContain(`Deleted ${store} (vector store "Forgotten", ${size(seed.storeBytes(store))}).`);
    expect(r.stdout).toContain(`Deleted ${file} (file "orphan.txt", ${size(seed.bytes.get(file)!)}).`);
    expect(r.stdout).toContain(
      `Audit delete complete: 1 vector store and 1 file deleted; freed ${size(freed)}: ${money(perMonth(seed.storeBytes(store), T))}/month of storage, $0.00/month off the bill after the free allowance (prices: prices/openai.json (built in)`,
    );
  });

  it('--format json reports the deletion; a deleted id is no longer listed, so deleting it again is refused', async () => {
    const r = await account.cli(['audit', '--delete', ids.unused.empty, '--auto-approve', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { deleted: { id: string; kind: string; bytes: number }[]; failed: unknown[]; freed: { bytes: number } };
    expect(out.deleted).toEqual([{ id: ids.unused.empty, kind: 'vector_store', bytes: 0, already_gone: false }]);
    expect(out.failed).toEqual([]);
    const again = await account.cli(['audit', '--delete', ids.unused.idleUntagged, '--auto-approve']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`not listed: ${ids.unused.idleUntagged}`);
  });
});

describe('audit on a target without the Assistants API', () => {
  let other: Account;
  const made = { idle60: '', idle40: '', recent: '', recentExpiring: '', loose: '' };
  let s: Seed;
  beforeAll(async () => {
    other = await startAccount({ assistantsApi: false, indexingDelayMs: 1 });
    s = new Seed(other.client);
    made.idle60 = await daysAgo(60, () => s.store({ name: 'Oldest', files: 1, owner: 'shop' }));
    made.idle40 = await daysAgo(40, () => s.store({ name: 'Older', files: 3 }));
    made.recent = await s.store({ name: 'Fresh', files: 1 });
    made.recentExpiring = await s.store({ name: 'Fresh, expiring', files: 1, expires: 10 });
    made.loose = await s.upload('loose.md');
  });
  afterAll(async () => other.close());

  it('says references cannot be seen, and ranks the idle stores by idleness', async () => {
    const r = await other.cli(['audit', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.target.assistants_api).toBe(false);
    expect(report.vector_stores.map((x) => [x.id, x.reasons, x.idle_days])).toEqual([
      [made.idle60, ['idle'], 60],
      [made.idle40, ['idle'], 40],
    ]);
    expect(report.files.map((f) => f.id)).toEqual([made.loose]);
    expect(report.notes.join(' ')).toContain('references from code (Responses API requests) cannot be seen');
    const text = await other.cli(['audit']);
    // the status line: stderr
    expect(text.stderr).toMatch(/^Target: http:\/\/127\.0\.0\.1:\d+\/v1 \(Assistants API not served\); read the account with \d+ list requests\.$/m);
    expect(text.stdout).not.toContain('Target:');
    expect(text.stdout).toContain('most idle first');
    expect(text.stdout).toContain('Note: This target does not serve the Assistants API: references from code (Responses API requests) cannot be seen');
    expect(text.stdout.indexOf(made.idle60)).toBeLessThan(text.stdout.indexOf(made.idle40));
    expect(text.stdout).not.toContain(made.recent);
  });
});

async function listAll(client: OpenAI): Promise<{ stores: string[]; files: string[] }> {
  const stores: string[] = [];
  for await (const v of client.vectorStores.list({ limit: 100 })) stores.push(v.id);
  const files: string[] = [];
  for await (const f of client.files.list({ limit: 10_000 })) files.push(f.id);
  return { stores, files };
}

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
