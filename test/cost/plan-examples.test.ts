/**
 * The storage cost in the plan of every example, on an empty emulator account, in all three
 * formats. Expected figures come from the example's files (their sizes, content deduplicated per
 * store as apply attaches it) and the built-in price table, computed here: the manifest is read with
 * the yaml package and its globs matched against the folder's files listed here, not by the tool.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planValidator } from '../../src/plan/saved.js';
import type { Plan } from '../../src/plan/types.js';
import { REPO } from '../helpers/cli.js';
import { copyExample, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';
import { BUILT_IN, delta, freeBytes, money, perDay, perMonth, size } from './expect.js';

const EXAMPLES = readdirSync(path.join(REPO, 'examples')).filter((d) =>
  statSync(path.join(REPO, 'examples', d, 'assistants.yaml'), { throwIfNoEntry: false })?.isFile(),
);

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Bytes of each distinct content among these files, each file's size read from the disk. */
function distinctBytes(files: string[]): number {
  const seen = new Map<string, number>();
  for (const f of files) seen.set(sha(f), statSync(f).size);
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

/** A manifest glob as the examples write them: `*`, `**` and `?` only (anything else is taken literally). */
function globRegExp(pattern: string): RegExp {
  const tokens: Record<string, string> = { '**/': '(?:[^/]+/)*', '**': '.*', '*': '[^/]*', '?': '[^/]' };
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/|\*\*|\*|\?/g, (t) => tokens[t]!)}$`);
}

/**
 * The example's vector stores and file sets, read here: every *.yaml in the folder merged (as the
 * manifest says), each entry's globs matched against the files under the folder; `!` excludes.
 */
function exampleFiles(dir: string): { stores: Map<string, string[]>; sets: Map<string, string[]> } {
  const all = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => statSync(path.join(dir, f)).isFile());
  const pick = (where: string, patterns: string[]): string[] => {
    const include = patterns.filter((p) => !p.startsWith('!'));
    const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globRegExp(p.slice(1)));
    for (const p of include) expect(all.some((f) => globRegExp(p).test(f)), `${where}: ${p} matches no file`).toBe(true);
    return all.filter((f) => include.some((p) => globRegExp(p).test(f)) && !exclude.some((re) => re.test(f))).map((f) => path.join(dir, f));
  };
  const stores = new Map<string, string[]>();
  const sets = new Map<string, string[]>();
  for (const yml of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const doc = parse(readFileSync(path.join(dir, yml), 'utf8')) as { vector_stores?: Record<string, { files?: string[] }>; file_sets?: Record<string, { files: string[] }> };
    for (const [key, v] of Object.entries(doc.vector_stores ?? {})) stores.set(key, pick(`${yml}: vector_stores.${key}`, v.files ?? []));
    for (const [key, f] of Object.entries(doc.file_sets ?? {})) sets.set(key, pick(`${yml}: file_sets.${key}`, f.files));
  }
  return { stores, sets };
}

interface Expected {
  stores: { address: string; bytes: number }[];
  storeBytes: number;
  fileBytes: number;
}

describe.each(EXAMPLES)('example %s: plan cost on an empty account', (name) => {
  let account: Account;
  let dir: string;
  let want: Expected;
  beforeAll(async () => {
    account = await startAccount();
    dir = copyExample(name);
    const found = exampleFiles(dir);
    const stores = [...found.stores].map(([key, files]) => ({ address: `vector_store.${key}`, bytes: distinctBytes(files) })).sort((a, b) => (a.address < b.address ? -1 : 1));
    want = {
      stores,
      storeBytes: stores.reduce((n, s) => n + s.bytes, 0),
      fileBytes: distinctBytes([...[...found.stores.values()].flat(), ...[...found.sets.values()].flat()]),
    };
    expect(want.fileBytes).toBeGreaterThan(0);
  });
  afterAll(async () => account.close());

  it('json: per store, the deployment, the account and the files, as schemas/plan.schema.json describes', async () => {
    const r = await account.cli(['plan', '-f', '.', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect((await planValidator())(plan)).toEqual([]);
    const cost = plan.cost!;
    expect(cost.prices).toEqual({ file: 'prices/openai.json (built in)', name: 'openai', title: expect.any(String), currency: 'USD', read_at: BUILT_IN.read_at, month_days: BUILT_IN.month_days });
    expect(cost.vector_storage.rate.price).toBe(BUILT_IN.prices.vector_store_storage!.price);
    expect(cost.vector_storage.stores.map((s) => ({ address: s.address, change: s.change, before: s.before.bytes, after: s.after.bytes, local: s.after_from.local_bytes }))).toEqual(
      want.stores.map((s) => ({ address: s.address, change: 'create', before: 0, after: s.bytes, local: s.bytes })),
    );
    for (const s of cost.vector_storage.stores) {
      expect(s.after.per_day).toBeCloseTo(perDay(s.after.bytes, BUILT_IN), 15);
      expect(s.after.per_month).toBeCloseTo(perMonth(s.after.bytes, BUILT_IN), 15);
      expect(s.delta.per_month).toBeCloseTo(perMonth(s.after.bytes, BUILT_IN), 15);
      expect(s.before.per_month).toBe(0);
    }
    const d = cost.vector_storage.deployment;
    expect([d.before.bytes, d.after.bytes, d.delta.bytes]).toEqual([0, want.storeBytes, want.storeBytes]);
    expect(d.delta.per_month).toBeCloseTo(perMonth(want.storeBytes, BUILT_IN), 15);
    // the free allowance is the account's: an empty account stays within it
    const a = cost.vector_storage.account!;
    expect(a).toMatchObject({ total_before_bytes: 0, total_after_bytes: want.storeBytes, other_bytes: 0, free_bytes: freeBytes(BUILT_IN) });
    expect(want.storeBytes).toBeLessThan(freeBytes(BUILT_IN));
    expect([a.before.per_month, a.after.per_month, a.delta.per_month]).toEqual([0, 0, 0]);
    const f = cost.file_storage.deployment;
    expect([f.before.bytes, f.after.bytes]).toEqual([0, want.fileBytes]);
    expect(f.after.per_month).toBeCloseTo(perMonth(want.fileBytes, BUILT_IN, 'file_storage'), 15);
    expect(cost.not_included.join(' ')).toMatch(/token usage.*tool calls/);
  });

  it('text: a line per store with its bytes and cost, the account with its allowance, and the table', async () => {
    const r = await account.cli(['plan', '-f', '.'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toContain(`Storage cost (prices: prices/openai.json (built in): ${'OpenAI API list prices (standard tier, USD)'}, read ${BUILT_IN.read_at}; vector storage ${money(0.1)} per GiB-day, the first 1 GiB free per account; a month is 30 days):`);
    for (const s of want.stores) {
      const line = out.split('\n').find((l) => l.trimStart().startsWith(`${s.address} `));
      expect(line, s.address).toBeDefined();
      expect(line!.trim()).toMatch(
        new RegExp(
          `^${esc(s.address)} +${esc(`new: 0 B -> ${size(s.bytes)} (local file sizes), ${money(perDay(s.bytes, BUILT_IN))}/day, ${money(perMonth(s.bytes, BUILT_IN))}/month (${delta(perMonth(s.bytes, BUILT_IN))}/month)`)}$`,
        ),
      );
    }
    if (want.stores.length === 0) expect(out).toContain('  no vector stores in this deployment');
    else {
      expect(out).toContain(
        `  This deployment's vector storage: 0 B -> ${size(want.storeBytes)}, $0.00 -> ${money(perMonth(want.storeBytes, BUILT_IN))}/month (${delta(perMonth(want.storeBytes, BUILT_IN))}/month) before the free allowance.`,
      );
    }
    expect(out).toContain(`The account's vector storage (every store, free 1 GiB per account applied): 0 B -> ${size(want.storeBytes)}, within the free 1 GiB: $0.00 -> $0.00/month ($0.00/month, $0.00/day).`);
    expect(out).toContain(`  Uploaded files of this deployment: 0 B -> ${size(want.fileBytes)}, $0.00/month (file storage $0.00 per GiB-day in this table).`);
    expect(out).toMatch(/Not included: token usage; tool calls/);
  });

  it('markdown: the cost table and the one-line summary name the table', async () => {
    const r = await account.cli(['plan', '-f', '.', '--format', 'markdown'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const md = r.stdout;
    expect(md).toContain(`Cost: $0.00/month for the account's vector storage ($0.00 -> $0.00/month after the free 1 GiB; prices: prices/openai.json (built in), read ${BUILT_IN.read_at}).`);
    expect(md).toContain(`**Storage cost** (prices: \`prices/openai.json (built in)\``);
    for (const s of want.stores) {
      const m = perMonth(s.bytes, BUILT_IN);
      expect(md).toContain(`| \`${s.address}\` | new | 0 B | ${size(s.bytes)} | ${money(perDay(s.bytes, BUILT_IN))} | ${money(m)} | ${delta(m)} |`);
    }
    if (want.stores.length > 0) {
      const m = perMonth(want.storeBytes, BUILT_IN);
      expect(md).toContain(`| **this deployment** (no allowance) | | 0 B | ${size(want.storeBytes)} | ${money(perDay(want.storeBytes, BUILT_IN))} | ${money(m)} | ${delta(m)} |`);
      expect(md).toContain(`| **the account** (free 1 GiB applied) | | 0 B | ${size(want.storeBytes)} | $0.00 | $0.00 | $0.00 |`);
    } else {
      expect(md).toContain('No vector stores in this deployment.');
    }
    expect(md).toContain(`Uploaded files of this deployment: 0 B -> ${size(want.fileBytes)}, $0.00/month`);
  });
});

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
