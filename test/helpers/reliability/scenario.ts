/**
 * The deployment the crash and fault matrices change: state A (deployed once, saved as an emulator
 * data folder and restored for each run) and state B (uploads, creates, updates, replaces,
 * re-attributes, detaches, deletes), with an independent check that the account holds exactly B
 * (field by field and file by file, read with the SDK, not with the code under test), on any kind
 * of target of reliability/targets.ts (an OpenAI-compatible account, a Foundry project).
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { expect } from 'vitest';
import { LEASE_TAG } from '../../../src/targets/lease.js';
import { parseUploadName } from '../../../src/ownership/upload-name.js';
import { startEmulator } from '../../../src/emulator/index.js';
import type { EmulatorOptions } from '../../../src/emulator/index.js';
import { ATTR_PATH, ATTR_SHA256, TAG_DEPLOYMENT, TAG_RESOURCE } from '../../../src/ownership/metadata.js';
import { tempProject } from '../cli.js';
import { inventory, problems, startCrashAccount } from '../crash.js';
import type { CrashAccount } from '../crash.js';
import { API_KEY } from '../deploy.js';
import { OPENAI, type MatrixTarget, type Strangers } from './targets.js';

export const DEPLOYMENT = 'rel';

export const MANIFEST_A = `version: 1
deployment: rel
vector_stores:
  kb: { name: KB, files: ["kb/*.md"], attributes: { team: a } }
  old: { files: ["old/*.md"] }
  rep: { description: first, files: ["rep/*.md"] }
file_sets:
  data: { files: ["data/*.csv"] }
assistants:
  keep:
    model: gpt-4o
    instructions: Keep me.
    tools: [{ type: file_search }, { type: code_interpreter }]
    tool_resources: { file_search: { vector_stores: [kb] }, code_interpreter: { file_sets: [data] } }
  gone: { model: gpt-4o }
  rep-user:
    model: gpt-4o
    tools: [{ type: file_search }]
    tool_resources: { file_search: { vector_stores: [rep] } }
`;

export const MANIFEST_B = `version: 1
deployment: rel
vector_stores:
  kb: { name: Knowledge base, files: ["kb/*.md"], attributes: { team: b } }
  fresh: { files: ["fresh/*.md"] }
  rep: { description: second, files: ["rep/*.md"] }
file_sets:
  data: { files: ["data/*.csv"] }
assistants:
  keep:
    model: gpt-4o
    instructions: Keep me, changed.
    temperature: 0.3
    tools: [{ type: file_search }, { type: code_interpreter }]
    tool_resources: { file_search: { vector_stores: [kb] }, code_interpreter: { file_sets: [data] } }
  rep-user:
    model: gpt-4.1
    tools: [{ type: file_search }]
    tool_resources: { file_search: { vector_stores: [rep] } }
  new:
    model: gpt-4o
    name: New one
    tools: [{ type: file_search }]
    tool_resources: { file_search: { vector_stores: [fresh] } }
`;

/** What B is, written by hand: the independent check compares the account with this. */
export const EXPECTED_B = {
  stores: {
    kb: { name: 'Knowledge base', description: null, files: ['kb/a.md', 'kb/b.md', 'kb/c2.md', 'kb/e.md', 'kb/f.md', 'kb/g.md'], team: 'b' },
    fresh: { name: 'fresh', description: null, files: ['fresh/h.md', 'fresh/i.md'], team: undefined },
    rep: { name: 'rep', description: 'second', files: ['rep/r.md'], team: undefined },
  },
  assistants: {
    keep: { name: 'keep', model: 'gpt-4o', instructions: 'Keep me, changed.', temperature: 0.3, store: 'kb', files: ['data/d2.csv'] },
    'rep-user': { name: 'rep-user', model: 'gpt-4.1', instructions: null, temperature: null, store: 'rep', files: [] },
    new: { name: 'New one', model: 'gpt-4o', instructions: null, temperature: null, store: 'fresh', files: [] },
  },
} as const;

export function projectA(): string {
  return tempProject({
    'assistants.yaml': MANIFEST_A,
    'kb/a.md': '# A\n',
    'kb/b.md': '# B\n',
    'kb/c.md': '# C\n',
    'old/x.md': '# X\n',
    'rep/r.md': '# R\n',
    'data/d1.csv': 'a\n1\n',
  }, 'ad-rel-a-');
}

/** State B from a copy of A: content changed, renamed, added, removed. */
export function projectB(a: string): string {
  const b = mkdtempSync(path.join(tmpdir(), 'ad-rel-b-'));
  cpSync(a, b, { recursive: true });
  rmSync(path.join(b, '.assistants-deploy'), { recursive: true, force: true });
  writeFileSync(path.join(b, 'assistants.yaml'), MANIFEST_B);
  writeFileSync(path.join(b, 'kb/b.md'), '# B, second edition\n');
  renameSync(path.join(b, 'kb/c.md'), path.join(b, 'kb/c2.md'));
  for (const n of ['e', 'f', 'g']) writeFileSync(path.join(b, `kb/${n}.md`), `# ${n.toUpperCase()}\n`);
  rmSync(path.join(b, 'old'), { recursive: true });
  mkdirSync(path.join(b, 'fresh'));
  for (const n of ['h', 'i']) writeFileSync(path.join(b, `fresh/${n}.md`), `# ${n}\n`);
  rmSync(path.join(b, 'data/d1.csv'));
  writeFileSync(path.join(b, 'data/d2.csv'), 'b\n2\n');
  return b;
}

export interface Baseline {
  /** The kind of target the baseline was deployed on (reliability/targets.ts). */
  target: MatrixTarget;
  /** Emulator data folder holding state A plus the strangers. */
  dataDir: string;
  a: string;
  b: string;
  strangers: Strangers;
}

/** Deploys A once (with the real CLI) next to resources the deployment does not own, and keeps the data folder. */
export async function makeBaseline(target: MatrixTarget = OPENAI): Promise<Baseline> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ad-rel-data-'));
  const account = await startCrashAccount({ dataDir }, target);
  try {
    const a = projectA();
    const first = await account.run(['apply', '--auto-approve'], a);
    expect(first.code, first.stderr).toBe(0);
    const strangers = await target.makeStrangers(account.emu, account.client);
    return { target, dataDir, a, b: projectB(a), strangers };
  } finally {
    await account.close();
  }
}

/** A fresh account holding the baseline (its own copy of the data folder). */
export async function restore(base: Baseline, options: EmulatorOptions = {}): Promise<CrashAccount> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ad-rel-run-'));
  cpSync(base.dataDir, dataDir, { recursive: true });
  const account = await startCrashAccount({ ...options, dataDir }, base.target);
  const close = account.close;
  return { ...account, close: async () => { await close(); rmSync(dataDir, { recursive: true, force: true }); } };
}

export async function expectStrangersUntouched(account: CrashAccount, s: Strangers): Promise<void> {
  await account.target.expectStrangersUntouched(account.emu, account.client, s);
}

export async function leases(client: OpenAI): Promise<string[]> {
  const out: string[] = [];
  for await (const v of client.vectorStores.list({ limit: 100 })) if (typeof v.metadata?.[LEASE_TAG] === 'string') out.push(v.id);
  return out;
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** What the deployment's assistants are, read as the target holds them (and what else is wrong with them). */
function assistantsOf(account: CrashAccount, found: string[]) {
  return () => account.target.assistants(account.emu, DEPLOYMENT, found);
}

/** The account holds exactly B: every field and file, no duplicate (of a resource, or of a Foundry agent's version), no orphan, no lease left. */
export async function expectExactlyB(account: CrashAccount, dir: string): Promise<void> {
  const client = account.client;
  const found: string[] = [];
  const inv = await inventory(client, DEPLOYMENT, account.target.name === 'openai' ? undefined : assistantsOf(account, found));
  expect([...problems(inv), ...found], JSON.stringify({ ...inv, referenced: [...inv.referenced] })).toEqual([]);
  expect(await leases(client), 'a lease was left behind').toEqual([]);

  const storeIdByKey = new Map<string, string>();
  const stores: Record<string, unknown> = {};
  for await (const v of client.vectorStores.list({ limit: 100 })) {
    if (v.metadata?.[TAG_DEPLOYMENT] !== DEPLOYMENT) continue;
    const key = String(v.metadata[TAG_RESOURCE]).split(';')[0]!;
    storeIdByKey.set(key, v.id);
    const files: string[] = [];
    const teams = new Set<unknown>();
    for await (const f of client.vectorStores.files.list(v.id, { limit: 100 })) {
      const p = String(f.attributes?.[ATTR_PATH]);
      expect(f.attributes?.[ATTR_SHA256], `content of ${p} in ${key}`).toBe(sha(path.join(dir, p)));
      expect(f.status, `${p} in ${key}`).toBe('completed');
      teams.add(f.attributes?.team);
      files.push(p);
    }
    const raw = v as unknown as { description?: string | null };
    stores[key] = { name: v.name, description: raw.description ?? null, files: files.sort(), team: teams.size === 1 ? [...teams][0] : [...teams] };
  }
  expect(stores).toEqual(EXPECTED_B.stores);

  const uploads = new Map<string, string>();
  for await (const f of client.files.list({ purpose: 'assistants' })) uploads.set(f.id, f.filename);
  const assistants: Record<string, unknown> = {};
  for (const a of await account.target.assistants(account.emu, DEPLOYMENT)) {
    const key = a.key;
    const storeIds = a.storeIds;
    const storeKey = [...storeIdByKey].find(([, id]) => id === storeIds[0])?.[0];
    expect(storeIds, `${key} searches one store`).toHaveLength(1);
    const files = a.fileIds.map((id) => {
      const parsed = parseUploadName(uploads.get(id) ?? '');
      expect(parsed, `${key}: code_interpreter file ${id} is one of the deployment's uploads`).toBeDefined();
      const local = `data/${parsed!.basename}`;
      expect(parsed!.sha16, `${key}: content of ${local}`).toBe(sha(path.join(dir, local)).slice(0, 16));
      return local;
    });
    assistants[key] = { name: a.name, model: a.model, instructions: a.instructions, temperature: a.temperature, store: storeKey, files: files.sort() };
  }
  expect(assistants).toEqual(EXPECTED_B.assistants);
}

/** The deployment owns nothing at all: no assistant, store or upload, and no lease. */
export async function expectNothingOwned(account: CrashAccount): Promise<void> {
  const client = account.client;
  const inv = await inventory(client, DEPLOYMENT, account.target.name === 'openai' ? undefined : assistantsOf(account, []));
  expect({ assistants: inv.assistants, stores: inv.stores, uploads: inv.uploads }).toEqual({ assistants: [], stores: [], uploads: [] });
  expect(await leases(client), 'a lease was left behind').toEqual([]);
}

/** mulberry32, for seeded choices. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { API_KEY, startEmulator };
