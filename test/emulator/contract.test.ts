/**
 * Contract tests: the real openai SDK over HTTP against the emulator, every endpoint, with every
 * response (and stream event) validated against openapi.assistants.yaml.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { startTestApi, type TestApi } from '../helpers/emulator.js';

let api: TestApi;

beforeAll(async () => {
  // indexing takes long enough that "in_progress" is still seen on a loaded machine (30 ms was not always)
  api = await startTestApi({ indexingDelayMs: 400 });
});

afterAll(async () => {
  const ops = api.spec.operations.map((o) => o.operationId);
  const covered = ops.filter((o) => api.spec.covered.has(o));
  console.log(`conformance: ${covered.length}/${ops.length} operations covered, ${api.spec.coveredResponses.size} operation+status pairs validated`);
  const missing = ops.filter((o) => !api.spec.covered.has(o));
  await api.close();
  expect(api.spec.failures).toEqual([]);
  expect(missing).toEqual([]);
});

const text = (s: string, name: string) => toFile(Buffer.from(s), name);

describe('assistants', () => {
  it('create fills in the API defaults and round-trips through retrieve, update, list and delete', async () => {
    const c = api.client;
    const a = await c.beta.assistants.create({
      model: 'gpt-4o',
      name: 'Support',
      tools: [{ type: 'file_search' }, { type: 'code_interpreter' }, { type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: {} } } }],
    });
    expect(a.id).toMatch(/^asst_/);
    expect(a).toMatchObject({ object: 'assistant', temperature: 1, top_p: 1, response_format: 'auto', description: null, instructions: null, metadata: {} });
    expect(a.tools[0]).toEqual({ type: 'file_search', file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 } } });
    expect(a.tools[2]).toMatchObject({ type: 'function', function: { name: 'lookup_order', strict: false } });
    expect(await c.beta.assistants.retrieve(a.id)).toEqual(a);
    const u = await c.beta.assistants.update(a.id, { instructions: 'Be brief.', temperature: 0.2, metadata: { team: 'support' } });
    expect(u).toMatchObject({ id: a.id, instructions: 'Be brief.', temperature: 0.2, metadata: { team: 'support' }, name: 'Support' });
    const list = await c.beta.assistants.list({ limit: 100 });
    expect(list.data.map((x) => x.id)).toContain(a.id);
    const del = await c.beta.assistants.delete(a.id);
    expect(del).toEqual({ id: a.id, object: 'assistant.deleted', deleted: true });
    await expect(c.beta.assistants.retrieve(a.id)).rejects.toMatchObject({ status: 404, error: { message: `No assistant found with id '${a.id}'.`, type: 'invalid_request_error' } });
  });

  it('auto-paginates across pages in creation order, with stable order for equal created_at', async () => {
    const c = api.client;
    const made: string[] = [];
    for (let i = 0; i < 25; i++) made.push((await c.beta.assistants.create({ model: 'gpt-4o', name: `p${i}` })).id);
    const seen: string[] = [];
    for await (const a of c.beta.assistants.list({ limit: 7, order: 'asc' })) seen.push(a.id);
    expect(seen.filter((id) => made.includes(id))).toEqual(made);
    const desc: string[] = [];
    for await (const a of c.beta.assistants.list({ limit: 4 })) desc.push(a.id);
    expect(desc.filter((id) => made.includes(id))).toEqual([...made].reverse());
    const page = await c.beta.assistants.list({ limit: 3, order: 'asc', after: made[5]! });
    expect(page.data.map((x) => x.id)).toEqual(made.slice(6, 9));
    const before = await api.raw('GET', `/assistants?limit=3&order=asc&before=${made[10]}`);
    expect(before.body.data.map((x: { id: string }) => x.id)).toEqual(made.slice(7, 10));
    expect(before.body).toMatchObject({ first_id: made[7], last_id: made[9], has_more: true });
  });
});

describe('files', () => {
  it('uploads multipart, lists with purpose filter and pagination, retrieves, downloads where allowed, deletes', async () => {
    const c = api.client;
    const f1 = await c.files.create({ file: await text('alpha beta', 'a.txt'), purpose: 'assistants' });
    const f2 = await c.files.create({ file: await text('{"x":1}\n', 'b.jsonl'), purpose: 'batch' });
    const f3 = await c.files.create({ file: await text('gamma', 'c.txt'), purpose: 'user_data', expires_after: { anchor: 'created_at', seconds: 3600 } });
    expect(f1).toMatchObject({ object: 'file', bytes: 10, filename: 'a.txt', purpose: 'assistants', status: 'processed' });
    expect(f1.id).toMatch(/^file-/);
    expect(f3.expires_at).toBe(f3.created_at + 3600);
    expect((await c.files.retrieve(f2.id)).filename).toBe('b.jsonl');
    const batchOnly = await c.files.list({ purpose: 'batch' });
    expect(batchOnly.data.map((f) => f.id)).toEqual([f2.id]);
    const all: string[] = [];
    for await (const f of c.files.list({ limit: 1, order: 'asc' })) all.push(f.id);
    expect(all.filter((id) => [f1.id, f2.id, f3.id].includes(id))).toEqual([f1.id, f2.id, f3.id]);
    const content = await c.files.content(f2.id);
    expect(await content.text()).toBe('{"x":1}\n');
    await expect(c.files.content(f1.id)).rejects.toMatchObject({ status: 400, error: { message: 'Not allowed to download files of purpose: assistants' } });
    expect(await c.files.delete(f3.id)).toEqual({ id: f3.id, object: 'file', deleted: true });
    await expect(c.files.retrieve(f3.id)).rejects.toMatchObject({ status: 404, error: { message: `No such File object: ${f3.id}`, param: 'id' } });
    const empty = await api.raw('GET', '/files?purpose=vision');
    expect(empty.body).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });
});

describe('vector stores', () => {
  it('files go in_progress then completed; file_counts and usage_bytes follow; attributes update; deleting a file removes it', async () => {
    const c = api.client;
    const f = await c.files.create({ file: await text('refund policy: thirty days', 'refunds.md'), purpose: 'assistants' });
    const g = await c.files.create({ file: await text('shipping takes five days', 'shipping.md'), purpose: 'assistants' });
    const vs = await c.vectorStores.create({ name: 'docs', metadata: { team: 'a' }, expires_after: { anchor: 'last_active_at', days: 7 } });
    expect(vs).toMatchObject({ object: 'vector_store', name: 'docs', usage_bytes: 0, status: 'completed', file_counts: { total: 0 } });
    expect(vs.id).toMatch(/^vs_/);
    expect(vs.expires_at).toBe(vs.last_active_at! + 7 * 86400);
    const vf = await c.vectorStores.files.create(vs.id, { file_id: f.id, attributes: { path: 'refunds.md', rev: 1 } });
    expect(vf).toMatchObject({ id: f.id, object: 'vector_store.file', status: 'in_progress', usage_bytes: 0, attributes: { path: 'refunds.md', rev: 1 } });
    expect(vf.chunking_strategy).toEqual({ type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } });
    const busy = await c.vectorStores.retrieve(vs.id);
    expect(busy).toMatchObject({ status: 'in_progress', file_counts: { in_progress: 1, completed: 0, total: 1 }, usage_bytes: 0 });
    const done = await c.vectorStores.files.poll(vs.id, f.id, { pollIntervalMs: 10 });
    expect(done.status).toBe('completed');
    expect(await c.vectorStores.retrieve(vs.id)).toMatchObject({ status: 'completed', file_counts: { in_progress: 0, completed: 1, total: 1 }, usage_bytes: f.bytes });
    const g2 = await c.vectorStores.files.createAndPoll(vs.id, { file_id: g.id, chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 50 } } }, { pollIntervalMs: 10 });
    expect(g2.chunking_strategy).toEqual({ type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 50 } });
    const upd = await c.vectorStores.files.update(f.id, { vector_store_id: vs.id, attributes: { path: 'refunds.md', rev: 2 } });
    expect(upd.attributes).toEqual({ path: 'refunds.md', rev: 2 });
    expect((await c.vectorStores.files.retrieve(f.id, { vector_store_id: vs.id })).attributes).toEqual({ path: 'refunds.md', rev: 2 });
    const completed = await c.vectorStores.files.list(vs.id, { filter: 'completed' });
    expect(completed.data.map((x) => x.id).sort()).toEqual([f.id, g.id].sort());
    expect((await c.vectorStores.files.list(vs.id, { filter: 'in_progress' })).data).toEqual([]);
    const content = await c.vectorStores.files.content(f.id, { vector_store_id: vs.id });
    const pages = [];
    for await (const p of content) pages.push(p);
    expect(pages).toEqual([{ type: 'text', text: 'refund policy: thirty days' }]);
    // search: lexical, exact shape, filters
    const res = await c.vectorStores.search(vs.id, { query: 'refund policy', max_num_results: 5 });
    expect(res.data[0]).toMatchObject({ file_id: f.id, filename: 'refunds.md', attributes: { path: 'refunds.md', rev: 2 } });
    expect(res.data[0]!.score).toBeGreaterThan(0);
    expect(res.data[0]!.score).toBeLessThanOrEqual(1);
    const filtered = await api.raw('POST', `/vector_stores/${vs.id}/search`, { json: { query: 'days', filters: { type: 'eq', key: 'rev', value: 2 } } });
    expect(filtered.status).toBe(200);
    expect(filtered.body).toMatchObject({ object: 'vector_store.search_results.page', search_query: ['days'], has_more: false, next_page: null });
    expect(filtered.body.data.map((d: { file_id: string }) => d.file_id)).toEqual([f.id]);
    // modify and list
    const mod = await c.vectorStores.update(vs.id, { name: 'docs2', metadata: { team: 'b' } });
    expect(mod).toMatchObject({ name: 'docs2', metadata: { team: 'b' } });
    expect((await c.vectorStores.list({ limit: 100 })).data.map((x) => x.id)).toContain(vs.id);
    // delete a vector store file, then delete the file itself: it leaves the store
    expect(await c.vectorStores.files.delete(g.id, { vector_store_id: vs.id })).toEqual({ id: g.id, object: 'vector_store.file.deleted', deleted: true });
    await c.files.delete(f.id);
    expect(await c.vectorStores.retrieve(vs.id)).toMatchObject({ file_counts: { total: 0, completed: 0 }, usage_bytes: 0 });
    await expect(c.vectorStores.files.retrieve(f.id, { vector_store_id: vs.id })).rejects.toMatchObject({ status: 404 });
    expect(await c.vectorStores.delete(vs.id)).toEqual({ id: vs.id, object: 'vector_store.deleted', deleted: true });
    await expect(c.vectorStores.retrieve(vs.id)).rejects.toMatchObject({ status: 404, error: { message: `No vector store found with id '${vs.id}'.` } });
  });

  it('file batches: uploadAndPoll, per-file attributes, list files, cancel', async () => {
    const c = api.client;
    const vs = await c.vectorStores.create({ name: 'batches' });
    const batch = await c.vectorStores.fileBatches.uploadAndPoll(vs.id, { files: [await text('one', '1.md'), await text('two', '2.md'), await text('three', '3.md')] }, { pollIntervalMs: 10 });
    expect(batch).toMatchObject({ object: 'vector_store.files_batch', status: 'completed', file_counts: { completed: 3, total: 3, in_progress: 0 } });
    expect(batch.id).toMatch(/^vsfb_/);
    const files = await c.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: vs.id, limit: 2 });
    expect(files.data).toHaveLength(2);
    expect(files.has_more).toBe(true);
    const all = [];
    for await (const f of c.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: vs.id, limit: 2 })) all.push(f);
    expect(all).toHaveLength(3);
    const f4 = await c.files.create({ file: await text('four', '4.md'), purpose: 'assistants' });
    const f5 = await c.files.create({ file: await text('five', '5.md'), purpose: 'assistants' });
    const b2 = await c.vectorStores.fileBatches.create(vs.id, { files: [{ file_id: f4.id, attributes: { n: 4 } }, { file_id: f5.id, attributes: { n: 5 } }] });
    expect(b2.status).toBe('in_progress');
    const cancelled = await c.vectorStores.fileBatches.cancel(b2.id, { vector_store_id: vs.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', file_counts: { cancelled: 2, in_progress: 0, total: 2 } });
    expect((await c.vectorStores.fileBatches.retrieve(b2.id, { vector_store_id: vs.id })).status).toBe('cancelled');
    expect((await c.vectorStores.files.retrieve(f4.id, { vector_store_id: vs.id })).attributes).toEqual({ n: 4 });
    expect(await c.vectorStores.retrieve(vs.id)).toMatchObject({ file_counts: { completed: 3, cancelled: 2, total: 5 } });
    const b3 = await c.vectorStores.fileBatches.createAndPoll(vs.id, { file_ids: [f4.id], attributes: { n: 44 } }, { pollIntervalMs: 10 });
    expect(b3.file_counts.total).toBe(1);
  });

  it('create with file_ids and the assistant tool_resources vector_stores helper', async () => {
    const c = api.client;
    const f = await c.files.create({ file: await text('helper content', 'h.md'), purpose: 'assistants' });
    const vs = await c.vectorStores.create({ file_ids: [f.id], chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 200, chunk_overlap_tokens: 100 } } });
    expect(vs.file_counts).toMatchObject({ in_progress: 1, total: 1 });
    const a = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_stores: [{ file_ids: [f.id] }] } } });
    const ids = a.tool_resources?.file_search?.vector_store_ids ?? [];
    expect(ids).toHaveLength(1);
    expect((await c.vectorStores.retrieve(ids[0]!)).file_counts.total).toBe(1);
  });
});

describe('threads, messages, runs', () => {
  it('threads and messages: create, retrieve, modify, list (run_id filter), delete', async () => {
    const c = api.client;
    const t = await c.beta.threads.create({ messages: [{ role: 'user', content: 'hello' }], metadata: { k: 'v' } });
    expect(t).toMatchObject({ object: 'thread', metadata: { k: 'v' }, tool_resources: {} });
    expect(t.id).toMatch(/^thread_/);
    expect((await c.beta.threads.retrieve(t.id)).id).toBe(t.id);
    expect((await c.beta.threads.update(t.id, { metadata: { k: 'w' } })).metadata).toEqual({ k: 'w' });
    const m = await c.beta.threads.messages.create(t.id, { role: 'user', content: [{ type: 'text', text: 'second' }] });
    expect(m).toMatchObject({ object: 'thread.message', role: 'user', thread_id: t.id, content: [{ type: 'text', text: { value: 'second', annotations: [] } }] });
    expect(m.id).toMatch(/^msg_/);
    expect((await c.beta.threads.messages.retrieve(m.id, { thread_id: t.id })).id).toBe(m.id);
    expect((await c.beta.threads.messages.update(m.id, { thread_id: t.id, metadata: { a: 'b' } })).metadata).toEqual({ a: 'b' });
    const list = await c.beta.threads.messages.list(t.id, { order: 'asc' });
    expect(list.data.map((x) => x.id)[1]).toBe(m.id);
    expect((await c.beta.threads.messages.list(t.id, { run_id: 'run_none' })).data).toEqual([]);
    expect(await c.beta.threads.messages.delete(m.id, { thread_id: t.id })).toEqual({ id: m.id, object: 'thread.message.deleted', deleted: true });
    expect(await c.beta.threads.delete(t.id)).toEqual({ id: t.id, object: 'thread.deleted', deleted: true });
    await expect(c.beta.threads.retrieve(t.id)).rejects.toMatchObject({ status: 404, error: { message: `No thread found with id '${t.id}'.` } });
  });

  it('createAndPoll with a function-tool round trip; steps; runs list, update', async () => {
    const c = api.client;
    const a = await c.beta.assistants.create({
      model: 'gpt-4o',
      tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { order_id: { type: 'string' }, verbose: { type: 'boolean' } }, required: ['order_id'] } } }],
    });
    const t = await c.beta.threads.create({ messages: [{ role: 'user', content: 'Please lookup_order for order_id: "A-42"' }] });
    const run = await c.beta.threads.runs.createAndPoll(t.id, { assistant_id: a.id }, { pollIntervalMs: 10 });
    expect(run.id).toMatch(/^run_/);
    expect(run.status).toBe('requires_action');
    const call = run.required_action!.submit_tool_outputs.tool_calls[0]!;
    expect(call.function.name).toBe('lookup_order');
    expect(JSON.parse(call.function.arguments)).toEqual({ order_id: 'A-42' });
    const done = await c.beta.threads.runs.submitToolOutputsAndPoll(run.id, { thread_id: t.id, tool_outputs: [{ tool_call_id: call.id, output: 'shipped on Monday' }] }, { pollIntervalMs: 10 });
    expect(done.status).toBe('completed');
    expect(done.usage?.total_tokens).toBeGreaterThan(0);
    const msgs = await c.beta.threads.messages.list(t.id, { run_id: run.id });
    const reply = msgs.data[0]!.content[0]!;
    expect(reply.type === 'text' && reply.text.value).toContain('shipped on Monday');
    const steps = await c.beta.threads.runs.steps.list(run.id, { thread_id: t.id, order: 'asc' });
    expect(steps.data.map((s) => s.type)).toEqual(['tool_calls', 'message_creation']);
    expect(steps.data[0]!.id).toMatch(/^step_/);
    const step0 = await c.beta.threads.runs.steps.retrieve(steps.data[0]!.id, { thread_id: t.id, run_id: run.id });
    expect(step0.step_details.type === 'tool_calls' && step0.step_details.tool_calls[0]).toMatchObject({ type: 'function', function: { output: 'shipped on Monday' } });
    expect((await c.beta.threads.runs.list(t.id)).data.map((r) => r.id)).toEqual([run.id]);
    expect((await c.beta.threads.runs.update(run.id, { thread_id: t.id, metadata: { x: 'y' } })).metadata).toEqual({ x: 'y' });
    await expect(c.beta.threads.runs.cancel(run.id, { thread_id: t.id })).rejects.toMatchObject({ status: 400 });
  });

  it('runs.stream emits the API events in order; file_search cites the best file; cancel a queued run', async () => {
    const c = api.client;
    const vs = await c.vectorStores.create({ name: 'kb' });
    await c.vectorStores.fileBatches.uploadAndPoll(vs.id, { files: [await text('our refund window is thirty days', 'refunds.md'), await text('shipping is free', 'shipping.md')] }, { pollIntervalMs: 10 });
    const a = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [vs.id] } } });
    const t = await c.beta.threads.create({ messages: [{ role: 'user', content: 'how long is the refund window?' }] });
    const stream = c.beta.threads.runs.stream(t.id, { assistant_id: a.id });
    const events: string[] = [];
    for await (const e of stream) events.push(e.event);
    const finalRun = await stream.finalRun();
    expect(finalRun.status).toBe('completed');
    expect(events.slice(0, 3)).toEqual(['thread.run.created', 'thread.run.queued', 'thread.run.in_progress']);
    expect(events.at(-1)).toBe('thread.run.completed');
    const order = ['thread.run.step.created', 'thread.message.created', 'thread.message.delta', 'thread.message.completed', 'thread.run.step.completed', 'thread.run.completed'];
    let pos = -1;
    for (const e of order) {
      const at = events.indexOf(e, pos + 1);
      expect(at, e).toBeGreaterThan(pos);
      pos = at;
    }
    const msgs = await c.beta.threads.messages.list(t.id);
    const content = msgs.data[0]!.content[0]!;
    expect(content.type).toBe('text');
    if (content.type === 'text') {
      const ann = content.text.annotations[0]!;
      expect(ann.type).toBe('file_citation');
      if (ann.type === 'file_citation') {
        const refunds = (await c.vectorStores.files.list(vs.id)).data.map((f) => f.id);
        const file = await c.files.retrieve(ann.file_citation.file_id);
        expect(file.filename).toBe('refunds.md');
        expect(refunds).toContain(ann.file_citation.file_id);
        expect(content.text.value.slice(ann.start_index, ann.end_index)).toBe(ann.text);
      }
    }
    // a streamed function round trip through createAndRunStream + submitToolOutputsStream
    const fa = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }] });
    const s1 = c.beta.threads.createAndRunStream({ assistant_id: fa.id, thread: { messages: [{ role: 'user', content: 'get_weather city: Paris' }] } });
    const e1: string[] = [];
    for await (const e of s1) e1.push(e.event);
    expect(e1[0]).toBe('thread.created');
    expect(e1.at(-1)).toBe('thread.run.requires_action');
    const r1 = await s1.finalRun();
    const tc = r1.required_action!.submit_tool_outputs.tool_calls[0]!;
    expect(JSON.parse(tc.function.arguments)).toEqual({ city: 'Paris' });
    const s2 = c.beta.threads.runs.submitToolOutputsStream(r1.id, { thread_id: r1.thread_id, tool_outputs: [{ tool_call_id: tc.id, output: 'sunny' }] });
    const e2: string[] = [];
    for await (const e of s2) e2.push(e.event);
    expect(e2[0]).toBe('thread.run.step.completed');
    expect(e2.at(-1)).toBe('thread.run.completed');
    expect((await s2.finalMessages())[0]?.content[0]).toMatchObject({ type: 'text' });
    // cancel: a run waiting for tool outputs can be cancelled
    const t2 = await c.beta.threads.create({ messages: [{ role: 'user', content: 'get_weather city: Oslo' }] });
    const queued = await c.beta.threads.runs.create(t2.id, { assistant_id: fa.id });
    expect(queued.status).toBe('queued');
    expect((await c.beta.threads.runs.poll(queued.id, { thread_id: t2.id }, { pollIntervalMs: 10 })).status).toBe('requires_action');
    const cancelled = await c.beta.threads.runs.cancel(queued.id, { thread_id: t2.id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelled_at).not.toBeNull();
    // createAndRun without streaming, polled
    const polled = await c.beta.threads.createAndRunPoll({ assistant_id: a.id, thread: { messages: [{ role: 'user', content: 'shipping?' }] } }, { pollIntervalMs: 10 });
    expect(polled.status).toBe('completed');
  });
});
