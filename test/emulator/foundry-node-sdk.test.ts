/**
 * The real Node SDK, @azure/ai-projects, drives the emulator as a Foundry project: a fake
 * TokenCredential hands it a static token. The SDK sends a bearer token over https only, whatever
 * `allowInsecureConnection` says (@azure/core-rest-pipeline 1.25's bearer policy; F19), so the
 * emulator serves https with a certificate made for 127.0.0.1 for this run and trusted by this
 * process. Files and a vector store through `getOpenAIClient()`, an agent version with file_search
 * and function tools, versions listed page by page, get, update (a new version), delete a version,
 * delete the agent; a Responses call with `agent_reference` cites the file it used. Every answer passes
 * the validating proxy (test/helpers/foundry-openapi.ts).
 */
import { AIProjectClient } from '@azure/ai-projects';
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foundryEmulator, isLoopback, trustedLocalCertificate, type FoundryEmulator } from '../helpers/foundry-openapi.js';

let f: FoundryEmulator;
let project: AIProjectClient;
const scopes: string[] = [];
/** A TokenCredential (the SDK's constructor type) handing out one static token. */
const credential: ConstructorParameters<typeof AIProjectClient>[1] = {
  getToken: async (scope) => {
    scopes.push(...(Array.isArray(scope) ? scope : [scope]));
    return { token: 'fake-entra-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

beforeAll(async () => {
  f = await foundryEmulator({ tls: trustedLocalCertificate() });
  expect(f.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api\/projects\/local-project$/);
  project = new AIProjectClient(f.endpoint, credential);
});
afterAll(async () => {
  await f.close();
  expect(f.validator.failures.map((x) => JSON.stringify(x).slice(0, 500))).toEqual([]);
  expect(f.openai.failures.map((x) => JSON.stringify(x).slice(0, 500))).toEqual([]);
});

const lookup = { type: 'function' as const, name: 'lookup_order', description: 'Look an order up', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] }, strict: false };

describe('@azure/ai-projects against the emulator', () => {
  it('refuses plain http even on loopback with allowInsecureConnection (why the emulator serves https here, F19)', async () => {
    const plain = await foundryEmulator();
    try {
      expect(isLoopback(plain.endpoint)).toBe(true);
      const insecure = new AIProjectClient(plain.endpoint, credential, { allowInsecureConnection: true });
      await expect(insecure.agents.get('anything')).rejects.toThrow('Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.');
    } finally {
      await plain.close();
    }
  });

  it('makes files, a store and an agent, pages its versions, updates, deletes, and answers through agent_reference', async () => {
    const openai = project.getOpenAIClient();
    expect(openai.baseURL).toBe(`${f.endpoint}/openai/v1`);
    const file = await openai.files.create({ file: await toFile(Buffer.from('Returns are accepted within 30 days of delivery with the receipt.\n'), 'returns-policy.md'), purpose: 'assistants' });
    expect(file.id).toMatch(/^assistant-/);
    const store = await openai.vectorStores.create({ name: 'policies', file_ids: [file.id] });
    const attached = await openai.vectorStores.files.poll(store.id, file.id);
    expect(attached.status).toBe('completed');

    const v1 = await project.agents.createVersion(
      'node-agent',
      { kind: 'prompt', model: 'gpt-4o', instructions: 'Answer from the policies.', tools: [{ type: 'file_search', vector_store_ids: [store.id] }, lookup] },
      { metadata: { owner: 'node' }, description: 'first' },
    );
    expect(v1).toMatchObject({ id: 'node-agent:1', name: 'node-agent', version: '1', metadata: { owner: 'node' }, description: 'first' });
    for (const n of [2, 3, 4]) await project.agents.createVersion('node-agent', { kind: 'prompt', model: 'gpt-4o', instructions: `draft ${n}` });

    const pages: string[][] = [];
    for await (const page of project.agents.listVersions('node-agent', { limit: 3 }).byPage()) pages.push(page.map((v) => v.version));
    expect(pages).toEqual([['4', '3', '2'], ['1']]);
    expect((await project.agents.get('node-agent')).versions.latest.version).toBe('4');
    expect((await project.agents.getVersion('node-agent', '1')).definition).toMatchObject({ kind: 'prompt', tools: [{ type: 'file_search' }, { type: 'function', name: 'lookup_order' }] });

    const updated = await project.agents.update('node-agent', { kind: 'prompt', model: 'gpt-4o', instructions: 'Answer from the policies, briefly.', tools: [{ type: 'file_search', vector_store_ids: [store.id] }] });
    expect(updated.versions.latest.version).toBe('5');
    const same = await project.agents.update('node-agent', { kind: 'prompt', model: 'gpt-4o', instructions: 'Answer from the policies, briefly.', tools: [{ type: 'file_search', vector_store_ids: [store.id] }] });
    expect(same.versions.latest.version).toBe('5');
    expect(await project.agents.deleteVersion('node-agent', '2')).toMatchObject({ name: 'node-agent', version: '2', deleted: true });

    const reply = await openai.responses.create({ input: 'How many days do I have to return an item?', agent_reference: { type: 'agent_reference', name: 'node-agent', version: '1' } } as never);
    const message = reply.output.find((o) => o.type === 'message');
    expect(message && message.type === 'message' && message.content[0]!.type === 'output_text' ? message.content[0]!.annotations : []).toEqual([
      expect.objectContaining({ type: 'file_citation', file_id: file.id, filename: 'returns-policy.md' }),
    ]);
    expect((reply as unknown as { agent: unknown }).agent).toEqual({ type: 'agent_id', name: 'node-agent', version: '1' });

    const listed: string[] = [];
    for await (const a of project.agents.list()) listed.push(a.name);
    expect(listed).toContain('node-agent');
    expect(await project.agents.delete('node-agent')).toMatchObject({ name: 'node-agent', deleted: true });
    await expect(project.agents.get('node-agent')).rejects.toMatchObject({ statusCode: 404 });
    expect(new Set(scopes)).toEqual(new Set(['https://ai.azure.com/.default']));
  });

  it('sees the service\'s 403 for a preview kind without its opt-in', async () => {
    await expect(project.agents.createVersion('flow-agent', { kind: 'workflow', workflow: 'kind: workflow' } as never)).rejects.toMatchObject({
      statusCode: 403,
      code: 'preview_feature_required',
    });
  });
});
