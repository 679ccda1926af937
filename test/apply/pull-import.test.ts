/**
 * Adopting an account: `pull` writes a manifest from a deployment (planning it back shows no
 * change), `pull --ids` + `import` adopt untagged resources, and import refuses to take over what
 * another deployment owns unless told to. A store's chunking and attributes, which the API keeps
 * per file, come back as the store's settings, so neither an adoption nor a pulled manifest
 * re-chunks or re-attributes files that did not change.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ATTR_PATH, ATTR_SHA256, TAG_DEPLOYMENT, TAG_RESOURCE } from '../../src/ownership/metadata.js';
import type { Plan } from '../../src/plan/types.js';
import { REPO, tempProject } from '../helpers/cli.js';
import { copyExample, mutating, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

const EXAMPLES = readdirSync(path.join(REPO, 'examples')).filter((d) =>
  statSync(path.join(REPO, 'examples', d, 'assistants.yaml'), { throwIfNoEntry: false })?.isFile(),
);

/** Every file under a folder, relative paths. */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    return statSync(abs).isDirectory() ? walk(abs, base) : [path.relative(base, abs)];
  });
}

describe.each(EXAMPLES)('pull of example %s', (name) => {
  let account: Account;
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(async () => account.close());

  it('pulled manifest plans no change', async () => {
    const src = copyExample(name);
    const applied = await account.cli(['apply', '-f', '.', '--auto-approve', '--quiet'], { cwd: src });
    expect(applied.code, applied.stderr).toBe(0);
    const deployment = /^deployment: (\S+)$/m.exec(readFileSync(path.join(src, 'assistants.yaml'), 'utf8'))![1]!;

    const out = tempProject({});
    const pulled = await account.cli(['pull', '--deployment', deployment, '-o', 'pulled'], { cwd: out });
    expect(pulled.code, pulled.stderr).toBe(0);
    const dir = path.join(out, 'pulled');
    expect(existsSync(path.join(dir, 'assistants.yaml'))).toBe(true);
    // pull cannot download file contents: put the files it lists where it says, from the example
    const wanted = pulled.stderr.split('\n').filter((l) => l.startsWith('  ') && !l.includes(' ', 2)).map((l) => l.trim());
    const sources = walk(src);
    for (const rel of wanted) {
      const from = sources.find((s) => s === rel) ?? sources.find((s) => path.basename(s) === path.basename(rel));
      expect(from, `${rel} in ${name}`).toBeDefined();
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      copyFileSync(path.join(src, from!), path.join(dir, rel));
    }
    const plan = await account.cli(['plan', '-f', 'pulled', '--format', 'json', '--detailed-exitcode'], { cwd: out });
    expect(plan.code, plan.stdout.slice(0, 3000)).toBe(0);
    expect((JSON.parse(plan.stdout) as Plan).resource_changes).toEqual([]);
  });
});

describe('adopting untagged resources', () => {
  let account: Account;
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(async () => account.close());

  it('pull --ids writes a manifest, import tags the resources, and the plan then matches', async () => {
    const c = account.client;
    const store = await c.vectorStores.create({ name: 'Handbook', metadata: { team: 'hr' } });
    const bot = await c.beta.assistants.create({
      model: 'gpt-4.1',
      name: 'HR helper',
      instructions: 'Answer from the handbook.\nBe brief.\n',
      temperature: 0.3,
      tools: [{ type: 'file_search' }, { type: 'function', function: { name: 'book_leave', parameters: { type: 'object', properties: { days: { type: 'integer' } } } } }],
      tool_resources: { file_search: { vector_store_ids: [store.id] } },
      metadata: { owner: 'hr' },
    });
    const dir = tempProject({});
    const pulled = await account.cli(['pull', '--deployment', 'hr', '--ids', `${bot.id},${store.id}`, '-o', '.'], { cwd: dir });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toContain(`assistants-deploy import assistant.hr-helper ${bot.id} -f .`);
    expect(pulled.stderr).toContain(`assistants-deploy import vector_store.handbook ${store.id} -f .`);
    expect(readFileSync(path.join(dir, 'prompts/hr-helper.md'), 'utf8')).toBe('Answer from the handbook.\nBe brief.\n');
    expect(JSON.parse(readFileSync(path.join(dir, 'functions/hr-helper.book_leave.json'), 'utf8'))).toEqual({ type: 'object', properties: { days: { type: 'integer' } } });

    // before import, the deployment owns nothing: the plan would create copies
    const before = JSON.parse((await account.cli(['plan', '--format', 'json'], { cwd: dir })).stdout) as Plan;
    expect(before.summary.add).toBe(2);

    for (const [address, id] of [['assistant.hr-helper', bot.id], ['vector_store.handbook', store.id]] as const) {
      const r = await account.cli(['import', address, id], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`Imported ${id} as ${address} of deployment "hr".\n`);
    }
    expect((await c.beta.assistants.retrieve(bot.id)).metadata).toMatchObject({ owner: 'hr', [TAG_DEPLOYMENT]: 'hr' });
    const after = await account.cli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd: dir });
    expect(after.code, after.stdout.slice(0, 2000)).toBe(0);

    const again = await account.cli(['import', 'assistant.hr-helper', bot.id], { cwd: dir });
    expect(again.stdout).toContain('is already assistant.hr-helper of deployment "hr"; nothing to do.');
  });

  it('import refuses a resource another deployment owns, unless --allow-takeover', async () => {
    const c = account.client;
    const owned = await c.beta.assistants.create({ model: 'gpt-4o', name: 'Bot', metadata: { [TAG_DEPLOYMENT]: 'team-b', [TAG_RESOURCE]: 'bot;v1;' } });
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: team-a\nassistants:\n  bot: { model: gpt-4o, name: Bot }\n' });
    const from = account.emu.log.length;
    const refused = await account.cli(['import', 'assistant.bot', owned.id], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: ${owned.id} belongs to deployment "team-b" (as assistant.bot): importing it would take it over`);
    expect(refused.stderr).toContain('hint: pass --allow-takeover');
    expect(mutating(account.emu, from)).toEqual([]);
    const taken = await account.cli(['import', 'assistant.bot', owned.id, '--allow-takeover'], { cwd: dir });
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toContain('(taken over from "team-b")');
    expect((await c.beta.assistants.retrieve(owned.id)).metadata?.[TAG_DEPLOYMENT]).toBe('team-a');
  });

  it('import names what is wrong: an unknown key, a wrong id kind, a missing id', async () => {
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: team-a\nassistants:\n  support: { model: gpt-4o }\n' });
    const unknown = await account.cli(['import', 'assistant.suport', 'asst_x'], { cwd: dir });
    expect(unknown.stderr).toContain('error: the manifest has no assistants entry "suport" (did you mean "support"?)');
    const kind = await account.cli(['import', 'assistant.support', 'vs_123'], { cwd: dir });
    expect(kind.stderr).toContain('error: vs_123 is not an assistant id (asst_…)');
    const missing = await account.cli(['import', 'assistant.support', 'asst_doesnotexist'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: reading asst_doesnotexist: the API answered 404: No assistant found with id 'asst_doesnotexist'.");
  });
});

describe('pull keeps what a store\'s files carry', () => {
  let account: Account;
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(async () => account.close());

  const STATIC_600 = { type: 'static' as const, static: { max_chunk_size_tokens: 600, chunk_overlap_tokens: 100 } };
  const manifestOf = (dir: string) => parse(readFileSync(path.join(dir, 'assistants.yaml'), 'utf8')) as { vector_stores: Record<string, Record<string, unknown>> };

  it('adopting a hand-made store keeps its chunking and file attributes, and the deployment pulled back plans no change', async () => {
    const c = account.client;
    const leave = '# Leave\nTwenty days a year.\n';
    const upload = await c.files.create({ file: await toFile(Buffer.from(leave), 'leave.md'), purpose: 'assistants' });
    const store = await c.vectorStores.create({ name: 'Policies', description: 'HR policies', expires_after: { anchor: 'last_active_at', days: 45 }, metadata: { team: 'hr' } });
    await c.vectorStores.files.create(store.id, { file_id: upload.id, attributes: { dept: 'hr', year: 2026, public: false }, chunking_strategy: STATIC_600 });
    const notes = await c.files.create({ file: await toFile(Buffer.from('# Notes\nPlain.\n'), 'notes.md'), purpose: 'assistants' });
    const plain = await c.vectorStores.create({ name: 'Plain', file_ids: [notes.id], chunking_strategy: { type: 'auto' } });

    const dir = tempProject({});
    const pulled = await account.cli(['pull', '--deployment', 'policies', '--ids', `${store.id},${plain.id}`, '-o', '.'], { cwd: dir });
    expect(pulled.code, pulled.stderr).toBe(0);
    const manifest = manifestOf(dir);
    expect(manifest.vector_stores.policies).toEqual({
      name: 'Policies',
      description: 'HR policies',
      attributes: { dept: 'hr', year: 2026, public: false },
      chunking_strategy: STATIC_600,
      expires_after: { anchor: 'last_active_at', days: 45 },
      metadata: { team: 'hr' },
    });
    // the API's default (auto) chunking is the manifest's default: nothing written
    expect(manifest.vector_stores.plain).toEqual({ name: 'Plain' });

    // as pull's note says: name the files to keep, and put them there
    manifest.vector_stores.policies!.files = ['leave.md'];
    manifest.vector_stores.plain!.files = ['notes.md'];
    writeFileSync(path.join(dir, 'assistants.yaml'), stringify(manifest));
    writeFileSync(path.join(dir, 'leave.md'), leave);
    writeFileSync(path.join(dir, 'notes.md'), '# Notes\nPlain.\n');
    for (const [address, id] of [['vector_store.policies', store.id], ['vector_store.plain', plain.id]] as const) {
      const r = await account.cli(['import', address, id], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    }
    const applied = await account.cli(['apply', '--auto-approve', '--quiet'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    const files = (await c.vectorStores.files.list(store.id)).data;
    expect(files.map((f) => [f.attributes, f.chunking_strategy])).toEqual([
      [{ dept: 'hr', year: 2026, public: false, [ATTR_PATH]: 'leave.md', [ATTR_SHA256]: expect.stringMatching(/^[0-9a-f]{64}$/) }, STATIC_600],
    ]);

    // the adopted deployment, pulled again, is the account: no change
    const back = tempProject({ 'leave.md': leave, 'notes.md': '# Notes\nPlain.\n' });
    const again = await account.cli(['pull', '--deployment', 'policies', '-o', '.', '--force'], { cwd: back });
    expect(again.code, again.stderr).toBe(0);
    expect(manifestOf(back).vector_stores.policies).toMatchObject({ attributes: { dept: 'hr', year: 2026, public: false }, chunking_strategy: STATIC_600, description: 'HR policies' });
    const plan = await account.cli(['plan', '--detailed-exitcode'], { cwd: back });
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).toMatch(/^No changes\. The account matches the manifest\.$/m);
  });

  it('a store whose files differ: pull writes what most files carry, says how many differ, and the plan touches only those', async () => {
    const files = { 'kb/a.md': '# A\n', 'kb/b.md': '# B\n', 'kb/c.md': '# C\n' };
    const src = tempProject({
      'assistants.yaml': `version: 1
deployment: mixed
vector_stores:
  kb:
    files: ["kb/*.md"]
    attributes: { team: docs }
    chunking_strategy: { type: static, static: { max_chunk_size_tokens: 600, chunk_overlap_tokens: 100 } }
`,
      ...files,
    });
    expect((await account.cli(['apply', '--auto-approve', '--quiet'], { cwd: src })).code).toBe(0);
    // by hand: one file attached again with the default chunking and another team
    const c = account.client;
    const store = (await c.vectorStores.list({ limit: 100 })).data.find((v) => v.metadata?.[TAG_DEPLOYMENT] === 'mixed')!;
    const odd = (await c.vectorStores.files.list(store.id)).data.find((f) => f.attributes?.[ATTR_PATH] === 'kb/c.md')!;
    await c.vectorStores.files.delete(odd.id, { vector_store_id: store.id });
    await c.vectorStores.files.create(store.id, { file_id: odd.id, attributes: { ...odd.attributes, team: 'ops' }, chunking_strategy: { type: 'auto' } });

    const dir = tempProject(files);
    const pulled = await account.cli(['pull', '--deployment', 'mixed', '-o', '.', '--force'], { cwd: dir });
    expect(pulled.code, pulled.stderr).toBe(0);
    const text = readFileSync(path.join(dir, 'assistants.yaml'), 'utf8');
    expect(manifestOf(dir).vector_stores.kb).toEqual({ files: ['kb/a.md', 'kb/b.md', 'kb/c.md'], attributes: { team: 'docs' }, chunking_strategy: STATIC_600 });
    expect(text).toContain(
      '    # 1 of 3 files carries other attributes than the other 2, whose attributes these are; the manifest sets one set per store, so the next apply re-attributes it\n    attributes:\n',
    );
    expect(text).toContain(
      '    # 1 of 3 files is chunked otherwise than the other 2, whose chunking this is; the manifest sets one chunking per store, so the next apply attaches it again with this one\n    chunking_strategy:\n',
    );
    expect(pulled.stderr).toContain('note: vector_stores.kb: 1 of 3 files is chunked otherwise than the other 2, whose chunking this is;');

    const plan = await account.cli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(2);
    const kb = (JSON.parse(plan.stdout) as Plan).resource_changes[0]!;
    expect(kb.files!.attach.map((a) => [a.path, a.reason])).toEqual([['kb/c.md', 'chunking_changed']]);
    expect(kb.files!.unchanged).toBe(2);
  });
});
