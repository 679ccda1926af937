/**
 * Faults: the grammar, and that with a 30% fault rate the SDK's own retries still complete a run of
 * operations while the request log shows the injected failures. Plus latency, read-after-write lag,
 * route-limited faults and the published rate limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { parseFaultSpec } from '../../src/emulator/index.js';
import { startTestApi, type TestApi } from '../helpers/emulator.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('parseFaultSpec', () => {
  it('reads the grammar', () => {
    expect(parseFaultSpec('seed=7,429=0.1,429-bare=0.05,500=0.05,503=0.02,drop=0.01,latency=50~10,lag=200,retry-after=2,routes=/v1/files*|/v1/vector_stores*')).toEqual({
      seed: 7,
      p429: 0.1,
      p429bare: 0.05,
      p500: 0.05,
      p503: 0.02,
      pdrop: 0.01,
      pdropAfter: 0,
      p500After: 0,
      pindexFail: 0,
      retryAfterSec: 2,
      latencyMs: 50,
      jitterMs: 10,
      lagMs: 200,
      routes: ['/v1/files*', '/v1/vector_stores*'],
    });
    const r = parseFaultSpec('rate=0.3');
    expect(r.p429 + r.p429bare + r.p500 + r.p503 + r.pdrop).toBeCloseTo(0.3);
  });

  it('rejects bad specs with a helpful message', () => {
    expect(() => parseFaultSpec('500=2')).toThrow(/probability between 0 and 1/);
    expect(() => parseFaultSpec('bogus=1')).toThrow(/unknown key "bogus"; keys are/);
    expect(() => parseFaultSpec('latency=fast')).toThrow(/MS~JITTER/);
    expect(() => parseFaultSpec('500')).toThrow(/not key=value/);
    expect(() => parseFaultSpec('429=0.6,500=0.6')).toThrow(/add up to/);
    expect(() => parseFaultSpec('drop-after=0.6,500-after=0.6')).toThrow(/add up to/);
    expect(() => parseFaultSpec('index-fail=1.5')).toThrow(/probability between 0 and 1/);
  });

  it('reads the after-handler and indexing faults', () => {
    const s = parseFaultSpec('drop-after=0.2,500-after=0.1,index-fail=0.5');
    expect([s.pdropAfter, s.p500After, s.pindexFail]).toEqual([0.2, 0.1, 0.5]);
  });
});

describe('faults after the handler acted, and failed indexing', () => {
  it('drop-after: the write is done and durable, the client gets no answer', async () => {
    api = await startTestApi({ faults: 'drop-after=1,routes=/v1/vector_stores' }, { maxRetries: 0 });
    await expect(api.client.vectorStores.create({ name: 'lost answer' })).rejects.toThrow(/Connection error|socket|terminated/i);
    api.emu.setFaults(undefined);
    const listed = [];
    for await (const v of api.client.vectorStores.list()) listed.push(v.name);
    expect(listed).toEqual(['lost answer']);
    expect(api.emu.log.find((e) => e.method === 'POST')).toMatchObject({ status: 0, fault: 'drop-after' });
  });

  it('500-after: the write is done, the answer is a 500 in the API error shape', async () => {
    api = await startTestApi({ faults: '500-after=1,routes=/v1/vector_stores' }, { maxRetries: 0 });
    const err = await api.client.vectorStores.create({ name: 'twice?' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 500, error: { type: 'server_error' } });
    api.emu.setFaults(undefined);
    const listed = [];
    for await (const v of api.client.vectorStores.list()) listed.push(v.name);
    expect(listed).toEqual(['twice?']);
  });

  it('index-fail: attached files end failed with last_error, are counted failed and use no bytes', async () => {
    api = await startTestApi({ faults: 'index-fail=1', indexingDelayMs: 5 });
    const c = api.client;
    const f = await c.files.create({ file: await toFile(Buffer.from('doc about refunds'), 'a.md'), purpose: 'assistants' });
    const vs = await c.vectorStores.create({ name: 'failing' });
    const vsf = await c.vectorStores.files.createAndPoll(vs.id, { file_id: f.id }, { pollIntervalMs: 5 });
    expect(vsf.status).toBe('failed');
    expect(vsf.last_error).toEqual({ code: 'server_error', message: expect.any(String) as string });
    expect(vsf.usage_bytes).toBe(0);
    const store = await c.vectorStores.retrieve(vs.id);
    expect(store.file_counts).toMatchObject({ failed: 1, completed: 0, in_progress: 0, total: 1 });
    // with the fault off, a new attachment indexes
    api.emu.setFaults(undefined);
    const vs2 = await c.vectorStores.create({ name: 'fine' });
    expect((await c.vectorStores.files.createAndPoll(vs2.id, { file_id: f.id }, { pollIntervalMs: 5 })).status).toBe('completed');
  });
});

describe('with faults', () => {
  it('a 30% fault rate: SDK retries complete the operations; the log shows the injected failures', async () => {
    api = await startTestApi({ faults: 'seed=11,rate=0.3,retry-after=0.02', indexingDelayMs: 10 }, { maxRetries: 12 });
    const c = api.client;
    const a = await c.beta.assistants.create({ model: 'gpt-4o', name: 'faulty', tools: [{ type: 'file_search' }] });
    const files = [];
    for (let i = 0; i < 10; i++) files.push(await c.files.create({ file: await toFile(Buffer.from(`doc ${i} about refunds`), `d${i}.md`), purpose: 'assistants' }));
    const vs = await c.vectorStores.create({ name: 'faulty' });
    const batch = await c.vectorStores.fileBatches.createAndPoll(vs.id, { file_ids: files.map((f) => f.id) }, { pollIntervalMs: 10 });
    expect(batch.file_counts.completed).toBe(10);
    await c.beta.assistants.update(a.id, { tool_resources: { file_search: { vector_store_ids: [vs.id] } } });
    const run = await c.beta.threads.createAndRunPoll({ assistant_id: a.id, thread: { messages: [{ role: 'user', content: 'refunds?' }] } }, { pollIntervalMs: 10 });
    expect(run.status).toBe('completed');
    const listed = [];
    for await (const f of c.files.list({ limit: 1 })) listed.push(f.id);
    expect(listed).toHaveLength(10);
    const faults = api.emu.log.filter((l) => l.fault);
    const kinds = new Set(faults.map((l) => l.fault));
    expect(faults.length).toBeGreaterThanOrEqual(5);
    expect(faults.length / api.emu.log.length).toBeGreaterThan(0.1);
    expect(kinds.size).toBeGreaterThanOrEqual(3);
    for (const f of faults.filter((l) => l.fault === '500')) expect(f.status).toBe(500);
    for (const f of faults.filter((l) => l.fault === '429' || l.fault === '429-bare')) expect(f.status).toBe(429);
    for (const f of faults.filter((l) => l.fault === 'drop')) expect(f.status).toBe(0);
    console.log(`faults: ${faults.length} injected in ${api.emu.log.length} requests (${[...kinds].join(', ')})`);
    expect(api.spec.failures).toEqual([]);
  }, 120_000);

  it('429 carries retry-after; 429-bare does not; errors are in the API shape', async () => {
    api = await startTestApi({ faults: 'seed=1,429=1,retry-after=3' });
    const r = await api.raw('GET', '/files');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(r.body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    api.emu.setFaults('seed=1,429-bare=1');
    const b = await api.raw('GET', '/files');
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBeNull();
    api.emu.setFaults('seed=1,503=1');
    expect((await api.raw('GET', '/files')).status).toBe(503);
    api.emu.setFaults(undefined);
    expect((await api.raw('GET', '/files')).status).toBe(200);
  });

  it('latency with jitter, limited to routes', async () => {
    api = await startTestApi({ faults: 'latency=80~10,routes=/v1/vector_stores*' });
    let t = performance.now();
    await api.raw('GET', '/files');
    expect(performance.now() - t).toBeLessThan(60);
    t = performance.now();
    await api.raw('GET', '/vector_stores');
    expect(performance.now() - t).toBeGreaterThanOrEqual(65);
  });

  it('read-after-write lag: a just-created object answers 404 for a while', async () => {
    api = await startTestApi({ faults: 'lag=150' });
    const a = await api.client.beta.assistants.create({ model: 'gpt-4o' });
    const early = await api.raw('GET', `/assistants/${a.id}`);
    expect(early.status).toBe(404);
    expect(early.body.error.message).toBe(`No assistant found with id '${a.id}'.`);
    await new Promise((r) => setTimeout(r, 200));
    expect((await api.raw('GET', `/assistants/${a.id}`)).status).toBe(200);
    expect(api.emu.log.some((l) => l.fault === 'lag' && l.status === 404)).toBe(true);
  });

  it('rate limits: 300 attach requests per minute per vector store, time-scaled', async () => {
    // a minute of 3 s: 301 requests fit in it even on a loaded machine (at 1 s they sometimes did not)
    api = await startTestApi({ rateLimits: { timeScale: 20 } });
    const c = api.client;
    const f = await c.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'assistants' });
    const vs = await c.vectorStores.create({ name: 'rl' });
    let limited: { status: number; headers: Headers; body: any } | undefined;
    for (let i = 0; i < 301 && !limited; i++) {
      const r = await api.raw('POST', `/vector_stores/${vs.id}/files`, { json: { file_id: f.id } });
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(200);
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited!.body.error.code).toBe('rate_limit_exceeded');
    // the window ends when retry-after-ms says
    const waitMs = Number(limited!.headers.get('retry-after-ms'));
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(3000);
    await new Promise((r) => setTimeout(r, waitMs + 100));
    expect((await api.raw('POST', `/vector_stores/${vs.id}/files`, { json: { file_id: f.id } })).status).toBe(200);
  });
});

describe('request log', () => {
  it('records method, route template, path and status; also over HTTP', async () => {
    api = await startTestApi();
    const vs = await api.client.vectorStores.create({ name: 'log' });
    await api.client.vectorStores.files.list(vs.id);
    const entry = api.emu.log.find((l) => l.route === '/v1/vector_stores/{vector_store_id}/files');
    expect(entry).toMatchObject({ method: 'GET', path: `/v1/vector_stores/${vs.id}/files`, status: 200 });
    const base = api.emu.url.replace(/\/v1$/, '');
    const overHttp = (await (await fetch(`${base}/__emulator/log`)).json()) as { route: string }[];
    expect(overHttp.map((l) => l.route)).toEqual(['/v1/vector_stores', '/v1/vector_stores/{vector_store_id}/files']);
    await fetch(`${base}/__emulator/log/clear`, { method: 'POST' });
    expect(api.emu.log).toEqual([]);
    api.emu.clearLog();
  });
});
