/**
 * Bad requests get the API's error shape and status, never a 500 or a crash: missing fields, wrong
 * types, limits exceeded by one, unknown ids, malformed multipart, non-JSON bodies, auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/emulator.js';
import { startEmulator } from '../../src/emulator/index.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  expect(api.spec.failures).toEqual([]);
  expect(api.emu.log.filter((l) => l.status >= 500)).toEqual([]);
});

type Case = [name: string, method: string, path: string, body: unknown, status: number, expected: { message?: string | RegExp; param?: string | null; code?: string | null }];

const long = (n: number) => 'x'.repeat(n);
const meta = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

const cases: Case[] = [
  ['missing model', 'POST', '/assistants', {}, 400, { message: "Missing required parameter: 'model'.", param: 'model', code: 'missing_required_parameter' }],
  ['model wrong type', 'POST', '/assistants', { model: 42 }, 400, { param: 'model', code: 'invalid_type' }],
  ['unknown parameter', 'POST', '/assistants', { model: 'gpt-4o', colour: 'red' }, 400, { message: "Unknown parameter: 'colour'.", param: 'colour', code: 'unknown_parameter' }],
  ['name 257 chars', 'POST', '/assistants', { model: 'gpt-4o', name: long(257) }, 400, { param: 'name', code: 'string_above_max_length' }],
  ['description 513 chars', 'POST', '/assistants', { model: 'gpt-4o', description: long(513) }, 400, { param: 'description', code: 'string_above_max_length' }],
  ['instructions 256001 chars', 'POST', '/assistants', { model: 'gpt-4o', instructions: long(256001) }, 400, { param: 'instructions', code: 'string_above_max_length' }],
  ['129 tools', 'POST', '/assistants', { model: 'gpt-4o', tools: Array.from({ length: 129 }, () => ({ type: 'code_interpreter' })) }, 400, { param: 'tools', code: 'array_above_max_length' }],
  ['temperature 2.1', 'POST', '/assistants', { model: 'gpt-4o', temperature: 2.1 }, 400, { param: 'temperature', code: 'decimal_above_max_value' }],
  ['top_p -0.1', 'POST', '/assistants', { model: 'gpt-4o', top_p: -0.1 }, 400, { param: 'top_p', code: 'decimal_below_min_value' }],
  ['17 metadata keys', 'POST', '/assistants', { model: 'gpt-4o', metadata: meta(17) }, 400, { param: 'metadata', code: 'object_above_max_properties' }],
  ['metadata key 65 chars', 'POST', '/assistants', { model: 'gpt-4o', metadata: { [long(65)]: 'v' } }, 400, { param: 'metadata', code: 'string_above_max_length' }],
  ['metadata value 513 chars', 'POST', '/assistants', { model: 'gpt-4o', metadata: { k: long(513) } }, 400, { param: 'metadata.k', code: 'string_above_max_length' }],
  ['bad tool type', 'POST', '/assistants', { model: 'gpt-4o', tools: [{ type: 'web_search' }] }, 400, { param: 'tools[0].type', code: 'invalid_value' }],
  ['function without name', 'POST', '/assistants', { model: 'gpt-4o', tools: [{ type: 'function', function: {} }] }, 400, { param: 'tools[0].function.name', code: 'missing_required_parameter' }],
  ['function name with a space', 'POST', '/assistants', { model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'a b' } }] }, 400, { param: 'tools[0].function.name' }],
  ['function name 65 chars', 'POST', '/assistants', { model: 'gpt-4o', tools: [{ type: 'function', function: { name: long(65) } }] }, 400, { param: 'tools[0].function.name' }],
  ['max_num_results 51', 'POST', '/assistants', { model: 'gpt-4o', tools: [{ type: 'file_search', file_search: { max_num_results: 51 } }] }, 400, { param: 'tools[0].file_search.max_num_results', code: 'integer_above_max_value' }],
  ['2 vector_store_ids', 'POST', '/assistants', { model: 'gpt-4o', tool_resources: { file_search: { vector_store_ids: ['vs_a', 'vs_b'] } } }, 400, { param: 'tool_resources.file_search.vector_store_ids', code: 'array_above_max_length' }],
  ['21 code_interpreter files', 'POST', '/assistants', { model: 'gpt-4o', tool_resources: { code_interpreter: { file_ids: Array.from({ length: 21 }, (_, i) => `file-${i}`) } } }, 400, { param: 'tool_resources.code_interpreter.file_ids', code: 'array_above_max_length' }],
  ['response_format bad', 'POST', '/assistants', { model: 'gpt-4o', response_format: 'yaml' }, 400, { param: 'response_format', code: 'invalid_value' }],
  ['unknown assistant', 'GET', '/assistants/asst_nope', undefined, 404, { message: "No assistant found with id 'asst_nope'." }],
  ['unknown file', 'GET', '/files/file-nope', undefined, 404, { message: 'No such File object: file-nope', param: 'id' }],
  ['unknown vector store', 'GET', '/vector_stores/vs_nope', undefined, 404, { message: "No vector store found with id 'vs_nope'." }],
  ['unknown thread', 'GET', '/threads/thread_nope', undefined, 404, { message: "No thread found with id 'thread_nope'." }],
  ['limit 101', 'GET', '/assistants?limit=101', undefined, 400, { param: 'limit', code: 'integer_above_max_value' }],
  ['limit 0', 'GET', '/vector_stores?limit=0', undefined, 400, { param: 'limit', code: 'integer_below_min_value' }],
  ['limit not a number', 'GET', '/assistants?limit=ten', undefined, 400, { param: 'limit', code: 'invalid_type' }],
  ['files limit 10001', 'GET', '/files?limit=10001', undefined, 400, { param: 'limit', code: 'integer_above_max_value' }],
  ['order sideways', 'GET', '/assistants?order=sideways', undefined, 400, { param: 'order', code: 'invalid_value' }],
  ['vector store 501 file_ids', 'POST', '/vector_stores', { file_ids: Array.from({ length: 501 }, (_, i) => `file-${i}`) }, 400, { param: 'file_ids', code: 'array_above_max_length' }],
  ['expires_after days 366', 'POST', '/vector_stores', { expires_after: { anchor: 'last_active_at', days: 366 } }, 400, { param: 'expires_after.days', code: 'integer_above_max_value' }],
  ['chunk size 99', 'POST', '/vector_stores', { chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 99, chunk_overlap_tokens: 0 } } }, 400, { param: 'chunking_strategy.static.max_chunk_size_tokens', code: 'integer_below_min_value' }],
  ['overlap above half', 'POST', '/vector_stores', { chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 401 } } }, 400, { param: 'chunking_strategy.static.chunk_overlap_tokens' }],
  ['message without content', 'POST', '/threads', { messages: [{ role: 'user' }] }, 400, { param: 'messages[0].content', code: 'missing_required_parameter' }],
  ['message role system', 'POST', '/threads', { messages: [{ role: 'system', content: 'x' }] }, 400, { param: 'messages[0].role', code: 'invalid_value' }],
];

describe('bad requests answer in the API error shape', () => {
  for (const [name, method, path, body, status, expected] of cases) {
    it(name, async () => {
      const res = await api.raw(method, path, body === undefined ? {} : { json: body });
      expect(res.status).toBe(status);
      expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(res.body.error.type).toBe('invalid_request_error');
      if (expected.message instanceof RegExp) expect(res.body.error.message).toMatch(expected.message);
      else if (expected.message) expect(res.body.error.message).toBe(expected.message);
      if (expected.param !== undefined) expect(res.body.error.param).toBe(expected.param);
      if (expected.code !== undefined) expect(res.body.error.code).toBe(expected.code);
    });
  }

  it('batch limits: 2001 file_ids, empty files, both file_ids and files', async () => {
    const vs = await api.client.vectorStores.create({ name: 'b' });
    const r1 = await api.raw('POST', `/vector_stores/${vs.id}/file_batches`, { json: { file_ids: Array.from({ length: 2001 }, (_, i) => `file-${i}`) } });
    expect(r1.status).toBe(400);
    expect(r1.body.error).toMatchObject({ param: 'file_ids', code: 'array_above_max_length' });
    const r2 = await api.raw('POST', `/vector_stores/${vs.id}/file_batches`, { json: { files: [] } });
    expect(r2.body.error).toMatchObject({ param: 'files', code: 'empty_array' });
    const r3 = await api.raw('POST', `/vector_stores/${vs.id}/file_batches`, { json: {} });
    expect(r3.status).toBe(400);
    const r4 = await api.raw('POST', `/vector_stores/${vs.id}/files`, { json: { file_id: 'file-missing' } });
    expect(r4.status).toBe(404);
    const attrs = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`a${i}`, i]));
    const f = await api.raw('POST', `/vector_stores/${vs.id}/files`, { json: { file_id: 'file-x', attributes: attrs } });
    expect(f.body.error).toMatchObject({ param: 'attributes', code: 'object_above_max_properties' });
  });

  it('non-JSON bodies and wrong body types', async () => {
    const bad = await api.raw('POST', '/assistants', { body: '{"model": "gpt-4o",', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^We could not parse the JSON body of your request\./);
    const text = await api.raw('POST', '/vector_stores', { body: 'name=docs', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    const arr = await api.raw('POST', '/vector_stores', { json: [1, 2] });
    expect(arr.status).toBe(400);
    expect(arr.body.error.code).toBe('invalid_type');
  });

  it('malformed and incomplete multipart uploads', async () => {
    const broken = await api.raw('POST', '/files', { body: '--xyz\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n--xyz\r\nContent-Disp', headers: { 'content-type': 'multipart/form-data; boundary=xyz' } });
    expect(broken.status).toBe(400);
    const noBoundary = await api.raw('POST', '/files', { body: 'hello', headers: { 'content-type': 'multipart/form-data' } });
    expect(noBoundary.status).toBe(400);
    const json = await api.raw('POST', '/files', { json: { purpose: 'assistants' } });
    expect(json.status).toBe(400);
    const fd = new FormData();
    fd.append('purpose', 'assistants');
    const noFile = await api.raw('POST', '/files', { body: fd });
    expect(noFile.body.error).toMatchObject({ param: 'file', code: 'missing_required_parameter' });
    const fd2 = new FormData();
    fd2.append('file', new Blob(['x']), 'x.txt');
    const noPurpose = await api.raw('POST', '/files', { body: fd2 });
    expect(noPurpose.body.error).toMatchObject({ param: 'purpose', code: 'missing_required_parameter' });
    const fd3 = new FormData();
    fd3.append('file', new Blob(['x']), 'x.txt');
    fd3.append('purpose', 'memes');
    const badPurpose = await api.raw('POST', '/files', { body: fd3 });
    expect(badPurpose.status).toBe(400);
    expect(badPurpose.body.error.param).toBe('purpose');
  });

  it('unknown URLs, wrong methods, and auth', async () => {
    const unknown = await api.raw('GET', '/nonsense');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ message: 'Invalid URL (GET /v1/nonsense)', type: 'invalid_request_error', param: null, code: null });
    const res = await fetch(`${api.emu.url}/assistants`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { message: string; code: string | null } };
    expect(body.error.message).toMatch(/^You didn't provide an API key/);
    const keyed = await startEmulator({ apiKey: 'sk-right', quiet: true });
    try {
      const wrong = await fetch(`${keyed.url}/files`, { headers: { authorization: 'Bearer sk-wrong-key-123456' } });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
      const right = await fetch(`${keyed.url}/files`, { headers: { authorization: 'Bearer sk-right' } });
      expect(right.status).toBe(200);
    } finally {
      await keyed.close();
    }
  });

  it('run-level rules: unknown assistant, submit to a finished run, two active runs', async () => {
    const t = await api.client.beta.threads.create({ messages: [{ role: 'user', content: 'hi' }] });
    const r = await api.raw('POST', `/threads/${t.id}/runs`, { json: { assistant_id: 'asst_missing' } });
    expect(r.status).toBe(404);
    expect(r.body.error.message).toBe("No assistant found with id 'asst_missing'.");
    const tok = await api.raw('POST', `/threads/${t.id}/runs`, { json: { assistant_id: 'asst_missing', max_prompt_tokens: 255 } });
    expect(tok.body.error).toMatchObject({ param: 'max_prompt_tokens', code: 'integer_below_min_value' });
    const a = await api.client.beta.assistants.create({ model: 'gpt-4o' });
    const run = await api.client.beta.threads.runs.create(t.id, { assistant_id: a.id });
    const second = await api.raw('POST', `/threads/${t.id}/runs`, { json: { assistant_id: a.id } });
    expect([200, 400]).toContain(second.status);
    const done = await api.client.beta.threads.runs.poll(run.id, { thread_id: t.id }, { pollIntervalMs: 10 });
    const sub = await api.raw('POST', `/threads/${t.id}/runs/${done.id}/submit_tool_outputs`, { json: { tool_outputs: [] } });
    expect(sub.status).toBe(400);
  });
});

describe('--no-assistants-api answers like OpenAI today', () => {
  it('assistants, threads and runs are unknown URLs; files and vector stores work', async () => {
    const today = await startTestApi({ assistantsApi: false });
    try {
      const a = await today.raw('POST', '/assistants', { json: { model: 'gpt-4o' } });
      expect(a.status).toBe(404);
      expect(a.body.error).toEqual({ message: 'Invalid URL (POST /v1/assistants)', type: 'invalid_request_error', param: null, code: null });
      expect((await today.raw('GET', '/threads/thread_1')).status).toBe(404);
      expect((await today.raw('POST', '/threads/runs', { json: {} })).status).toBe(404);
      const vs = await today.client.vectorStores.create({ name: 'still here' });
      expect(vs.name).toBe('still here');
      expect(today.spec.failures).toEqual([]);
    } finally {
      await today.close();
    }
  });
});
