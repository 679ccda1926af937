/**
 * Apply's safety: what it does not own survives apply and destroy; protect, the mass-delete
 * threshold, a stale saved plan and a missing confirmation all refuse, clearly, before any write.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TAG_DEPLOYMENT, TAG_RESOURCE } from '../../src/ownership/metadata.js';
import { tempProject } from '../helpers/cli.js';
import { copyExample, mutating, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

let account: Account;
beforeEach(async () => {
  account = await startAccount();
});
afterEach(async () => account.close());

describe('ownership', () => {
  it('unowned resources with the same names survive apply and destroy', async () => {
    const dir = copyExample('support-bot');
    const c = account.client;
    const strangerAssistant = await c.beta.assistants.create({ model: 'gpt-4o', name: 'Acme Support', instructions: 'not managed' });
    const strangerStore = await c.vectorStores.create({ name: 'Acme product documentation' });
    const otherDeployment = await c.beta.assistants.create({
      model: 'gpt-4o',
      name: 'Acme Support',
      metadata: { [TAG_DEPLOYMENT]: 'someone-else', [TAG_RESOURCE]: 'support;v1;' },
    });
    const strangerFile = await c.files.create({ file: new File(['# hello'], 'getting-started.md'), purpose: 'assistants' });

    expect((await account.cli(['apply', '-f', '.', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const destroyed = await account.cli(['destroy', '-f', '.', '--auto-approve'], { cwd: dir });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toMatch(/Destroy complete! Resources: 0 added, 0 changed, 2 destroyed\. Files: 6 deleted\./);

    await expect(c.beta.assistants.retrieve(strangerAssistant.id)).resolves.toMatchObject({ instructions: 'not managed' });
    await expect(c.vectorStores.retrieve(strangerStore.id)).resolves.toMatchObject({ name: 'Acme product documentation' });
    await expect(c.beta.assistants.retrieve(otherDeployment.id)).resolves.toMatchObject({ name: 'Acme Support' });
    await expect(c.files.retrieve(strangerFile.id)).resolves.toMatchObject({ filename: 'getting-started.md' });
    const deletes = account.emu.log.filter((e) => e.method === 'DELETE').map((e) => e.path);
    for (const id of [strangerAssistant.id, strangerStore.id, otherDeployment.id, strangerFile.id]) {
      expect(deletes.some((p) => p.includes(id))).toBe(false);
    }
  });
});

describe('conflicts: what assistants outside the deployment use', () => {
  const storeManifest = (stores: string[]) =>
    `version: 1\ndeployment: kb\nvector_stores:\n${stores.map((k) => `  ${k}: { name: ${k} docs, files: ["${k}.md"] }\n`).join('')}`;

  it('a plan that deletes a store another deployment\'s assistant searches shows the conflict; apply and destroy refuse it until --allow-conflicts', async () => {
    const dir = tempProject({ 'assistants.yaml': storeManifest(['docs', 'faq', 'news', 'misc']), 'docs.md': '# docs\n', 'faq.md': '# faq\n', 'news.md': '# news\n', 'misc.md': '# misc\n' });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const c = account.client;
    const stores = (await c.vectorStores.list({ limit: 100 })).data;
    const docs = stores.find((v) => v.name === 'docs docs')!;
    const faq = stores.find((v) => v.name === 'faq docs')!;
    // someone else's assistant (another deployment) searches "docs"; a hand-made one searches "faq"
    const theirs = await c.beta.assistants.create({
      model: 'gpt-4o',
      tools: [{ type: 'file_search' }],
      tool_resources: { file_search: { vector_store_ids: [docs.id] } },
      metadata: { [TAG_DEPLOYMENT]: 'support', [TAG_RESOURCE]: 'bot;v1;' },
    });
    const handMade = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [faq.id] } } });

    // dropping "news" harms nobody: no conflict
    writeFileSync(path.join(dir, 'assistants.yaml'), storeManifest(['docs', 'faq', 'misc']));
    const harmless = await account.cli(['plan', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(harmless.stdout).conflicts).toEqual([]);

    writeFileSync(path.join(dir, 'assistants.yaml'), storeManifest(['misc']));
    const plan = await account.cli(['plan', '--format', 'json'], { cwd: dir });
    expect(plan.code).toBe(0);
    const conflicts = (JSON.parse(plan.stdout) as { conflicts: { address: string; id: string; used_by: string; used_by_deployment: string | null }[] }).conflicts;
    expect(conflicts.map(({ address, id, used_by, used_by_deployment }) => ({ address, id, used_by, used_by_deployment }))).toEqual([
      { address: 'vector_store.docs', id: docs.id, used_by: theirs.id, used_by_deployment: 'support' },
      { address: 'vector_store.faq', id: faq.id, used_by: handMade.id, used_by_deployment: null },
    ]);
    const text = await account.cli(['plan', '--no-color'], { cwd: dir });
    expect(text.stdout).toContain('Conflicts (apply refuses them without --allow-conflicts):');
    expect(text.stdout).toContain(`  ! vector_store.docs (${docs.id}) is used by ${theirs.id}: the plan deletes it, and an assistant of deployment "support" searches it`);
    expect(text.stdout).toContain(`  ! vector_store.faq (${faq.id}) is used by ${handMade.id}: the plan deletes it, and an assistant no deployment manages searches it`);
    const markdown = await account.cli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(markdown.stdout).toContain(`- \`vector_store.docs\` (\`${docs.id}\`) is used by \`${theirs.id}\`: the plan deletes it`);

    const from = account.emu.log.length;
    const refused = await account.cli(['apply', '--auto-approve', '--allow-mass-delete'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: refusing to apply: the plan deletes or replaces what assistants or vector stores outside this deployment use: vector_store.docs (${docs.id}, used by ${theirs.id} of deployment "support"), vector_store.faq (${faq.id}, used by ${handMade.id})`);
    expect(refused.stderr).toContain('hint: detach them there first (from those assistants or vector stores); or, if breaking them is intended, rerun with --allow-conflicts');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const destroyRefused = await account.cli(['destroy', '--auto-approve'], { cwd: dir });
    expect(destroyRefused.code).toBe(1);
    expect(destroyRefused.stderr).toContain('error: refusing to destroy: the plan deletes or replaces what assistants or vector stores outside this deployment use');
    expect(destroyRefused.stdout).toContain('Conflicts (destroy refuses them without --allow-conflicts):');
    expect(mutating(account.emu, from)).toEqual([]);

    // once their assistant lets go of "docs", only "faq" remains in conflict; the flag lifts it
    await c.beta.assistants.update(theirs.id, { tool_resources: { file_search: { vector_store_ids: [] } } });
    const after = JSON.parse((await account.cli(['plan', '--format', 'json'], { cwd: dir })).stdout) as { conflicts: { address: string }[] };
    expect(after.conflicts.map((x) => x.address)).toEqual(['vector_store.faq']);
    const allowed = await account.cli(['apply', '--auto-approve', '--allow-mass-delete', '--allow-conflicts'], { cwd: dir });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('0 added, 0 changed, 3 destroyed');
    await expect(c.beta.assistants.retrieve(handMade.id)).resolves.toMatchObject({ id: handMade.id });
  });

  it('deleting an upload that an outside assistant uses with code_interpreter is a conflict', async () => {
    const manifest = (sets: string) => `version: 1\ndeployment: data\nfile_sets:\n${sets}`;
    const dir = tempProject({ 'assistants.yaml': manifest('  sales: { files: ["sales.csv"] }\n  misc: { files: ["misc.csv"] }\n'), 'sales.csv': 'a,b\n1,2\n', 'misc.csv': 'c\n3\n' });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const uploads = (await account.client.files.list({ purpose: 'assistants' })).data;
    const sales = uploads.find((f) => f.filename.endsWith('sales.csv'))!;
    const analyst = await account.client.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'code_interpreter' }], tool_resources: { code_interpreter: { file_ids: [sales.id] } } });
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest('  misc: { files: ["misc.csv"] }\n'));
    const plan = JSON.parse((await account.cli(['plan', '--format', 'json'], { cwd: dir })).stdout) as { conflicts: { address: string; id: string; used_by: string; message: string }[] };
    expect(plan.conflicts).toEqual([
      {
        address: `file ${sales.filename}`,
        id: sales.id,
        used_by: analyst.id,
        used_by_type: 'assistant',
        used_by_deployment: null,
        message: 'the plan deletes it, and an assistant no deployment manages uses it with code_interpreter',
      },
    ]);
    const refused = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(refused.code).toBe(1);
    await expect(account.client.files.retrieve(sales.id)).resolves.toMatchObject({ id: sales.id });
  });

  it('a saved plan goes stale when an outside assistant starts using what it deletes', async () => {
    const dir = tempProject({ 'assistants.yaml': storeManifest(['docs', 'faq']), 'docs.md': '# docs\n', 'faq.md': '# faq\n' });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, 'assistants.yaml'), storeManifest(['faq']));
    expect((await account.cli(['plan', '--out', 'plan.json'], { cwd: dir })).code).toBe(0);
    const docs = (await account.client.vectorStores.list({ limit: 100 })).data.find((v) => v.name === 'docs docs')!;
    await account.client.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [docs.id] } } });
    const from = account.emu.log.length;
    const stale = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('is stale');
    expect(mutating(account.emu, from)).toEqual([]);
  });
});

describe('refusals', () => {
  const manifest = (bots: string[], extra = '') =>
    `version: 1\ndeployment: fleet\nassistants:\n${bots.map((b) => `  ${b}: { model: gpt-4o }\n`).join('')}${extra}`;

  it('the mass-delete threshold refuses a plan deleting more than 25%, and --allow-mass-delete lifts it', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest(['a', 'b', 'c', 'd', 'e', 'f']) });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest(['a', 'b', 'c', 'd']));
    const from = account.emu.log.length;
    const refused = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: refusing to apply: the plan deletes 2 of the 6 assistants and vector stores deployment "fleet" owns (33%, more than 25%)');
    expect(refused.stderr).toContain('hint: check the manifest (a missing file, a wrong --env or -f?); if the deletions are intended, rerun with --allow-mass-delete');
    expect(mutating(account.emu, from)).toEqual([]);

    const allowed = await account.cli(['apply', '--auto-approve', '--allow-mass-delete'], { cwd: dir });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('0 added, 0 changed, 2 destroyed');
  });

  it('deleting one of many is below the threshold', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest(['a', 'b', 'c', 'd', 'e']) });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest(['a', 'b', 'c', 'd']));
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
  });

  it('protect refuses replacing a vector store and destroying an assistant', async () => {
    const store = (description: string) =>
      `vector_stores:\n  kb: { description: ${description}, files: ["kb/*.md"], protect: true }\n`;
    const dir = tempProject({
      'assistants.yaml': `version: 1\ndeployment: fleet\n${store('v1')}assistants:\n  keeper: { model: gpt-4o, protect: true }\n`,
      'kb/a.md': '# a\n',
    });
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);

    writeFileSync(path.join(dir, 'assistants.yaml'), `version: 1\ndeployment: fleet\n${store('v2')}assistants:\n  keeper: { model: gpt-4o, protect: true }\n`);
    const from = account.emu.log.length;
    const replace = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(replace.code).toBe(1);
    expect(replace.stdout).toContain('# vector_store.kb must be replaced (description cannot be changed in place) — PROTECTED: apply will refuse');
    expect(replace.stderr).toContain('error: refusing to apply: the plan would delete or replace a protected resource: vector_store.kb (replace)');
    expect(replace.stderr).toContain('hint: set `protect: false` in its block (put the block back if it was removed) and apply that first');
    expect(mutating(account.emu, from)).toEqual([]);

    writeFileSync(path.join(dir, 'assistants.yaml'), `version: 1\ndeployment: fleet\n${store('v1')}assistants:\n  keeper: { model: gpt-4o, protect: true }\n`);
    const destroy = await account.cli(['destroy', '--auto-approve'], { cwd: dir });
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toContain('protected resources: assistant.keeper (delete), vector_store.kb (delete)');
    expect(mutating(account.emu, from)).toEqual([]);
  });

  it('without a TTY and without --auto-approve, apply refuses instead of waiting', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest(['a']) });
    const r = await account.cli(['apply'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: apply needs confirmation, and there is no terminal to ask on (CI or a pipe)');
    expect(r.stderr).toContain('hint: review the plan, then pass --auto-approve');
    expect(mutating(account.emu)).toEqual([]);
  });
});

describe('saved plans', () => {
  it('a saved plan applies exactly; a stale one is refused', async () => {
    const dir = copyExample('support-bot');
    const planned = await account.cli(['plan', '-f', '.', '--out', 'plan.json'], { cwd: dir });
    expect(planned.code).toBe(0);
    expect(planned.stderr).toContain('Saved the plan to plan.json');
    const applied = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');

    // the account moved on since that plan: applying it again is refused
    const from = account.emu.log.length;
    const stale = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/error: the saved plan plan\.json is stale: the account changed since the plan was made/);
    expect(stale.stderr).toContain('hint: run plan again and review the new plan');
    expect(mutating(account.emu, from)).toEqual([]);

    // an edit in the dashboard after planning makes a fresh plan stale too
    writeFileSync(path.join(dir, 'docs/new.md'), '# New\n');
    expect((await account.cli(['plan', '-f', '.', '--out', 'plan2.json'], { cwd: dir })).code).toBe(0);
    const live = (await account.client.beta.assistants.list()).data[0]!;
    await account.client.beta.assistants.update(live.id, { instructions: 'edited elsewhere' });
    const moved = await account.cli(['apply', 'plan2.json', '--auto-approve'], { cwd: dir });
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain('is stale');

    // a local file changed after planning
    expect((await account.cli(['plan', '-f', '.', '--out', 'plan3.json'], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, 'docs/new.md'), '# New, edited after the plan\n');
    const local = await account.cli(['apply', 'plan3.json', '--auto-approve'], { cwd: dir });
    expect(local.code).toBe(1);
    expect(local.stderr).toContain('error: the saved plan is stale: 1 local file(s) differ from when it was made: docs/new.md (content changed)');
  });

  it('a file that is not a plan is refused', async () => {
    const dir = tempProject({ 'plan.json': '{"format_version": "1.0"}', 'bad.json': 'nope' });
    const r = await account.cli(['apply', 'plan.json', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: plan\.json is not a valid saved plan: \(root\) must have required property/);
    const bad = await account.cli(['apply', 'bad.json', '--auto-approve'], { cwd: dir });
    expect(bad.stderr).toMatch(/error: bad\.json is not a saved plan: Unexpected token/);
  });
});
