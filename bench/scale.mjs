// Scenarios 1 and 2: at growing sizes, against the emulator with injected latency:
//   1. a no-op plan: requests vs the minimum number of list pages, wall time vs the critical path,
//      peak memory;
//   2. the first apply and a one-file change, next to (a) a hand-written one-call-per-resource SDK
//      script (what a Terraform-style provider does) and (b) the SDK's own batch helper.
// Baselines that would run for many minutes are projected from their request counts (each
// sequential request costs one latency) and marked "projected".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startEmulator } from '../dist/emulator/index.js';
import { cli, fmt, table, writeProject } from './lib.mjs';

export const SIZES = {
  S: { assistants: 10, stores: 2, files: 100 },
  M: { assistants: 100, stores: 10, files: 10_000 },
  L: { assistants: 1_000, stores: 20, files: 100_000 },
};

/** Read concurrency of src/targets/read.ts: vector store file lists read at once. */
const READ_CONCURRENCY = 32;

/** The list pages at the API's largest page sizes, and the one model list the plan checks models against (as src/targets/read.ts counts them). */
function minimumPages({ assistants, stores, files }) {
  const perStore = Math.ceil(files / stores);
  const models = 1;
  return Math.max(1, Math.ceil(assistants / 100)) + Math.max(1, Math.ceil(stores / 100)) + Math.max(1, Math.ceil(files / 10_000)) + stores * Math.max(1, Math.ceil(perStore / 100)) + models;
}

/** Longest chain of requests that must follow one another in a no-op plan. */
export function criticalPath({ assistants, stores, files }) {
  const perStorePages = Math.max(1, Math.ceil(Math.ceil(files / stores) / 100));
  const storeChain = Math.max(1, Math.ceil(stores / 100)) + Math.ceil(stores / READ_CONCURRENCY) * perStorePages;
  return Math.max(Math.max(1, Math.ceil(assistants / 100)), Math.max(1, Math.ceil(files / 10_000)), storeChain);
}

async function account(latency) {
  const emu = await startEmulator({ indexingDelayMs: 50, quiet: true });
  emu.setFaults(`latency=${latency}`);
  return { emu, env: { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: 'bench', CI: '1', ASSISTANTS_DEPLOY_TIMINGS: '1' }, client: new OpenAI({ apiKey: 'bench', baseURL: emu.url, maxRetries: 5 }) };
}

/** (a) one call per resource, in order: create stores, upload and attach each file, create assistants, wait. */
async function naive(client, dir, size, project) {
  const stores = [];
  for (let s = 0; s < size.stores; s++) stores.push((await client.vectorStores.create({ name: `kb${s}` })).id);
  for (let f = 0; f < size.files; f++) {
    const up = await client.files.create({ file: createReadStream(project.file(f)), purpose: 'assistants' });
    await client.vectorStores.files.create(stores[f % size.stores], { file_id: up.id });
  }
  for (let a = 0; a < size.assistants; a++) {
    await client.beta.assistants.create({ model: 'gpt-4o', instructions: `You are bot ${a}.`, tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [stores[a % size.stores]] } } });
  }
  for (const id of stores) {
    for (;;) {
      const s = await client.vectorStores.retrieve(id);
      if (s.file_counts.in_progress === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return stores;
}

/** (a) for a one-file change: refresh every resource with one read each (10 at a time, Terraform's default), then replace the file. */
async function naiveChange(client, size, stores, project) {
  const assistants = [];
  for await (const a of client.beta.assistants.list({ limit: 100 })) assistants.push(a.id);
  const storeFiles = [];
  for (const id of stores) for await (const f of client.vectorStores.files.list(id, { limit: 100 })) storeFiles.push([id, f.id]);
  const reads = [...assistants.map((id) => () => client.beta.assistants.retrieve(id)), ...stores.map((id) => () => client.vectorStores.retrieve(id)), ...storeFiles.map(([vs, id]) => () => client.vectorStores.files.retrieve(id, { vector_store_id: vs }))];
  let next = 0;
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (next < reads.length) await reads[next++]();
  }));
  const [vs, old] = storeFiles[0];
  const up = await client.files.create({ file: createReadStream(project.file(0)), purpose: 'assistants' });
  await client.vectorStores.files.create(vs, { file_id: up.id });
  await client.vectorStores.files.delete(old, { vector_store_id: vs });
  await client.files.delete(old);
}

/** (b) the SDK's batch helper: uploadAndPoll per store (5 uploads at a time), then the assistants. */
async function helper(client, size, project) {
  const stores = [];
  for (let s = 0; s < size.stores; s++) {
    const id = (await client.vectorStores.create({ name: `kb${s}` })).id;
    const files = [];
    for (let f = s; f < size.files; f += size.stores) files.push(createReadStream(project.file(f)));
    await client.vectorStores.fileBatches.uploadAndPoll(id, { files });
    stores.push(id);
  }
  for (let a = 0; a < size.assistants; a++) {
    await client.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [stores[a % size.stores]] } } });
  }
}

async function measureBaseline(latency, fn) {
  const acct = await account(latency);
  try {
    const t0 = performance.now();
    const extra = await fn(acct.client);
    return { ms: performance.now() - t0, requests: acct.emu.log.length, extra };
  } finally {
    await acct.emu.close();
  }
}

export async function runScale({ latency = 50, sizes = ['S', 'M', 'L'], log = console.log } = {}) {
  const rows1 = [];
  const rows2 = [];
  const figures = { noop: [], apply: [] };
  const notes = [];
  for (const name of sizes) {
    const size = SIZES[name];
    const dir = mkdtempSync(path.join(tmpdir(), `ad-bench-${name}-`));
    try {
      const project = writeProject(dir, size);
      log(`[${name}] ${size.assistants} assistants, ${size.stores} vector stores, ${size.files} files`);
      const acct = await account(latency);
      try {
        // 2. first apply
        let from = acct.emu.log.length;
        const first = await cli(['apply', '--auto-approve', '--quiet'], dir, acct.env, { measure: true });
        if (first.status !== 0) throw new Error(`apply failed: ${first.stderr.slice(-2000)}`);
        const firstRequests = acct.emu.log.length - from;
        log(`[${name}] first apply ${fmt.s(first.ms)}, ${firstRequests} requests`);

        // 1. no-op plan (the hash cache is warm, as on a second run)
        from = acct.emu.log.length;
        const plan = await cli(['plan', '--detailed-exitcode'], dir, acct.env, { measure: true });
        if (plan.status !== 0) throw new Error(`plan not empty after apply: ${plan.stdout.slice(0, 2000)}`);
        const planLog = acct.emu.log.slice(from);
        const min = minimumPages(size);
        const crit = criticalPath(size);
        const perResource = planLog.filter((e) => e.method !== 'GET' || /\{(assistant_id|file_id)\}$|\{vector_store_id\}$/.test(e.route)).length;
        const t = plan.timings;
        rows1.push([
          name,
          fmt.n(size.assistants),
          fmt.n(size.files),
          fmt.n(planLog.length),
          fmt.n(min),
          fmt.x(planLog.length / min),
          String(perResource),
          fmt.s(plan.ms),
          `${fmt.n(crit)} × ${latency} ms = ${fmt.s(crit * latency)}`,
          fmt.x(plan.ms / (crit * latency)),
          `${t.load?.ms ?? '?'} / ${t.hash?.ms ?? '?'} / ${t.read?.ms ?? '?'} ms`,
          t.hash?.note.startsWith('(0 hashed') ? '0' : (t.hash?.note ?? '?'),
          fmt.mb(plan.rssMb),
        ]);
        figures.noop.push({ name, files: size.files, requests: planLog.length, minimum: min, ms: plan.ms, criticalMs: crit * latency, rssMb: plan.rssMb });
        log(`[${name}] no-op plan ${planLog.length} requests (min ${min}), ${fmt.s(plan.ms)}, ${fmt.mb(plan.rssMb)}`);

        // 2. a one-file change
        writeFileSync(project.file(0), `# Document 0\n\nRewritten at ${Date.now()}.\n`);
        from = acct.emu.log.length;
        const change = await cli(['apply', '--auto-approve', '--quiet'], dir, acct.env, { measure: true });
        if (change.status !== 0) throw new Error(`one-file apply failed: ${change.stderr.slice(-2000)}`);
        const changeRequests = acct.emu.log.length - from;

        // baselines
        const naiveRequests = 2 * size.stores + 2 * size.files + size.assistants;
        const naiveChangeReads = size.assistants + size.stores + size.files;
        let a;
        let aChange;
        if (name === 'S') {
          a = await measureBaseline(latency, async (client) => {
            const stores = await naive(client, dir, size, project);
            return stores;
          });
          const acctB = await account(latency);
          try {
            const stores = await naive(acctB.client, dir, size, project);
            const t0 = performance.now();
            const from2 = acctB.emu.log.length;
            await naiveChange(acctB.client, size, stores, project);
            aChange = { ms: performance.now() - t0, requests: acctB.emu.log.length - from2 };
          } finally {
            await acctB.emu.close();
          }
        } else {
          a = { ms: naiveRequests * latency, requests: naiveRequests, projected: true };
          const reqs = naiveChangeReads + 2 * Math.ceil(size.stores) + 4;
          aChange = { ms: (Math.ceil(naiveChangeReads / 10) + Math.ceil(size.assistants / 100) + 4) * latency, requests: reqs, projected: true };
        }
        let b;
        if (name !== 'L') b = await measureBaseline(latency, (client) => helper(client, size, project));
        else {
          const reqs = size.stores * 3 + size.files + size.assistants;
          b = { ms: (Math.ceil(size.files / 5) + size.stores * 3 + size.assistants) * latency, requests: reqs, projected: true };
        }
        const p = (r) => (r.projected ? ' (projected)' : '');
        rows2.push([
          name,
          fmt.n(size.files),
          `${fmt.s(first.ms)}, ${fmt.n(firstRequests)} req`,
          `${fmt.s(a.ms)}, ${fmt.n(a.requests)} req${p(a)}`,
          fmt.x(a.ms / first.ms),
          `${fmt.s(b.ms)}, ${fmt.n(b.requests)} req${p(b)}`,
          fmt.x(b.ms / first.ms),
          `${fmt.s(change.ms)}, ${fmt.n(changeRequests)} req`,
          `${fmt.s(aChange.ms)}, ${fmt.n(aChange.requests)} req${p(aChange)}`,
          fmt.x(aChange.ms / change.ms),
          fmt.mb(first.rssMb),
        ]);
        figures.apply.push({ name, files: size.files, ms: first.ms, rssMb: first.rssMb, vsNaive: a.ms / first.ms, vsHelper: b.ms / first.ms, projected: Boolean(a.projected || b.projected) });
        log(`[${name}] one-file change ${fmt.s(change.ms)}, ${changeRequests} requests`);
      } finally {
        await acct.emu.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const t1 = table(
    ['size', 'assistants', 'files', 'requests', 'minimum pages', 'ratio', 'per-resource / write requests', 'wall time', 'critical path × latency', 'wall / critical', 'load / hash / read', 'files re-hashed', 'peak memory'],
    rows1,
  );
  const t2 = table(
    ['size', 'files', 'assistants-deploy apply', '(a) one call per resource', 'speed-up vs (a)', '(b) SDK uploadAndPoll', 'speed-up vs (b)', 'one-file change', '(a) one-file change', 'speed-up', 'apply peak memory'],
    rows2,
  );
  return { noop: t1, apply: t2, notes, figures };
}
