/**
 * Issue 15, the Responses and Conversations side: what the emulator used to let through, answer
 * wrongly or not answer at all, through the real openai SDK (openai-node), every response body and
 * stream event validated against openapi.responses.yaml (with the deviations of
 * docs/API-DEVIATIONS.md). Python's SDK drives the same cases in responses-fidelity-python.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { combinedValidator, type CombinedValidator } from '../helpers/openapi-responses.js';

let emu: Emulator;
let v: CombinedValidator;
let client: OpenAI;

beforeAll(async () => {
  emu = await startEmulator({ indexingDelayMs: 0, backgroundDelayMs: 150, quiet: true });
  v = combinedValidator();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: emu.url, maxRetries: 0, fetch: v.fetch });
});

afterAll(async () => {
  await emu.close();
  expect(v.failures).toEqual([]);
  expect(emu.log.filter((l) => l.status >= 500)).toEqual([]);
});

async function raw(method: string, path: string, body?: string): Promise<{ status: number; body: any }> {
  const res = await v.fetch(`${emu.url}${path}`, { method, headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' }, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const refused = (p: Promise<unknown>) => p.then(() => expect.unreachable('the request was accepted'), (e: { status: number; error: unknown }) => ({ status: e.status, error: e.error }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const lookupOrder = {
  type: 'function' as const,
  name: 'lookup_order',
  strict: true,
  parameters: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'], additionalProperties: false },
};

describe('what the API refuses, the emulator refuses', () => {
  it('an unknown model: 400 model_not_found', async () => {
    expect(await refused(client.responses.create({ model: 'gpt-99', input: 'hi' }))).toEqual({
      status: 400,
      error: { message: "The requested model 'gpt-99' does not exist.", type: 'invalid_request_error', param: 'model', code: 'model_not_found' },
    });
  });

  it('values CreateResponse does not allow, each as the API words it', async () => {
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ max_output_tokens: 15 }, { param: 'max_output_tokens', code: 'integer_below_min_value', message: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 15 instead." }],
      [{ text: { format: { type: 'json_schema', schema: { type: 'object' } } } }, { param: 'text.format.name', code: 'missing_required_parameter', message: "Missing required parameter: 'text.format.name'." }],
      [{ tools: [{ type: 'teleport' }] }, { param: 'tools[0].type', code: 'invalid_value' }],
      [{ text: { verbosity: 'loud' } }, { param: 'text.verbosity', code: 'invalid_value' }],
      [{ prompt: {} }, { param: 'prompt.id', code: 'missing_required_parameter', message: "Missing required parameter: 'prompt.id'." }],
      [{ tools: [{ type: 'code_interpreter', container: { type: 'auto', file_ids: 'file-1' } }] }, { param: 'tools[0].container.file_ids', code: 'invalid_type' }],
      [{ tool_choice: { type: 'function', name: 'lookup_order' } }, { param: 'tool_choice', code: null, message: "Tool choice 'lookup_order' not found in 'tools' parameter." }],
      [{ tools: [lookupOrder], tool_choice: { type: 'file_search' } }, { param: 'tool_choice', message: "Tool choice 'file_search' not found in 'tools' parameter." }],
      [{ reasoning: { effort: 'low' } }, { param: 'reasoning.effort', code: 'unsupported_parameter', message: "Unsupported parameter: 'reasoning.effort' is not supported with this model." }],
      [{ text: { format: { type: 'json_object' } } }, { param: 'input', message: "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'." }],
      [
        { text: { format: { type: 'json_schema', name: 'r', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } } },
        { param: 'text.format.schema', code: 'invalid_json_schema', message: "Invalid schema for response_format 'r': In context=(), 'additionalProperties' is required to be supplied and to be false." },
      ],
      [
        { text: { format: { type: 'json_schema', name: 'r', strict: true, schema: { type: 'object', properties: { a: { type: 'array', items: { type: 'object', properties: { b: { type: 'string' } }, additionalProperties: false } } }, required: ['a'], additionalProperties: false } } } },
        { code: 'invalid_json_schema', message: "Invalid schema for response_format 'r': In context=('properties', 'a', 'items'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'." },
      ],
    ];
    for (const [params, error] of cases) {
      const got = await refused(client.responses.create({ model: 'gpt-4.1', input: 'hello', ...params } as never));
      expect(got, JSON.stringify(params)).toMatchObject({ status: 400, error: { type: 'invalid_request_error', ...error } });
    }
  });

  it('sampling on reasoning models and reasoning on the others', async () => {
    expect(await refused(client.responses.create({ model: 'o3', input: 'hi', temperature: 0.2 }))).toMatchObject({
      status: 400,
      error: { message: "Unsupported parameter: 'temperature' is not supported with this model.", param: 'temperature', code: 'unsupported_parameter' },
    });
    expect(await refused(client.responses.create({ model: 'gpt-5', input: 'hi', top_p: 0.5 }))).toMatchObject({ status: 400, error: { param: 'top_p', code: 'unsupported_parameter' } });
    // the default is fine, and gpt-5.1 and later sample when they do not reason
    expect((await client.responses.create({ model: 'o3', input: 'hi', temperature: 1 })).reasoning).toEqual({ effort: 'medium', summary: null });
    expect((await client.responses.create({ model: 'gpt-5.2', input: 'hi', temperature: 0.3 })).temperature).toBe(0.3);
    expect(await refused(client.responses.create({ model: 'gpt-5.2', input: 'hi', temperature: 0.3, reasoning: { effort: 'high' } }))).toMatchObject({ status: 400, error: { param: 'temperature' } });
    expect((await client.responses.create({ model: 'gpt-4.1', input: 'hi', reasoning: null })).reasoning).toEqual({ effort: null, summary: null });
  });

  it('echoes only what it accepted, in the fields the API defines', async () => {
    const r = await client.responses.create({
      model: 'o4-mini',
      input: 'give me json',
      reasoning: { effort: 'low' },
      text: { format: { type: 'json_schema', name: 'reply', schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false }, strict: true, colour: 'red' } as never },
    });
    expect(r.text).toEqual({ format: { type: 'json_schema', name: 'reply', schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false }, strict: true }, verbosity: 'medium' });
    expect(r.reasoning).toEqual({ effort: 'low', summary: null });
  });

  it('references to objects that do not exist: a previous response (400), a vector store, an item (404)', async () => {
    expect(await refused(client.responses.create({ model: 'gpt-4.1', input: 'hi', previous_response_id: 'resp_missing' }))).toEqual({
      status: 400,
      error: { message: "Previous response with id 'resp_missing' not found.", type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found' },
    });
    expect(await refused(client.responses.create({ model: 'gpt-4.1', input: 'hi', tools: [{ type: 'file_search', vector_store_ids: ['vs_missing'] }] }))).toMatchObject({
      status: 404,
      error: { message: "No vector store found with id 'vs_missing'.", param: 'tools[0].vector_store_ids' },
    });
    expect(await refused(client.responses.create({ model: 'gpt-4.1', input: [{ type: 'item_reference', id: 'msg_missing' }] }))).toMatchObject({ status: 404, error: { param: 'input[0].id' } });
  });

  it('no request ends in 500: JSON null bodies and a container whose file_ids is not a list', async () => {
    const conv = await client.conversations.create({});
    for (const path of ['/responses', '/conversations', `/conversations/${conv.id}`, `/conversations/${conv.id}/items`]) {
      const r = await raw('POST', path, 'null');
      expect(r, path).toEqual({ status: 400, body: { error: { message: 'Invalid type for body: expected an object, but got null instead.', type: 'invalid_request_error', param: null, code: 'invalid_type' } } });
    }
    const ci = await raw('POST', '/responses', JSON.stringify({ model: 'gpt-4.1', input: 'x', tools: [{ type: 'code_interpreter', container: { type: 'auto', file_ids: 7 } }] }));
    expect(ci.status).toBe(400);
    expect(ci.body.error.param).toBe('tools[0].container.file_ids');
  });

  it('accepts the parameters the current SDK sends beyond the description', async () => {
    const r = await client.responses.create({ model: 'gpt-4.1', input: 'hi', background: true, background_options: { completion_window: 'soonest' }, image: { context_compression: 'auto' } });
    expect(r.status).toBe('queued');
    expect(await refused(client.responses.create({ model: 'gpt-4.1', input: 'hi', background: true, store: false }))).toMatchObject({ status: 400, error: { param: 'store' } });
  });
});

describe('structured output', () => {
  const schema = {
    type: 'object',
    properties: {
      answer: { type: 'string' },
      order: { $ref: '#/$defs/Order' },
      priority: { type: 'string', enum: ['low', 'high'] },
      tags: { type: 'array', items: { type: 'string' } },
      score: { type: 'integer', minimum: 3, maximum: 9 },
      note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      ok: { type: 'boolean' },
    },
    required: ['answer', 'order', 'priority', 'tags', 'score', 'note', 'ok'],
    additionalProperties: false,
    $defs: {
      Order: { type: 'object', properties: { order_number: { type: 'string' }, total: { type: 'number' } }, required: ['order_number', 'total'], additionalProperties: false },
    },
  };
  const format = { type: 'json_schema' as const, name: 'support_reply', schema, strict: true };
  const valid = new Ajv2020({ strict: false }).compile(schema);

  it('replies with a value valid against the json_schema (responses.parse), drawn from the input', async () => {
    const r = await client.responses.parse({ model: 'gpt-4.1', input: 'where is order_number: AC-7 (priority: high)?', text: { format } });
    const value = JSON.parse(r.output_text);
    expect(valid(value), JSON.stringify(valid.errors)).toBe(true);
    expect(value).toMatchObject({ answer: 'You said: where is order_number: AC-7 (priority: high)?', order: { order_number: 'AC-7', total: 1 }, priority: 'high', score: 3 });
    if (r.output_parsed !== null) expect(r.output_parsed).toEqual(value);
  });

  it('streams it, and takes values from the function outputs it is given', async () => {
    const first = await client.responses.create({ model: 'gpt-4.1', input: 'lookup_order order_number: AC-9', tools: [lookupOrder], text: { format } });
    const call = first.output.find((o) => o.type === 'function_call') as { call_id: string };
    expect(call).toBeDefined();
    const stream = client.responses.stream({
      model: 'gpt-4.1',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"order_number": "AC-9", "total": 42.5, "priority": "low"}' }],
      tools: [lookupOrder],
      text: { format },
    });
    const deltas: string[] = [];
    for await (const e of stream) if (e.type === 'response.output_text.delta') deltas.push(e.delta);
    const final = await stream.finalResponse();
    const value = JSON.parse(final.output_text);
    expect(deltas.join('')).toBe(final.output_text);
    expect(valid(value)).toBe(true);
    expect(value.order).toEqual({ order_number: 'AC-9', total: 42.5 });
    expect(value.priority).toBe('low');
  });

  it('JSON mode answers a JSON object', async () => {
    const r = await client.responses.create({ model: 'gpt-4.1', input: 'answer in JSON please', text: { format: { type: 'json_object' } } });
    expect(JSON.parse(r.output_text)).toEqual({ response: 'You said: answer in JSON please' });
  });
});

describe('background responses', () => {
  it('are queued, then in_progress, then completed, polled; their conversation gets the items on completion', async () => {
    const conv = await client.conversations.create({});
    const r = await client.responses.create({ model: 'gpt-4.1', input: 'slow one', background: true, conversation: conv.id });
    expect(r).toMatchObject({ status: 'queued', background: true, output: [] });
    expect((await client.conversations.items.list(conv.id)).data).toEqual([]);
    const seen = new Set<string>([String(r.status)]);
    let cur = r;
    for (let i = 0; i < 100 && (cur.status === 'queued' || cur.status === 'in_progress'); i++) {
      await sleep(20);
      cur = await client.responses.retrieve(r.id);
      seen.add(String(cur.status));
    }
    expect([...seen]).toEqual(['queued', 'in_progress', 'completed']);
    expect(cur.output_text).toBe('You said: slow one');
    expect(cur.completed_at).toBeGreaterThanOrEqual(cur.created_at);
    expect((await client.conversations.items.list(conv.id, { order: 'asc' })).data.map((i) => i.type)).toEqual(['message', 'message']);
  });

  it('stream as they happen, and GET ?stream=true&starting_after=N streams them again from there', async () => {
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'stream me', background: true, stream: true });
    const events: { type: string; sequence_number: number; response?: { id: string; status: string } }[] = [];
    for await (const e of stream) events.push(e as never);
    expect(events.slice(0, 3).map((e) => [e.type, e.response?.status])).toEqual([
      ['response.created', 'queued'],
      ['response.queued', 'queued'],
      ['response.in_progress', 'in_progress'],
    ]);
    expect(events.at(-1)!.type).toBe('response.completed');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const id = events[0]!.response!.id;
    const again = await client.responses.retrieve(id, { stream: true, starting_after: 2 });
    const replay: { sequence_number: number }[] = [];
    for await (const e of again) replay.push(e as never);
    expect(replay).toEqual(events.slice(3));
    // a response not created with background and stream cannot be streamed again
    const plain = await client.responses.create({ model: 'gpt-4.1', input: 'x' });
    expect(await refused(client.responses.retrieve(plain.id, { stream: true }) as Promise<unknown>)).toMatchObject({ status: 400, error: { param: 'stream' } });
  });

  it('cancel stops a background response (idempotently); a synchronous one cannot be cancelled', async () => {
    const r = await client.responses.create({ model: 'gpt-4.1', input: 'never mind', background: true });
    const cancelled = await client.responses.cancel(r.id);
    expect(cancelled).toMatchObject({ id: r.id, status: 'cancelled', output: [] });
    await sleep(400);
    expect(await client.responses.retrieve(r.id)).toMatchObject({ ...cancelled, output_text: '' });
    expect(await client.responses.cancel(r.id)).toEqual(cancelled);
    const sync = await client.responses.create({ model: 'gpt-4.1', input: 'done already' });
    expect(await refused(client.responses.cancel(sync.id))).toMatchObject({ status: 400, error: { message: 'Cannot cancel a synchronous response.' } });
  });
});

describe('background responses across a restart', () => {
  it('one queued before the emulator stops has completed when it is back, its conversation items added', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emu-background-'));
    try {
      let e = await startEmulator({ dataDir: dir, indexingDelayMs: 0, backgroundDelayMs: 150, quiet: true });
      let c = new OpenAI({ apiKey: 'sk-test', baseURL: e.url, maxRetries: 0, fetch: v.fetch });
      const conv = await c.conversations.create({});
      const r = await c.responses.create({ model: 'gpt-4.1', input: 'across a restart', background: true, conversation: conv.id });
      expect(r.status).toBe('queued');
      await e.close();
      await sleep(400);
      e = await startEmulator({ dataDir: dir, indexingDelayMs: 0, backgroundDelayMs: 150, quiet: true });
      c = new OpenAI({ apiKey: 'sk-test', baseURL: e.url, maxRetries: 0, fetch: v.fetch });
      const back = await c.responses.retrieve(r.id);
      expect(back).toMatchObject({ status: 'completed', output_text: 'You said: across a restart' });
      expect((await c.conversations.items.list(conv.id)).data).toHaveLength(2);
      await e.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('endpoints the SDK calls', () => {
  it('POST /responses/input_tokens counts what a response would read', async () => {
    const params = { model: 'gpt-4.1', instructions: 'Be brief.', input: 'count these five words' };
    const count = await client.responses.inputTokens.count(params);
    expect(count.object).toBe('response.input_tokens');
    expect(count.input_tokens).toBe((await client.responses.create(params)).usage!.input_tokens);
    expect(await refused(client.responses.inputTokens.count({ model: 'gpt-99' }))).toMatchObject({ status: 400, error: { code: 'model_not_found' } });
  });

  it('POST /responses/compact keeps the user messages and adds a compaction item the next request takes', async () => {
    const first = await client.responses.create({ model: 'gpt-4.1', input: 'remember the number 7' });
    const compacted = await client.responses.compact({ model: 'gpt-4.1', previous_response_id: first.id, input: 'and 8' });
    expect(compacted.object).toBe('response.compaction');
    expect(compacted.output.map((o) => [o.type, (o as { role?: string }).role])).toEqual([
      ['message', 'user'],
      ['message', 'user'],
      ['compaction', undefined],
    ]);
    const next = await client.responses.create({ model: 'gpt-4.1', input: [...(compacted.output as never[]), { role: 'user', content: 'what were they?' }] });
    expect(next.output_text).toBe('You said: what were they?');
  });
});

describe('conversation items', () => {
  it('are stored in the ConversationItem shapes, references resolved', async () => {
    const first = await client.responses.create({ model: 'gpt-4.1', input: 'hello' });
    const conv = await client.conversations.create({
      items: [
        { role: 'system', content: 'be kind' },
        { role: 'user', content: [{ type: 'input_text', text: 'hi' }, { type: 'input_image', image_url: 'https://example.com/a.png' }] },
        { type: 'function_call', call_id: 'call_1', name: 'lookup_order', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'ok' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'item_reference', id: first.output[0]!.id! },
      ] as never,
    });
    const items = await client.conversations.items.list(conv.id, { order: 'asc' });
    expect(items.data.map((i) => i.type)).toEqual(['message', 'message', 'function_call', 'function_call_output', 'reasoning', 'message']);
    expect(items.data[5]).toMatchObject({ role: 'assistant', content: [{ type: 'output_text', text: 'You said: hello' }] });
    expect(await refused(client.conversations.items.create(conv.id, { items: [{ type: 'item_reference', id: 'msg_nope' }] }))).toMatchObject({ status: 404, error: { param: 'items[0].id' } });
    const f = await client.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'user_data' });
    const added = await client.conversations.items.create(conv.id, { items: [{ role: 'user', content: [{ type: 'input_file', file_id: f.id }] }] });
    expect(added.data[0]).toMatchObject({ type: 'message', status: 'completed' });
  });
});
