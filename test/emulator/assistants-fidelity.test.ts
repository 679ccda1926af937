/**
 * Issue 15, the Assistants side: where the emulator used to accept what the API refuses, or answer
 * what the API does not, through the real openai Node SDK (every response and stream event validated
 * against openapi.assistants.yaml). The same behaviours through the Python SDK are in
 * python-sdk.test.ts.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/emulator.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  expect(api.spec.failures).toEqual([]);
  expect(api.emu.log.filter((l) => l.status >= 500)).toEqual([]);
});

const text = (s: string, name: string) => toFile(Buffer.from(s), name);
const upload = async (s: string, name: string) => api.client.files.create({ file: await text(s, name), purpose: 'assistants' });
const error = (e: unknown) => (e as { status?: number; error?: unknown }) ?? {};

describe('OpenAI-Beta: assistants=v2', () => {
  it('the SDK sends it; without it, or with assistants=v1, the Assistants endpoints answer 400 invalid_beta', async () => {
    const c = api.client;
    expect((await c.beta.assistants.list()).data).toEqual(expect.any(Array));
    const missing = await c.beta.assistants.list({}, { headers: { 'OpenAI-Beta': null } }).catch(error);
    expect(missing).toMatchObject({
      status: 400,
      error: {
        message: "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.",
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_beta',
      },
    });
    const v1 = await c.beta.threads.create({}, { headers: { 'OpenAI-Beta': 'assistants=v1' } }).catch(error);
    expect(v1).toMatchObject({ status: 400, error: { code: 'invalid_beta', message: expect.stringMatching(/^The v1 Assistants API has been deprecated\./) } });
    for (const [method, path] of [['GET', '/assistants'], ['POST', '/threads'], ['POST', '/threads/runs'], ['GET', '/threads/thread_x/runs/run_x/steps']] as const) {
      const r = await api.raw(method, path, { json: method === 'POST' ? {} : undefined, beta: false });
      expect([path, r.status, r.body.error.code]).toEqual([path, 400, 'invalid_beta']);
    }
    // several betas in one header are read as a list; vector stores and files need none
    expect((await api.raw('GET', '/assistants', { headers: { 'openai-beta': 'realtime=v1, assistants=v2' } })).status).toBe(200);
    expect((await api.raw('GET', '/vector_stores', { beta: false })).status).toBe(200);
    expect((await api.raw('GET', '/files', { beta: false })).status).toBe(200);
  });
});

describe('a run that is still going', () => {
  it("refuses new messages while the run is queued, in progress or waiting for tool outputs, in the API's words", async () => {
    const c = api.client;
    const a = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] });
    const t = await c.beta.threads.create({ messages: [{ role: 'user', content: 'get_weather city: Oslo' }] });
    const run = await c.beta.threads.runs.create(t.id, { assistant_id: a.id });
    expect(run.status).toBe('queued');
    const queued = await c.beta.threads.messages.create(t.id, { role: 'user', content: 'and tomorrow?' }).catch(error);
    expect(queued).toMatchObject({ status: 400, error: { message: `Can't add messages to ${t.id} while a run ${run.id} is active.`, type: 'invalid_request_error', param: null, code: null } });
    const waiting = await c.beta.threads.runs.poll(run.id, { thread_id: t.id }, { pollIntervalMs: 10 });
    expect(waiting.status).toBe('requires_action');
    await expect(c.beta.threads.messages.create(t.id, { role: 'user', content: 'still there?' })).rejects.toMatchObject({ status: 400 });
    await c.beta.threads.runs.cancel(run.id, { thread_id: t.id });
    expect((await c.beta.threads.messages.create(t.id, { role: 'user', content: 'now then' })).role).toBe('user');
    expect((await c.beta.threads.messages.list(t.id)).data).toHaveLength(2);
  });
});

describe('models outside the catalogue', () => {
  it('are refused on assistant create and update, and as run and thread-and-run overrides (the --models ones are served)', async () => {
    const c = api.client;
    const unknown = { status: 400, error: { message: "The requested model 'gpt-99' does not exist.", type: 'invalid_request_error', param: 'model', code: 'model_not_found' } };
    expect(await c.beta.assistants.create({ model: 'gpt-99' }).catch(error)).toMatchObject(unknown);
    const a = await c.beta.assistants.create({ model: 'gpt-4.1-mini' });
    expect(await c.beta.assistants.update(a.id, { model: 'gpt-99' }).catch(error)).toMatchObject(unknown);
    expect((await c.beta.assistants.retrieve(a.id)).model).toBe('gpt-4.1-mini');
    const t = await c.beta.threads.create({ messages: [{ role: 'user', content: 'hi' }] });
    expect(await c.beta.threads.runs.create(t.id, { assistant_id: a.id, model: 'gpt-99' }).catch(error)).toMatchObject(unknown);
    const before = (await c.beta.assistants.list({ limit: 100 })).data.length;
    expect(await c.beta.threads.createAndRun({ assistant_id: a.id, model: 'gpt-99', thread: { messages: [{ role: 'user', content: 'x' }] } }).catch(error)).toMatchObject(unknown);
    expect((await c.beta.assistants.list({ limit: 100 })).data.length).toBe(before);
    const run = await c.beta.threads.runs.createAndPoll(t.id, { assistant_id: a.id, model: 'gpt-4o' }, { pollIntervalMs: 10 });
    expect(run).toMatchObject({ status: 'completed', model: 'gpt-4o' });
    // models the emulator is started with are served
    const extra = await startTestApi({ models: ['ft:gpt-4o-mini:acme::x1'] });
    try {
      expect((await extra.client.beta.assistants.create({ model: 'ft:gpt-4o-mini:acme::x1' })).model).toBe('ft:gpt-4o-mini:acme::x1');
      expect(extra.spec.failures).toEqual([]);
    } finally {
      await extra.close();
    }
  });
});

describe('references to objects that do not exist', () => {
  it('tool_resources vector stores and code interpreter files, and message attachments, answer 404 and create nothing', async () => {
    const c = api.client;
    const noStore = { status: 404, error: { message: "No vector store found with id 'vs_nope'.", param: 'tool_resources.file_search.vector_store_ids', code: null } };
    const noFile = { status: 404, error: { message: "No file found with id 'file-nope'.", param: 'tool_resources.code_interpreter.file_ids' } };
    const before = (await c.beta.assistants.list({ limit: 100 })).data.length;
    expect(await c.beta.assistants.create({ model: 'gpt-4o', tool_resources: { file_search: { vector_store_ids: ['vs_nope'] } } }).catch(error)).toMatchObject(noStore);
    expect(await c.beta.assistants.create({ model: 'gpt-4o', tool_resources: { code_interpreter: { file_ids: ['file-nope'] } } }).catch(error)).toMatchObject(noFile);
    expect((await c.beta.assistants.list({ limit: 100 })).data.length).toBe(before);
    const a = await c.beta.assistants.create({ model: 'gpt-4o' });
    expect(await c.beta.assistants.update(a.id, { tool_resources: { file_search: { vector_store_ids: ['vs_nope'] } } }).catch(error)).toMatchObject(noStore);
    expect(await c.beta.threads.create({ tool_resources: { file_search: { vector_store_ids: ['vs_nope'] } } }).catch(error)).toMatchObject(noStore);
    const t = await c.beta.threads.create();
    expect(await c.beta.threads.update(t.id, { tool_resources: { code_interpreter: { file_ids: ['file-nope'] } } }).catch(error)).toMatchObject(noFile);
    const attach = [{ file_id: 'file-nope', tools: [{ type: 'file_search' as const }] }];
    expect(await c.beta.threads.messages.create(t.id, { role: 'user', content: 'see file', attachments: attach }).catch(error)).toMatchObject({
      status: 404,
      error: { message: "No file found with id 'file-nope'.", param: 'attachments[0].file_id' },
    });
    expect(await c.beta.threads.create({ messages: [{ role: 'user', content: 'x', attachments: attach }] }).catch(error)).toMatchObject({ status: 404, error: { param: 'messages[0].attachments[0].file_id' } });
    expect(await c.beta.threads.createAndRun({ assistant_id: a.id, thread: { messages: [{ role: 'user', content: 'x', attachments: attach }] } }).catch(error)).toMatchObject({
      status: 404,
      error: { param: 'thread.messages[0].attachments[0].file_id' },
    });
    expect((await c.beta.threads.messages.list(t.id)).data).toEqual([]);
  });

  it('a Responses file_search tool naming a store that does not exist answers 404 too', async () => {
    const r = await api.raw('POST', '/responses', { json: { model: 'gpt-4o', input: 'refunds?', tools: [{ type: 'file_search', vector_store_ids: ['vs_nope'] }] } });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ message: "No vector store found with id 'vs_nope'.", param: 'tools[0].vector_store_ids' });
  });

  it("both vector_store_ids and vector_stores: the API's mutually exclusive parameters error", async () => {
    const both = await api.client.beta.assistants.create({ model: 'gpt-4o', tool_resources: { file_search: { vector_store_ids: ['vs_a'], vector_stores: [{ file_ids: [] }] } } }).catch(error);
    expect(both).toMatchObject({
      status: 400,
      error: {
        message: "Mutually exclusive parameters: Ensure you are only providing one of: 'tool_resources.file_search.vector_store_ids' or 'tool_resources.file_search.vector_stores'.",
        param: 'tool_resources.file_search',
        code: 'mutually_exclusive_parameters',
      },
    });
    const thread = await api.raw('POST', '/threads', { json: { tool_resources: { file_search: { vector_store_ids: ['vs_a'], vector_stores: [{}] } } } });
    expect(thread.body.error).toMatchObject({ param: 'tool_resources.file_search', code: 'mutually_exclusive_parameters' });
  });
});

describe('file attachments on messages', () => {
  it("go into the thread's vector store, made on demand with the 7-day expiry, which file_search then searches", async () => {
    const c = api.client;
    const a = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }] });
    const policy = await upload('the warranty lasts two years from delivery', 'warranty.md');
    const t = await c.beta.threads.create({ messages: [{ role: 'user', content: 'here it is', attachments: [{ file_id: policy.id, tools: [{ type: 'file_search' }] }] }] });
    const ids = t.tool_resources?.file_search?.vector_store_ids ?? [];
    expect(ids).toHaveLength(1);
    const store = await c.vectorStores.retrieve(ids[0]!);
    expect(store).toMatchObject({ name: '', metadata: {}, expires_after: { anchor: 'last_active_at', days: 7 }, file_counts: { total: 1 } });
    expect(store.expires_at).toBe(store.last_active_at! + 7 * 86400);
    // a later attachment joins the same store; a code_interpreter-only attachment does not
    const manual = await upload('returns need the original box', 'returns.md');
    const csv = await upload('a,b\n1,2\n', 'data.csv');
    await c.beta.threads.messages.create(t.id, { role: 'user', content: 'and this', attachments: [{ file_id: manual.id, tools: [{ type: 'file_search' }] }, { file_id: csv.id, tools: [{ type: 'code_interpreter' }] }] });
    expect((await c.beta.threads.retrieve(t.id)).tool_resources?.file_search?.vector_store_ids).toEqual(ids);
    expect((await c.vectorStores.files.list(ids[0]!)).data.map((f) => f.id).sort()).toEqual([policy.id, manual.id].sort());
    const run = await c.beta.threads.runs.createAndPoll(t.id, { assistant_id: a.id, additional_messages: [{ role: 'user', content: 'how long does the warranty last?' }] }, { pollIntervalMs: 10 });
    expect(run.status).toBe('completed');
    const reply = (await c.beta.threads.messages.list(t.id, { run_id: run.id })).data[0]!.content[0]!;
    expect(reply.type === 'text' && reply.text.annotations[0]).toMatchObject({ type: 'file_citation', file_citation: { file_id: policy.id } });
    // a thread created with the vector_stores helper gets the same default expiry
    const helped = await c.beta.threads.create({ tool_resources: { file_search: { vector_stores: [{ file_ids: [manual.id] }] } } });
    expect((await c.vectorStores.retrieve(helped.tool_resources!.file_search!.vector_store_ids![0]!)).expires_after).toEqual({ anchor: 'last_active_at', days: 7 });
  });
});

describe('streamed file_search steps', () => {
  it('stream the call in a step delta (toolCallCreated / toolCallDone fire) and carry result contents only with include[]', async () => {
    const c = api.client;
    const vs = await c.vectorStores.create({ name: 'kb' });
    await c.vectorStores.fileBatches.uploadAndPoll(vs.id, { files: [await text('our refund window is thirty days', 'refunds.md')] }, { pollIntervalMs: 10 });
    const a = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [vs.id] } } });
    const run = async (include: boolean) => {
      const t = await c.beta.threads.create({ messages: [{ role: 'user', content: 'refund window?' }] });
      const created: string[] = [];
      const done: unknown[] = [];
      const completedSteps: unknown[] = [];
      const stream = c.beta.threads.runs
        .stream(t.id, { assistant_id: a.id, ...(include ? { include: ['step_details.tool_calls[*].file_search.results[*].content'] } : {}) })
        .on('toolCallCreated', (call) => created.push(call.type))
        .on('toolCallDone', (call) => done.push(call))
        .on('event', (e) => {
          if (e.event === 'thread.run.step.completed' && e.data.type === 'tool_calls') completedSteps.push(e.data.step_details);
        });
      await stream.finalRun();
      return { created, done, completedSteps };
    };
    const plain = await run(false);
    expect(plain.created).toEqual(['file_search']);
    expect(plain.done).toHaveLength(1);
    expect(plain.done[0]).toMatchObject({ type: 'file_search', file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 } } });
    const results = (plain.completedSteps[0] as { tool_calls: { file_search: { results: Record<string, unknown>[] } }[] }).tool_calls[0]!.file_search.results;
    expect(results[0]).toMatchObject({ file_name: 'refunds.md' });
    expect(results[0]).not.toHaveProperty('content');
    const withContent = await run(true);
    expect((withContent.completedSteps[0] as { tool_calls: { file_search: { results: Record<string, unknown>[] } }[] }).tool_calls[0]!.file_search.results[0]).toMatchObject({
      content: [{ type: 'text', text: 'our refund window is thirty days' }],
    });
  });

  it('function calls stream once: the snapshot the SDK accumulates holds the arguments as sent', async () => {
    const c = api.client;
    const a = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }] });
    const stream = c.beta.threads.createAndRunStream({ assistant_id: a.id, thread: { messages: [{ role: 'user', content: 'get_weather city: Paris' }] } });
    const args: string[] = [];
    stream.on('toolCallDone', (call) => {
      if (call.type === 'function') args.push(call.function.arguments);
    });
    await stream.finalRun();
    expect(args).toEqual(['{"city":"Paris"}']);
  });
});

describe('structured output', () => {
  const schema = {
    type: 'object',
    properties: {
      answer: { type: 'string' },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      sources: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, page: { type: ['integer', 'null'] } }, required: ['file', 'page'], additionalProperties: false } },
      verdict: { type: 'string', enum: ['yes', 'no', 'unsure'] },
    },
    required: ['answer', 'confidence', 'sources', 'verdict'],
    additionalProperties: false,
  };
  const validate = new Ajv2020({ strict: false }).compile(schema);

  it('a json_schema response format (assistant or run) is answered with JSON valid against the schema', async () => {
    const c = api.client;
    const a = await c.beta.assistants.create({ model: 'gpt-4o', response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } } });
    const t = await c.beta.threads.create({ messages: [{ role: 'user', content: 'is the sky blue?' }] });
    const run = await c.beta.threads.runs.createAndPoll(t.id, { assistant_id: a.id }, { pollIntervalMs: 10 });
    const content = (await c.beta.threads.messages.list(t.id, { run_id: run.id })).data[0]!.content[0]!;
    const value: unknown = JSON.parse(content.type === 'text' ? content.text.value : 'null');
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    // as a run override, streamed
    const plain = await c.beta.assistants.create({ model: 'gpt-4o' });
    const s = c.beta.threads.createAndRunStream({ assistant_id: plain.id, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } }, thread: { messages: [{ role: 'user', content: 'well?' }] } });
    const streamed = (await s.finalMessages())[0]!.content[0]!;
    expect(validate(JSON.parse(streamed.type === 'text' ? streamed.text.value : 'null'))).toBe(true);
    // json_object: a JSON object
    const o = await c.beta.threads.createAndRunPoll({ assistant_id: plain.id, response_format: { type: 'json_object' }, thread: { messages: [{ role: 'user', content: 'reply in json' }] } }, { pollIntervalMs: 10 });
    const oc = (await c.beta.threads.messages.list(o.thread_id, { run_id: o.id })).data[0]!.content[0]!;
    expect(JSON.parse(oc.type === 'text' ? oc.text.value : 'null')).toEqual(expect.any(Object));
  });
});

describe('405 answers', () => {
  it('OPTIONS /v1/threads/runs lists the methods of that path, not of /v1/threads/{thread_id}', async () => {
    const r = await api.raw('OPTIONS', '/threads/runs');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    const t = await api.raw('OPTIONS', '/threads/thread_x');
    expect(t.headers.get('allow')).toBe('GET, POST, DELETE');
  });
});
