#!/usr/bin/env node
// Benchmark: what the conflict check of uploads costs. A plan that deletes D uploads must find out
// whether a vector store the deployment does not own holds one of them (deleting a file removes it
// from every store). The account here: the deployment's store of 2,000 files, and four stores it
// does not own (hand-made ones of 20, 300 and 3,000 files, another deployment's of 1,000), at
// 50 ms injected latency. For D = 0, 1, 10, 100, 1,000 changed files it prints the check's
// requests (lookups and pages, from the plan's read figures and the emulator's log), what the
// formula predicts (per store holding T files, min(D, ceil(T / 100))), the two one-sided strategies
// (a lookup per store and upload; every page of every store), and the plan's wall time.
// `npm run bench` runs it too (bench/run.mjs).
//   node bench/foreign-check.mjs [--latency 50] [--files 2000]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { startEmulator } from '../dist/emulator/index.js';
import { cli, fmt, parseArgs, table } from './lib.mjs';

const FOREIGN = [
  { name: 'hand-made, 20 files', files: 20 },
  { name: 'hand-made, 300 files', files: 300 },
  { name: 'hand-made, 3,000 files', files: 3000 },
  { name: 'deployment "other", 1,000 files', files: 1000, deployment: 'other' },
];
const DELETES = [0, 1, 10, 100, 1000];

const predicted = (d) => (d === 0 ? 0 : FOREIGN.reduce((n, s) => n + Math.min(d, Math.ceil(s.files / 100)), 0));

export async function runForeignCheck({ latency = 50, files = 2000, log = console.log } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-bench-foreign-'));
  const emu = await startEmulator({ indexingDelayMs: 1, quiet: true });
  const env = { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: 'bench', CI: '1' };
  const client = new OpenAI({ apiKey: 'bench', baseURL: emu.url, maxRetries: 5 });
  const doc = (i) => path.join(dir, 'kb', `doc${i}.md`);
  try {
    mkdirSync(path.join(dir, 'kb'), { recursive: true });
    writeFileSync(path.join(dir, 'assistants.yaml'), 'version: 1\ndeployment: bench\nvector_stores:\n  kb: { files: ["kb/*.md"] }\n');
    for (let i = 0; i < files; i++) writeFileSync(doc(i), `# Document ${i}\n`);
    const seeded = await cli(['apply', '--auto-approve', '--quiet'], dir, env);
    if (seeded.status !== 0) throw new Error(`seeding apply failed: ${seeded.stderr}`);
    // the stores it does not own hold files of their own (one upload can sit in many stores)
    const most = Math.max(...FOREIGN.map((s) => s.files));
    const ids = [];
    for (let i = 0; i < most; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, most - i) }, (_, k) => client.files.create({ file: new File([`# other ${i + k}\n`], `other${i + k}.md`), purpose: 'assistants' })));
      ids.push(...batch.map((f) => f.id));
    }
    for (const s of FOREIGN) {
      const metadata = s.deployment ? { 'assistants-deploy.deployment': s.deployment, 'assistants-deploy.resource': 'kb;v1;' } : {};
      const store = await client.vectorStores.create({ name: s.name, metadata });
      for (let i = 0; i < s.files; i += 2000) await client.vectorStores.fileBatches.create(store.id, { file_ids: ids.slice(i, Math.min(s.files, i + 2000)) });
    }
    const ownStore = (await client.vectorStores.list({ limit: 100 })).data.find((v) => v.metadata?.['assistants-deploy.deployment'] === 'bench').id;
    log(`[foreign check] seeded: the deployment's store of ${files} files; stores it does not own: ${FOREIGN.map((s) => s.name).join('; ')}`);
    emu.setFaults(`latency=${latency}`);
    await cli(['plan'], dir, env); // warm the hash cache, as a second plan in CI would be

    const rows = [];
    const figures = [];
    let changed = 0;
    for (const d of DELETES) {
      for (; changed < d; changed++) writeFileSync(doc(changed), `# Document ${changed}, edited\n`);
      const from = emu.log.length;
      const r = await cli(['plan', '--format', 'json'], dir, env);
      if (r.status !== 0) throw new Error(`plan failed: ${r.stderr}`);
      const plan = JSON.parse(r.stdout);
      const reqs = emu.log.slice(from);
      const check = plan.read.foreign_check ?? { uploads: 0, stores: 0, lookups: 0, pages: 0 };
      const lookups = reqs.filter((e) => e.route === '/v1/vector_stores/{vector_store_id}/files/{file_id}').length;
      const foreignPages = reqs.filter((e) => e.route === '/v1/vector_stores/{vector_store_id}/files' && !e.path.includes(ownStore)).length;
      const spent = check.lookups + check.pages;
      const allLookups = d === 0 ? 0 : FOREIGN.length * d;
      const allPages = d === 0 ? 0 : FOREIGN.reduce((n, s) => n + Math.ceil(s.files / 100), 0);
      if (plan.file_deletions.length !== d) throw new Error(`expected ${d} deletions, the plan has ${plan.file_deletions.length}`);
      rows.push([
        fmt.n(d),
        `${fmt.n(spent)} (${fmt.n(check.lookups)} lookups, ${fmt.n(check.pages)} pages)`,
        `${fmt.n(lookups)} / ${fmt.n(foreignPages)}`,
        fmt.n(predicted(d)),
        fmt.n(allLookups),
        fmt.n(allPages),
        `${fmt.n(plan.read.requests)} (${fmt.n(reqs.length)} in the log)`,
        fmt.s(r.ms),
      ]);
      figures.push({ deletes: d, spent, lookups: check.lookups, pages: check.pages, predicted: predicted(d), allLookups, allPages, requests: plan.read.requests, logged: reqs.length, ms: r.ms });
      log(`[foreign check] ${d} uploads deleted: check ${spent} requests (${check.lookups} lookups, ${check.pages} pages; formula ${predicted(d)}), plan ${plan.read.requests} requests, ${fmt.s(r.ms)}`);
    }
    const t = table(['uploads deleted (D)', 'check requests', 'in the log: lookups / foreign pages', 'formula Σ min(D, ⌈T/100⌉)', 'a lookup per store and upload', 'every page of every store', 'plan requests in all', 'plan wall time'], rows);
    return { table: t, figures };
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = parseArgs(process.argv.slice(2));
  const r = await runForeignCheck({ latency: Number(args.latency ?? 50), files: Number(args.files ?? 2000) });
  console.log(`\n${r.table}`);
}
