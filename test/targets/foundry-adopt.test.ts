/**
 * Adopting and auditing a Foundry project through the real CLI (the emulator, plain http on
 * loopback): `pull --deployment` writes a manifest from a deployment's agents and stores that
 * plans back to no change, for every example; `pull --ids` + `import` adopt a hand-made agent (its
 * definition kept, a version with the tags added) and refuse another deployment's without
 * --allow-takeover; `audit` lists the project's unused stores and files and never one an agent
 * uses, in its latest version or an older one.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempProject } from '../helpers/cli.js';
import { copyExample } from '../helpers/deploy.js';
import { startFoundryProject, TOKEN, type FoundryProject } from '../helpers/foundry-cli.js';

let p: FoundryProject;

beforeAll(async () => {
  p = await startFoundryProject();
});
afterAll(async () => {
  await p?.close();
  expect(p.f.validator.failures.map((x) => JSON.stringify(x).slice(0, 400))).toEqual([]);
  expect(p.f.openai.failures.map((x) => JSON.stringify(x).slice(0, 400))).toEqual([]);
});

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function post(route: string, body: unknown): Promise<any> {
  const r = await fetch(`${p.f.endpoint}${route}?api-version=v1`, { method: 'POST', headers, body: JSON.stringify(body) });
  expect(r.status, await r.clone().text()).toBe(200);
  return r.json();
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    return statSync(abs).isDirectory() ? walk(abs, base) : [path.relative(base, abs)];
  });
}

const EXAMPLES = ['support-bot', 'order-desk', 'data-analyst', 'staged-rollout', 'foundry-agent'];

describe.each(EXAMPLES)('pull of example %s from a Foundry project', (name) => {
  it('writes a manifest that plans no change', async () => {
    const src = copyExample(name);
    const applied = await p.cli(['apply', '-f', '.', '--auto-approve', '--quiet'], src);
    expect(applied.code, applied.stderr).toBe(0);
    const deployment = /^deployment: (\S+)$/m.exec(readFileSync(path.join(src, 'assistants.yaml'), 'utf8'))![1]!;
    const out = tempProject({});
    const pulled = await p.cli(['pull', '--deployment', deployment, '-o', 'pulled'], out);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain('Wrote ');
    const dir = path.join(out, 'pulled');
    const doc = parse(readFileSync(path.join(dir, 'assistants.yaml'), 'utf8'));
    expect(readFileSync(path.join(dir, 'assistants.yaml'), 'utf8')).toContain(`Pulled by assistants-deploy from Foundry project "local-project" at ${p.f.endpoint}`);
    expect(Object.keys(doc.assistants).sort()).toEqual(Object.keys(parse(readFileSync(path.join(src, 'assistants.yaml'), 'utf8')).assistants).sort());
    const wanted = pulled.stderr.split('\n').filter((l) => l.startsWith('  ') && !l.includes(' ', 2)).map((l) => l.trim());
    const sources = walk(src);
    for (const rel of wanted) {
      const from = sources.find((s) => s === rel) ?? sources.find((s) => path.basename(s) === path.basename(rel));
      expect(from, `${rel} in ${name}`).toBeDefined();
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      copyFileSync(path.join(src, from!), path.join(dir, rel));
    }
    const plan = await p.cli(['plan', '-f', 'pulled', '--format', 'json', '--detailed-exitcode'], out);
    expect(plan.code, plan.stdout.slice(0, 3000) + plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).resource_changes).toEqual([]);
  });
});

describe('adopting a hand-made agent', () => {
  it('pull --ids writes its block, import adds a version with the tags and keeps the definition; the plan then matches', async () => {
    const store = await p.openai.vectorStores.create({ name: 'Handbook', metadata: { team: 'hr' } });
    const definition = {
      kind: 'prompt',
      model: 'gpt-4.1',
      instructions: 'Answer from the handbook.\nBe brief.\n',
      temperature: 0.3,
      tools: [{ type: 'file_search', vector_store_ids: [store.id] }, { type: 'function', name: 'book_leave', parameters: { type: 'object', properties: { days: { type: 'integer' } } }, strict: false }],
    };
    await post('/agents', { name: 'HrHelper', definition, metadata: { team: 'hr' }, description: 'People questions.' });
    const out = tempProject({});
    const pulled = await p.cli(['pull', '--deployment', 'hr', '--ids', 'HrHelper', store.id, '-o', 'hr'], out);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toContain('  assistants-deploy import assistant.hrhelper HrHelper -f hr');
    expect(pulled.stderr).toContain(`  assistants-deploy import vector_store.handbook ${store.id} -f hr`);
    const doc = parse(readFileSync(path.join(out, 'hr', 'assistants.yaml'), 'utf8'));
    expect(doc.assistants.hrhelper).toMatchObject({ name: 'HrHelper', model: 'gpt-4.1', description: 'People questions.', temperature: 0.3, tool_resources: { file_search: { vector_stores: ['handbook'] } }, metadata: { team: 'hr' } });
    expect(readFileSync(path.join(out, 'hr', doc.assistants.hrhelper.instructions.file), 'utf8')).toBe('Answer from the handbook.\nBe brief.\n');

    for (const [address, id] of [['vector_store.handbook', store.id], ['assistant.hrhelper', 'HrHelper']] as const) {
      const r = await p.cli(['import', address, id, '-f', 'hr'], out);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Imported ${id} as ${address} of deployment "hr".`);
    }
    const versions = await p.versions('HrHelper');
    expect(versions.map((v) => v.version)).toEqual(['2', '1']);
    expect(versions[0]!.definition).toEqual(versions[1]!.definition);
    expect(versions[0]!.description).toBe('People questions.');
    expect(versions[0]!.metadata).toMatchObject({ team: 'hr', 'assistants-deploy.deployment': 'hr' });
    expect(versions[0]!.metadata['assistants-deploy.resource']).toMatch(/^hrhelper;v1;/);
    const plan = await p.cli(['plan', '-f', 'hr', '--detailed-exitcode'], out);
    expect(plan.code, plan.stdout).toBe(0);
    const again = await p.cli(['import', 'assistant.hrhelper', 'HrHelper', '-f', 'hr'], out);
    expect(again.stdout).toContain('HrHelper is already assistant.hrhelper of deployment "hr"; nothing to do.');
  });

  it('refuses another deployment\'s agent without --allow-takeover, and what is no agent name', async () => {
    await post('/agents', { name: 'theirs', definition: { kind: 'prompt', model: 'gpt-4o' }, metadata: { 'assistants-deploy.deployment': 'them', 'assistants-deploy.resource': 'x;v1;' } });
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: us\nassistants:\n  mine: { model: gpt-4o }\n' });
    const refused = await p.cli(['import', 'assistant.mine', 'theirs'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: theirs belongs to deployment "them" (as assistant.x): importing it would take it over');
    expect(await p.versions('theirs')).toHaveLength(1);
    const bad = await p.cli(['import', 'assistant.mine', 'not_a_name'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error: not_a_name is not an agent name');
    const taken = await p.cli(['import', 'assistant.mine', 'theirs', '--allow-takeover'], dir);
    expect(taken.code, taken.stderr).toBe(0);
    expect((await p.agent('theirs'))!.metadata['assistants-deploy.deployment']).toBe('us');
  });
});

describe('audit of a Foundry project', () => {
  it('lists unused stores and files, never one an agent uses in its latest version or an older one', async () => {
    const upload = (name: string) => p.openai.files.create({ file: new File([`${name}\n`], name), purpose: 'assistants' });
    const [used, old, loose] = await Promise.all([upload('used.csv'), upload('old.csv'), upload('loose.csv')]);
    const [searched, oldStore, idle] = await Promise.all([
      p.openai.vectorStores.create({ name: 'searched' }),
      p.openai.vectorStores.create({ name: 'old-store' }),
      p.openai.vectorStores.create({ name: 'nobody', metadata: { owner: 'hand' } }),
    ]);
    // version 1 names the old store and file; the latest names the others
    await post('/agents', { name: 'auditee', definition: { kind: 'prompt', model: 'gpt-4o', tools: [{ type: 'file_search', vector_store_ids: [oldStore.id] }, { type: 'code_interpreter', container: { type: 'auto', file_ids: [old.id] } }] } });
    await post('/agents/auditee/versions', { definition: { kind: 'prompt', model: 'gpt-4o', tools: [{ type: 'file_search', vector_store_ids: [searched.id] }, { type: 'code_interpreter', container: { type: 'auto', file_ids: [used.id] } }] } });
    const r = await p.cli(['audit', '--format', 'json', '--idle-days', '0'], tempProject({}));
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const listed = new Set([...report.vector_stores, ...report.files].map((x: { id: string }) => x.id));
    expect(listed.has(loose.id)).toBe(true);
    for (const id of [used.id, old.id, searched.id, oldStore.id]) expect(listed.has(id), id).toBe(false);
    expect(report.target.assistants_api).toBe(true);
    expect(report.vector_stores.find((v: { id: string }) => v.id === idle.id)?.reasons).toContain('unreferenced');
    const del = await p.cli(['audit', '--delete', idle.id, loose.id, '--auto-approve'], tempProject({}));
    expect(del.code, del.stderr).toBe(0);
    await expect(p.openai.vectorStores.retrieve(idle.id)).rejects.toMatchObject({ status: 404 });
    await expect(p.openai.vectorStores.retrieve(oldStore.id)).resolves.toMatchObject({ name: 'old-store' });
    const refused = await p.cli(['audit', '--delete', old.id, '--auto-approve'], tempProject({}));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Nothing was deleted.');
    await expect(p.openai.files.retrieve(old.id)).resolves.toMatchObject({ filename: 'old.csv' });
  });
});
