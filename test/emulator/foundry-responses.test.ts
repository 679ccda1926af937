/**
 * The emulator as a Foundry project, its OpenAI-compatible surface (`{project}/openai/v1`) through
 * the openai SDK: files (`assistant-…` ids) and vector stores as the project shapes them (F14), the
 * api-version rules of the two mounts (F18), Responses that name an agent with `agent_reference`
 * (answered from the version's definition: instructions, model, file_search over its stores with a
 * citation, function calls, text format; `agent` echoed, F15–F17), and persistence of agents and
 * versions across a restart with `dataDir`. Every answer is validated on the way: the agents
 * operations against the subset, the OpenAI surface against the OpenAI descriptions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foundryEmulator, type FoundryEmulator } from '../helpers/foundry-openapi.js';

let f: FoundryEmulator;
let client: OpenAI;
let fileId: string;
let storeId: string;

const FN = { type: 'function', name: 'lookup_order', description: 'Look an order up', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'], additionalProperties: false }, strict: true };

async function agents(method: string, p: string, body?: unknown, base = f.endpoint): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${p}?api-version=v1`, { method, headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
}

/** POST /responses with a body the SDK types do not know (agent_reference). */
async function respond(body: Record<string, unknown>, url = `${f.openaiUrl}/responses`): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  f = await foundryEmulator();
  client = new OpenAI({ apiKey: 'entra-token', baseURL: f.openaiUrl });
  const file = await client.files.create({ file: await toFile(Buffer.from('# Widgets\n\nThe Contoso widget ships in three sizes: small, medium and large.\n'), 'widgets.md'), purpose: 'assistants' });
  fileId = file.id;
  const store = await client.vectorStores.create({ name: 'Product docs', file_ids: [file.id] });
  storeId = store.id;
  const made = await agents('POST', '/agents/helper/versions', {
    definition: { kind: 'prompt', model: 'my-gpt-4o-deployment', instructions: 'Answer from the product docs.', tools: [{ type: 'file_search', vector_store_ids: [storeId] }, FN] },
  });
  expect(made.status).toBe(200);
});
afterAll(async () => {
  await f.close();
  expect(f.validator.failures.map((x) => JSON.stringify(x).slice(0, 500))).toEqual([]);
  expect(f.openai.failures.map((x) => JSON.stringify(x).slice(0, 500))).toEqual([]);
});

describe("the project's OpenAI-compatible surface", () => {
  it('gives files `assistant-` ids and the project\'s shapes of files, vector stores and their files (F14)', async () => {
    expect(fileId).toMatch(/^assistant-[A-Za-z0-9]{22}$/);
    const file = (await (await fetch(`${f.openaiUrl}/files/${fileId}`, { headers: { authorization: 'Bearer t' } })).json()) as Record<string, unknown>;
    expect(file).toMatchObject({ object: 'file', purpose: 'assistants', status: 'processed', expires_at: null, status_details: null });
    const store = (await (await fetch(`${f.openaiUrl}/vector_stores/${storeId}`, { headers: { authorization: 'Bearer t' } })).json()) as Record<string, unknown>;
    expect(store).toMatchObject({ object: 'vector_store', expires_after: null, file_counts: { completed: 1, total: 1 } });
    expect(store).not.toHaveProperty('description');
    const files = await client.vectorStores.files.list(storeId);
    expect(files.data[0]).not.toHaveProperty('attributes');
    const tagged = await client.files.create({ file: await toFile(Buffer.from('tagged text'), 'tagged.txt'), purpose: 'assistants' });
    const attached = await client.vectorStores.files.create(storeId, { file_id: tagged.id, attributes: { path: 'docs/tagged.txt' } });
    expect(attached.attributes).toEqual({ path: 'docs/tagged.txt' });
    await client.vectorStores.files.delete(tagged.id, { vector_store_id: storeId });
  });

  it('refuses api-version on /openai/v1 and wants a preview one on /openai (F18); serves no Assistants API', async () => {
    const v1 = await fetch(`${f.openaiUrl}/files?api-version=v1`, { headers: { authorization: 'Bearer t' } });
    expect(v1.status).toBe(400);
    expect(((await v1.json()) as { error: { message: string } }).error.message).toBe('api-version query parameter is not allowed when using /v1 path.');
    const preview = `${f.endpoint}/openai/vector_stores`;
    expect((await fetch(preview, { headers: { authorization: 'Bearer t' } })).status).toBe(400);
    expect((await fetch(`${preview}?api-version=2025-11-15-preview`, { headers: { authorization: 'Bearer t' } })).status).toBe(200);
    await expect(client.beta.assistants.list()).rejects.toMatchObject({ status: 404 });
  });
});

describe('Responses with agent_reference', () => {
  it('answer from the latest version: its model and instructions, a file search over its store citing the file, the agent echoed', async () => {
    const r = await respond({ input: 'Which sizes does the widget ship in?', agent_reference: { type: 'agent_reference', name: 'helper' }, structured_inputs: {} });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'completed', model: 'my-gpt-4o-deployment', instructions: 'Answer from the product docs.', agent: { type: 'agent_id', name: 'helper', version: '1' } });
    expect(r.body.tools.map((t: { type: string }) => t.type)).toEqual(['file_search', 'function']);
    const types = r.body.output.map((o: { type: string }) => o.type);
    expect(types).toEqual(['file_search_call', 'message']);
    const text = r.body.output[1].content[0];
    expect(text.text).toContain('widgets.md');
    expect(text.annotations).toEqual([expect.objectContaining({ type: 'file_citation', file_id: fileId, filename: 'widgets.md' })]);
    for (const item of r.body.output) expect(item.created_by).toEqual({ agent: { type: 'agent_id', name: 'helper', version: '1' }, response_id: r.body.id });
    // stored as answered
    expect((await client.responses.retrieve(r.body.id)).model).toBe('my-gpt-4o-deployment');
  });

  it('call the definition\'s function tools (flat, Responses style) when the message names one', async () => {
    const r = await respond({ input: 'Please lookup_order for order_id: "A-42"', agent_reference: { type: 'agent_reference', name: 'helper' } });
    const call = r.body.output.find((o: { type: string }) => o.type === 'function_call');
    expect(call).toMatchObject({ name: 'lookup_order' });
    expect(JSON.parse(call.arguments)).toEqual({ order_id: 'A-42' });
  });

  it('take a version pin; follow the latest without one (F17); a text format of the definition shapes the reply', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    await agents('POST', '/agents/helper/versions', { definition: { kind: 'prompt', model: 'my-gpt-4o-deployment', instructions: 'Reply in JSON.', text: { format: { type: 'json_schema', name: 'reply', schema, strict: true } } } });
    const pinned = await respond({ input: 'hi', agent_reference: { type: 'agent_reference', name: 'helper', version: '1' } });
    expect(pinned.body).toMatchObject({ instructions: 'Answer from the product docs.', agent: { version: '1' } });
    const latest = await respond({ input: 'hi', agent_reference: { type: 'agent_reference', name: 'helper' } });
    expect(latest.body).toMatchObject({ instructions: 'Reply in JSON.', agent: { version: '2' }, text: { format: { type: 'json_schema', name: 'reply' } } });
    expect(Object.keys(JSON.parse(latest.body.output[0].content[0].text))).toEqual(['answer']);
  });

  it('refuse what the definition sets (F15), unknown agents and versions, agents the emulator cannot run', async () => {
    const ref = { type: 'agent_reference', name: 'helper' };
    for (const [k, v] of [['instructions', 'x'], ['tools', []], ['model', 'gpt-4o'], ['text', { format: { type: 'text' } }], ['temperature', 0.5]] as const) {
      const r = await respond({ input: 'hi', agent_reference: ref, [k]: v });
      expect({ status: r.status, error: r.body.error }, k).toEqual({ status: 400, error: { message: 'Not allowed when agent is specified.', type: 'invalid_request_error', param: k, code: 'invalid_payload' } });
    }
    expect((await respond({ input: 'hi', agent_reference: { type: 'agent_reference', name: 'nobody' } })).status).toBe(404);
    expect((await respond({ input: 'hi', agent_reference: { ...ref, version: '9' } })).status).toBe(404);
    expect((await respond({ input: 'hi', agent_reference: { type: 'agent_id', name: 'helper' } })).status).toBe(400);
    await fetch(`${f.endpoint}/agents/flow/versions?api-version=v1`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json', 'foundry-features': 'WorkflowAgents=V1Preview' }, body: JSON.stringify({ definition: { kind: 'workflow', workflow: 'kind: workflow' } }) });
    expect((await respond({ input: 'hi', agent_reference: { type: 'agent_reference', name: 'flow' } })).body.error).toMatchObject({ code: 'unsupported_value' });
  });

  it('the preview `agent` key: refused on /openai/v1, answered on the preview path (F15)', async () => {
    const v1 = await respond({ input: 'hi', agent: { type: 'agent_reference', name: 'helper' } });
    expect(v1.body.error).toMatchObject({ code: 'invalid_payload', param: 'agent' });
    const preview = await respond({ input: 'Which sizes?', agent: { name: 'helper', id: 'helper:1', type: 'agent_reference' } }, `${f.endpoint}/openai/responses?api-version=2025-11-15-preview`);
    expect(preview.status).toBe(200);
    expect(preview.body.agent).toEqual({ type: 'agent_id', name: 'helper', version: '1' });
  });

  it('continue a conversation: its items hold the turns', async () => {
    const conv = await client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'Hello there' }] });
    const r = await respond({ conversation: conv.id, input: 'Which sizes does the widget ship in?', agent_reference: { type: 'agent_reference', name: 'helper', version: '1' } });
    expect(r.body.conversation).toEqual({ id: conv.id });
    const items = await client.conversations.items.list(conv.id, { order: 'asc' });
    expect(items.data.map((i) => i.type)).toEqual(['message', 'message', 'file_search_call', 'message']);
    await client.conversations.delete(conv.id);
  });
});

describe('persistence with dataDir', () => {
  it('agents, versions and the next version number survive a restart, with files and stores', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ad-foundry-'));
    let g = await foundryEmulator({ dataDir }, 'kept-project');
    await agents('POST', '/agents/kept/versions', { definition: { kind: 'prompt', model: 'm', instructions: 'one' }, metadata: { owner: 'me' } }, g.endpoint);
    await agents('POST', '/agents/kept/versions', { definition: { kind: 'prompt', model: 'm', instructions: 'two' } }, g.endpoint);
    await agents('POST', '/agents/kept/versions', { definition: { kind: 'prompt', model: 'm', instructions: 'three' } }, g.endpoint);
    await agents('DELETE', '/agents/kept/versions/3', undefined, g.endpoint);
    const store = await new OpenAI({ apiKey: 't', baseURL: g.openaiUrl }).vectorStores.create({ name: 'kept-store' });
    await g.close();
    g = await foundryEmulator({ dataDir }, 'kept-project');
    try {
      const listed = await agents('GET', '/agents/kept/versions', undefined, g.endpoint);
      expect(listed.body.data.map((v: { id: string }) => v.id)).toEqual(['kept:2', 'kept:1']);
      expect(listed.body.data[1].metadata).toEqual({ owner: 'me' });
      expect((await agents('POST', '/agents/kept/versions', { definition: { kind: 'prompt', model: 'm' } }, g.endpoint)).body.version).toBe('4');
      expect((await new OpenAI({ apiKey: 't', baseURL: g.openaiUrl }).vectorStores.retrieve(store.id)).name).toBe('kept-store');
      expect(g.validator.failures).toEqual([]);
    } finally {
      await g.close();
    }
  });
});
