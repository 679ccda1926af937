/**
 * The emulator as a Foundry project: the agents operations' rules over HTTP (versions, update,
 * pagination, deletion, names, limits, api-version, Foundry-Features, auth, projects), each one the
 * reference states or docs/API-DEVIATIONS.md decides (F-numbers below). Every request goes through
 * the proxy that validates the answer against the agents subset (test/helpers/foundry-openapi.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { foundryEmulator, type FoundryEmulator } from '../helpers/foundry-openapi.js';

let f: FoundryEmulator;
beforeAll(async () => {
  f = await foundryEmulator();
});
afterAll(async () => {
  await f.close();
  expect(f.validator.failures.map((x) => JSON.stringify(x).slice(0, 500))).toEqual([]);
});

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base?: string): Promise<Answer> {
  // api-version=v1 unless the path names one
  const url = `${base ?? f.endpoint}${path}${path.includes('api-version=') ? '' : `${path.includes('?') ? '&' : '?'}api-version=v1`}`;
  const res = await fetch(url, {
    method,
    headers: { authorization: 'Bearer test-token', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const prompt = (instructions: string, extra: Record<string, unknown> = {}) => ({ definition: { kind: 'prompt', model: 'gpt-4o', instructions, ...extra } });
const errorOf = (a: Answer) => ({ status: a.status, code: a.body.error?.code, param: a.body.error?.param });

describe('versions', () => {
  it('count up from "1" as strings; the version id is name:version, the agent id its name, latest the newest', async () => {
    const v1 = await api('POST', '/agents/counter/versions', { ...prompt('one'), metadata: { team: 'a' }, description: 'first' });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ object: 'agent.version', id: 'counter:1', name: 'counter', version: '1', metadata: { team: 'a' }, description: 'first' });
    const v2 = await api('POST', '/agents/counter/versions', prompt('two'));
    // metadata and description are per version: the defaults, not the first version's
    expect(v2.body).toMatchObject({ id: 'counter:2', version: '2', metadata: {}, description: '' });
    const agent = await api('GET', '/agents/counter');
    expect(agent.body).toMatchObject({ object: 'agent', id: 'counter', name: 'counter', versions: { latest: { id: 'counter:2' } } });
    expect((await api('GET', '/agents/counter/versions/1')).body.definition).toEqual({ kind: 'prompt', model: 'gpt-4o', instructions: 'one' });
  });

  it('create-version adds a version even when the definition is the same (F7)', async () => {
    await api('POST', '/agents/same/versions', prompt('x'));
    const again = await api('POST', '/agents/same/versions', prompt('x'));
    expect(again.body.version).toBe('2');
  });

  it('update adds a version only when the definition changed; a metadata-only change keeps the version (F8)', async () => {
    await api('POST', '/agents/upd/versions', { ...prompt('keep'), metadata: { v: '1' } });
    const same = await api('POST', '/agents/upd', { definition: { instructions: 'keep', model: 'gpt-4o', kind: 'prompt' }, metadata: { v: 'changed' } });
    expect(same.status).toBe(200);
    expect(same.body.versions.latest).toMatchObject({ version: '1', metadata: { v: '1' } });
    const changed = await api('POST', '/agents/upd', { ...prompt('new'), metadata: { v: '2' }, description: 'two' });
    expect(changed.body.versions.latest).toMatchObject({ version: '2', metadata: { v: '2' }, description: 'two' });
    expect(errorOf(await api('POST', '/agents/missing-agent', prompt('x')))).toEqual({ status: 404, code: 'not_found', param: undefined });
  });

  it('POST /agents makes an agent, and a new version of one that exists', async () => {
    const made = await api('POST', '/agents', { name: 'made', ...prompt('a') });
    expect(made.body).toMatchObject({ object: 'agent', id: 'made', versions: { latest: { version: '1' } } });
    expect((await api('POST', '/agents', { name: 'made', ...prompt('b') })).body.versions.latest.version).toBe('2');
    expect(errorOf(await api('POST', '/agents', prompt('no name')))).toMatchObject({ status: 400, param: 'name' });
  });

  it('a code_interpreter tool without container is stored with {type: "auto"} (F11); the stores file_search names must exist (F12)', async () => {
    const ci = await api('POST', '/agents/ci/versions', prompt('c', { tools: [{ type: 'code_interpreter' }] }));
    expect(ci.body.definition.tools).toEqual([{ type: 'code_interpreter', container: { type: 'auto' } }]);
    const fs = await api('POST', '/agents/fs/versions', prompt('c', { tools: [{ type: 'file_search', vector_store_ids: ['vs_nope'] }] }));
    expect(errorOf(fs)).toEqual({ status: 400, code: 'invalid_value', param: 'definition.tools[0].vector_store_ids[0]' });
  });
});

describe('lists', () => {
  it('page versions newest first, 20 by default, by `after` and `before` cursors, ascending on request', async () => {
    for (let i = 0; i < 25; i++) await api('POST', '/agents/paged/versions', prompt(`v${i + 1}`));
    const first = await api('GET', '/agents/paged/versions');
    expect(first.body.data).toHaveLength(20);
    expect(first.body).toMatchObject({ first_id: 'paged:25', last_id: 'paged:6', has_more: true, object: 'list' });
    const next = await api('GET', `/agents/paged/versions?after=${encodeURIComponent(first.body.last_id)}`);
    expect(next.body.data.map((v: { version: string }) => v.version)).toEqual(['5', '4', '3', '2', '1']);
    expect(next.body.has_more).toBe(false);
    const before = await api('GET', '/agents/paged/versions?limit=2&before=paged%3A5');
    expect(before.body.data.map((v: { version: string }) => v.version)).toEqual(['7', '6']);
    const asc = await api('GET', '/agents/paged/versions?order=asc&limit=3');
    expect(asc.body.data.map((v: { version: string }) => v.version)).toEqual(['1', '2', '3']);
  });

  it('refuses limits outside 1..100 and unknown orders and kinds, in the Foundry shape', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'order=up']) {
      const r = await api('GET', `/agents/paged/versions?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error).toMatchObject({ type: 'invalid_request_error', details: [], additionalInfo: { request_id: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    }
    expect(errorOf(await api('GET', '/agents?kind=robot'))).toMatchObject({ status: 400, param: 'kind' });
  });

  it('lists agents newest first (creation order, F10) and filters them by kind', async () => {
    await api('POST', '/agents/wf-listed/versions', { definition: { kind: 'workflow', workflow: 'kind: workflow' } }, { 'foundry-features': 'WorkflowAgents=V1Preview' });
    const all = await api('GET', '/agents?limit=100');
    const names = all.body.data.map((a: { name: string }) => a.name);
    expect(names[0]).toBe('wf-listed');
    expect(names.indexOf('paged')).toBeLessThan(names.indexOf('counter'));
    const workflows = await api('GET', '/agents?kind=workflow');
    expect(workflows.body.data.map((a: { name: string }) => a.name)).toEqual(['wf-listed']);
  });
});

describe('deletion', () => {
  it('of a version: gone; latest falls back; numbers are not reused; the last version takes the agent with it (F9)', async () => {
    for (const i of [1, 2, 3]) await api('POST', '/agents/del/versions', prompt(`d${i}`));
    expect((await api('DELETE', '/agents/del/versions/3')).body).toEqual({ object: 'agent.version.deleted', name: 'del', version: '3', deleted: true });
    expect(errorOf(await api('GET', '/agents/del/versions/3'))).toMatchObject({ status: 404, code: 'not_found' });
    expect((await api('GET', '/agents/del')).body.versions.latest.version).toBe('2');
    expect((await api('POST', '/agents/del/versions', prompt('d4'))).body.version).toBe('4');
    for (const v of ['1', '2', '4']) expect((await api('DELETE', `/agents/del/versions/${v}`)).status).toBe(200);
    expect(errorOf(await api('GET', '/agents/del'))).toMatchObject({ status: 404 });
  });

  it('of an agent: its versions go with it; a new agent of that name starts at "1"', async () => {
    await api('POST', '/agents/gone/versions', prompt('a'));
    await api('POST', '/agents/gone/versions', prompt('b'));
    expect((await api('DELETE', '/agents/gone?force=true')).body).toEqual({ object: 'agent.deleted', name: 'gone', deleted: true });
    expect(errorOf(await api('GET', '/agents/gone/versions'))).toMatchObject({ status: 404 });
    expect(errorOf(await api('DELETE', '/agents/gone'))).toMatchObject({ status: 404 });
    expect((await api('POST', '/agents/gone/versions', prompt('c'))).body.id).toBe('gone:1');
  });
});

describe('request rules', () => {
  it('names: letters, digits and inner hyphens, at most 63 (F6); a name equal but for case to an agent\'s is refused', async () => {
    for (const bad of ['under_score', '-lead', 'trail-', 'dot.ted', 'a'.repeat(64), 'ünï']) {
      expect(errorOf(await api('POST', `/agents/${encodeURIComponent(bad)}/versions`, prompt('x'))), bad).toMatchObject({ status: 400, param: 'agent_name' });
    }
    expect((await api('POST', `/agents/${'a'.repeat(63)}/versions`, prompt('x'))).status).toBe(200);
    expect((await api('POST', '/agents/Mixed-Case1/versions', prompt('x'))).status).toBe(200);
    expect(errorOf(await api('POST', '/agents/mixed-case1/versions', prompt('x')))).toMatchObject({ status: 409, code: 'conflict' });
  });

  it('metadata (16 / 64 / 512) and description (512) limits; unknown top-level fields; the definition against the subset', async () => {
    const meta = (m: Record<string, string>) => api('POST', '/agents/limits/versions', { ...prompt('x'), metadata: m });
    expect((await meta(Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])))).status).toBe(200);
    expect(errorOf(await meta(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))))).toMatchObject({ status: 400, param: 'metadata' });
    expect(errorOf(await meta({ ['k'.repeat(65)]: 'v' }))).toMatchObject({ status: 400, param: 'metadata' });
    expect(errorOf(await meta({ k: 'v'.repeat(513) }))).toMatchObject({ status: 400, param: 'metadata.k' });
    expect(errorOf(await api('POST', '/agents/limits/versions', { ...prompt('x'), description: 'd'.repeat(513) }))).toMatchObject({ status: 400, param: 'description' });
    expect(errorOf(await api('POST', '/agents/limits/versions', { ...prompt('x'), colour: 'red' }))).toMatchObject({ status: 400, code: 'unknown_parameter' });
    expect(errorOf(await api('POST', '/agents/limits/versions', {}))).toMatchObject({ status: 400, param: 'definition' });
    expect(errorOf(await api('POST', '/agents/limits/versions', prompt('x', { temperature: 3 })))).toMatchObject({ status: 400, param: 'definition.temperature' });
    const fn = { type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } };
    expect(errorOf(await api('POST', '/agents/limits/versions', prompt('x', { tools: [fn] })))).toMatchObject({ status: 400, param: 'definition.tools[0].strict' });
    expect((await api('POST', '/agents/limits/versions', prompt('x', { tools: [{ ...fn, strict: true }] }))).status).toBe(200);
  });

  it('api-version is required and must be one the service knows (F2)', async () => {
    const bare = await fetch(`${f.endpoint}/agents`, { headers: { authorization: 'Bearer t' } });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error: unknown }).error).toMatchObject({ code: 'ApiVersionUnspecified', param: 'api-version' });
    expect(errorOf(await api('GET', '/agents?api-version=2099-01-01'))).toMatchObject({ status: 400, code: 'UnsupportedApiVersion' });
    const preview = await api('GET', '/agents?api-version=2025-11-15-preview');
    expect(preview.status).toBe(200);
    expect(preview.headers.get('api-supported-versions')).toBe('2025-05-15-preview,2025-11-15-preview');
    expect((await api('GET', '/agents')).headers.get('api-supported-versions')).toBe('1.0,2025-05-15-preview,2025-11-15-preview');
  });

  it('preview kinds need their Foundry-Features opt-in: 403 preview_feature_required (recordings/08)', async () => {
    const hosted = { definition: { kind: 'hosted', image: 'acr.example/agent:1', container_protocol_versions: [], cpu: '1', memory: '2Gi' } };
    const refused = await api('POST', '/agents/hosted-a/versions', hosted);
    expect(errorOf(refused)).toEqual({ status: 403, code: 'preview_feature_required', param: undefined });
    expect(refused.body.error.message).toContain("Include the 'Foundry-Features: HostedAgents=V1Preview' header");
    expect(errorOf(await api('POST', '/agents', { name: 'ca', definition: { kind: 'container_app' } }))).toMatchObject({ status: 403 });
    // the flag among others, spaced and cased as clients send it
    expect((await api('POST', '/agents/hosted-a/versions', hosted, { 'Foundry-Features': 'WorkflowAgents=V1Preview, hostedagents=v1preview' })).status).toBe(200);
    // a prompt agent needs none, and takes a header that names other features
    expect((await api('POST', '/agents/plain/versions', prompt('x'), { 'Foundry-Features': 'HostedAgents=V1Preview,WorkflowAgents=V1Preview' })).status).toBe(200);
  });

  it('any non-empty bearer token passes; none answers the gateway\'s 401 (F4)', async () => {
    for (const auth of [undefined, 'Bearer ', 'Basic abc']) {
      const res = await fetch(`${f.endpoint}/agents?api-version=v1`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ statusCode: 401, message: 'Unauthorized. Access token is missing, invalid, audience is incorrect (https://ai.azure.com), or have expired.' });
    }
    expect((await api('GET', '/agents', undefined, { authorization: 'Bearer anything-at-all' })).status).toBe(200);
  });

  it('serves its own project (and `_project`), not another; no Assistants API and nothing at /v1 (F1)', async () => {
    expect((await api('GET', '/agents/counter', undefined, {}, `${f.origin}/api/projects/_project`)).status).toBe(200);
    const other = await api('GET', '/agents', undefined, {}, `${f.origin}/api/projects/someone-else`);
    expect(other.status).toBe(404);
    expect(other.body.error).toMatchObject({ code: 'not_found', message: 'The project does not exist.' });
    for (const p of ['/openai/v1/assistants', '/openai/v1/threads', '/openai/v1/models']) {
      expect((await fetch(`${f.endpoint}${p}`, { headers: { authorization: 'Bearer t' } })).status, p).toBe(404);
    }
    expect((await fetch(`${f.origin}/v1/vector_stores`, { headers: { authorization: 'Bearer t' } })).status).toBe(404);
    const wrongMethod = await fetch(`${f.endpoint}/agents/counter/versions/1?api-version=v1`, { method: 'POST', headers: { authorization: 'Bearer t' } });
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as { error: { additionalInfo: { request_id: string } } }).error.additionalInfo.request_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('an emulator playing OpenAI serves no project: its 404 is OpenAI\'s', async () => {
    const openai = await startEmulator({ quiet: true });
    try {
      const res = await fetch(openai.url.replace(/\/v1$/, '/api/projects/local-project/agents?api-version=v1'), { headers: { authorization: 'Bearer t' } });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { message: 'Invalid URL (GET /api/projects/local-project/agents)', type: 'invalid_request_error', param: null, code: null } });
      expect(openai.projectEndpoint).toBeUndefined();
    } finally {
      await openai.close();
    }
  });

  it('validated every answer; every operation and its error answer covered', () => {
    const ops = new Set([...f.validator.covered].map((c) => c.split(' ')[0]));
    expect([...ops].filter((o) => o!.startsWith('Agents_')).sort()).toEqual(f.validator.operations.map((o) => o.operationId).sort());
    expect([...f.validator.covered].some((c) => / 4\d\d$/.test(c))).toBe(true);
  });
});
