/**
 * The emulator's Responses and Conversations subset, through the real openai SDK, with every response
 * body and stream event validated against openapi.responses.yaml (and openapi.assistants.yaml for
 * the files and vector stores the tests set up).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { combinedValidator, type CombinedValidator } from '../helpers/openapi-responses.js';

let emu: Emulator;
let v: CombinedValidator;
let client: OpenAI;

beforeAll(async () => {
  emu = await startEmulator({ indexingDelayMs: 0, quiet: true });
  v = combinedValidator();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: emu.url, maxRetries: 0, fetch: v.fetch });
});

afterAll(async () => {
  const ops = v.responses.operations.map((o) => o.operationId);
  const covered = ops.filter((o) => v.responses.covered.has(o));
  console.log(`responses conformance: ${covered.length}/${ops.length} operations covered, ${v.responses.coveredResponses.size} operation+status pairs validated`);
  await emu.close();
  expect(v.failures).toEqual([]);
  expect(ops.filter((o) => !v.responses.covered.has(o))).toEqual([]);
});

const lookupOrder = {
  type: 'function' as const,
  name: 'lookup_order',
  description: 'Find an order.',
  strict: true,
  parameters: {
    type: 'object',
    properties: { order_number: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } },
    required: ['order_number', 'email'],
    additionalProperties: false,
  },
};

async function rawStream(body: Record<string, unknown>): Promise<{ event: string; data: any }[]> {
  const res = await v.fetch(`${emu.url}/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  expect(text).not.toContain('[DONE]');
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((b) => ({ event: /^event: (.*)$/m.exec(b)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(b)![1]!) }));
}

describe('responses', () => {
  it('answers text input with a message derived from it, retrievable and deletable', async () => {
    const r = await client.responses.create({ model: 'gpt-4.1', input: 'Hello there', instructions: 'Be brief.', temperature: 0.2, metadata: { k: 'v' } });
    expect(r).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-4.1', instructions: 'Be brief.', temperature: 0.2, metadata: { k: 'v' } });
    expect(r.id).toMatch(/^resp_/);
    expect(r.output_text).toBe('You said: Hello there');
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
    expect(await client.responses.retrieve(r.id)).toEqual(r);
    const items = await client.responses.inputItems.list(r.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello there' }] });
    await client.responses.delete(r.id);
    await expect(client.responses.retrieve(r.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.cancel(r.id)).rejects.toMatchObject({ status: 404 });
  });

  it('streams the official events in the official order', async () => {
    const events = await rawStream({ model: 'gpt-4.1', input: [{ role: 'user', content: 'one two three' }] });
    const names = events.map((e) => e.event);
    expect(names).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.data.sequence_number)).toEqual(names.map((_, i) => i));
    expect(events.slice(4, 9).map((e) => e.data.delta).join('')).toBe('You said: one two three');
    expect(events[0]!.data.response).toMatchObject({ status: 'in_progress', output: [] });
    expect(events.at(-1)!.data.response).toMatchObject({ status: 'completed' });
    // streamed responses are stored like the others
    expect((await client.responses.retrieve(events[0]!.data.response.id)).status).toBe('completed');
  });

  it('calls a function tool named in the input, then quotes its output (conversation round trip, SDK stream helper)', async () => {
    const conv = await client.conversations.create({ metadata: { user: 'u1' } });
    expect(conv).toMatchObject({ object: 'conversation', metadata: { user: 'u1' } });
    const stream = client.responses.stream({ model: 'gpt-4.1', conversation: conv.id, input: 'please lookup_order for order_number: AC-104233', tools: [lookupOrder] });
    const seen: string[] = [];
    for await (const e of stream) seen.push(e.type);
    const first = await stream.finalResponse();
    expect(seen).toContain('response.function_call_arguments.delta');
    expect(seen).toContain('response.function_call_arguments.done');
    const call = first.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'lookup_order', status: 'completed' });
    expect(JSON.parse((call as { arguments: string }).arguments)).toEqual({ order_number: 'AC-104233', email: 'AC-104233' });
    expect(first.conversation).toEqual({ id: conv.id });
    const second = await client.responses.create({
      model: 'gpt-4.1',
      conversation: conv.id,
      input: [{ type: 'function_call_output', call_id: (call as { call_id: string }).call_id, output: '{"status":"shipped"}' }],
      tools: [lookupOrder],
    });
    expect(second.output_text).toBe('The lookup_order tool returned: {"status":"shipped"}');
    const items = await client.conversations.items.list(conv.id, { order: 'asc' });
    expect(items.data.map((i) => i.type)).toEqual(['message', 'function_call', 'function_call_output', 'message']);
    const one = await client.conversations.items.retrieve(items.data[0]!.id!, { conversation_id: conv.id });
    expect(one).toMatchObject({ type: 'message', role: 'user' });
    const added = await client.conversations.items.create(conv.id, { items: [{ type: 'message', role: 'user', content: 'extra' }] });
    expect(added.data).toHaveLength(1);
    const afterDelete = await client.conversations.items.delete(added.data[0]!.id!, { conversation_id: conv.id });
    expect(afterDelete.id).toBe(conv.id);
    const updated = await client.conversations.update(conv.id, { metadata: { user: 'u2' } });
    expect(updated.metadata).toEqual({ user: 'u2' });
    expect(await client.conversations.retrieve(conv.id)).toEqual(updated);
    expect(await client.conversations.delete(conv.id)).toEqual({ id: conv.id, object: 'conversation.deleted', deleted: true });
    await expect(client.conversations.retrieve(conv.id)).rejects.toMatchObject({ status: 404 });
  });

  it('round-trips function calls with previous_response_id too', async () => {
    const first = await client.responses.create({ model: 'gpt-4.1', input: 'lookup_order please', tools: [lookupOrder], tool_choice: 'required' });
    const call = first.output[0] as { type: string; call_id: string };
    expect(call.type).toBe('function_call');
    const second = await client.responses.create({
      model: 'gpt-4.1',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'found' }],
      tools: [lookupOrder],
    });
    expect(second.output_text).toBe('The lookup_order tool returned: found');
  });

  it('searches vector stores with file_search and cites the best file with the official annotation', async () => {
    const f1 = await client.files.create({ file: await toFile(Buffer.from('Refunds are paid within 14 days to the original card.'), 'refunds.md'), purpose: 'assistants' });
    const f2 = await client.files.create({ file: await toFile(Buffer.from('Two-factor login uses an authenticator app.'), 'login.md'), purpose: 'assistants' });
    const vs = await client.vectorStores.create({ name: 'docs', file_ids: [f1.id, f2.id] });
    const events = await rawStream({ model: 'gpt-4.1', input: 'how are refunds paid', tools: [{ type: 'file_search', vector_store_ids: [vs.id], max_num_results: 4 }], include: ['file_search_call.results'] });
    expect(events.map((e) => e.event).slice(0, 7)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.file_search_call.in_progress',
      'response.file_search_call.searching',
      'response.file_search_call.completed',
      'response.output_item.done',
    ]);
    expect(events.map((e) => e.event)).toContain('response.output_text.annotation.added');
    const done = events.at(-1)!.data.response;
    const [search, message] = done.output;
    expect(search).toMatchObject({ type: 'file_search_call', status: 'completed', queries: ['how are refunds paid'] });
    expect(search.results[0]).toMatchObject({ file_id: f1.id, filename: 'refunds.md' });
    const text = message.content[0];
    expect(text.text).toBe('You said: how are refunds paid The best match is refunds.md.');
    expect(text.annotations).toEqual([{ type: 'file_citation', file_id: f1.id, filename: 'refunds.md', index: text.text.length }]);
  });

  it('mentions code interpreter files and attached input files', async () => {
    const f = await client.files.create({ file: await toFile(Buffer.from('a,b\n1,2\n'), 'sales.csv'), purpose: 'assistants' });
    const r = await client.responses.create({
      model: 'gpt-4.1',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'sum it' }, { type: 'input_file', file_id: f.id }] }],
      tools: [{ type: 'code_interpreter', container: { type: 'auto', file_ids: [f.id] } }],
    });
    expect(r.output_text).toBe('You said: sum it Attached: sales.csv. Code interpreter files: sales.csv.');
  });

  it('answers bad requests in the API error shape', async () => {
    await expect(client.responses.create({ input: 'x' } as never)).rejects.toMatchObject({ status: 400, error: { param: 'model', code: 'missing_required_parameter' } });
    await expect(client.responses.create({ model: 'gpt-4.1', input: 'x', bogus: 1 } as never)).rejects.toMatchObject({ status: 400, error: { code: 'unknown_parameter' } });
    await expect(client.responses.create({ model: 'gpt-4.1', input: 'x', temperature: 3 })).rejects.toMatchObject({ status: 400, error: { param: 'temperature' } });
    await expect(client.responses.create({ model: 'gpt-4.1', input: 'x', conversation: 'conv_missing' })).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.create({ model: 'gpt-4.1', input: 'x', tools: [{ type: 'function', name: 'bad name', parameters: {}, strict: false }] })).rejects.toMatchObject({
      status: 400,
      error: { param: 'tools[0].name' },
    });
    await expect(client.conversations.items.list('conv_missing')).rejects.toMatchObject({ status: 404 });
  });

  it('counts input tokens and compacts (operations the SDK calls that the description lacks, R8)', async () => {
    const count = await client.responses.inputTokens.count({ model: 'gpt-4.1', input: 'one two three' });
    expect(count).toEqual({ object: 'response.input_tokens', input_tokens: 13 });
    const compacted = await client.responses.compact({ model: 'gpt-4.1', input: 'one two three' });
    expect(compacted.output.map((o) => o.type)).toEqual(['message', 'compaction']);
  });

  it('is served when the Assistants API is not', async () => {
    const off = await startEmulator({ assistantsApi: false, quiet: true });
    try {
      const c = new OpenAI({ apiKey: 'sk-test', baseURL: off.url, maxRetries: 0, fetch: v.fetch });
      await expect(c.beta.assistants.list()).rejects.toMatchObject({ status: 404 });
      const r = await c.responses.create({ model: 'gpt-4.1', input: 'still here' });
      expect(r.output_text).toBe('You said: still here');
    } finally {
      await off.close();
    }
  });
});
