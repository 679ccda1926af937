/**
 * What the Schemathesis runs (scripts/schemathesis.sh) found, each pinned here so it cannot come back
 * unseen: a JSON `null` body was a 500 on the Responses and Conversations routes (now 400 in the API's
 * words, on every POST route); OPTIONS /threads/runs advertised the methods of /threads/{thread_id};
 * a multipart field sent as application/json (`expires_after` as one JSON part) was read as
 * "[object Object]"; a code_interpreter container whose `file_ids` is a string was a 500 on /responses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/emulator.js';
import { combinedValidator } from '../helpers/openapi-responses.js';

let api: TestApi;
const both = combinedValidator();

beforeAll(async () => {
  api = await startTestApi({}, { fetch: both.fetch });
});

afterAll(async () => {
  await api.close();
  expect(both.failures).toEqual([]);
});

/** Raw HTTP through the validator of both descriptions. */
async function send(method: string, path: string, init: { body?: NonNullable<RequestInit['body']>; headers?: Record<string, string> } = {}) {
  const res = await both.fetch(`${api.emu.url}${path}`, { method, headers: { authorization: 'Bearer sk-test', 'openai-beta': 'assistants=v2', ...init.headers }, body: init.body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('found by Schemathesis', () => {
  it('a JSON null body is a 400 invalid_type on every POST route that takes a body, never a 500', async () => {
    const conv = await api.client.conversations.create();
    const routes = ['/responses', '/conversations', `/conversations/${conv.id}`, `/conversations/${conv.id}/items`, '/assistants', '/threads', '/vector_stores'];
    for (const path of routes) {
      const r = await send('POST', path, { body: 'null', headers: { 'content-type': 'application/json' } });
      expect({ path, status: r.status, error: r.body.error }).toEqual({
        path,
        status: 400,
        error: { message: 'Invalid type for body: expected an object, but got null instead.', type: 'invalid_request_error', param: null, code: 'invalid_type' },
      });
    }
  });

  it('a literal segment is its own resource: OPTIONS /threads/runs allows POST only', async () => {
    const r = await send('OPTIONS', '/threads/runs');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    const thread = await send('OPTIONS', '/threads/thread_abc');
    expect(thread.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'POST']);
  });

  it('a multipart field sent as application/json is read as its JSON (expires_after in one part)', async () => {
    // as Schemathesis sends an object property of a multipart body: one part, Content-Type application/json
    const b = 'st-boundary';
    const body = [
      `--${b}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n`,
      `--${b}\r\nContent-Disposition: form-data; name="expires_after"\r\nContent-Type: application/json\r\n\r\n{"anchor": "created_at", "seconds": 3600}\r\n`,
      `--${b}\r\nContent-Disposition: form-data; name="file"; filename="refunds.md"\r\nContent-Type: text/markdown\r\n\r\nRefunds take 14 days.\r\n`,
      `--${b}--\r\n`,
    ].join('');
    const r = await send('POST', '/files', { body, headers: { 'content-type': `multipart/form-data; boundary=${b}` } });
    expect(r.status).toBe(200);
    expect(r.body.expires_at - r.body.created_at).toBe(3600);
  });

  it('a code_interpreter container with file_ids not a list is never a 500 on /responses', async () => {
    // not through the validator: refusing such a request (400) is the Responses side's validation to add
    const r = await fetch(`${api.emu.url}/responses`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4.1', input: 'sum it', tools: [{ type: 'code_interpreter', container: { type: 'auto', file_ids: 'AAA' } }] }),
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
    });
    expect(r.status).toBeLessThan(500);
  });
});
