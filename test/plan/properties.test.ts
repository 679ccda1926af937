/**
 * Properties of plan and apply over generated manifests (fast-check): assistants with every kind
 * of tool, vector stores with files, file sets, metadata, attributes, chunking, expiry and
 * protection, and tool resources that refer to the stores and file sets validly. Each case is two
 * manifests of one deployment, drawn from a small pool of keys so that the second updates,
 * replaces, deletes and re-files much of what the first made; the second is applied over the first.
 *   (a) the plan of the second manifest against the live state its apply produced is empty: the
 *       real CLI applies both to the emulator, the real reader (src/targets/read.ts, over the SDK)
 *       reads the account back, and the plan builder (src/plan/build.ts) finds nothing to do;
 *   (b) after the apply, `plan --detailed-exitcode` through the CLI exits 0;
 * and, so that (a) cannot pass for want of looking, a hand edit of a deployed resource afterwards
 * is a plan of exactly one change, labelled drift.
 * Adversarial: every case shares one account with the deployments of the cases before it (the
 * same keys, names and file contents, under other deployment names), and between the two applies
 * hand-made untagged assistants and vector stores with the case's names are added beside its own.
 * A failure reports fast-check's seed and the manifests; AD_PROPERTY_SEED=N replays a seed,
 * AD_PROPERTY_RUNS=N runs more cases (a longer hunt).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashDesired } from '../../src/manifest/hash.js';
import { loadManifest } from '../../src/manifest/load.js';
import { resourceKeyOf } from '../../src/ownership/index.js';
import { buildPlan } from '../../src/plan/build.js';
import { loadPrices } from '../../src/plan/cost/prices.js';
import { readLive, sdkLists } from '../../src/targets/read.js';
import { tempProject } from '../helpers/cli.js';
import { startAccount, type Account } from '../helpers/deploy.js';

const RUNS = Number(process.env.AD_PROPERTY_RUNS ?? 18);

// ---- generators

/** Keys: mostly from a small pool, so two manifests of a case share many. */
const keyOf = (...pool: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/) });
const storeKey = keyOf('kb', 'docs', 'faq');
const setKey = keyOf('data', 'ref');
const assistantKey = keyOf('bot', 'helper', 'triage');
/** Display text: any printable characters, unicode included (graphemes, so never a lone surrogate). */
const text = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });
const metadata = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,15}$/), text(40), { maxKeys: 3 });
const attributes = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/),
  fc.oneof(text(30), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1, 1.5, 1e21, 5e-324), fc.boolean()),
  { maxKeys: 3 },
);
/** File contents from a small pool, so the same content turns up in several stores, sets and cases. */
const content = fc.oneof(fc.constantFrom('# Shared\nThe same text everywhere.\n', 'alpha\n', 'month,total\n2026-10,100\n', 'no newline at the end', 'crlf\r\nline two\r\n'), text(200).map((t) => `${t}\n`));
/** File names: a few that recur (so a second manifest changes a file's content under its name), some with spaces, dots and accents. */
const fileNames = fc.uniqueArray(fc.oneof(fc.constantFrom('a', 'b', 'read me', 'naïve', 'v1.2'), fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/)), { maxLength: 4 });

const chunking = fc.oneof(
  fc.constant({ type: 'auto' }),
  fc.integer({ min: 100, max: 4096 }).chain((max) => fc.integer({ min: 0, max: Math.floor(max / 2) }).map((overlap) => ({ type: 'static', static: { max_chunk_size_tokens: max, chunk_overlap_tokens: overlap } }))),
);

interface GenStore {
  key: string;
  files: { name: string; content: string }[];
  block: Record<string, unknown>;
}

const storeBody = fc.record(
  {
    name: text(60),
    description: text(80),
    attributes,
    chunking_strategy: chunking,
    expires_after: fc.integer({ min: 1, max: 365 }).map((days) => ({ anchor: 'last_active_at', days })),
    metadata,
    protect: fc.boolean(),
  },
  { requiredKeys: [] },
);

const fileSetBody = fc.record({ protect: fc.boolean() }, { requiredKeys: [] });

const functionTool = (name: string) =>
  fc.record(
    {
      description: text(60),
      parameters: fc.constantFrom(
        { type: 'object', properties: {} },
        { type: 'object', properties: { id: { type: 'string', description: 'the id' }, n: { type: 'integer' } }, required: ['id'] },
      ),
      strict: fc.constant(false),
    },
    { requiredKeys: [] },
  ).map((f) => ({ type: 'function', function: { name, ...f } }));

const strictFunction = (name: string) =>
  fc.constant({ type: 'function', function: { name, strict: true, parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false } } });

const fileSearchTool = fc.record(
  {
    file_search: fc.record(
      {
        max_num_results: fc.integer({ min: 1, max: 50 }),
        ranking_options: fc.record({ ranker: fc.constantFrom('auto', 'default_2024_08_21'), score_threshold: fc.double({ min: 0, max: 1, noNaN: true }) }, { requiredKeys: ['score_threshold'] }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
).map((t) => ({ type: 'file_search', ...t }));

const responseFormat = fc.constantFrom(
  'auto',
  { type: 'text' },
  { type: 'json_object' },
  { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } } },
);

/** An assistant whose tool resources name only stores and file sets that exist, and whose tools they need. */
function assistantArb(storeKeys: string[], setKeys: string[]) {
  const model = fc.constantFrom('gpt-4o', 'gpt-4.1-mini', 'o3-mini');
  return fc
    .record({
      model,
      common: fc.record({ name: text(60), description: text(80), instructions: text(300), metadata, response_format: responseFormat, protect: fc.boolean() }, { requiredKeys: [] }),
      // the bounds and the API's defaults (1) among them
      sampling: fc.record({ temperature: fc.oneof(fc.constantFrom(0, 1, 2), fc.double({ min: 0, max: 2, noNaN: true })), top_p: fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })) }, { requiredKeys: [] }),
      effort: fc.option(fc.constantFrom('low', 'medium', 'high'), { nil: undefined }),
      fileSearch: fc.option(fileSearchTool, { nil: undefined }),
      codeInterpreter: fc.boolean(),
      functions: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), { maxLength: 2 }).chain((names) => fc.tuple(...names.map((n, i) => (i === 0 ? fc.oneof(functionTool(n), strictFunction(n)) : functionTool(n))))),
      store: storeKeys.length > 0 ? fc.option(fc.constantFrom(...storeKeys), { nil: undefined }) : fc.constant(undefined),
      sets: fc.subarray(setKeys),
    })
    .map((a) => {
      const tools: unknown[] = [];
      if (a.fileSearch) tools.push(a.fileSearch);
      if (a.codeInterpreter) tools.push({ type: 'code_interpreter' });
      tools.push(...a.functions);
      const resources: Record<string, unknown> = {};
      if (a.fileSearch && a.store !== undefined) resources.file_search = { vector_stores: [a.store] };
      if (a.codeInterpreter && a.sets.length > 0) resources.code_interpreter = { file_sets: a.sets };
      // the o-series takes a reasoning effort and refuses temperature and top_p
      const sampling = a.model === 'o3-mini' ? (a.effort ? { reasoning_effort: a.effort } : {}) : a.sampling;
      return {
        model: a.model,
        ...a.common,
        ...sampling,
        ...(tools.length > 0 ? { tools } : {}),
        ...(Object.keys(resources).length > 0 ? { tool_resources: resources } : {}),
      };
    });
}

interface GenManifest {
  stores: GenStore[];
  sets: GenStore[];
  assistants: [string, Record<string, unknown>][];
}

const filesOf = fileNames.chain((names) => fc.tuple(...names.map((name) => content.map((c) => ({ name, content: c })))));

const manifestArb: fc.Arbitrary<GenManifest> = fc
  .record({
    stores: fc.uniqueArray(storeKey, { maxLength: 3 }).chain((keys) => fc.tuple(...keys.map((k) => fc.record({ key: fc.constant(k), files: filesOf, block: storeBody })))),
    sets: fc.uniqueArray(setKey, { maxLength: 2 }).chain((keys) =>
      fc.tuple(...keys.map((k) => fc.record({ key: fc.constant(k), files: filesOf.filter((f) => f.length > 0), block: fileSetBody }))),
    ),
  })
  .chain(({ stores, sets }) =>
    fc
      .uniqueArray(assistantKey, { maxLength: 3 })
      .chain((keys) => fc.tuple(...keys.map((k) => assistantArb(stores.map((s) => s.key), sets.map((s) => s.key)).map((a): [string, Record<string, unknown>] => [k, a]))))
      .map((assistants) => ({ stores, sets, assistants })),
  );

/**
 * A case: the first manifest protects nothing (the second may drop or replace anything of it);
 * the second protects only what it adds, which its apply creates.
 */
const caseArb = fc.record({ before: manifestArb, after: manifestArb }).map(({ before, after }) => {
  const unprotected = <T extends { block: Record<string, unknown> }>(r: T): T => ({ ...r, block: { ...r.block, protect: false } });
  const had = new Set([...before.stores, ...before.sets].map((r) => r.key));
  const hadAssistant = new Set(before.assistants.map(([k]) => k));
  return {
    before: { stores: before.stores.map(unprotected), sets: before.sets.map(unprotected), assistants: before.assistants.map(([k, a]): [string, Record<string, unknown>] => [k, { ...a, protect: false }]) },
    after: {
      stores: after.stores.map((r) => (had.has(r.key) ? unprotected(r) : r)),
      sets: after.sets.map((r) => (had.has(r.key) ? unprotected(r) : r)),
      assistants: after.assistants.map(([k, a]): [string, Record<string, unknown>] => [k, hadAssistant.has(k) ? { ...a, protect: false } : a]),
    },
  };
});

// ---- the project on disk

function manifestYaml(m: GenManifest, deployment: string): string {
  const stores = Object.fromEntries(m.stores.map((s) => [s.key, { ...s.block, ...(s.files.length > 0 ? { files: [`kb-${s.key}/*.md`] } : {}) }]));
  const sets = Object.fromEntries(m.sets.map((s) => [s.key, { ...s.block, files: [`data-${s.key}/*.txt`] }]));
  const doc = {
    version: 1,
    deployment,
    ...(m.stores.length > 0 ? { vector_stores: stores } : {}),
    ...(m.sets.length > 0 ? { file_sets: sets } : {}),
    ...(m.assistants.length > 0 ? { assistants: Object.fromEntries(m.assistants) } : {}),
  };
  return stringify(doc);
}

/** Writes the manifest and its files into `dir` (a new folder when not given), in place of what was there. */
function writeProject(m: GenManifest, deployment: string, dir = tempProject({}, 'ad-prop-')): string {
  for (const e of readdirSync(dir)) if (/^(kb|data)-/.test(e)) rmSync(path.join(dir, e), { recursive: true });
  writeFileSync(path.join(dir, 'assistants.yaml'), manifestYaml(m, deployment));
  const write = (folder: string, name: string, body: string) => {
    mkdirSync(path.join(dir, folder), { recursive: true });
    writeFileSync(path.join(dir, folder, name), body);
  };
  for (const s of m.stores) for (const f of s.files) write(`kb-${s.key}`, `${f.name}.md`, f.content);
  for (const s of m.sets) for (const f of s.files) write(`data-${s.key}`, `${f.name}.txt`, f.content);
  return dir;
}

let account: Account;
beforeAll(async () => {
  account = await startAccount();
});
afterAll(async () => account.close());

/** Hand-made, untagged resources with the case's names, beside the deployment's own. */
async function addLookalikes(m: GenManifest): Promise<void> {
  const [first] = m.assistants;
  if (first) await account.client.beta.assistants.create({ model: 'gpt-4o', name: typeof first[1].name === 'string' ? first[1].name : first[0] });
  const store = m.stores[0];
  if (store) await account.client.vectorStores.create({ name: typeof store.block.name === 'string' ? store.block.name : store.key });
}

/** The plan of the project's manifest against the deployment as the account holds it now, in process. */
async function planOf(dir: string, deployment: string) {
  const { desired } = await loadManifest({ file: 'assistants.yaml', cwd: dir });
  await hashDesired(desired);
  const live = await readLive(sdkLists(account.client), { deployment });
  const plan = buildPlan(desired, live, {
    toolVersion: 'test',
    createdAt: new Date().toISOString(),
    target: { base_url: account.emu.url, local: false },
    manifestRoot: '.',
    prices: loadPrices(undefined),
  });
  return { plan, live };
}

describe('plan and apply over generated manifests', () => {
  it(`the plan against what apply made is empty, in process and through the CLI (${RUNS} cases of two manifests)`, async () => {
    let n = 0;
    const seed = process.env.AD_PROPERTY_SEED ? Number(process.env.AD_PROPERTY_SEED) : undefined;
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ before, after }) => {
        const deployment = `prop-${++n}`;
        const context = `first manifest:\n${manifestYaml(before, deployment)}\nsecond manifest:\n${manifestYaml(after, deployment)}`;
        const dir = writeProject(before, deployment);
        const first = await account.cli(['apply', '--auto-approve'], { cwd: dir });
        expect(first.code, `${context}\n${first.stdout}${first.stderr}`).toBe(0);
        await addLookalikes(before);
        writeProject(after, deployment, dir);
        const second = await account.cli(['apply', '--auto-approve', '--allow-mass-delete'], { cwd: dir });
        expect(second.code, `${context}\n${second.stdout}${second.stderr}`).toBe(0);

        // (a) the plan builder against the account read back
        const { plan, live } = await planOf(dir, deployment);
        expect({ changes: plan.resource_changes, uploads: plan.uploads, file_deletions: plan.file_deletions, errors: plan.errors ?? [], conflicts: plan.conflicts }, context).toEqual({
          changes: [],
          uploads: [],
          file_deletions: [],
          errors: [],
          conflicts: [],
        });
        expect(live.assistants.map((a) => resourceKeyOf(a.metadata)).sort(), context).toEqual(after.assistants.map(([k]) => k).sort());
        expect(live.vectorStores.length, context).toBe(after.stores.length);

        // (b) the CLI's plan
        const planned = await account.cli(['plan', '--detailed-exitcode'], { cwd: dir });
        expect(planned.code, `${context}\n${planned.stdout}${planned.stderr}`).toBe(0);
        expect(planned.stdout, context).toContain('No changes.');

        // and the check sees a hand edit: one change, drift
        const edited = live.assistants[0] ?? live.vectorStores[0];
        if (!edited) return;
        const metadata = { ...edited.metadata, edited: 'by hand' };
        if (live.assistants[0]) await account.client.beta.assistants.update(edited.id, { metadata });
        else await account.client.vectorStores.update(edited.id, { metadata });
        const drifted = (await planOf(dir, deployment)).plan.resource_changes;
        expect(drifted.map((c) => [c.id, c.action_reason]), context).toEqual([[edited.id, 'update_because_drift']]);
      }),
      { numRuns: RUNS, endOnFailure: true, ...(seed !== undefined ? { seed } : {}) },
    );
    // every case made its own deployment in the one account
    expect(n).toBeGreaterThanOrEqual(RUNS);
  }, Math.max(240_000, RUNS * 15_000));
});
