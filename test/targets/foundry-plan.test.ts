/**
 * `--target foundry`, the life of a deployment on a Foundry project (the emulator, plain http on
 * loopback), through the real CLI: a no-op plan reads with list pages only, at the minimum count,
 * among 120 agents the deployment does not own; an instructions change is planned and applied as
 * a new version (from a saved plan), read back with the real Python SDK; versions made by hand
 * with the Python SDK (with the tags copied, and without them) are drift, and apply puts the
 * manifest's back; prune and destroy remove only the deployment's agents, stores and files (a
 * hand-made agent with the deployment's name prefix, a hand-made store and another deployment's
 * agent stay); protection, conflicts, the mass-delete gate, an agent name taken by someone else
 * and the lease work as on the other targets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../helpers/cli.js';
import { pythonAgent, startFoundryProject, TOKEN, type FoundryProject } from '../helpers/foundry-cli.js';

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

/** An agent made by hand (raw HTTP: the setup of the test, not what is tested). */
async function handMade(name: string, definition: Record<string, unknown> = { kind: 'prompt', model: 'gpt-4o' }, metadata: Record<string, string> = {}): Promise<void> {
  const r = await fetch(`${p.f.endpoint}/agents?api-version=v1`, { method: 'POST', headers, body: JSON.stringify({ name, definition, metadata }) });
  expect(r.status, await r.clone().text()).toBe(200);
}

function manifest(deployment: string, assistants: string, extra = ''): string {
  return `version: 1\ndeployment: ${deployment}\nvector_stores:\n  kb: { name: KB, files: ["kb/*.md"] }\nfile_sets:\n  data: { files: ["data/*.csv"] }\n${extra}assistants:\n${assistants}`;
}

const HELPER = `  helper:
    name: Desk helper
    model: gpt-4o
    instructions: Answer from the knowledge base.
    tools: [{ type: file_search }, { type: code_interpreter }]
    tool_resources: { file_search: { vector_stores: [kb] }, code_interpreter: { file_sets: [data] } }
    metadata: { team: desk }
`;
const OTHER = '  other: { model: gpt-4o-mini, instructions: Route questions. }\n';

function project(deployment: string, assistants = HELPER + OTHER, extra = ''): string {
  return tempProject({ 'assistants.yaml': manifest(deployment, assistants, extra), 'kb/a.md': '# A\n', 'kb/b.md': '# B\n', 'data/d.csv': 'a\n1\n' });
}

async function apply(dir: string, args: string[] = []): Promise<string> {
  const r = await p.cli(['apply', '--auto-approve', ...args], dir);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/Apply complete!/);
  return r.stdout;
}

async function noOp(dir: string): Promise<void> {
  const r = await p.cli(['plan', '--detailed-exitcode'], dir);
  expect(r.code, r.stdout).toBe(0);
  expect(r.stdout).toContain('No changes. The account matches the manifest.');
}

describe('plan on a Foundry project', () => {
  it('a no-op plan: exit 0, list requests only, at the minimum page count, among 120 agents of others', async () => {
    for (let i = 0; i < 120; i++) await handMade(`stranger-${i}`);
    const dir = project('noop');
    await apply(dir);
    const from = p.f.emu.log.length;
    const r = await p.cli(['plan', '--detailed-exitcode', '--format', 'json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.resource_changes).toEqual([]);
    expect(plan.target).toMatchObject({ kind: 'foundry', local: false, assistants_api: true, base_url: p.f.endpoint });
    // agents: 122 in the project, 2 pages; stores 1 page, files 1 page, the store's files 1 page; no model list
    expect(plan.read).toMatchObject({ requests: 5, minimumPages: 5, pages: { assistants: 2, vector_stores: 1, files: 1, vector_store_files: 1 } });
    expect(plan.read.pages.models).toBeUndefined();
    const sent = p.requests(from);
    expect(sent.map((s) => s.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'GET']);
    expect(sent.map((s) => s.path).filter((x) => x.includes('/agents'))).toEqual(['/api/projects/local-project/agents', '/api/projects/local-project/agents']);
    expect(r.stderr).toContain('Target: ' + p.f.endpoint + ' (Foundry project); deployment "noop". Read the account with 5 list requests.');
  });

  it('an instructions change: planned as a new version with the field diff, applied from a saved plan, read back by the Python SDK', async () => {
    const dir = project('desk');
    await apply(dir);
    const before = await pythonAgent(p, ['get', 'desk-helper']);
    expect(before.latest).toBe('1');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/assistants.yaml`, manifest('desk', HELPER.replace('Answer from the knowledge base.', 'Answer from the knowledge base, briefly.') + OTHER));
    const shown = await p.cli(['plan', '--out', 'plan.json', '--detailed-exitcode'], dir);
    expect(shown.code, shown.stderr).toBe(2);
    expect(shown.stdout).toContain('  # assistant.helper gets a new version (the manifest changed)\n  ~ agent "desk-helper" new version 2 (live 1) {\n        id = "desk-helper"\n      ~ instructions = "Answer from the knowledge base." -> "Answer from the knowledge base, briefly."\n    }');
    expect(shown.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    const from = p.f.emu.log.length;
    const applied = await p.cli(['apply', 'plan.json', '--auto-approve'], dir);
    expect(applied.code, applied.stderr).toBe(0);
    // one version made, nothing else written but the lease (a vector store, created and deleted)
    const writes = p.requests(from).filter((s) => s.method !== 'GET');
    // (the lease: taken, renewed before the assistants phase and before the check, released)
    expect(writes.map((w) => `${w.method} ${w.path.replace(/vs_\w+/, 'vs_…')}`)).toEqual([
      'POST /api/projects/local-project/openai/v1/vector_stores',
      'POST /api/projects/local-project/openai/v1/vector_stores/vs_…',
      'POST /api/projects/local-project/agents/desk-helper/versions',
      'POST /api/projects/local-project/openai/v1/vector_stores/vs_…',
      'DELETE /api/projects/local-project/openai/v1/vector_stores/vs_…',
    ]);
    const after = await pythonAgent(p, ['get', 'desk-helper']);
    expect(after.latest).toBe('2');
    expect(after.versions.map((v: { version: string }) => v.version)).toEqual(['2', '1']);
    expect(after.versions[0].definition.instructions).toBe('Answer from the knowledge base, briefly.');
    expect(after.versions[1].definition.instructions).toBe('Answer from the knowledge base.');
    expect(after.versions[0].metadata).toMatchObject({ team: 'desk', 'assistants-deploy.name': 'Desk helper', 'assistants-deploy.deployment': 'desk' });
    expect(after.versions[0].definition.tools).toEqual(before.versions[0].definition.tools);
    await noOp(dir);
    // a saved plan whose live version moved on is stale
    const stale = await p.cli(['apply', 'plan.json', '--auto-approve'], dir);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/stale|changed since/);
  });

  it('a version made by hand with the SDK is drift: with the tags copied, field by field; without them, the version itself; apply puts the manifest back', async () => {
    const dir = project('drift');
    await apply(dir);
    const v1 = (await p.agent('drift-other'))!;
    await pythonAgent(p, ['version', 'drift-other', JSON.stringify({ definition: { ...v1.definition, temperature: 0.9 }, metadata: v1.metadata, description: '' })]);
    const copied = await p.cli(['plan'], dir);
    expect(copied.stdout).toContain('  # assistant.other gets a new version (changed outside the manifest (drift); apply puts back what the manifest says)\n  ~ agent "drift-other" new version 3 (live 2) {');
    expect(copied.stdout).toContain('      ~ temperature = 0.9 -> 1  # drift: changed outside the manifest');
    await apply(dir);
    await noOp(dir);

    await pythonAgent(p, ['version', 'drift-other', JSON.stringify({ definition: { kind: 'prompt', model: 'gpt-4o', instructions: 'Edited in the portal.', tool_choice: 'auto' }, metadata: { by: 'portal' } })]);
    const r = await p.cli(['plan', '--format', 'json'], dir);
    const change = JSON.parse(r.stdout).resource_changes.find((c: { address: string }) => c.address === 'assistant.other');
    expect(change).toMatchObject({ action_reason: 'update_because_drift', drift: true, agent: { name: 'drift-other', live_version: '4', next_version: 5 } });
    expect(change.field_changes.map((f: { path: string; cause: string }) => `${f.path} ${f.cause}`)).toEqual([
      'name drift',
      'model drift',
      'instructions drift',
      'metadata.by drift',
      'version drift',
      'definition.tool_choice drift',
    ]);
    const text = await p.cli(['plan'], dir);
    expect(text.stdout).toContain('      ~ version = "4 (made outside assistants-deploy; its last version is 3)" -> "a version of the manifest"  # drift: changed outside the manifest');
    expect(text.stdout).toContain('      - definition.tool_choice = "auto" -> null  # drift: changed outside the manifest');
    await apply(dir);
    await noOp(dir);
    const back = await pythonAgent(p, ['get', 'drift-other']);
    expect(back.versions.map((v: { version: string }) => v.version)).toEqual(['5', '4', '3', '2', '1']);
    expect(back.versions[0].definition).toEqual({ kind: 'prompt', model: 'gpt-4o-mini', instructions: 'Route questions.' });
    expect(back.versions[0].metadata['assistants-deploy.resource']).toMatch(/^other;v1;/);
  });

  it('prune deletes the agent the manifest dropped; destroy deletes every owned agent, store and file and leaves what others own', async () => {
    const dir = project('tidy');
    await apply(dir);
    await handMade('tidy-lookalike', { kind: 'prompt', model: 'gpt-4o', instructions: 'Mine, not the deployment\'s.' });
    await handMade('tidy-elsewhere', { kind: 'prompt', model: 'gpt-4o' }, { 'assistants-deploy.deployment': 'tidy-other', 'assistants-deploy.resource': 'other;v1;' });
    const store = await p.openai.vectorStores.create({ name: 'KB', metadata: { team: 'hand' } });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/assistants.yaml`, manifest('tidy', HELPER));
    const plan = await p.cli(['plan'], dir);
    expect(plan.stdout).toContain('  # assistant.other will be destroyed (no longer in the manifest)\n  - agent "tidy-other" (latest version 1; every version goes) {');
    await apply(dir);
    expect(await p.agent('tidy-other')).toBeUndefined();
    expect(await p.agent('tidy-helper')).toBeDefined();

    const destroyed = await p.cli(['destroy', '--auto-approve'], dir);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain('Destroy complete! Resources: 0 added, 0 changed, 2 destroyed. Files: 3 deleted.');
    expect(await p.agent('tidy-helper')).toBeUndefined();
    expect((await p.agent('tidy-lookalike'))?.definition.instructions).toBe('Mine, not the deployment\'s.');
    expect((await p.agent('tidy-elsewhere'))?.metadata['assistants-deploy.deployment']).toBe('tidy-other');
    await expect(p.openai.vectorStores.retrieve(store.id)).resolves.toMatchObject({ name: 'KB', metadata: { team: 'hand' } });
    for await (const v of p.openai.vectorStores.list({ limit: 100 })) expect(v.metadata?.['assistants-deploy.deployment']).not.toBe('tidy');
    for await (const f of p.openai.files.list({ purpose: 'assistants' })) expect(f.filename).not.toMatch(/^ad~tidy~/);
  });

  it('protect, conflicts and the mass-delete gate refuse as on the other targets; a name taken by someone else is a located plan error', async () => {
    const dir = project('guard', HELPER.replace('    metadata: { team: desk }\n', '    metadata: { team: desk }\n    protect: true\n') + OTHER + '  third: { model: gpt-4o }\n  fourth: { model: gpt-4o }\n');
    await apply(dir);
    const { writeFileSync } = await import('node:fs');
    // protect: the helper's block removed, the agent stays
    writeFileSync(`${dir}/assistants.yaml`, manifest('guard', OTHER + '  third: { model: gpt-4o }\n  fourth: { model: gpt-4o }\n'));
    const refused = await p.cli(['apply', '--auto-approve'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('- agent "guard-helper" (latest version 1; every version goes) {');
    expect(refused.stdout + refused.stderr).toMatch(/PROTECTED/);
    expect(await p.agent('guard-helper')).toBeDefined();
    // mass delete: 3 of 5 resources
    writeFileSync(`${dir}/assistants.yaml`, manifest('guard', HELPER.replace('    metadata: { team: desk }\n', '    metadata: { team: desk }\n    protect: true\n')));
    const mass = await p.cli(['apply', '--auto-approve'], dir);
    expect(mass.code).toBe(1);
    expect(mass.stderr).toContain('--allow-mass-delete');
    expect(await p.agent('guard-third')).toBeDefined();
    // a conflict: an agent made by hand searches the deployment's store, which the manifest drops
    const kb = [];
    for await (const v of p.openai.vectorStores.list({ limit: 100 })) if (v.metadata?.['assistants-deploy.deployment'] === 'guard') kb.push(v.id);
    await handMade('reader', { kind: 'prompt', model: 'gpt-4o', tools: [{ type: 'file_search', vector_store_ids: kb }] });
    writeFileSync(`${dir}/assistants.yaml`, `version: 1\ndeployment: guard\nassistants:\n${HELPER.replace(/    tools:.*\n    tool_resources:.*\n/, '').replace('    metadata: { team: desk }\n', '    metadata: { team: desk }\n    protect: true\n')}${OTHER}  third: { model: gpt-4o }\n  fourth: { model: gpt-4o }\n`);
    const conflict = await p.cli(['apply', '--auto-approve'], dir);
    expect(conflict.code).toBe(1);
    expect(conflict.stdout).toContain(`! vector_store.kb (${kb[0]}) is used by reader`);
    expect(conflict.stderr).toContain('--allow-conflicts');
    await expect(p.openai.vectorStores.retrieve(kb[0]!)).resolves.toMatchObject({ name: 'KB' });

    // a name taken: the key "taken" would be agent guard-taken, which someone else made
    await handMade('guard-taken', { kind: 'prompt', model: 'gpt-4o', instructions: 'Not yours.' }, { 'assistants-deploy.deployment': 'someone' });
    writeFileSync(`${dir}/assistants.yaml`, manifest('guard', HELPER.replace('    metadata: { team: desk }\n', '    metadata: { team: desk }\n    protect: true\n') + OTHER + '  third: { model: gpt-4o }\n  fourth: { model: gpt-4o }\n  taken: { model: gpt-4o }\n  fresh: { model: gpt-4o }\n'));
    const taken = await p.cli(['apply', '--auto-approve'], dir);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^assistants\.yaml:\d+:3: assistants\.taken: its Foundry agent name "guard-taken" is taken by an agent this deployment does not own \("guard-taken"\); nothing is sent for this assistant/m);
    expect(taken.stderr).toContain('+ assistant.fresh: created (guard-fresh)');
    expect(taken.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy. 1 error: assistant.taken is left out.');
    expect(await p.versions('guard-taken')).toHaveLength(1);
    expect((await p.agent('guard-taken'))?.definition.instructions).toBe('Not yours.');
  });
});
