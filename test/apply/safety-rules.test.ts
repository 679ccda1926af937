/**
 * The protection and ownership rules (DESIGN.md, issue 14 items 1-4), through the real CLI against
 * the emulator:
 *   1. deleting an upload that a vector store outside the deployment holds (hand-made, or another
 *      deployment's) is a conflict: shown by plan, refused by apply and destroy unless
 *      --allow-conflicts; the check's requests are counted, and cost the cheaper of lookups and pages;
 *   2. a file set's `protect: true` keeps its uploads: content change, file dropped, block removed,
 *      destroy are refused, until an apply with `protect: false` has gone through;
 *   3. protection is recorded on the live assistant or store, so removing the block is refused too;
 *   4. the mass-delete gate covers the files of each store;
 *   (and audit --delete refuses what is protected, for the same rule);
 * and what other deployments and hand-made objects with our names own is never touched.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAG_DEPLOYMENT, TAG_RESOURCE } from '../../src/ownership/metadata.js';
import { tempProject } from '../helpers/cli.js';
import { mutating, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

let account: Account;
beforeEach(async () => {
  account = await startAccount();
});
afterEach(async () => account.close());

interface JsonPlan {
  conflicts: { address: string; id: string; used_by: string; used_by_type?: string; used_by_deployment: string | null; message: string }[];
  file_deletions: { file_id: string; filename: string; reason: string; protect?: boolean }[];
  resource_changes: { address: string; actions: string[]; protect: boolean; field_changes: { field: string; before: unknown; after: unknown }[] }[];
  read: { requests: number; minimumPages: number; foreign_check?: { uploads: number; stores: number; lookups: number; pages: number } };
}

async function planJson(dir: string, args: string[] = []): Promise<JsonPlan> {
  const r = await account.cli(['plan', '--format', 'json', ...args], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonPlan;
}

/** The deployment's upload whose name ends with `~<basename>`. */
async function upload(deployment: string, basename: string) {
  const files = (await account.client.files.list({ purpose: 'assistants', limit: 10_000 })).data;
  const found = files.filter((f) => f.filename.split('~')[1] === deployment && f.filename.endsWith(`~${basename}`));
  expect(found.length, `uploads of ${basename}: ${files.map((f) => f.filename).join(', ')}`).toBe(1);
  return found[0]!;
}

async function storeFileIds(storeId: string): Promise<string[]> {
  return (await account.client.vectorStores.files.list(storeId, { limit: 100 })).data.map((f) => f.id);
}

const write = (dir: string, rel: string, text: string) => writeFileSync(path.join(dir, rel), text);

describe('1. an upload held by a vector store the deployment does not own', () => {
  const manifest = 'version: 1\ndeployment: dep-a\nvector_stores:\n  kb: { name: Knowledge, files: ["p.md", "q.md"] }\n';

  /** dep-a deployed; p.md's upload also in a hand-made store (named like ours, searched by a hand-made assistant), q.md's in dep-b's store of the same key and name. */
  async function setUp() {
    const dir = tempProject({ 'assistants.yaml': manifest, 'p.md': '# p\n', 'q.md': '# q\n' });
    const first = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const c = account.client;
    const p = await upload('dep-a', 'p.md');
    const q = await upload('dep-a', 'q.md');
    const hand = await c.vectorStores.create({ name: 'Knowledge' });
    await c.vectorStores.files.create(hand.id, { file_id: p.id });
    const searcher = await c.beta.assistants.create({ model: 'gpt-4o', name: 'Knowledge', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [hand.id] } } });
    const theirs = await c.vectorStores.create({ name: 'Knowledge', metadata: { [TAG_DEPLOYMENT]: 'dep-b', [TAG_RESOURCE]: 'kb;v1;' } });
    await c.vectorStores.files.create(theirs.id, { file_id: q.id });
    return { dir, p, q, hand, searcher, theirs };
  }

  it('a content change that deletes them shows the conflicts in every format; apply refuses, --allow-conflicts is the way through', async () => {
    const { dir, p, q, hand, searcher, theirs } = await setUp();
    write(dir, 'p.md', '# p, edited\n');
    write(dir, 'q.md', '# q, edited\n');

    const plan = await planJson(dir);
    expect(plan.file_deletions.map((d) => d.file_id).sort()).toEqual([p.id, q.id].sort());
    const conflicts = plan.conflicts.map(({ address, id, used_by, used_by_type, used_by_deployment, message }) => ({ address, id, used_by, used_by_type, used_by_deployment, message }));
    expect(conflicts).toHaveLength(2);
    expect(conflicts).toContainEqual({
      address: `file ${p.filename}`,
      id: p.id,
      used_by: hand.id,
      used_by_type: 'vector_store',
      used_by_deployment: null,
      message: 'the plan deletes it, and a vector store no deployment manages holds it (deleting a file removes it from every store)',
    });
    expect(conflicts).toContainEqual({
      address: `file ${q.filename}`,
      id: q.id,
      used_by: theirs.id,
      used_by_type: 'vector_store',
      used_by_deployment: 'dep-b',
      message: 'the plan deletes it, and a vector store of deployment "dep-b" holds it (deleting a file removes it from every store)',
    });
    // two foreign stores of one file each, two uploads to check: one page each beats two lookups each
    expect(plan.read.foreign_check).toEqual({ uploads: 2, stores: 2, lookups: 0, pages: 2 });

    const text = await account.cli(['plan', '--no-color'], { cwd: dir });
    expect(text.stdout).toContain('Conflicts (apply refuses them without --allow-conflicts):');
    expect(text.stdout).toContain(`  ! file ${p.filename} (${p.id}) is used by ${hand.id}: the plan deletes it, and a vector store no deployment manages holds it`);
    expect(text.stdout).toContain(`  ! file ${q.filename} (${q.id}) is used by ${theirs.id}: the plan deletes it, and a vector store of deployment "dep-b" holds it`);
    expect(text.stderr).toMatch(/Read the account with \d+ requests \(\d+ list requests, and 2 to check 2 vector stores outside the deployment for the 2 uploads the plan deletes\)\./);
    const markdown = await account.cli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(markdown.stdout).toContain(`- \`file ${p.filename}\` (\`${p.id}\`) is used by \`${hand.id}\`: the plan deletes it, and a vector store no deployment manages holds it`);

    const from = account.emu.log.length;
    const refused = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: refusing to apply: the plan deletes or replaces what assistants or vector stores outside this deployment use: ');
    expect(refused.stderr).toContain(`file ${p.filename} (${p.id}, used by ${hand.id})`);
    expect(refused.stderr).toContain(`file ${q.filename} (${q.id}, used by ${theirs.id} of deployment "dep-b")`);
    expect(refused.stderr).toContain('hint: detach them there first (from those assistants or vector stores); or, if breaking them is intended, rerun with --allow-conflicts');
    expect(mutating(account.emu, from)).toEqual([]);
    expect(await storeFileIds(hand.id)).toEqual([p.id]);

    // --allow-mass-delete is not the way through; --allow-conflicts is
    expect((await account.cli(['apply', '--auto-approve', '--allow-mass-delete'], { cwd: dir })).code).toBe(1);
    const allowed = await account.cli(['apply', '--auto-approve', '--allow-conflicts'], { cwd: dir });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('Files: 2 uploaded, 2 attached, 2 detached, 2 deleted.');
    // the stores and the assistant outside the deployment are still there, only the files are gone
    expect(await storeFileIds(hand.id)).toEqual([]);
    expect(await storeFileIds(theirs.id)).toEqual([]);
    await expect(account.client.beta.assistants.retrieve(searcher.id)).resolves.toMatchObject({ name: 'Knowledge' });
    await expect(account.client.vectorStores.retrieve(theirs.id)).resolves.toMatchObject({ metadata: { [TAG_DEPLOYMENT]: 'dep-b' } });
    expect((await account.cli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
  });

  it('destroy refuses them too, and --allow-conflicts lets it through without touching those stores', async () => {
    const { dir, p, q, hand, theirs } = await setUp();
    const from = account.emu.log.length;
    const refused = await account.cli(['destroy', '--auto-approve'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Conflicts (destroy refuses them without --allow-conflicts):');
    expect(refused.stderr).toContain('error: refusing to destroy: the plan deletes or replaces what assistants or vector stores outside this deployment use: ');
    expect(refused.stderr).toContain(`file ${p.filename} (${p.id}, used by ${hand.id})`);
    expect(refused.stderr).toContain(`file ${q.filename} (${q.id}, used by ${theirs.id} of deployment "dep-b")`);
    expect(mutating(account.emu, from)).toEqual([]);

    const allowed = await account.cli(['destroy', '--auto-approve', '--allow-conflicts'], { cwd: dir });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('Destroy complete! Resources: 0 added, 0 changed, 1 destroyed. Files: 2 deleted.');
    const deletes = mutating(account.emu, from).filter((e) => e.method === 'DELETE').map((e) => e.path);
    expect(deletes.some((x) => x.includes(hand.id) || x.includes(theirs.id))).toBe(false);
    await expect(account.client.vectorStores.retrieve(hand.id)).resolves.toMatchObject({ name: 'Knowledge' });
    await expect(account.client.vectorStores.retrieve(theirs.id)).resolves.toMatchObject({ name: 'Knowledge' });
  });

  it('a saved plan goes stale when a store outside the deployment starts holding an upload it deletes', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest, 'p.md': '# p\n', 'q.md': '# q\n' });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const p = await upload('dep-a', 'p.md');
    // a store outside the deployment with a file of its own: the plan checks it, and finds nothing
    const hand = await account.client.vectorStores.create({ name: 'Knowledge' });
    const own = await account.client.files.create({ file: new File(['# mine\n'], 'mine.md'), purpose: 'assistants' });
    await account.client.vectorStores.files.create(hand.id, { file_id: own.id });
    write(dir, 'p.md', '# p, edited\n');
    const planned = await account.cli(['plan', '--out', 'plan.json'], { cwd: dir });
    expect(planned.code, planned.stderr).toBe(0);
    expect((JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as JsonPlan).conflicts).toEqual([]);

    await account.client.vectorStores.files.create(hand.id, { file_id: p.id });
    const from = account.emu.log.length;
    const stale = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('error: the saved plan plan.json is stale');
    expect(mutating(account.emu, from)).toEqual([]);
    expect(await storeFileIds(hand.id)).toEqual(expect.arrayContaining([p.id, own.id]));

    // without that use, the same kind of plan applies exactly
    await account.client.vectorStores.files.delete(p.id, { vector_store_id: hand.id });
    expect((await account.cli(['plan', '--out', 'plan2.json'], { cwd: dir })).code).toBe(0);
    const applied = await account.cli(['apply', 'plan2.json', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(await storeFileIds(hand.id)).toEqual([own.id]);
  });

  it('the check costs, per store, the cheaper of one lookup per deleted upload and its file pages; a plan deleting no upload checks nothing', async () => {
    const files: Record<string, string> = { 'assistants.yaml': 'version: 1\ndeployment: dep-a\nvector_stores:\n  kb: { files: ["kb/*.md"] }\n' };
    for (let i = 0; i < 6; i++) files[`kb/doc${i}.md`] = `# doc ${i}\n`;
    const dir = tempProject(files);
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const c = account.client;
    // a hand-made store of 250 files (3 pages) and another deployment's store of 3 files (1 page)
    const big = await c.vectorStores.create({ name: 'big' });
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) ids.push((await c.files.create({ file: new File([`# other ${i}\n`], `other${i}.md`), purpose: 'assistants' })).id);
    await c.vectorStores.fileBatches.create(big.id, { file_ids: ids });
    const small = await c.vectorStores.create({ name: 'small', metadata: { [TAG_DEPLOYMENT]: 'dep-b', [TAG_RESOURCE]: 'small;v1;' } });
    await c.vectorStores.fileBatches.create(small.id, { file_ids: ids.slice(0, 3) });
    const routes = (from: number) => account.emu.log.slice(from).map((e) => `${e.method} ${e.route}${e.path.includes(big.id) ? ' big' : e.path.includes(small.id) ? ' small' : ''}`);

    // no upload deleted: no check
    let from = account.emu.log.length;
    const noop = await planJson(dir);
    expect(noop.read.foreign_check).toBeUndefined();
    expect(routes(from).filter((r) => r.includes('big') || r.includes('small'))).toEqual([]);
    expect(noop.read.requests).toBe(account.emu.log.length - from);

    // one upload deleted: one lookup in each store (1 <= 3 pages, 1 <= 1 page)
    write(dir, 'kb/doc0.md', '# doc 0, edited\n');
    from = account.emu.log.length;
    const one = await planJson(dir);
    expect(one.file_deletions).toHaveLength(1);
    expect(one.read.foreign_check).toEqual({ uploads: 1, stores: 2, lookups: 2, pages: 0 });
    expect(routes(from).filter((r) => r.includes('big') || r.includes('small')).sort()).toEqual([
      'GET /v1/vector_stores/{vector_store_id}/files/{file_id} big',
      'GET /v1/vector_stores/{vector_store_id}/files/{file_id} small',
    ]);
    expect(one.read.requests).toBe(account.emu.log.length - from);
    expect(one.read.minimumPages).toBe(noop.read.minimumPages + 2);

    // five uploads deleted: the big store's 3 pages and the small one's page beat 5 lookups each
    for (let i = 1; i < 5; i++) write(dir, `kb/doc${i}.md`, `# doc ${i}, edited\n`);
    from = account.emu.log.length;
    const five = await planJson(dir);
    expect(five.file_deletions).toHaveLength(5);
    expect(five.read.foreign_check).toEqual({ uploads: 5, stores: 2, lookups: 0, pages: 4 });
    expect(routes(from).filter((r) => r.includes('big') || r.includes('small')).sort()).toEqual([
      ...Array(3).fill('GET /v1/vector_stores/{vector_store_id}/files big'),
      'GET /v1/vector_stores/{vector_store_id}/files small',
    ]);
    expect(five.read.requests).toBe(account.emu.log.length - from);
    expect(five.conflicts).toEqual([]);
  });
});

describe('2. a file set with protect: true', () => {
  const manifest = (set: string) =>
    `version: 1\ndeployment: lab\nfile_sets:\n  data: ${set}\nassistants:\n  analyst: { model: gpt-4o, tools: [{ type: code_interpreter }], tool_resources: { code_interpreter: { file_sets: [data] } } }\n`;
  const codeFiles = async () => {
    const a = (await account.client.beta.assistants.list()).data.find((x) => x.name === 'analyst')!;
    return a.tool_resources?.code_interpreter?.file_ids ?? [];
  };

  it('keeps its uploads through a content change, a dropped file, a removed block and destroy, until an apply with protect: false', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest('{ files: ["a.csv", "b.csv"], protect: true }'), 'a.csv': 'x,y\n1,2\n', 'b.csv': 'z\n3\n' });
    const first = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const a = await upload('lab', 'a.csv');
    const b = await upload('lab', 'b.csv');
    // the protection is recorded in the uploads' names
    expect(a.filename).toMatch(/^adp~lab~[0-9a-f]{16}~a\.csv$/);
    expect(b.filename).toMatch(/^adp~lab~[0-9a-f]{16}~b\.csv$/);
    expect((await codeFiles()).sort()).toEqual([a.id, b.id].sort());
    expect((await account.cli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);

    const refusedWith = async (what: string, args: string[] = ['apply', '--auto-approve']) => {
      const from = account.emu.log.length;
      const r = await account.cli(args, { cwd: dir });
      expect(r.code, `${what}: ${r.stdout}`).toBe(1);
      expect(r.stderr, what).toMatch(/error: refusing to (apply|destroy): the plan would delete or replace (a protected resource|protected resources): /);
      expect(r.stderr, what).toContain('hint: set `protect: false` in its block (put the block back if it was removed) and apply that first');
      expect(mutating(account.emu, from), what).toEqual([]);
      return r;
    };

    // a content change: the old upload would go
    write(dir, 'a.csv', 'x,y\n1,2\n3,4\n');
    const changed = await refusedWith('content change');
    expect(changed.stderr).toContain(`file ${a.filename} (${a.id}, delete)`);
    expect(changed.stdout).toContain(`- delete ${a.filename} (${a.id}, no longer used) — PROTECTED: apply will refuse`);
    const plan = await planJson(dir);
    expect(plan.file_deletions).toEqual([{ file_id: a.id, filename: a.filename, reason: 'unreferenced', protect: true }]);
    const markdown = await account.cli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(markdown.stdout).toContain(`⛔ Protected resources would be deleted or replaced: \`file ${a.filename}\`. Apply will refuse.`);
    write(dir, 'a.csv', 'x,y\n1,2\n');

    // a dropped file
    write(dir, 'assistants.yaml', manifest('{ files: ["a.csv"], protect: true }'));
    expect((await refusedWith('file dropped')).stderr).toContain(`file ${b.filename} (${b.id}, delete)`);

    // the block removed (and the assistant with it): the names still say protected
    write(dir, 'assistants.yaml', 'version: 1\ndeployment: lab\n');
    const removed = await refusedWith('block removed', ['apply', '--auto-approve', '--allow-mass-delete', '--allow-conflicts']);
    expect(removed.stderr).toContain(`file ${a.filename} (${a.id}, delete)`);
    expect(removed.stderr).toContain(`file ${b.filename} (${b.id}, delete)`);

    // destroy, with the manifest as deployed
    write(dir, 'assistants.yaml', manifest('{ files: ["a.csv", "b.csv"], protect: true }'));
    const destroy = await refusedWith('destroy', ['destroy', '--auto-approve']);
    expect(destroy.stdout).toContain('— PROTECTED: destroy will refuse');
    await expect(account.client.files.retrieve(a.id)).resolves.toMatchObject({ id: a.id });

    // protect: false goes through: unprotected copies are uploaded, the assistant moves to them, the protected ones go
    write(dir, 'assistants.yaml', manifest('{ files: ["a.csv", "b.csv"], protect: false }'));
    const lifted = await planJson(dir);
    expect(lifted.file_deletions.map((d) => [d.file_id, d.reason, d.protect]).sort()).toEqual([[a.id, 'unprotected', false], [b.id, 'unprotected', false]].sort());
    // through a saved plan: what it records (protect, the reason `unprotected`) is a valid plan
    expect((await account.cli(['plan', '--out', 'lift.json'], { cwd: dir })).code).toBe(0);
    const off = await account.cli(['apply', 'lift.json', '--auto-approve'], { cwd: dir });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toContain('Files: 2 uploaded, 2 deleted.');
    const a2 = await upload('lab', 'a.csv');
    expect(a2.filename).toMatch(/^ad~lab~[0-9a-f]{16}~a\.csv$/);
    expect(await codeFiles()).toContain(a2.id);
    expect((await account.cli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
    const destroyed = await account.cli(['destroy', '--auto-approve'], { cwd: dir });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain('Files: 2 deleted.');
  });

  it('protecting an existing file set moves it to protected uploads in one apply, and the plan says so', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest('{ files: ["a.csv"] }'), 'a.csv': 'x\n1\n' });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const before = await upload('lab', 'a.csv');
    expect(before.filename.startsWith('ad~lab~')).toBe(true);
    write(dir, 'assistants.yaml', manifest('{ files: ["a.csv"], protect: true }'));
    const on = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain(`- delete ${before.filename} (${before.id}, no longer used)`);
    const after = await upload('lab', 'a.csv');
    expect(after.filename.startsWith('adp~lab~')).toBe(true);
    expect(await codeFiles()).toEqual([after.id]);
    expect((await account.cli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
  });
});

describe('3. protection recorded on the live assistant and vector store', () => {
  const store = (protect: boolean, description = 'v1') => `  kb: { description: ${description}, files: ["kb/a.md"], protect: ${protect} }\n`;
  const keeper = (protect: boolean) => `  keeper: { model: gpt-4o, protect: ${protect} }\n`;
  const manifest = (stores: string, assistants: string) => `version: 1\ndeployment: fleet\nvector_stores:\n${stores}assistants:\n${assistants}  other: { model: gpt-4o }\n`;
  const tags = async () => ({
    keeper: (await account.client.beta.assistants.list()).data.find((a) => a.name === 'keeper')?.metadata as Record<string, string> | undefined,
    kb: (await account.client.vectorStores.list()).data.find((v) => v.name === 'kb')?.metadata as Record<string, string> | undefined,
  });

  it('removing a protected block is refused until an apply with protect: false has gone through', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest(store(true), keeper(true)), 'kb/a.md': '# a\n' });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    let t = await tags();
    expect(t.keeper?.[TAG_RESOURCE]).toMatch(/^keeper;v1;[\w-]+;protect$/);
    expect(t.kb?.[TAG_RESOURCE]).toMatch(/^kb;v1;[\w-]+;protect$/);
    expect((await account.cli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);

    // pull keeps the protection, so applying a pulled manifest does not lift it
    const pulled = await account.cli(['pull', '--deployment', 'fleet', '-o', 'pulled'], { cwd: dir });
    expect(pulled.code, pulled.stderr).toBe(0);
    const yaml = readFileSync(path.join(dir, 'pulled', 'assistants.yaml'), 'utf8');
    expect(yaml).toMatch(/keeper:\n(\s{4}.*\n)*?\s{4}protect: true/);
    expect(yaml).toMatch(/kb:\n(\s{4}.*\n)*?\s{4}protect: true/);
    rmSync(path.join(dir, 'pulled'), { recursive: true });

    // the blocks removed: the live tags still protect them
    write(dir, 'assistants.yaml', 'version: 1\ndeployment: fleet\nassistants:\n  other: { model: gpt-4o }\n');
    let from = account.emu.log.length;
    const text = await account.cli(['plan', '--no-color'], { cwd: dir });
    expect(text.stdout).toContain('# assistant.keeper will be destroyed (no longer in the manifest) — PROTECTED: apply will refuse');
    expect(text.stdout).toContain('# vector_store.kb will be destroyed (no longer in the manifest) — PROTECTED: apply will refuse');
    const refused = await account.cli(['apply', '--auto-approve', '--allow-mass-delete', '--allow-conflicts'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: refusing to apply: the plan would delete or replace protected resources: assistant.keeper (delete), vector_store.kb (delete)');
    const destroy = await account.cli(['destroy', '--auto-approve'], { cwd: dir });
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toContain('error: refusing to destroy: the plan would delete or replace protected resources: assistant.keeper (delete), vector_store.kb (delete)');
    expect(mutating(account.emu, from)).toEqual([]);

    // protect: false together with a replacement is still refused: the catch comes off first, alone
    write(dir, 'assistants.yaml', manifest(store(false, 'v2'), keeper(false)));
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).stderr).toContain('protected resource: vector_store.kb (replace)');
    expect(mutating(account.emu, from)).toEqual([]);

    // the blocks back with protect: false: only the tags change
    write(dir, 'assistants.yaml', manifest(store(false), keeper(false)));
    const plan = await planJson(dir);
    expect(plan.resource_changes.map((c) => [c.address, c.actions, c.field_changes])).toEqual([
      ['vector_store.kb', ['update'], [{ field: 'protect', path: 'protect', before: true, after: false, cause: 'manifest' }]],
      ['assistant.keeper', ['update'], [{ field: 'protect', path: 'protect', before: true, after: false, cause: 'manifest' }]],
    ]);
    expect((await account.cli(['plan', '--no-color'], { cwd: dir })).stdout).toContain('~ protect = true -> false');
    expect((await account.cli(['plan', '--out', 'lift.json'], { cwd: dir })).code).toBe(0);
    const off = await account.cli(['apply', 'lift.json', '--auto-approve'], { cwd: dir });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toContain('Apply complete! Resources: 0 added, 2 changed, 0 destroyed.');
    t = await tags();
    expect(t.keeper?.[TAG_RESOURCE]).toMatch(/^keeper;v1;[\w-]+$/);
    expect(t.kb?.[TAG_RESOURCE]).toMatch(/^kb;v1;[\w-]+$/);
    expect((await account.cli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);

    // now removing the blocks goes through
    write(dir, 'assistants.yaml', 'version: 1\ndeployment: fleet\nassistants:\n  other: { model: gpt-4o }\n');
    const gone = await account.cli(['apply', '--auto-approve', '--allow-mass-delete'], { cwd: dir });
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 2 destroyed.');
  });

  it('protecting a deployed resource records it on the resource with an in-place update', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest(store(false), keeper(false)), 'kb/a.md': '# a\n' });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    write(dir, 'assistants.yaml', manifest(store(false), keeper(true)));
    const on = await account.cli(['apply', '--auto-approve', '--no-color'], { cwd: dir });
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain('~ protect = false -> true');
    expect(on.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
    expect((await tags()).keeper?.[TAG_RESOURCE]).toMatch(/;protect$/);
    expect((await tags()).kb?.[TAG_RESOURCE]).not.toMatch(/;protect$/);
  });
});

describe('protected objects and audit --delete', () => {
  it('audit lists an unused protected store and upload, and --delete refuses them', async () => {
    const dir = tempProject({
      'assistants.yaml': 'version: 1\ndeployment: keep\nvector_stores:\n  kb: { files: ["a.md"], protect: true }\nfile_sets:\n  data: { files: ["d.csv"], protect: true }\n',
      'a.md': '# a\n',
      'd.csv': 'x\n1\n',
    });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const store = (await account.client.vectorStores.list()).data.find((v) => v.name === 'kb')!;
    const data = await upload('keep', 'd.csv');
    const report = await account.cli(['audit', '--format', 'json'], { cwd: dir });
    expect(report.code, report.stderr).toBe(0);
    const listed = JSON.parse(report.stdout) as { vector_stores: { id: string; protected: boolean }[]; files: { id: string; protected: boolean }[] };
    expect(listed.vector_stores.find((v) => v.id === store.id)).toMatchObject({ protected: true });
    expect(listed.files.find((f) => f.id === data.id)).toMatchObject({ protected: true });
    const from = account.emu.log.length;
    const refused = await account.cli(['audit', '--delete', store.id, data.id, '--auto-approve'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: audit --delete does not delete protected resources, and these are protected: ${store.id} (deployment keep), ${data.id} (deployment keep). Nothing was deleted.`);
    expect(mutating(account.emu, from)).toEqual([]);
  });
});

describe('4. the mass-delete gate covers the files of each store', () => {
  const manifest = 'version: 1\ndeployment: lib\nvector_stores:\n  docs: { files: ["docs/*.md"] }\n  small: { files: ["small/*.md"] }\n';
  const remove = (dir: string, rel: string) => rmSync(path.join(dir, rel));

  it('removing more than 25% of a store of 10 or more files is refused without --allow-mass-delete; replacements and small stores are not gated', async () => {
    const files: Record<string, string> = { 'assistants.yaml': manifest };
    for (let i = 0; i < 40; i++) files[`docs/d${String(i).padStart(2, '0')}.md`] = `# doc ${i}\n`;
    for (let i = 0; i < 9; i++) files[`small/s${i}.md`] = `# small ${i}\n`;
    const dir = tempProject(files);
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);

    // new versions of 30 of the 40 files: replacements, not removals
    for (let i = 0; i < 30; i++) write(dir, `docs/d${String(i).padStart(2, '0')}.md`, `# doc ${i}, v2\n`);
    const replaced = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(replaced.code, replaced.stderr).toBe(0);

    // 10 of 40 (25%, not more) and 8 of the small store's 9 (under 10 files): allowed
    for (let i = 30; i < 40; i++) remove(dir, `docs/d${i}.md`);
    for (let i = 1; i < 9; i++) remove(dir, `small/s${i}.md`);
    const some = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(some.code, some.stderr).toBe(0);
    expect(some.stdout).toContain('Files: 18 detached, 18 deleted.');

    // a bad checkout: 29 of the 30 files gone
    for (let i = 1; i < 30; i++) remove(dir, `docs/d${String(i).padStart(2, '0')}.md`);
    const from = account.emu.log.length;
    const refused = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: refusing to apply: the plan removes 29 of the 30 files of vector_store.docs (97%): more than 25% of a store\'s files');
    expect(refused.stderr).toContain('hint: check the working copy and the globs (files missing from the checkout, a wrong -f?); if the removals are intended, rerun with --allow-mass-delete');
    expect(mutating(account.emu, from)).toEqual([]);
    // a saved plan is gated the same way
    expect((await account.cli(['plan', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);
    const saved = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(saved.code).toBe(1);
    expect(saved.stderr).toContain('the plan removes 29 of the 30 files of vector_store.docs');
    expect(mutating(account.emu, from)).toEqual([]);

    const allowed = await account.cli(['apply', '--auto-approve', '--allow-mass-delete'], { cwd: dir });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('Files: 29 detached, 29 deleted.');
  });

  it('destroy is exempt: it deletes everything by intent', async () => {
    const files: Record<string, string> = { 'assistants.yaml': manifest, 'small/s0.md': '# s\n' };
    for (let i = 0; i < 12; i++) files[`docs/d${i}.md`] = `# doc ${i}\n`;
    const dir = tempProject(files);
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const destroyed = await account.cli(['destroy', '--auto-approve'], { cwd: dir });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain('Destroy complete! Resources: 0 added, 0 changed, 2 destroyed. Files: 13 deleted.');
  });
});

describe('what other deployments and hand-made objects with our names own', () => {
  it('is never touched: same keys, names and file contents in two deployments, and hand-made look-alikes', async () => {
    const manifest = (deployment: string, stores: string) =>
      `version: 1\ndeployment: ${deployment}\nvector_stores:\n${stores}assistants:\n  bot: { model: gpt-4o, name: Bot, tools: [{ type: file_search }], tool_resources: { file_search: { vector_stores: [kb] } } }\n`;
    const both = '  kb: { name: Knowledge, files: ["p.md", "q.md"] }\n  extra: { name: Extra, files: ["q.md"] }\n';
    const files = { 'p.md': '# p\n', 'q.md': '# q\n' };
    const a = tempProject({ 'assistants.yaml': manifest('dep-a', both), ...files });
    const b = tempProject({ 'assistants.yaml': manifest('dep-a-2', both), ...files });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: a })).code).toBe(0);
    expect((await account.cli(['apply', '--auto-approve'], { cwd: b })).code).toBe(0);
    const c = account.client;
    // hand-made look-alikes: a store, an assistant and a file with our names
    const handStore = await c.vectorStores.create({ name: 'Knowledge' });
    const handFile = await c.files.create({ file: new File(['# p\n'], 'p.md'), purpose: 'assistants' });
    await c.vectorStores.files.create(handStore.id, { file_id: handFile.id });
    const handBot = await c.beta.assistants.create({ model: 'gpt-4o', name: 'Bot', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [handStore.id] } } });
    const strangers = async () => {
      const stores = (await c.vectorStores.list({ limit: 100 })).data.filter((v) => (v.metadata as Record<string, string>)[TAG_DEPLOYMENT] !== 'dep-a');
      const uploads = (await c.files.list({ purpose: 'assistants', limit: 10_000 })).data.filter((f) => f.filename.split('~')[1] !== 'dep-a');
      const bots = (await c.beta.assistants.list({ limit: 100 })).data.filter((x) => (x.metadata as Record<string, string>)[TAG_DEPLOYMENT] !== 'dep-a');
      const storeFiles = await Promise.all(stores.map(async (v) => [v.id, (await storeFileIds(v.id)).sort()] as const));
      return { stores: stores.map((v) => [v.id, v.name, v.metadata]), uploads: uploads.map((f) => [f.id, f.filename]), bots: bots.map((x) => [x.id, x.name, x.metadata, x.tool_resources]), storeFiles };
    };
    const before = await strangers();
    expect(before.stores).toHaveLength(3);
    const ids = [...before.stores.map((s) => s[0] as string), ...before.uploads.map((u) => u[0] as string), ...before.bots.map((x) => x[0] as string)];
    expect(ids).toContain(handBot.id);

    // dep-a changes content, drops a store, then is destroyed: no conflict (identical content elsewhere is not its upload)
    write(a, 'p.md', '# p, edited\n');
    write(a, 'assistants.yaml', manifest('dep-a', '  kb: { name: Knowledge, files: ["p.md", "q.md"] }\n'));
    const plan = await planJson(a);
    expect(plan.conflicts).toEqual([]);
    expect(plan.file_deletions).toHaveLength(1);
    const from = account.emu.log.length;
    const applied = await account.cli(['apply', '--auto-approve'], { cwd: a });
    expect(applied.code, applied.stderr).toBe(0);
    const destroyed = await account.cli(['destroy', '--auto-approve'], { cwd: a });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const writes = mutating(account.emu, from).map((e) => e.path);
    for (const id of ids) expect(writes.filter((w) => w.includes(id)), id).toEqual([]);
    expect(await strangers()).toEqual(before);
    expect((await account.cli(['plan', '--detailed-exitcode'], { cwd: b })).code).toBe(0);
  });
});
