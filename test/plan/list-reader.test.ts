/**
 * The plan reads its list pages over node:http (src/targets/list-http.ts) instead of the openai SDK,
 * where that sends the same requests. Held to the SDK itself here: against an account holding the
 * deployment (a store of three pages), another deployment's store and assistant using ours, and
 * hand-made objects, both readers give the same Live, send the same requests with the same headers
 * and report the same attempts; against servers that fail (401, a 500 not to retry, 503s then an
 * answer with `retry-after-ms`, no server, no answer in time, a page that is not JSON, a gzip'd
 * page, a redirect), both throw the same error, or read the same pages after the same attempts.
 */
import http from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../helpers/cli.js';
import { startAccount, type Account } from '../helpers/deploy.js';
import { TAG_DEPLOYMENT, TAG_RESOURCE } from '../../src/ownership/metadata.js';
import { describeApiError } from '../../src/targets/errors.js';
import { HttpLists, listsOverHttp, type HttpListOptions, type ListSource } from '../../src/targets/list-http.js';
import { PAGE, readLive, sdkLists } from '../../src/targets/read.js';
import { openTarget, type RequestRecord } from '../../src/targets/target.js';

let account: Account;

function lists(baseURL: string, more: Partial<HttpListOptions> = {}): HttpLists {
  const client = new OpenAI({ apiKey: 'sk-test-e2e-0123456789abcdef', baseURL, maxRetries: 0 });
  return new HttpLists({ baseURL, apiKey: 'sk-test-e2e-0123456789abcdef', organization: null, project: null, timeoutMs: 60_000, maxRetries: 8, pageSize: PAGE, fallback: sdkLists(client), ...more });
}

/** A server in front of `handle`, each request recorded with the headers a reader sent. */
async function server(handle: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void) {
  const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const s = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    handle(req, res, seen.length);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`, seen, close: () => new Promise<void>((r) => s.close(() => r())) };
}

/** A proxy to the emulator that records what each reader sent. */
function recordingProxy() {
  const upstream = new URL(account.emu.url);
  return server((req, res) => {
    const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(up);
  });
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  account = await startAccount({ indexingDelayMs: 1 });
  const lines = ['version: 1', 'deployment: lr', 'vector_stores:', '  kb: { files: ["kb/*.md"] }', '  empty: { files: ["one.md"] }', 'assistants:'];
  for (const a of ['a', 'b']) lines.push(`  ${a}:`, '    model: gpt-4o', `    instructions: "Bot ${a}"`, '    tools: [{ type: file_search }]', '    tool_resources: { file_search: { vector_stores: [kb] } }');
  const dir = tempProject({ 'assistants.yaml': `${lines.join('\n')}\n`, 'one.md': '# one\n' });
  mkdirSync(path.join(dir, 'kb'));
  for (let f = 0; f < 250; f++) writeFileSync(path.join(dir, 'kb', `doc${f}.md`), `# Document ${f}\n`);
  const r = await account.cli(['apply', '--auto-approve'], { cwd: dir, timeoutMs: 120_000 });
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  // another deployment's store, an assistant of it using our store, hand-made ones
  const c = account.client;
  const ours = (await c.vectorStores.list({ limit: 100 })).data.find((v) => (v.metadata as Record<string, string>)[TAG_DEPLOYMENT] === 'lr')!;
  await c.vectorStores.create({ name: 'theirs', metadata: { [TAG_RESOURCE]: 'kb', [TAG_DEPLOYMENT]: 'other' } });
  await c.beta.assistants.create({ model: 'gpt-4o', name: 'theirs', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [ours.id] } }, metadata: { [TAG_DEPLOYMENT]: 'other' } });
  await c.vectorStores.create({ name: 'by hand' });
  await c.files.create({ file: new File(['x'], 'notes.txt'), purpose: 'assistants' });
}, 180_000);
afterAll(async () => account.close());

describe('the plan reads its list pages over node:http as the SDK would', () => {
  it('the same Live, the same requests and headers as the SDK, page for page', async () => {
    const proxy = await recordingProxy();
    try {
      const viaSdk = await readLive(sdkLists(new OpenAI({ apiKey: 'sk-test-e2e-0123456789abcdef', baseURL: proxy.url, organization: 'org-1', project: 'proj-1', maxRetries: 0 })), { deployment: 'lr' });
      const sdkSeen = proxy.seen.splice(0);
      const viaHttp = await readLive(lists(proxy.url, { organization: 'org-1', project: 'proj-1' }), { deployment: 'lr' });
      expect(viaHttp).toEqual(viaSdk);
      expect(viaSdk.vectorStores.find((v) => (v.files?.length ?? 0) === 250), 'a store of three pages').toBeDefined();
      expect(viaSdk.stats.pages.vector_store_files).toBe(4);
      expect(viaSdk.foreignUses?.length).toBe(1);
      const sent = (seen: typeof sdkSeen) =>
        seen.map((s) => `${s.url} ${s.headers.authorization} ${s.headers['openai-beta'] ?? '-'} ${s.headers['openai-organization']} ${s.headers['openai-project']} ${s.headers.accept}`).sort();
      expect(sent(proxy.seen)).toEqual(sent(sdkSeen));
      expect(sdkSeen.length).toBe(viaSdk.stats.requests);
    } finally {
      await proxy.close();
    }
  });

  it('through openTarget: plan reads over http, a target with a fetch wrapper through the SDK; the same attempts reported', async () => {
    const records: Record<string, RequestRecord[]> = { plain: [], wrapped: [] };
    let wrappedCalls = 0;
    for (const kind of ['plain', 'wrapped'] as const) {
      const target = await openTarget({
        choice: 'env',
        env: { OPENAI_BASE_URL: account.emu.url, OPENAI_API_KEY: 'sk-test-e2e-0123456789abcdef' },
        cwd: process.cwd(),
        onRequest: (r) => records[kind]!.push(r),
        ...(kind === 'wrapped' ? { wrapFetch: (f: typeof fetch) => (async (input, init) => (wrappedCalls++, f(input, init))) as typeof fetch } : {}),
      });
      await target.read('lr');
      await target.close();
    }
    const shape = (rs: RequestRecord[]) => rs.map((r) => `${r.method} ${r.route} ${r.status}`).sort();
    expect(shape(records.plain!)).toEqual(shape(records.wrapped!));
    expect(wrappedCalls).toBe(records.wrapped!.length);
    expect(listsOverHttp(account.emu.url, {})).toBe(true);
    expect(listsOverHttp(account.emu.url.replace('http://', 'http://u:p@'), {})).toBe(false);
    expect(listsOverHttp(`${account.emu.url}?api-version=1`, {})).toBe(false);
    expect(listsOverHttp(account.emu.url, { NODE_USE_ENV_PROXY: '1' })).toBe(false);
  });
});

/** What each reader throws for the first page of the store list (`maxRetries` attempts more), as the CLI would describe it. */
async function bothFail(url: string, maxRetries: number, timeoutMs = 60_000) {
  const out: { name: string; status: unknown; message: string; requestID: unknown; error: unknown; described: string | undefined }[] = [];
  const client = new OpenAI({ apiKey: 'k', baseURL: url, maxRetries, timeout: timeoutMs });
  const tries: (() => Promise<unknown>)[] = [() => client.vectorStores.list({ limit: PAGE.list }), () => lists(url, { apiKey: 'k', maxRetries, timeoutMs }).vectorStores()];
  for (const t of tries) {
    const e = (await t().then(
      () => undefined,
      (error: unknown) => error,
    )) as (Error & { status?: unknown; requestID?: unknown; error?: unknown }) | undefined;
    expect(e, 'the read failed').toBeDefined();
    out.push({ name: e!.constructor.name, status: e!.status, message: e!.message, requestID: e!.requestID, error: e!.error, described: describeApiError(e, 'reading the account', url)?.message });
  }
  expect(out[1]).toEqual(out[0]);
  return out[0]!;
}

describe('failures: the same error, or the same pages after the same attempts', () => {
  it('401 with the API error body and a request id; a 500 the server says not to retry', async () => {
    const s = await server((req, res) =>
      req.url?.includes('limit=100')
        ? json(res, 401, { error: { message: 'Incorrect API key provided: k.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }, { 'x-request-id': 'req_123' })
        : json(res, 500, { error: { message: 'boom', type: 'server_error' } }, { 'x-should-retry': 'false' }),
    );
    try {
      const e = await bothFail(s.url, 3);
      expect(e).toMatchObject({ name: 'AuthenticationError', status: 401, requestID: 'req_123' });
      expect(e.described).toBe('reading the account: the API answered 401: Incorrect API key provided: k. (request req_123)');
      expect(s.seen.length).toBe(2);
    } finally {
      await s.close();
    }
    const t = await server((_req, res) => json(res, 500, { error: { message: 'boom', type: 'server_error' } }, { 'x-should-retry': 'false' }));
    try {
      expect(await bothFail(t.url, 3)).toMatchObject({ name: 'InternalServerError', status: 500 });
      expect(t.seen.length).toBe(2);
    } finally {
      await t.close();
    }
  });

  it('503 twice with retry-after-ms, then the page: read after three attempts each', async () => {
    const page = { object: 'list', data: [{ id: 'vs_1', object: 'vector_store', name: 'x', created_at: 1, metadata: {}, usage_bytes: 0, status: 'completed', file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 } }], has_more: false };
    const count = new Map<string, number>();
    const s = await server((req, res) => {
      const k = String(req.headers['user-agent']);
      const n = (count.get(k) ?? 0) + 1;
      count.set(k, n);
      if (n <= 2) json(res, 503, { error: { message: 'busy', type: 'server_error' } }, { 'retry-after-ms': '5' });
      else json(res, 200, page);
    });
    try {
      const client = new OpenAI({ apiKey: 'k', baseURL: s.url, maxRetries: 2 });
      const viaSdk = await client.vectorStores.list({ limit: PAGE.list });
      const viaHttp = await lists(s.url, { maxRetries: 2 }).vectorStores();
      expect(viaHttp.data).toEqual(viaSdk.data);
      expect(viaHttp.hasNextPage()).toBe(viaSdk.hasNextPage());
      expect([...count.values()]).toEqual([3, 3]);
    } finally {
      await s.close();
    }
  });

  it('no server; a server that never answers (the timeout); both as the SDK reports them', async () => {
    const gone = await server(() => {});
    const url = gone.url;
    await gone.close();
    const refused = await bothFail(url, 0);
    expect(refused).toMatchObject({ name: 'APIConnectionError', message: 'Connection error.' });
    expect(refused.described).toBe(`reading the account: cannot reach ${url} (fetch failed)`);
    const silent = await server(() => {});
    try {
      const timedOut = await bothFail(silent.url, 0, 300);
      expect(timedOut).toMatchObject({ name: 'APIConnectionTimeoutError', message: 'Request timed out.' });
      expect(timedOut.described).toBe(`reading the account: the request to ${silent.url} timed out`);
    } finally {
      await silent.close();
    }
  });

  it('a page that is not JSON is empty; a gzip page and a redirected one are read', async () => {
    const page = { object: 'list', data: [{ id: 'asst_1', object: 'assistant', model: 'gpt-4o', created_at: 1, metadata: {}, tools: [] }], has_more: false };
    const s = await server((req, res) => {
      if (req.url?.startsWith('/v1/assistants')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('not json');
      } else if (req.url?.startsWith('/v1/files')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify(page)));
      } else if (req.url?.startsWith('/v1/vector_stores')) {
        res.writeHead(307, { location: req.url.replace('/v1/', '/v1/moved/') });
        res.end();
      } else json(res, 200, page);
    });
    try {
      const client = new OpenAI({ apiKey: 'k', baseURL: s.url, maxRetries: 0 });
      const http_ = lists(s.url, { maxRetries: 0, apiKey: 'k' });
      const pairs: [() => Promise<{ data: unknown[] }>, () => Promise<{ data: unknown[] }>][] = [
        [() => client.beta.assistants.list({ limit: PAGE.list }), () => http_.assistants()],
        [() => client.files.list({ purpose: 'assistants', limit: PAGE.files }), () => http_.files()],
        [() => client.vectorStores.list({ limit: PAGE.list }), () => http_.vectorStores()],
      ];
      for (const [sdk, ours] of pairs) expect((await ours()).data).toEqual((await sdk()).data);
      expect((await http_.assistants()).data).toEqual([]);
      expect((await http_.vectorStores()).data).toEqual(page.data);
      expect(s.seen.filter((x) => x.url.startsWith('/v1/moved/')).map((x) => x.headers.authorization)).toEqual(['Bearer k', 'Bearer k', 'Bearer k']);
    } finally {
      await s.close();
    }
  });

  it('a closed reader sends nothing more: a retry waited for and a request in flight both end at once', async () => {
    // 503 with retry-after-ms of 30 s for /vector_stores; /assistants never answers
    const s = await server((req, res) => {
      if (req.url?.startsWith('/v1/vector_stores')) json(res, 503, { error: { message: 'busy', type: 'server_error' } }, { 'retry-after-ms': '30000' });
    });
    try {
      const l = lists(s.url, { maxRetries: 8 });
      const waiting = l.vectorStores().then(() => 'read', (e: Error) => e.name + ': ' + e.message);
      const hanging = l.assistants().then(() => 'read', (e: Error) => e.name + ': ' + e.message);
      while (s.seen.length < 2) await new Promise((r) => setTimeout(r, 10));
      const closedAt = performance.now();
      l.close();
      expect(await waiting).toBe('Error: the account read was dropped');
      expect(await hanging).toBe('Error: the account read was dropped');
      expect(performance.now() - closedAt).toBeLessThan(1_000);
      // and nothing is sent later, whatever is asked of it
      expect(await l.files().then(() => 'read', (e: Error) => e.message)).toBe('the account read was dropped');
      await new Promise((r) => setTimeout(r, 200));
      expect(s.seen.map((x) => x.url.split('?')[0])).toEqual(['/v1/vector_stores', '/v1/assistants']);
    } finally {
      await s.close();
    }
  });

  it('a store id the http reader does not send itself goes through the SDK', async () => {
    const asked: string[] = [];
    const fallback = { vectorStoreFiles: async (id: string) => (asked.push(id), { data: [], hasNextPage: () => false, getNextPage: () => Promise.reject(new Error('none')) }) } as unknown as ListSource;
    const l = lists(account.emu.url, { fallback });
    expect((await l.vectorStoreFiles('vs_../x')).data).toEqual([]);
    expect(asked).toEqual(['vs_../x']);
  });
});

describe('a plan sends its first requests before it loads the SDK', () => {
  it('no fetch (undici), no SDK module, when the first list request is made; the plan is the same', async () => {
    // a preload that notes, at the first HTTP request, which built-in modules are loaded
    const probe = path.join(tmpdir(), `ad-first-request-${process.pid}.cjs`);
    writeFileSync(
      probe,
      [
        'const seen = new Set(process.moduleLoadList);',
        'let done = false;',
        "require('node:diagnostics_channel').subscribe('http.client.request.created', () => {",
        '  if (done) return;',
        '  done = true;',
        "  process.stderr.write('probe: ' + JSON.stringify({ loaded: process.moduleLoadList.filter((m) => !seen.has(m)) }) + '\\n');",
        '});',
      ].join('\n'),
    );
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: lr\nvector_stores:\n  kb: { files: ["kb/*.md"] }\n  empty: { files: ["one.md"] }\nassistants:\n' + ['a', 'b'].map((a) => `  ${a}:\n    model: gpt-4o\n    instructions: "Bot ${a}"\n    tools: [{ type: file_search }]\n    tool_resources: { file_search: { vector_stores: [kb] } }\n`).join(''), 'one.md': '# one\n' });
    mkdirSync(path.join(dir, 'kb'));
    for (let f = 0; f < 250; f++) writeFileSync(path.join(dir, 'kb', `doc${f}.md`), `# Document ${f}\n`);
    const probed = await account.cli(['plan', '--detailed-exitcode'], { cwd: dir, env: { NODE_OPTIONS: `--require ${probe}` } });
    const plain = await account.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(probed.code, probed.stderr).toBe(0);
    const line = probed.stderr.split('\n').find((l) => l.startsWith('probe: '));
    expect(line, probed.stderr).toBeDefined();
    const loaded = (JSON.parse(line!.slice('probe: '.length)) as { loaded: string[] }).loaded;
    expect(loaded.filter((m) => /undici|http2/.test(m))).toEqual([]);
    expect(loaded.length, 'the probe saw the modules the CLI loaded').toBeGreaterThan(20);
    expect(probed.stdout).toBe(plain.stdout);
  });
});
