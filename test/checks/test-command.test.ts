/**
 * `assistants-deploy test` through the real CLI against the emulator (its lexical search): the
 * support-bot example's checks pass after its apply, with one search per check and the plan's list
 * reads; a glob narrowed to drop an expected file fails that check, named in every format, and
 * is a located error for validate and plan; --baseline lists exactly the checks that regressed;
 * bad checks are located errors with nothing sent. Adversarial: another deployment with a store
 * of the same name and files, a hand-made store of that name, a file whose attributes were edited
 * by hand, lost answers and 500s mid-suite, and a bad baseline.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportValidator } from '../../src/checks/report-file.js';
import type { TestReport } from '../../src/checks/types.js';
import { hasStackTrace, REPO } from '../helpers/cli.js';
import { copyExample, mutating, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

const SEARCH = '/v1/vector_stores/{vector_store_id}/search';
const TWO_FACTOR = 'product-docs/two-factor recovery';
const ALL = ['product-docs/refunds', TWO_FACTOR, 'product-docs/locked account', 'product-docs/getting started'];

let account: Account;
let validate: (data: unknown) => string[];
beforeAll(async () => {
  account = await startAccount();
  validate = await reportValidator();
});
afterAll(async () => account.close());

const searches = (from: number) => account.emu.log.slice(from).filter((e) => e.route === SEARCH);

async function deployed(name = 'support-bot', edit?: (manifest: string) => string): Promise<string> {
  const dir = copyExample(name);
  if (edit) writeFileSync(path.join(dir, 'assistants.yaml'), edit(readFileSync(path.join(dir, 'assistants.yaml'), 'utf8')));
  const applied = await account.cli(['apply', '--auto-approve', '-q'], { cwd: dir });
  expect(applied.code, applied.stderr).toBe(0);
  return dir;
}

async function jsonReport(dir: string, extra: string[] = []): Promise<{ code: number; report: TestReport; stderr: string }> {
  const r = await account.cli(['test', '--format', 'json', ...extra], { cwd: dir });
  expect(r.stdout, r.stderr).not.toBe('');
  const report = JSON.parse(r.stdout) as TestReport;
  expect(validate(report)).toEqual([]);
  return { code: r.code, report, stderr: r.stderr };
}

const narrow = (text: string) => text.replace('      - "docs/**/*.md"\n', '      - "docs/billing/*.md"\n      - "docs/troubleshooting/*.md"\n      - "docs/*.md"\n');
const statuses = (r: TestReport) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));
const storeIdOf = async (deployment: string) =>
  (await account.client.vectorStores.list({ limit: 100 })).data.find((v) => v.metadata?.['assistants-deploy.deployment'] === deployment)!.id;

describe('test: a passing suite', () => {
  it('support-bot after its apply: every check passes, one search per check on the deployed store, nothing written', async () => {
    const dir = await deployed();
    const storeId = await storeIdOf('support-bot');
    const from = account.emu.log.length;
    const text = await account.cli(['test'], { cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    for (const id of ALL) expect(text.stdout).toContain(`PASS  ${id}  (first expected at rank 1 of the top`);
    expect(text.stdout).toMatch(/\n {5}1\. 0\.\d{4} {2}docs\/billing\/refunds\.md {2}\(expected\)\n/);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('Test passed: 4 of 4 checks passed (hit rate at k 1, MRR 1).');
    expect(text.stdout).not.toContain('Note: a plan shows changes pending');
    expect(text.stderr).toMatch(/Read the account with \d+ list requests; 4 search requests\./);
    const sent = searches(from);
    expect(sent.map((e) => e.path)).toEqual(Array(4).fill(`/v1/vector_stores/${storeId}/search`));
    expect(mutating(account.emu, from).filter((e) => e.route !== SEARCH)).toEqual([]);

    const { code, report } = await jsonReport(dir);
    expect(code).toBe(0);
    expect(report).toMatchObject({ deployment: 'support-bot', ok: true, pending_changes: null, requests: { search: 4 }, thresholds: { hit_rate: 1, mrr: 0.75 }, baseline: null });
    expect(report.figures).toEqual({ checks: 4, passed: 4, failed: 0, errors: 0, hit_rate: 1, mrr: 1 });
    expect(report.checks.map((c) => [c.id, c.vector_store_id, c.k, c.rank])).toEqual([
      ['product-docs/refunds', storeId, 3, 1],
      [TWO_FACTOR, storeId, 3, 1],
      ['product-docs/locked account', storeId, 3, 1],
      ['product-docs/getting started', storeId, 5, 1],
    ]);
    // every result is named by the manifest path its attributes carry, within k
    for (const c of report.checks) {
      expect(c.results.length).toBeLessThanOrEqual(c.k);
      for (const r of c.results) expect(r.path).toMatch(/^docs\/(?!drafts\/)/);
    }
    expect(report.checks[0]!.loc).toEqual({ file: 'assistants.yaml', line: expect.any(Number), col: expect.any(Number) });
  });
});

describe('test: the examples', () => {
  it('every example with a vector store declares checks (support-bot one per part of its docs tree), and they pass after its apply', async () => {
    const examples = readdirSync(path.join(REPO, 'examples')).filter((e) => existsSync(path.join(REPO, 'examples', e, 'assistants.yaml')));
    expect(examples.sort()).toEqual(['data-analyst', 'foundry-agent', 'order-desk', 'staged-rollout', 'support-bot']);
    const checked: Record<string, string[]> = {};
    for (const name of examples) {
      const dir = copyExample(name);
      const v = await account.cli(['validate', '-f', '.', '--format', 'json'], { cwd: dir });
      const stores = (JSON.parse(v.stdout) as { environments: { counts: { vector_stores: number } }[] }).environments[0]!.counts.vector_stores;
      if (stores === 0) continue;
      expect((await account.cli(['apply', '-f', '.', '--auto-approve', '-q'], { cwd: dir })).code).toBe(0);
      const { code, report } = await jsonReport(dir, ['-f', '.']);
      expect(code, name).toBe(0);
      expect(report.pending_changes).toBeNull();
      expect(report.figures.failed + report.figures.errors).toBe(0);
      checked[name] = report.checks.map((c) => c.id);
      if (name === 'support-bot') {
        const parts = new Set(report.checks.flatMap((c) => c.expect).map((p) => p.split('/').slice(0, 2).join('/')));
        for (const part of ['docs/account', 'docs/billing', 'docs/troubleshooting']) expect(parts).toContain(part);
      }
    }
    expect(Object.keys(checked).sort()).toEqual(['foundry-agent', 'order-desk', 'staged-rollout', 'support-bot']);
    expect(checked['support-bot']!.length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});

describe('test: a suite broken by a manifest change', () => {
  it('a glob narrowed so it drops the expected file: exit 1 with that check named in every format; validate and plan locate it', async () => {
    const dir = await deployed();
    writeFileSync(path.join(dir, 'assistants.yaml'), narrow(readFileSync(path.join(dir, 'assistants.yaml'), 'utf8')));
    const located = /^assistants\.yaml:\d+:\d+: vector_stores\.product-docs\.checks\[1\]\.expect\[0\]: "docs\/account\/two-factor\.md" is not one of vector_store\.product-docs's files; an expected path must be a file the store's `files` match \(they are: docs\/billing\/invoices\.md, /m;

    const text = await account.cli(['test'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(hasStackTrace(text.stderr)).toBe(false);
    expect(text.stdout).toContain(`FAIL  ${TWO_FACTOR}`);
    expect(text.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toHaveLength(1);
    expect(text.stdout.split('\n').find((l) => l.startsWith('        - '))!.slice(10)).toMatch(located);
    // the store still holds the file: the report says it tested the account, not the manifest
    expect(text.stdout).toContain('Note: a plan shows changes pending to vector_store.product-docs (Plan: 0 to add, 1 to change, 0 to destroy. Files: 1 to detach, 1 to delete.), so this tested the account as it is, not the manifest');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('Test failed: 1 of 4 checks failed; hit rate at k 0.75 is below 1 (hit rate at k 0.75, MRR 1).');

    const { code, report } = await jsonReport(dir);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(statuses(report)).toEqual({ [ALL[0]!]: 'pass', [TWO_FACTOR]: 'fail', [ALL[2]!]: 'pass', [ALL[3]!]: 'pass' });
    expect(report.checks[1]!.reasons[0]).toMatch(located);
    expect(report.pending_changes).toEqual({ summary: 'Plan: 0 to add, 1 to change, 0 to destroy. Files: 1 to detach, 1 to delete.', addresses: ['vector_store.product-docs'] });
    expect(report.gates).toEqual([
      { figure: 'hit_rate', threshold: 1, value: 0.75, ok: false },
      { figure: 'mrr', threshold: 0.75, value: 1, ok: true },
    ]);

    const md = await account.cli(['test', '--format', 'markdown'], { cwd: dir });
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('**Test failed: 1 of 4 checks failed; hit rate at k 0.75 is below 1 (hit rate at k 0.75, MRR 1).**');
    // failed checks first in the table
    expect(md.stdout).toContain("|---|---|---|---|---|---|\n| ❌ | `product-docs/two-factor recovery` | I lost my phone, how do I get past two-factor authentication? | `docs/account/two-factor.md`, not `docs/drafts/` | 1 |");
    expect(md.stdout).toContain('> [!WARNING]\n> a plan shows changes pending to vector_store.product-docs');

    const junit = await account.cli(['test', '--format', 'junit'], { cwd: dir });
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('<testsuites name="assistants-deploy test support-bot" tests="6" failures="2" errors="0">');
    expect(junit.stdout).toMatch(/<testcase name="two-factor recovery" classname="support-bot\.product-docs">\n {6}<failure type="retrieval" message="assistants\.yaml:\d+:\d+: vector_stores\.product-docs\.checks\[1\]\.expect\[0\]: &quot;docs\/account\/two-factor\.md&quot; is not one of/);
    expect(junit.stdout).toContain('<testcase name="hit_rate &gt;= 1" classname="support-bot.thresholds">\n      <failure type="threshold"');
    expect(junit.stdout.match(/<failure /g)).toHaveLength(2);

    // the manifest itself: validate and plan refuse it with the located error, nothing sent
    const from = account.emu.log.length;
    const v = await account.cli(['validate'], { cwd: dir });
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(located);
    const plan = await account.cli(['plan'], { cwd: dir });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(located);
    expect(mutating(account.emu, from)).toEqual([]);
  });
});

describe('test --baseline', () => {
  it('lists exactly the checks that regressed since an earlier JSON report', async () => {
    const dir = await deployed();
    const first = await account.cli(['test', '-q', '--json', 'before.json'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('Test passed: 4 of 4 checks passed (hit rate at k 1, MRR 1).\n');
    // one check regresses (its file leaves the store), one is added, one is renamed (removed + added)
    let manifest = narrow(readFileSync(path.join(dir, 'assistants.yaml'), 'utf8'));
    manifest = manifest.replace('      - name: getting started\n', '      - name: invite teammates\n');
    manifest = manifest.replace('      - name: refunds\n', '      - name: invoices\n        query: Where do I find my invoices?\n        expect: [docs/billing/invoices.md]\n      - name: refunds\n');
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest);

    const { code, report } = await jsonReport(dir, ['--baseline', 'before.json']);
    expect(code).toBe(1);
    expect(report.baseline).toEqual({
      file: 'before.json',
      created_at: (JSON.parse(readFileSync(path.join(dir, 'before.json'), 'utf8')) as TestReport).created_at,
      regressed: [TWO_FACTOR],
      fixed: [],
      added: ['product-docs/invoices', 'product-docs/invite teammates'],
      removed: ['product-docs/getting started'],
      figures: { hit_rate: { before: 1, after: 0.8 }, mrr: { before: 1, after: 1 } },
    });
    const text = await account.cli(['test', '--baseline', 'before.json'], { cwd: dir });
    expect(text.stdout).toMatch(/\nCompared with before\.json \(\S+\): 1 regressed: product-docs\/two-factor recovery\.\n/);
    const quiet = await account.cli(['test', '-q', '--baseline', 'before.json'], { cwd: dir });
    expect(quiet.stdout).toMatch(/^Compared with before\.json \(\S+\): 1 regressed: product-docs\/two-factor recovery\.\nTest failed: /);
    const md = await account.cli(['test', '--format', 'markdown', '--baseline', 'before.json'], { cwd: dir });
    expect(md.stdout).toContain('❌ **1 regressed:** `product-docs/two-factor recovery`');

    // back to the manifest of the baseline: nothing regressed
    writeFileSync(path.join(dir, 'assistants.yaml'), readFileSync(path.join(copyExample('support-bot'), 'assistants.yaml'), 'utf8'));
    const again = await jsonReport(dir, ['--baseline', 'before.json']);
    expect(again.code).toBe(0);
    expect(again.report.baseline).toMatchObject({ regressed: [], fixed: [], added: [], removed: [] });
  });

  it('a baseline that is missing, not JSON or not a test report: exit 1 with a hint, no search sent', async () => {
    const dir = copyExample('support-bot');
    writeFileSync(path.join(dir, 'broken.json'), '{"format_version": "1", "checks": 3}');
    writeFileSync(path.join(dir, 'plan.json'), '{"format_version": "1.2"}');
    writeFileSync(path.join(dir, 'text.json'), 'Test passed');
    const from = account.emu.log.length;
    const cases: [string, RegExp][] = [
      ['missing.json', /^error: cannot read the baseline missing\.json: ENOENT\n/],
      ['text.json', /^error: the baseline text\.json is not JSON: /],
      ['plan.json', /^error: the baseline plan\.json is not a test report this version understands \(format_version "1\.2", expected "1"\)\n/],
      ['broken.json', /^error: the baseline broken\.json is not a valid test report: \(root\) must have required property/],
    ];
    for (const [file, message] of cases) {
      const r = await account.cli(['test', '--baseline', file], { cwd: dir });
      expect(r.code, file).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('hint: give the JSON report of an earlier run: assistants-deploy test --format json --out FILE');
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    expect(account.emu.log.slice(from)).toEqual([]);
  });
});

describe('test: bad checks are located errors, nothing sent', () => {
  it('a typo in an expected path (did you mean), a duplicate name, an eval of an unknown assistant, a bad regex, k out of range', async () => {
    const dir = copyExample('support-bot');
    let manifest = readFileSync(path.join(dir, 'assistants.yaml'), 'utf8');
    manifest = manifest.replace('expect: [docs/billing/refunds.md]', 'expect: [docs/billing/refund.md]');
    manifest = manifest.replace('      - name: locked account\n', '      - name: refunds\n');
    manifest = manifest.replace('    assistant: support\n    description: A sync', '    assistant: suport\n    description: A sync');
    manifest = manifest.replace('value: "refunds\\\\.md"', 'value: "refunds(\\\\.md"');
    manifest = manifest.replace('        expect: [docs/getting-started.md]\n', '        expect: [docs/getting-started.md]\n        k: 99\n');
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest);
    const from = account.emu.log.length;
    const schema = await account.cli(['test'], { cwd: dir });
    expect(schema.code).toBe(1);
    expect(schema.stderr).toMatch(/^assistants\.yaml:\d+:\d+: vector_stores\.product-docs\.checks\[3\]\.k: must be at most 50/m);
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest.replace('        k: 99\n', ''));
    const r = await account.cli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^assistants\.yaml:\d+:\d+: vector_stores\.product-docs\.checks\[0\]\.expect\[0\]: "docs\/billing\/refund\.md" is not one of vector_store\.product-docs's files \(did you mean "docs\/billing\/refunds\.md"\?\); /),
      expect.stringMatching(/^assistants\.yaml:\d+:\d+: vector_stores\.product-docs\.checks\[2\]\.name: a second check named "refunds" in vector_store\.product-docs; give each check of a store its own `name`/),
      expect.stringMatching(/^assistants\.yaml:\d+:\d+: evals\.refund-answer\.assert\[1\]\.value: is not a regular expression promptfoo can use: /),
      expect.stringMatching(/^assistants\.yaml:\d+:\d+: evals\.sync-answer\.assistant: no assistants entry named "suport" \(did you mean "support"\?\); defined: support$/),
      '4 problems found; nothing was sent to the API.',
    ]);
    const t = await account.cli(['test'], { cwd: dir });
    expect(t.code).toBe(1);
    // test keeps an expected path outside the store as its check's failure, but the rest still stops it
    expect(t.stderr).toContain('a second check named "refunds"');
    expect(t.stderr).not.toContain('is not one of vector_store');
    expect(mutating(account.emu, from)).toEqual([]);
    expect(account.emu.log.slice(from).filter((e) => e.route === SEARCH)).toEqual([]);
  });

  it('a filter on an attribute no file has is a warning; a manifest without checks has nothing to test', async () => {
    const dir = copyExample('support-bot');
    const manifest = readFileSync(path.join(dir, 'assistants.yaml'), 'utf8');
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest.replace('key: source, value: help-center', 'key: sorce, value: help-center'));
    const v = await account.cli(['validate'], { cwd: dir });
    expect(v.code).toBe(0);
    expect(v.stderr).toMatch(/^assistants\.yaml:\d+:\d+: vector_stores\.product-docs\.checks\[2\]\.filters\.key: warning: no file of vector_store\.product-docs has the attribute "sorce" \(did you mean "source"\?\), so this filter matches no file; /m);
    const bare = copyExample('data-analyst');
    const r = await account.cli(['test'], { cwd: bare });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the manifest declares no retrieval checks (deployment "data-analyst"), so there is nothing to test\nhint: add checks to a vector store');
  });
});

describe('test: adversarial accounts', () => {
  it('another deployment with a store of the same name and files, and a hand-made one: only this deployment\'s store is searched', async () => {
    const dir = await deployed();
    const mine = await storeIdOf('support-bot');
    await deployed('support-bot', (m) => m.replace('deployment: support-bot', 'deployment: support-bot-twin'));
    const twin = await storeIdOf('support-bot-twin');
    const hand = await account.client.vectorStores.create({ name: 'Acme product documentation', metadata: { 'assistants-deploy.resource': 'product-docs;x' } });
    // the twin's copy of the expected file goes: its test fails, ours does not notice
    const twinFiles = await account.client.vectorStores.files.list(twin, { limit: 100 });
    const twoFactor = twinFiles.data.find((f) => f.attributes?.['assistants-deploy.path'] === 'docs/account/two-factor.md')!;
    await account.client.vectorStores.files.delete(twoFactor.id, { vector_store_id: twin });
    const from = account.emu.log.length;
    const { code, report } = await jsonReport(dir);
    expect(code).toBe(0);
    expect(new Set(searches(from).map((e) => e.path))).toEqual(new Set([`/v1/vector_stores/${mine}/search`]));
    expect(report.checks.every((c) => c.vector_store_id === mine)).toBe(true);
    expect(searches(from).some((e) => e.path.includes(hand.id) || e.path.includes(twin))).toBe(false);
  });

  it('a file whose attributes were edited by hand: the report shows the account as it is, the check fails, apply puts it back', async () => {
    const dir = await deployed();
    const storeId = await storeIdOf('support-bot');
    const files = await account.client.vectorStores.files.list(storeId, { limit: 100 });
    const refunds = files.data.find((f) => f.attributes?.['assistants-deploy.path'] === 'docs/billing/refunds.md')!;
    await account.client.vectorStores.files.update(refunds.id, { vector_store_id: storeId, attributes: { ...refunds.attributes, 'assistants-deploy.path': 'docs/billing/moved.md' } });
    const { code, report } = await jsonReport(dir);
    expect(code).toBe(1);
    const check = report.checks.find((c) => c.id === 'product-docs/refunds')!;
    expect(check.status).toBe('fail');
    expect(check.results[0]).toMatchObject({ rank: 1, path: 'docs/billing/moved.md', file_id: refunds.id, expected: false });
    expect(check.reasons).toEqual(['docs/billing/refunds.md is not within the top 3']);
    expect(report.pending_changes?.addresses).toEqual(['vector_store.product-docs']);
    // attributes dropped altogether: the result has no path, and the text says so
    await account.client.vectorStores.files.update(refunds.id, { vector_store_id: storeId, attributes: {} });
    const text = await account.cli(['test'], { cwd: dir });
    expect(text.stdout).toMatch(/ {5}1\. 0\.\d{4} {2}ad~support-bot~[0-9a-f]+~refunds\.md \(no assistants-deploy\.path attribute\)\n/);
    expect((await account.cli(['apply', '--auto-approve', '-q'], { cwd: dir })).code).toBe(0);
    expect((await account.cli(['test', '-q'], { cwd: dir })).code).toBe(0);
  });

  it('lost answers and 500s mid-suite are retried; a search that keeps failing is that check\'s error, exit 1', async () => {
    const dir = await deployed();
    account.emu.setFaults('seed=5,500=0.3,drop=0.3,routes=/v1/vector_stores/*/search');
    try {
      const from = account.emu.log.length;
      const { code, report } = await jsonReport(dir);
      expect(code).toBe(0);
      expect(report.figures.passed).toBe(4);
      const sent = searches(from);
      expect(sent.filter((e) => e.fault).length).toBeGreaterThan(0);
      expect(report.requests.search).toBe(sent.length);
      expect(sent.filter((e) => e.status === 200)).toHaveLength(4);

      account.emu.setFaults('500=1,routes=/v1/vector_stores/*/search');
      const failing = await jsonReport(dir);
      expect(failing.code).toBe(1);
      expect(failing.report.figures).toMatchObject({ checks: 4, passed: 0, errors: 4 });
      expect(failing.report.requests.search).toBe(24);
      for (const c of failing.report.checks) expect(c.error).toMatch(/^searching vector_store\.product-docs: .+: the API answered 500: /);
      const junit = await account.cli(['test', '--format', 'junit'], { cwd: dir });
      expect(junit.stdout.match(/<error type="search" message="searching vector_store\.product-docs: /g)).toHaveLength(4);
      expect(junit.stdout).toContain('errors="4"');
    } finally {
      account.emu.setFaults('');
    }
  }, 60_000);
});
