/**
 * The kinds of target the reliability matrices run on, as data: how the emulator plays it, how the
 * CLI is pointed at it, how a check reads the deployment's assistants back without the code under
 * test (the openai SDK's assistants list; a Foundry project's agents over raw HTTP, latest version
 * and history), the resources the deployment does not own that a run must leave alone, and the
 * kill points (one per kind of request apply A -> B sends, and later ones of the kinds it sends
 * several of). The scenario (scenario.ts) and the matrices take one of these.
 */
import OpenAI from 'openai';
import { expect } from 'vitest';
import type { Emulator, EmulatorOptions } from '../../../src/emulator/index.js';
import { TAG_DEPLOYMENT, TAG_RESOURCE } from '../../../src/ownership/metadata.js';
import type { KillPoint } from '../crash.js';
import { API_KEY } from '../deploy.js';

/** An assistant as the check reads it back. */
export interface AssistantView {
  id: string;
  key: string;
  name: string | null;
  model: string;
  instructions: string | null;
  /** null at the API's default (1). */
  temperature: number | null;
  storeIds: string[];
  fileIds: string[];
}

export interface Strangers {
  assistant: string;
  store: string;
  file: string;
  other: string;
}

export interface MatrixTarget {
  name: 'openai' | 'foundry';
  emulator: EmulatorOptions;
  /** CLI arguments before the command. */
  args: string[];
  /** The CLI's environment for this account (`endpoint`: another URL in front of it, a proxy). */
  env(emu: Emulator, endpoint?: string): Record<string, string>;
  /** The URL a proxy in front of the account forwards to. */
  upstream(emu: Emulator): string;
  /** The openai SDK on the account's files and vector stores. */
  client(emu: Emulator): OpenAI;
  /** The deployment's assistants, read independently; `problems` gets what is wrong beyond their fields (duplicate versions). */
  assistants(emu: Emulator, deployment: string, problems?: string[]): Promise<AssistantView[]>;
  makeStrangers(emu: Emulator, client: OpenAI): Promise<Strangers>;
  expectStrangersUntouched(emu: Emulator, client: OpenAI, s: Strangers): Promise<void>;
  killPoints: KillPoint[];
}

const keyOf = (m: Record<string, string> | null | undefined) => m?.[TAG_RESOURCE]?.split(';')[0] ?? '?';

const openaiKillPoints = (prefix: string): KillPoint[] =>
  [
    ['GET', '/files', 1],
    ['GET', '/vector_stores', 1],
    ['GET', '/vector_stores/{vector_store_id}/files', 1],
    ['POST', '/files', 1],
    ['POST', '/files', 2],
    ['POST', '/files', 4],
    ['POST', '/files', 7],
    ['POST', '/vector_stores', 1],
    ['POST', '/vector_stores', 2],
    ['POST', '/vector_stores/{vector_store_id}', 1],
    ['DELETE', '/vector_stores/{vector_store_id}/files/{file_id}', 1],
    ['POST', '/vector_stores/{vector_store_id}/file_batches', 1],
    ['POST', '/vector_stores/{vector_store_id}/file_batches', 2],
    ['POST', '/vector_stores/{vector_store_id}/file_batches', 3],
    ['GET', '/vector_stores/{vector_store_id}/file_batches/{batch_id}', 1],
    ['GET', '/vector_stores/{vector_store_id}/file_batches/{batch_id}', 2],
    ['POST', '/vector_stores/{vector_store_id}/files/{file_id}', 1],
    ['DELETE', '/vector_stores/{vector_store_id}', 1],
    ['DELETE', '/vector_stores/{vector_store_id}', 2],
    ['DELETE', '/files/{file_id}', 1],
    ['DELETE', '/files/{file_id}', 2],
    ['DELETE', '/files/{file_id}', 3],
  ].map(([method, route, nth]) => ({ method: method as string, route: `${prefix}${route as string}`, nth: nth as number }));

/** OpenAI-compatible, with the Assistants API (the emulator's default). */
export const OPENAI: MatrixTarget = {
  name: 'openai',
  emulator: {},
  args: [],
  env: (emu, endpoint) => ({ OPENAI_BASE_URL: endpoint ?? emu.url, OPENAI_API_KEY: API_KEY, CI: '1' }),
  upstream: (emu) => emu.url,
  client: (emu) => new OpenAI({ apiKey: API_KEY, baseURL: emu.url, maxRetries: 3 }),
  async assistants(emu, deployment) {
    const out: AssistantView[] = [];
    for await (const a of OPENAI.client(emu).beta.assistants.list({ limit: 100 })) {
      if (a.metadata?.[TAG_DEPLOYMENT] !== deployment) continue;
      out.push({
        id: a.id,
        key: keyOf(a.metadata as Record<string, string>),
        name: a.name ?? null,
        model: a.model,
        instructions: a.instructions ?? null,
        temperature: a.temperature === 1 ? null : (a.temperature ?? null),
        storeIds: a.tool_resources?.file_search?.vector_store_ids ?? [],
        fileIds: a.tool_resources?.code_interpreter?.file_ids ?? [],
      });
    }
    return out;
  },
  async makeStrangers(_emu, c) {
    const assistant = await c.beta.assistants.create({ model: 'gpt-4o', name: 'keep' });
    const store = await c.vectorStores.create({ name: 'kb' });
    const file = await c.files.create({ file: new File(['x'], 'a.md'), purpose: 'assistants' });
    const other = await c.beta.assistants.create({ model: 'gpt-4o', name: 'keep', metadata: { [TAG_DEPLOYMENT]: 'rel-other', [TAG_RESOURCE]: 'keep;x;' } });
    return { assistant: assistant.id, store: store.id, file: file.id, other: other.id };
  },
  async expectStrangersUntouched(_emu, client, s) {
    await expect(client.beta.assistants.retrieve(s.assistant)).resolves.toMatchObject({ name: 'keep' });
    await expect(client.vectorStores.retrieve(s.store)).resolves.toMatchObject({ name: 'kb' });
    await expect(client.files.retrieve(s.file)).resolves.toMatchObject({ filename: 'a.md' });
    await expect(client.beta.assistants.retrieve(s.other)).resolves.toMatchObject({ metadata: { [TAG_DEPLOYMENT]: 'rel-other' } });
  },
  killPoints: [
    { method: 'GET', route: '/v1/assistants', nth: 1 },
    { method: 'GET', route: '/v1/models', nth: 1 },
    ...openaiKillPoints('/v1'),
    { method: 'POST', route: '/v1/assistants', nth: 1 },
    { method: 'POST', route: '/v1/assistants/{assistant_id}', nth: 1 },
    { method: 'POST', route: '/v1/assistants/{assistant_id}', nth: 2 },
    { method: 'DELETE', route: '/v1/assistants/{assistant_id}', nth: 1 },
  ],
};

const PROJECT = 'rel-project';
const FOUNDRY_TOKEN = 'reliability-foundry-token';

type Version = { version: string; metadata: Record<string, string>; description: string; definition: Record<string, any> };

async function agentsGet(emu: Emulator, route: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${emu.projectEndpoint}${route}${route.includes('?') ? '&' : '?'}api-version=v1`, { headers: { authorization: `Bearer ${FOUNDRY_TOKEN}` } });
  return { status: r.status, body: await r.json() };
}

async function agentsPost(emu: Emulator, route: string, body: unknown): Promise<void> {
  const r = await fetch(`${emu.projectEndpoint}${route}?api-version=v1`, { method: 'POST', headers: { authorization: `Bearer ${FOUNDRY_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status, await r.clone().text()).toBe(200);
}

/** Every agent's latest version. */
async function latestVersions(emu: Emulator): Promise<{ name: string; latest: Version }[]> {
  const out: { name: string; latest: Version }[] = [];
  let after = '';
  for (;;) {
    const page = await agentsGet(emu, `/agents?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    expect(page.status).toBe(200);
    for (const a of page.body.data) out.push({ name: a.name, latest: a.versions.latest });
    if (!page.body.has_more) return out;
    after = page.body.last_id;
  }
}

/** A Microsoft Foundry project (`--target foundry`): agents through @azure/ai-projects, stores and files on /openai/v1. */
export const FOUNDRY: MatrixTarget = {
  name: 'foundry',
  emulator: { foundry: { project: PROJECT } },
  args: ['--target', 'foundry'],
  env: (emu, endpoint) => ({ AZURE_AI_PROJECT_ENDPOINT: endpoint ?? emu.projectEndpoint!, AZURE_AI_PROJECT_TOKEN: FOUNDRY_TOKEN, CI: '1' }),
  upstream: (emu) => emu.projectEndpoint!,
  client: (emu) => new OpenAI({ apiKey: FOUNDRY_TOKEN, baseURL: emu.url, maxRetries: 3 }),
  async assistants(emu, deployment, problems) {
    const out: AssistantView[] = [];
    for (const { name, latest } of await latestVersions(emu)) {
      if (latest.metadata?.[TAG_DEPLOYMENT] !== deployment) continue;
      const d = latest.definition;
      const tools = (d.tools ?? []) as { type: string; vector_store_ids?: string[]; container?: { file_ids?: string[] } }[];
      out.push({
        id: name,
        key: keyOf(latest.metadata),
        name: latest.metadata['assistants-deploy.name'] ?? null,
        model: d.model,
        instructions: d.instructions ?? null,
        temperature: d.temperature ?? null,
        storeIds: tools.filter((t) => t.type === 'file_search').flatMap((t) => t.vector_store_ids ?? []),
        fileIds: tools.filter((t) => t.type === 'code_interpreter').flatMap((t) => t.container?.file_ids ?? []),
      });
      // a retry that made a second version of the same write: two versions in a row with equal content
      const versions = (await agentsGet(emu, `/agents/${name}/versions?limit=100`)).body.data as Version[];
      const same = (a: Version, b: Version) => JSON.stringify([a.metadata, a.description, a.definition]) === JSON.stringify([b.metadata, b.description, b.definition]);
      for (let i = 1; i < versions.length; i++) if (same(versions[i - 1]!, versions[i]!)) problems?.push(`agent ${name}: versions ${versions[i]!.version} and ${versions[i - 1]!.version} are the same write`);
    }
    return out;
  },
  async makeStrangers(emu, c) {
    // a hand-made agent with the deployment's name prefix (its versions are read, and it is not the deployment's), one of another deployment with that prefix too
    await agentsPost(emu, '/agents', { name: 'rel-lookalike', definition: { kind: 'prompt', model: 'gpt-4o', instructions: 'keep' } });
    await agentsPost(emu, '/agents', { name: 'rel-other-keep', definition: { kind: 'prompt', model: 'gpt-4o' }, metadata: { [TAG_DEPLOYMENT]: 'rel-other', [TAG_RESOURCE]: 'keep;x;' } });
    const store = await c.vectorStores.create({ name: 'kb' });
    const file = await c.files.create({ file: new File(['x'], 'a.md'), purpose: 'assistants' });
    return { assistant: 'rel-lookalike', store: store.id, file: file.id, other: 'rel-other-keep' };
  },
  async expectStrangersUntouched(emu, client, s) {
    const mine = await agentsGet(emu, `/agents/${s.assistant}`);
    expect(mine.body.versions?.latest).toMatchObject({ version: '1', definition: { instructions: 'keep' } });
    const other = await agentsGet(emu, `/agents/${s.other}`);
    expect(other.body.versions?.latest).toMatchObject({ version: '1', metadata: { [TAG_DEPLOYMENT]: 'rel-other' } });
    await expect(client.vectorStores.retrieve(s.store)).resolves.toMatchObject({ name: 'kb' });
    await expect(client.files.retrieve(s.file)).resolves.toMatchObject({ filename: 'a.md' });
  },
  killPoints: [
    { method: 'GET', route: '/api/projects/{project}/agents', nth: 1 },
    { method: 'GET', route: '/api/projects/{project}/agents/{agent_name}/versions', nth: 1 },
    ...openaiKillPoints('/api/projects/{project}/openai/v1'),
    { method: 'POST', route: '/api/projects/{project}/agents', nth: 1 },
    { method: 'POST', route: '/api/projects/{project}/agents/{agent_name}/versions', nth: 1 },
    { method: 'POST', route: '/api/projects/{project}/agents/{agent_name}/versions', nth: 2 },
    { method: 'DELETE', route: '/api/projects/{project}/agents/{agent_name}', nth: 1 },
  ],
};

/** RELIABILITY_TARGETS: which targets the matrices run on (default both). */
export function matrixTargets(): MatrixTarget[] {
  const wanted = (process.env.RELIABILITY_TARGETS ?? 'openai,foundry').split(',').map((s) => s.trim());
  return [OPENAI, FOUNDRY].filter((t) => wanted.includes(t.name));
}
