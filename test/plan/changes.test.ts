/**
 * One test per kind of change. A base manifest is applied once; each case edits a copy of the
 * project (manifest or files), runs `plan --format json` through the real CLI, and checks the
 * plan names exactly the change made, with the right cause. The account is never touched by
 * these plans, so every case starts from the same live state. A last test applies every edit at
 * once and checks the next plan is empty (apply carries out each kind of change).
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR_PATH } from '../../src/ownership/metadata.js';
import type { Plan, ResourceChange } from '../../src/plan/types.js';
import { tempProject } from '../helpers/cli.js';
import { startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

const BASE = `version: 1
deployment: kinds
vector_stores:
  kb:
    name: Knowledge
    description: What the bot knows
    files: ["kb/*.md"]
    attributes: { team: a }
    chunking_strategy: { type: static, static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 100 } }
    expires_after: { anchor: last_active_at, days: 30 }
    metadata: { owner: x }
file_sets:
  data: { files: ["data/*.csv"] }
assistants:
  bot:
    name: Bot
    description: A bot
    model: gpt-4o
    instructions: "Line one\\nLine two\\nLine three\\n"
    temperature: 0.5
    top_p: 0.9
    response_format: auto
    tools:
      - type: file_search
        file_search: { max_num_results: 5, ranking_options: { ranker: auto, score_threshold: 0.2 } }
      - type: code_interpreter
      - type: function
        function:
          name: lookup
          description: Look a thing up
          parameters: { type: object, properties: { id: { type: string } }, required: [id], additionalProperties: false }
          strict: true
    tool_resources:
      file_search: { vector_stores: [kb] }
      code_interpreter: { file_sets: [data] }
    metadata: { team: support }
`;

const FILES = {
  'kb/alpha.md': '# Alpha\nThe alpha document.\n',
  'kb/beta.md': '# Beta\nThe beta document.\n',
  'kb/gamma.md': '# Gamma\nThe gamma document.\n',
  'data/sales.csv': 'month,total\n2026-10,100\n',
};

let account: Account;
let base: string;

beforeAll(async () => {
  account = await startAccount();
  base = tempProject({ 'assistants.yaml': BASE, ...FILES });
  const r = await account.cli(['apply', '--auto-approve'], { cwd: base });
  expect(r.code, r.stderr).toBe(0);
  const plan = await account.cli(['plan', '--detailed-exitcode'], { cwd: base });
  expect(plan.code, plan.stdout + plan.stderr).toBe(0);
});
afterAll(async () => account.close());

/** A copy of the applied project with an edit made to it. */
function variant(edit: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-kind-'));
  cpSync(base, dir, { recursive: true });
  rmSync(path.join(dir, '.assistants-deploy'), { recursive: true, force: true });
  edit(dir);
  return dir;
}

function editManifest(from: string | RegExp, to: string) {
  return (dir: string) => {
    const file = path.join(dir, 'assistants.yaml');
    const text = readFileSync(file, 'utf8');
    const next = text.replace(from, to);
    if (next === text) throw new Error(`test edit did not apply: ${String(from)}`);
    writeFileSync(file, next);
  };
}

async function planOf(dir: string): Promise<Plan> {
  const r = await account.cli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd: dir });
  expect(r.code, r.stderr).toBe(2);
  return JSON.parse(r.stdout) as Plan;
}

function only(plan: Plan, address: string): ResourceChange {
  expect(plan.resource_changes.map((c) => c.address)).toEqual([address]);
  return plan.resource_changes[0]!;
}

function fields(c: ResourceChange) {
  return c.field_changes.map((f) => ({ path: f.path, before: f.before, after: f.after, cause: f.cause }));
}

describe('assistant fields', () => {
  const cases: [string, (dir: string) => void, { path: string; before: unknown; after: unknown }[]][] = [
    ['name', editManifest('name: Bot\n', 'name: Bot Two\n'), [{ path: 'name', before: 'Bot', after: 'Bot Two' }]],
    ['description', editManifest('description: A bot\n', 'description: A better bot\n'), [{ path: 'description', before: 'A bot', after: 'A better bot' }]],
    ['description removed', editManifest('    description: A bot\n', ''), [{ path: 'description', before: 'A bot', after: null }]],
    ['model', editManifest('model: gpt-4o\n', 'model: gpt-4.1\n'), [{ path: 'model', before: 'gpt-4o', after: 'gpt-4.1' }]],
    [
      'instructions',
      editManifest('Line two', 'Line 2'),
      [{ path: 'instructions', before: 'Line one\nLine two\nLine three\n', after: 'Line one\nLine 2\nLine three\n' }],
    ],
    ['reasoning_effort added', editManifest('    temperature: 0.5\n', '    temperature: 0.5\n    reasoning_effort: high\n'), [{ path: 'reasoning_effort', before: null, after: 'high' }]],
    ['temperature', editManifest('temperature: 0.5', 'temperature: 0.7'), [{ path: 'temperature', before: 0.5, after: 0.7 }]],
    ['top_p removed goes back to the API default', editManifest('    top_p: 0.9\n', ''), [{ path: 'top_p', before: 0.9, after: 1 }]],
    ['response_format', editManifest('response_format: auto', 'response_format: { type: json_object }'), [{ path: 'response_format', before: 'auto', after: { type: 'json_object' } }]],
    [
      'response_format json_schema',
      editManifest(
        'response_format: auto',
        'response_format: { type: json_schema, json_schema: { name: answer, strict: true, schema: { type: object, properties: { a: { type: string } }, required: [a], additionalProperties: false } } }',
      ),
      [
        {
          path: 'response_format',
          before: 'auto',
          after: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { additionalProperties: false, properties: { a: { type: 'string' } }, required: ['a'], type: 'object' } } },
        },
      ],
    ],
    ['metadata key added', editManifest('metadata: { team: support }', 'metadata: { team: support, tier: "1" }'), [{ path: 'metadata.tier', before: null, after: '1' }]],
    ['metadata key removed', editManifest('metadata: { team: support }', 'metadata: {}'), [{ path: 'metadata.team', before: 'support', after: null }]],
    ['metadata value changed', editManifest('metadata: { team: support }', 'metadata: { team: sales }'), [{ path: 'metadata.team', before: 'support', after: 'sales' }]],
  ];
  it.each(cases)('%s', async (_name, edit, expected) => {
    const c = only(await planOf(variant(edit)), 'assistant.bot');
    expect(c.actions).toEqual(['update']);
    expect(c.action_reason).toBe('update_because_manifest_changed');
    expect(fields(c)).toEqual(expected.map((e) => ({ ...e, cause: 'manifest' })));
  });
});

describe('tool options', () => {
  const cases: [string, (dir: string) => void, { path: string; before: unknown; after: unknown }[]][] = [
    ['file_search max_num_results', editManifest('max_num_results: 5', 'max_num_results: 8'), [{ path: 'tools[file_search].file_search.max_num_results', before: 5, after: 8 }]],
    ['file_search score_threshold', editManifest('score_threshold: 0.2', 'score_threshold: 0.3'), [{ path: 'tools[file_search].file_search.ranking_options.score_threshold', before: 0.2, after: 0.3 }]],
    ['file_search ranker', editManifest('ranker: auto', 'ranker: default_2024_08_21'), [{ path: 'tools[file_search].file_search.ranking_options.ranker', before: 'auto', after: 'default_2024_08_21' }]],
    ['function description', editManifest('description: Look a thing up', 'description: Find a thing'), [{ path: 'tools[lookup].function.description', before: 'Look a thing up', after: 'Find a thing' }]],
    [
      'function parameters (a JSON schema change shown by path)',
      editManifest('properties: { id: { type: string } }, required: [id]', 'properties: { id: { type: integer } }, required: [id]'),
      [{ path: 'tools[lookup].function.parameters.properties.id.type', before: 'string', after: 'integer' }],
    ],
    ['function strict', editManifest('strict: true', 'strict: false'), [{ path: 'tools[lookup].function.strict', before: true, after: null }]],
    ['a tool removed', editManifest('      - type: code_interpreter\n', ''), [{ path: 'tools[code_interpreter]', before: { type: 'code_interpreter' }, after: null }]],
    [
      'a tool added',
      editManifest('    tool_resources:', '      - type: function\n        function: { name: escalate }\n    tool_resources:'),
      [{ path: 'tools[escalate]', before: null, after: { type: 'function', function: { name: 'escalate' } } }],
    ],
  ];
  it.each(cases)('%s', async (_name, edit, expected) => {
    const c = only(await planOf(variant(edit)), 'assistant.bot');
    expect(fields(c)).toEqual(expected.map((e) => ({ ...e, cause: 'manifest' })));
  });

  it('tool_resources: detaching the vector store', async () => {
    const c = only(await planOf(variant(editManifest('      file_search: { vector_stores: [kb] }\n', ''))), 'assistant.bot');
    expect(c.field_changes).toHaveLength(1);
    expect(c.field_changes[0]!.path).toBe('tool_resources.file_search');
    expect(c.field_changes[0]!.after).toBeNull();
  });
});

describe('vector store options', () => {
  it('name: updated in place', async () => {
    const c = only(await planOf(variant(editManifest('name: Knowledge', 'name: Knowledge base'))), 'vector_store.kb');
    expect(c.actions).toEqual(['update']);
    expect(fields(c)).toEqual([{ path: 'name', before: 'Knowledge', after: 'Knowledge base', cause: 'manifest' }]);
  });

  it('description: the API cannot change it, so the store is replaced (new first) and the assistant follows', async () => {
    const plan = await planOf(variant(editManifest('description: What the bot knows', 'description: Everything the bot knows')));
    const store = plan.resource_changes.find((c) => c.address === 'vector_store.kb')!;
    expect(store.actions).toEqual(['create', 'delete']);
    expect(store.action_reason).toBe('replace_because_cannot_update');
    expect(store.field_changes[0]).toMatchObject({ path: 'description', forces_replacement: true });
    expect(store.files!.attach).toHaveLength(3);
    const bot = plan.resource_changes.find((c) => c.address === 'assistant.bot')!;
    expect(bot.field_changes.map((f) => f.path)).toEqual(['tool_resources.file_search.vector_store_ids']);
    expect(plan.summary).toMatchObject({ add: 1, change: 1, destroy: 1 });
    expect(plan.uploads).toEqual([]);
  });

  it('expires_after removed', async () => {
    const c = only(await planOf(variant(editManifest('    expires_after: { anchor: last_active_at, days: 30 }\n', ''))), 'vector_store.kb');
    expect(fields(c)).toEqual([{ path: 'expires_after', before: { anchor: 'last_active_at', days: 30 }, after: null, cause: 'manifest' }]);
  });

  it('metadata', async () => {
    const c = only(await planOf(variant(editManifest('metadata: { owner: x }', 'metadata: { owner: y }'))), 'vector_store.kb');
    expect(fields(c)).toEqual([{ path: 'metadata.owner', before: 'x', after: 'y', cause: 'manifest' }]);
  });

  it('chunking strategy: every file is attached again with the new chunking', async () => {
    const c = only(await planOf(variant(editManifest('max_chunk_size_tokens: 400, chunk_overlap_tokens: 100', 'max_chunk_size_tokens: 600, chunk_overlap_tokens: 100'))), 'vector_store.kb');
    expect(c.field_changes).toEqual([]);
    expect(c.action_reason).toBe('update_because_files_changed');
    expect(c.files!.attach.map((a) => [a.path, a.reason])).toEqual([
      ['kb/alpha.md', 'chunking_changed'],
      ['kb/beta.md', 'chunking_changed'],
      ['kb/gamma.md', 'chunking_changed'],
    ]);
    expect(c.files!.detach.map((d) => d.reason)).toEqual(['chunking_changed', 'chunking_changed', 'chunking_changed']);
  });

  it('attributes: re-attributed in place, nothing uploaded', async () => {
    const plan = await planOf(variant(editManifest('attributes: { team: a }', 'attributes: { team: b }')));
    const c = only(plan, 'vector_store.kb');
    expect(c.files!.update_attributes.map((u) => [u.path, u.reason, u.attributes.team])).toEqual([
      ['kb/alpha.md', 'attributes_changed', 'b'],
      ['kb/beta.md', 'attributes_changed', 'b'],
      ['kb/gamma.md', 'attributes_changed', 'b'],
    ]);
    expect(plan.uploads).toEqual([]);
  });
});

/**
 * What a store's files carry, shown: a create lists the chunking and attributes; an update shows
 * each changed chunking setting and attribute key before -> after, with how many files it applies
 * to, and both when both change; the JSON plan has the live file's values. The before values come
 * from the list pages every plan reads: no request is added.
 */
describe('chunking and file attributes in the plan', () => {
  const STATIC = (size: number, overlap: number) => ({ type: 'static', static: { chunk_overlap_tokens: overlap, max_chunk_size_tokens: size } });
  const LIST_ROUTES = ['/v1/assistants', '/v1/files', '/v1/models', '/v1/vector_stores', '/v1/vector_stores/{vector_store_id}/files'];

  it('chunking and attributes changed together: both shown before -> after, and the JSON plan carries the live values', async () => {
    const dir = variant((d) => {
      editManifest('max_chunk_size_tokens: 400, chunk_overlap_tokens: 100', 'max_chunk_size_tokens: 600, chunk_overlap_tokens: 100')(d);
      editManifest('attributes: { team: a }', 'attributes: { team: b, lang: en }')(d);
    });
    const from = account.emu.log.length;
    const c = only(await planOf(dir), 'vector_store.kb');
    const requests = account.emu.log.slice(from);
    expect(requests.every((e) => e.method === 'GET' && LIST_ROUTES.includes(e.route))).toBe(true);
    expect(requests.length).toBe(5); // the four lists and the model list

    expect(c.files!.chunking_strategy).toEqual(STATIC(600, 100));
    expect(c.files!.attributes).toEqual({ lang: 'en', team: 'b' });
    const detached = new Map(c.files!.detach.map((d) => [d.path, d.file_id]));
    expect(c.files!.attach.map((a) => [a.path, a.reason, a.before?.file_id === detached.get(a.path), a.before?.attributes.team, a.before?.chunking_strategy])).toEqual(
      ['kb/alpha.md', 'kb/beta.md', 'kb/gamma.md'].map((p) => [p, 'chunking_changed', true, 'a', STATIC(400, 100)]),
    );
    expect(c.files!.attach.every((a) => a.before?.attributes[ATTR_PATH] === a.path && a.attributes.team === 'b')).toBe(true);

    const lines = [
      '      ~ chunking_strategy.static.max_chunk_size_tokens = 400 -> 600  # 3 files',
      '      + attributes.lang = "en"  # 3 files',
      '      ~ attributes.team = "a" -> "b"  # 3 files',
      '      files: 3 to replace, 0 unchanged',
      '        ~ kb/alpha.md (chunking and attributes changed)',
      '        ~ kb/beta.md (chunking and attributes changed)',
      '        ~ kb/gamma.md (chunking and attributes changed)',
      '    }',
    ];
    const text = await account.cli(['plan', '--no-color'], { cwd: dir });
    expect(text.stdout).toContain(lines.join('\n'));
    const markdown = await account.cli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(markdown.stdout).toContain(lines.map((l) => l.replace(/^(\s+)\+/, '+$1')).join('\n'));
  });

  it('attributes alone: each key added, changed or removed, before -> after', async () => {
    const dir = variant(editManifest('attributes: { team: a }', 'attributes: { tier: 2 }'));
    const c = only(await planOf(dir), 'vector_store.kb');
    expect(c.files!.update_attributes.map((u) => [u.path, u.before?.attributes.team, u.before?.attributes.tier, u.attributes.tier])).toEqual(
      ['kb/alpha.md', 'kb/beta.md', 'kb/gamma.md'].map((p) => [p, 'a', undefined, 2]),
    );
    const text = await account.cli(['plan', '--no-color'], { cwd: dir });
    expect(text.stdout).toContain(
      [
        '      - attributes.team = "a" -> null  # 3 files',
        '      + attributes.tier = 2  # 3 files',
        '      files: 3 to re-attribute, 0 unchanged',
        '        ~ kb/alpha.md (attributes changed)',
      ].join('\n'),
    );
  });

  it('a new store lists the chunking and attributes its files get', async () => {
    const store = [
      '  notes:',
      '    files: ["kb/alpha.md"]',
      '    attributes: { lang: en, n: 2 }',
      '    chunking_strategy: { type: static, static: { max_chunk_size_tokens: 300, chunk_overlap_tokens: 50 } }',
    ];
    const dir = variant(editManifest('\nfile_sets:\n', `\n${store.join('\n')}\nfile_sets:\n`));
    const plan = await planOf(dir);
    const notes = plan.resource_changes.find((c) => c.address === 'vector_store.notes')!;
    expect(notes.files).toMatchObject({ chunking_strategy: STATIC(300, 50), attributes: { lang: 'en', n: 2 } });
    const text = await account.cli(['plan', '--no-color'], { cwd: dir });
    expect(text.stdout).toContain(
      [
        '  + vector_store "notes" {',
        '      + name              = "notes"',
        '      + chunking_strategy = { type = "static", static = { max_chunk_size_tokens = 300, chunk_overlap_tokens = 50 } }',
        '      + attributes        = { lang = "en", n = 2 }',
        '      files: 1 to add, 0 unchanged',
        '        + kb/alpha.md (new)',
      ].join('\n'),
    );
  });
});

describe('files', () => {
  it('a file added: uploaded and attached', async () => {
    const plan = await planOf(variant((d) => writeFileSync(path.join(d, 'kb/delta.md'), '# Delta\nNew.\n')));
    const c = only(plan, 'vector_store.kb');
    expect(c.files!.attach.map((a) => [a.path, a.reason])).toEqual([['kb/delta.md', 'new']]);
    expect(c.files!.unchanged).toBe(3);
    expect(plan.uploads.map((u) => u.path)).toEqual(['kb/delta.md']);
  });

  it('a file removed: detached, and its upload deleted', async () => {
    const plan = await planOf(variant((d) => rmSync(path.join(d, 'kb/beta.md'))));
    const c = only(plan, 'vector_store.kb');
    expect(c.files!.detach.map((x) => [x.path, x.reason])).toEqual([['kb/beta.md', 'removed']]);
    expect(plan.file_deletions.map((f) => [f.filename.split('~').pop(), f.reason])).toEqual([['beta.md', 'unreferenced']]);
  });

  it('a file renamed: its attributes change, nothing is uploaded or detached', async () => {
    const plan = await planOf(variant((d) => renameSync(path.join(d, 'kb/beta.md'), path.join(d, 'kb/beta-renamed.md'))));
    const c = only(plan, 'vector_store.kb');
    expect(c.files!.update_attributes.map((u) => [u.path, u.from_path, u.reason, u.attributes[ATTR_PATH]])).toEqual([
      ['kb/beta-renamed.md', 'kb/beta.md', 'renamed', 'kb/beta-renamed.md'],
    ]);
    expect(c.files!.attach).toEqual([]);
    expect(c.files!.detach).toEqual([]);
    expect(plan.uploads).toEqual([]);
    expect(plan.file_deletions).toEqual([]);
  });

  it('a file changed in content but not in size: replaced', async () => {
    const plan = await planOf(variant((d) => writeFileSync(path.join(d, 'kb/alpha.md'), '# Alpha\nThe ALPHA document.\n')));
    expect(FILES['kb/alpha.md'].length).toBe('# Alpha\nThe ALPHA document.\n'.length);
    const c = only(plan, 'vector_store.kb');
    expect(c.files!.attach.map((a) => [a.path, a.reason])).toEqual([['kb/alpha.md', 'content_changed']]);
    expect(c.files!.detach.map((x) => [x.path, x.reason])).toEqual([['kb/alpha.md', 'content_changed']]);
    expect(plan.uploads.map((u) => u.path)).toEqual(['kb/alpha.md']);
    expect(plan.file_deletions).toHaveLength(1);
  });

  it('a file added to a file set: uploaded, and the assistant gets its id', async () => {
    const plan = await planOf(variant((d) => writeFileSync(path.join(d, 'data/costs.csv'), 'month,cost\n2026-10,50\n')));
    const c = only(plan, 'assistant.bot');
    expect(c.field_changes.map((f) => f.path)).toEqual(['tool_resources.code_interpreter.file_ids']);
    expect(plan.uploads.map((u) => u.path)).toEqual(['data/costs.csv']);
  });
});

describe('ownership and drift', () => {
  it('an owned resource dropped from the manifest is deleted', async () => {
    const plan = await planOf(variant(editManifest(/assistants:\n[\s\S]*$/, 'assistants: {}\n')));
    const c = only(plan, 'assistant.bot');
    expect(c.actions).toEqual(['delete']);
    expect(c.action_reason).toBe('delete_because_no_resource_config');
    // the file set is still declared, so its file stays
    expect(plan.file_deletions).toEqual([]);
  });

  it('an unowned resource of the same name is left alone', async () => {
    const other = await account.client.beta.assistants.create({ model: 'gpt-4o', name: 'Bot' });
    const store = await account.client.vectorStores.create({ name: 'Knowledge' });
    try {
      const r = await account.cli(['plan', '--detailed-exitcode'], { cwd: base });
      expect(r.stdout).toContain('No changes.');
      expect(r.code).toBe(0);
    } finally {
      await account.client.beta.assistants.delete(other.id);
      await account.client.vectorStores.delete(store.id);
    }
  });

  it('an edit made outside the manifest shows as drift, labelled, and apply puts it back', async () => {
    const dir = variant(() => {});
    const live = (await account.client.beta.assistants.list({ limit: 100 })).data.find((a) => a.name === 'Bot' && a.metadata)!;
    await account.client.beta.assistants.update(live.id, { instructions: 'Edited in the dashboard\n', temperature: 1.2 });
    const plan = await planOf(dir);
    const c = only(plan, 'assistant.bot');
    expect(c.action_reason).toBe('update_because_drift');
    expect(c.drift).toBe(true);
    expect(fields(c)).toEqual([
      { path: 'instructions', before: 'Edited in the dashboard\n', after: 'Line one\nLine two\nLine three\n', cause: 'drift' },
      { path: 'temperature', before: 1.2, after: 0.5, cause: 'drift' },
    ]);
    expect(plan.summary.drifted).toBe(1);
    const text = await account.cli(['plan'], { cwd: dir });
    expect(text.stdout).toContain('# assistant.bot will be updated in place (changed outside the manifest (drift); apply puts back what the manifest says)');
    expect(text.stdout).toContain('~ temperature = 1.2 -> 0.5  # drift: changed outside the manifest');

    // both sides moved: the manifest changed temperature too
    const both = await planOf(variant(editManifest('temperature: 0.5', 'temperature: 0.6')));
    expect(fields(only(both, 'assistant.bot')).find((f) => f.path === 'temperature')).toEqual({ path: 'temperature', before: 1.2, after: 0.6, cause: 'manifest_and_drift' });

    const applied = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect((await account.cli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
  });
});

describe('apply carries out every kind of change', () => {
  it('all edits at once, then the plan is empty', async () => {
    const dir = variant((d) => {
      editManifest('name: Bot\n', 'name: Bot Two\n')(d);
      editManifest('    description: A bot\n', '')(d);
      editManifest('Line two', 'Line 2')(d);
      editManifest('temperature: 0.5', 'temperature: 0.7')(d);
      editManifest('    top_p: 0.9\n', '')(d);
      editManifest('response_format: auto', 'response_format: { type: json_object }')(d);
      editManifest('metadata: { team: support }', 'metadata: { tier: "2" }')(d);
      editManifest('max_num_results: 5', 'max_num_results: 8')(d);
      editManifest('properties: { id: { type: string } }, required: [id]', 'properties: { id: { type: integer } }, required: [id]')(d);
      editManifest('      - type: code_interpreter\n', '')(d);
      editManifest('      code_interpreter: { file_sets: [data] }\n', '')(d);
      editManifest('description: What the bot knows', 'description: Everything the bot knows')(d);
      editManifest('metadata: { owner: x }', 'metadata: { owner: y }')(d);
      editManifest('max_chunk_size_tokens: 400', 'max_chunk_size_tokens: 500')(d);
      editManifest('attributes: { team: a }', 'attributes: { team: b }')(d);
      writeFileSync(path.join(d, 'kb/delta.md'), '# Delta\nNew.\n');
      rmSync(path.join(d, 'kb/gamma.md'));
      renameSync(path.join(d, 'kb/beta.md'), path.join(d, 'kb/beta2.md'));
      writeFileSync(path.join(d, 'kb/alpha.md'), '# Alpha\nThe ALPHA document.\n');
    });
    const applied = await account.cli(['apply', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const after = await account.cli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd: dir });
    expect(after.code, after.stdout).toBe(0);
    const stores = (await account.client.vectorStores.list({ limit: 100 })).data.filter((v) => v.metadata?.['assistants-deploy.deployment'] === 'kinds');
    expect(stores).toHaveLength(1);
    const files = (await account.client.vectorStores.files.list(stores[0]!.id, { limit: 100 })).data;
    expect(files.map((f) => f.attributes?.[ATTR_PATH]).sort()).toEqual(['kb/alpha.md', 'kb/beta2.md', 'kb/delta.md']);
  });
});
