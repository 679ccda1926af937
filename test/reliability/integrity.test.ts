/**
 * Integrity (issue 14, items 5, 6, 9 and 12), each through the real CLI against the emulator:
 *
 * - the deployment lease: `audit` never lists or deletes one; an apply whose lease is deleted
 *   while it works stops at its next phase and says so (never `Apply complete!`), and the apply
 *   that got in meanwhile is not doubled by it; `Apply complete!` only when the account read again
 *   matches the manifest (an edit made while it ran is reported);
 * - an upload sends exactly the bytes it hashed: a file changed in place between the plan's hash and
 *   its upload (a proxy holds an earlier upload meanwhile) is refused, located, and nothing is
 *   stored under the old hash;
 * - a saved plan made before a manifest edit is refused, naming what changed (a comment is no
 *   change);
 * - a file whose indexing ends `failed` is attached again, at most 3 times, then reported with the
 *   API's last_error; the next apply converges.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, openSync, closeSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LEASE_TAG } from '../../src/targets/lease.js';
import { ATTR_PATH, ATTR_SHA256, TAG_DEPLOYMENT, TAG_RESOURCE } from '../../src/ownership/metadata.js';
import { hasStackTrace, tempProject } from '../helpers/cli.js';
import { API_KEY, copyExample, mutating, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';
import { startHoldProxy } from '../helpers/proxies/hold-proxy.js';

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

const MANIFEST = `version: 1
deployment: integ
vector_stores:
  docs: { name: Docs, files: ["docs/*.md"] }
assistants:
  helper:
    model: gpt-4o
    instructions: Help.
    tools: [{ type: file_search }]
    tool_resources: { file_search: { vector_stores: [docs] } }
`;

function project(manifest = MANIFEST): string {
  return tempProject(
    {
      'assistants.yaml': manifest,
      'docs/a.md': '# A\n\nThe first article, long enough to be changed in place.\n',
      'docs/b.md': '# B\n\nThe second article, long enough to be changed in place.\n',
      'docs/c.md': '# C\n\nThe third article, long enough to be changed in place.\n',
      'docs/d.md': '# D\n\nThe fourth article, long enough to be changed in place.\n',
    },
    'ad-integ-',
  );
}

function copyOf(dir: string): string {
  const to = mkdtempSync(path.join(tmpdir(), 'ad-integ-copy-'));
  cpSync(dir, to, { recursive: true });
  return to;
}

let account: Account | undefined;
afterEach(async () => {
  await account?.close();
  account = undefined;
});

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function leaseIds(a: Account): Promise<string[]> {
  const out: string[] = [];
  for await (const v of a.client.vectorStores.list({ limit: 100 })) if (typeof v.metadata?.[LEASE_TAG] === 'string') out.push(v.id);
  return out;
}

/** Waits until the apply holds its lease and polls indexing (uploads, store and attach done). */
async function indexingWithLease(a: Account): Promise<string> {
  await until('the apply to poll indexing', () => (a.emu.log.some((e) => e.method === 'GET' && e.route === '/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}') ? true : undefined));
  const [lease] = await leaseIds(a);
  expect(lease, 'the apply holds a lease while it polls').toBeDefined();
  return lease!;
}

async function ownedAssistants(a: Account, deployment: string): Promise<string[]> {
  const out: string[] = [];
  for await (const x of a.client.beta.assistants.list({ limit: 100 })) if (x.metadata?.[TAG_DEPLOYMENT] === deployment) out.push(String(x.metadata[TAG_RESOURCE]).split(';')[0]!);
  return out.sort();
}

describe('the deployment lease (item 5)', () => {
  it("audit never lists a running apply's lease, audit --delete and import refuse it; the apply completes", async () => {
    account = await startAccount({ indexingDelayMs: 2_500 });
    const dir = project();
    const apply = account.cli(['apply', '--auto-approve'], { cwd: dir });
    const lease = await indexingWithLease(account);

    const listed = await account.cli(['audit', '--format', 'json'], { cwd: dir });
    expect(listed.code, listed.stderr).toBe(0);
    const report = JSON.parse(listed.stdout) as { vector_stores: { id: string }[]; leases: { id: string; deployment: string }[]; notes: string[] };
    expect(report.vector_stores.map((s) => s.id)).not.toContain(lease);
    expect(report.leases).toEqual([{ id: lease, deployment: 'integ' }]);
    expect(report.notes.join('\n')).toContain('audit never deletes a lease');
    const text = await account.cli(['audit'], { cwd: dir });
    expect(text.stdout).not.toContain(lease);

    const from = account.emu.log.length;
    const refused = await account.cli(['audit', '--delete', lease, '--auto-approve'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: audit --delete deletes only ids this audit lists as unused, and this one is not listed: ${lease} (the lease of deployment "integ": the lock of an apply or destroy, which audit never deletes). Nothing was deleted.`);
    expect(hasStackTrace(refused.stderr)).toBe(false);
    expect(mutating(account.emu, from).filter((e) => e.path.includes(lease) && e.method === 'DELETE')).toEqual([]);
    expect(await leaseIds(account)).toEqual([lease]);
    // nor can it be taken under the manifest as a resource (which prune would then delete)
    const imported = await account.cli(['import', 'vector_store.docs', lease], { cwd: dir });
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain(`error: ${lease} is the lease of deployment "integ" (the lock an apply or destroy holds while it runs), not a resource: it cannot be imported`);
    expect(await leaseIds(account)).toEqual([lease]);

    const done = await apply;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed. Files: 4 uploaded, 4 attached.');
    expect(await leaseIds(account)).toEqual([]);
  }, 60_000);

  it('an apply whose lease is deleted while it works stops at its next phase, says so and never "Apply complete!"; the apply that got in meanwhile is not doubled', async () => {
    account = await startAccount({ indexingDelayMs: 3_000 });
    const dir = project();
    const first = account.cli(['apply', '--auto-approve'], { cwd: dir });
    const lease = await indexingWithLease(account);
    // someone deletes the lease by hand (the dashboard, a script): a second apply gets in at once
    await account.client.vectorStores.delete(lease);
    const second = await account.cli(['apply', '--auto-approve'], { cwd: copyOf(dir) });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');

    const one = await first;
    expect(one.code, one.stdout).toBe(1);
    expect(one.stdout).not.toContain('Apply complete!');
    expect(one.stderr).toMatch(new RegExp(`error: apply lost its lease on deployment "integ" while it ran \\(its lease ${lease} was deleted by another process \\(a waiter that found it stale, or someone by hand\\)\\), so another apply or destroy may have been changing the deployment at the same time; it stopped sending requests`));
    expect(one.stderr).toContain('Done: Resources: 1 added, 0 changed, 0 destroyed. Files: 4 uploaded, 4 attached.');
    expect(one.stderr).toContain('Not done: 1 to add (assistant.helper).');
    expect(one.stderr).toContain('hint: run plan to see where the account stands');
    expect(hasStackTrace(one.stderr)).toBe(false);
    // one assistant: the first apply created none after it lost its lease
    expect(account.emu.log.filter((e) => e.method === 'POST' && e.route === '/v1/assistants')).toHaveLength(1);
    expect(await ownedAssistants(account, 'integ')).toEqual(['helper']);
    const plan = await account.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout).toBe(0);
    expect(await leaseIds(account)).toEqual([]);
  }, 60_000);

  it('"Apply complete!" only when the account read again matches: an edit made while the apply ran is reported', async () => {
    account = await startAccount({ indexingDelayMs: 2_000 });
    const dir = project();
    const apply = account.cli(['apply', '--auto-approve'], { cwd: dir });
    await indexingWithLease(account);
    // the store was made; now it is renamed by hand while the apply waits for its files
    const store = (await account.client.vectorStores.list({ limit: 100 })).data.find((v) => v.metadata?.[TAG_DEPLOYMENT] === 'integ')!;
    await account.client.vectorStores.update(store.id, { name: 'Renamed by hand' });
    const r = await apply;
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('Apply complete!');
    expect(r.stderr).toContain(
      'error: apply made every change it planned (Resources: 2 added, 0 changed, 0 destroyed. Files: 4 uploaded, 4 attached.), but the account does not match the manifest now: Plan: 0 to add, 1 to change, 0 to destroy.',
    );
    expect(r.stderr).toContain('hint: something else changed deployment "integ" while this ran (another apply or destroy, a lease deleted by hand, an edit in the dashboard); run plan to see the difference, then run the same command again');
    // the next apply puts it back
    const again = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
  }, 60_000);
});

describe('uploads send what they hashed (item 6)', () => {
  it('a file changed in place between the plan and its upload is refused, located; nothing is stored under the old hash, and the next apply converges', async () => {
    account = await startAccount();
    const dir = project();
    const before = readFileSync(path.join(dir, 'docs/c.md'));
    // the first upload (a.md: --concurrency 1 uploads in path order) is held by the proxy; c.md
    // has been hashed by the plan and is not read yet
    const proxy = await startHoldProxy(account.emu.url, (method, p) => method === 'POST' && p === '/v1/files');
    try {
      const apply = account.cli(['apply', '--auto-approve', '--concurrency', '1'], { cwd: dir, env: { OPENAI_BASE_URL: proxy.url } });
      await proxy.held;
      const fd = openSync(path.join(dir, 'docs/c.md'), 'r+');
      writeSync(fd, Buffer.from('CHANGED 16 BYTES'), 0, 16, 6); // 16 bytes in place, same size
      closeSync(fd);
      const after = readFileSync(path.join(dir, 'docs/c.md'));
      expect(after.length).toBe(before.length);
      proxy.release();
      const r = await apply;
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).not.toContain('Apply complete!');
      expect(r.stderr).toContain(
        `  file docs/c.md: docs/c.md changed after the plan hashed it (planned sha256 ${sha(before).slice(0, 16)}…, the bytes read for the upload have ${sha(after).slice(0, 16)}…): nothing of it was uploaded; run plan again`,
      );
      expect(r.stderr).toContain('  vector_store.docs docs/c.md: not attached: the upload of docs/c.md failed');
      expect(hasStackTrace(r.stderr)).toBe(false);
    } finally {
      await proxy.close();
    }
    // nothing of c.md under its old hash; every stored file's bytes have its recorded hash
    const uploads = (await account.client.files.list({ purpose: 'assistants' })).data.map((f) => f.filename);
    expect(uploads.some((n) => n.includes(sha(before).slice(0, 16)))).toBe(false);
    expect(uploads.sort()).toEqual([expect.stringMatching(/~a\.md$/), expect.stringMatching(/~b\.md$/), expect.stringMatching(/~d\.md$/)]);
    await expectStoredBytesMatch(account, ['docs/a.md', 'docs/b.md', 'docs/d.md']);

    const again = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Apply complete!');
    await expectStoredBytesMatch(account, ['docs/a.md', 'docs/b.md', 'docs/c.md', 'docs/d.md'], dir);
    const plan = await account.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout).toBe(0);
  }, 60_000);
});

/** Every file of the deployment's store: its bytes (read back from the store) hash to its sha256 attribute (and, with `dir`, to the local file). */
async function expectStoredBytesMatch(a: Account, paths: string[], dir?: string): Promise<void> {
  const store = (await a.client.vectorStores.list({ limit: 100 })).data.find((v) => v.metadata?.[TAG_DEPLOYMENT] === 'integ')!;
  const seen: string[] = [];
  for await (const f of a.client.vectorStores.files.list(store.id, { limit: 100 })) {
    const res = await fetch(`${a.emu.url}/vector_stores/${store.id}/files/${f.id}/content`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const text = ((await res.json()) as { data: { text: string }[] }).data.map((d) => d.text).join('');
    const p = String(f.attributes?.[ATTR_PATH]);
    expect(sha(text), `stored bytes of ${p}`).toBe(f.attributes?.[ATTR_SHA256]);
    if (dir) expect(text, p).toBe(readFileSync(path.join(dir, p), 'utf8'));
    seen.push(p);
  }
  expect(seen.sort()).toEqual(paths);
}

describe('saved plans and manifest edits (item 9)', () => {
  it('a saved plan made before a manifest edit is refused, naming what changed; a comment is no change', async () => {
    account = await startAccount();
    const dir = copyExample('support-bot');
    expect((await account.cli(['plan', '-f', '.', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);
    const prompt = path.join(dir, 'prompts/support.md');
    const original = readFileSync(prompt, 'utf8');

    // an instruction file edited after the plan: the plan would deploy the old text silently
    writeFileSync(prompt, `${original}\nAlways answer in French.\n`);
    let from = account.emu.log.length;
    const edited = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(/error: the saved plan plan\.json is stale: the manifest \(\.\) changed since the plan was made \([^)]+\): assistant\.support changed; so the plan no longer describes it\n/);
    expect(edited.stderr).toContain('hint: run plan again and review the new plan');
    expect(mutating(account.emu, from)).toEqual([]);

    // a manifest value edited, and a resource added
    writeFileSync(prompt, original);
    const yaml = path.join(dir, 'assistants.yaml');
    const manifest = readFileSync(yaml, 'utf8');
    writeFileSync(yaml, `${manifest.replace('temperature: 0.2', 'temperature: 0.3')}  second:\n    model: gpt-4o\n`);
    from = account.emu.log.length;
    const changed = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/the manifest \(\.\) changed since the plan was made \([^)]+\): assistant\.support changed; assistant\.second added; so the plan no longer describes it/);
    expect(mutating(account.emu, from)).toEqual([]);

    // a comment and reformatting are no change: the plan applies as reviewed
    writeFileSync(yaml, `${manifest}\n# reviewed on the pull request\n`);
    const applied = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');

    // a file added under a glob after the plan changes the store it lands in
    expect((await account.cli(['plan', '-f', '.', '--out', 'p2.json'], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, 'docs/billing/late.md'), '# Written after the plan\n');
    const globbed = await account.cli(['apply', 'p2.json', '--auto-approve'], { cwd: dir });
    expect(globbed.code).toBe(1);
    expect(globbed.stderr).toMatch(/: vector_store\.product-docs changed; so the plan no longer describes it/);
  }, 60_000);

  it('a saved plan is checked against the manifest file it was made from, and needs it', async () => {
    account = await startAccount();
    const dir = project();
    writeFileSync(path.join(dir, 'other.yaml'), MANIFEST.replace('instructions: Help.', 'instructions: Other.'));
    expect((await account.cli(['plan', '-f', 'other.yaml', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);
    appendFileSync(path.join(dir, 'other.yaml'), '# only a comment\n');
    const applied = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect((await account.client.beta.assistants.list()).data.map((a) => a.instructions)).toEqual(['Other.']);

    expect((await account.cli(['plan', '-f', 'other.yaml', '--out', 'p2.json'], { cwd: dir })).code).toBe(0);
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'ad-integ-elsewhere-'));
    cpSync(path.join(dir, 'p2.json'), path.join(elsewhere, 'p2.json'));
    const missing = await account.cli(['apply', 'p2.json', '--auto-approve'], { cwd: elsewhere });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: cannot check the saved plan p2.json against the manifest it was made from (other.yaml): manifest not found: other.yaml');
    expect(missing.stderr).toContain('hint: apply a saved plan in the checkout it was made in');
  }, 60_000);
});

describe('failed indexing (item 12)', () => {
  it('a file whose indexing fails is attached again, at most 3 times, then reported with last_error; the next apply converges', async () => {
    account = await startAccount({ faults: 'seed=5,index-fail=1' });
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: integ\nvector_stores:\n  docs: { files: ["docs/*.md"] }\n', 'docs/a.md': '# A\n', 'docs/b.md': '# B\n' });
    const r = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('Apply complete!');
    for (const p of ['docs/a.md', 'docs/b.md']) {
      expect(r.stderr).toContain(`note: indexing of ${p} in vector_store.docs failed (server_error: The file could not be indexed. Please try again.); attaching it again (attempt 2 of 3)`);
      expect(r.stderr).toContain(`note: indexing of ${p} in vector_store.docs failed (server_error: The file could not be indexed. Please try again.); attaching it again (attempt 3 of 3)`);
      expect(r.stderr).toContain(
        `  vector_store.docs ${p}: indexing failed: server_error: The file could not be indexed. Please try again. (attached 3 times, every one failed); it stays attached, marked failed, and the next apply attaches it again`,
      );
    }
    expect(hasStackTrace(r.stderr)).toBe(false);
    const attaches = account.emu.log.filter((e) => e.method === 'POST' && e.route === '/v1/vector_stores/{vector_store_id}/file_batches');
    const detaches = account.emu.log.filter((e) => e.method === 'DELETE' && e.route === '/v1/vector_stores/{vector_store_id}/files/{file_id}');
    expect([attaches.length, detaches.length]).toEqual([3, 4]);

    account.emu.setFaults(undefined);
    const again = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed. Files: 2 attached, 2 detached.');
    const store = (await account.client.vectorStores.list()).data.find((v) => v.metadata?.[TAG_DEPLOYMENT] === 'integ')!;
    expect((await account.client.vectorStores.files.list(store.id)).data.map((f) => f.status)).toEqual(['completed', 'completed']);
    expect((await account.cli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
  }, 60_000);
});
