#!/usr/bin/env node
// Benchmark: a no-op plan of an account with 300 assistants, 20 vector stores and 5,000 files,
// at 50 ms injected latency per request. Prints list requests made vs the minimum number of
// pages, no per-resource reads, and the wall time. Figures, not a test.
//   node bench/plan-requests.mjs [--assistants 300] [--stores 20] [--files 5000] [--latency 50]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '../dist/emulator/index.js';
import { cli } from './lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const ASSISTANTS = Number(args.assistants ?? 300);
const STORES = Number(args.stores ?? 20);
const FILES = Number(args.files ?? 5000);
const LATENCY = Number(args.latency ?? 50);

export function writeProject(dir, assistants, stores, files) {
  const lines = ['version: 1', 'deployment: bench', 'vector_stores:'];
  for (let s = 0; s < stores; s++) lines.push(`  kb${s}: { files: ["kb${s}/*.md"] }`);
  lines.push('assistants:');
  for (let a = 0; a < assistants; a++) {
    lines.push(`  bot${a}:`, '    model: gpt-4o', `    instructions: "Bot ${a}"`, '    tools: [{ type: file_search }]', `    tool_resources: { file_search: { vector_stores: [kb${a % stores}] } }`);
  }
  writeFileSync(path.join(dir, 'assistants.yaml'), `${lines.join('\n')}\n`);
  for (let s = 0; s < stores; s++) mkdirSync(path.join(dir, `kb${s}`), { recursive: true });
  for (let f = 0; f < files; f++) writeFileSync(path.join(dir, `kb${f % stores}`, `doc${f}.md`), `# Document ${f}\n`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'ad-bench-plan-'));
const emu = await startEmulator({ indexingDelayMs: 1, quiet: true });
const env = { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: 'bench', CI: '1' };
try {
  writeProject(dir, ASSISTANTS, STORES, FILES);
  const seeded = await cli(['apply', '--auto-approve', '--concurrency', '32', '--quiet'], dir, env);
  if (seeded.status !== 0) throw new Error(`seeding apply failed: ${seeded.stderr}`);
  console.log(`seeded ${ASSISTANTS} assistants, ${STORES} vector stores, ${FILES} files in ${(seeded.ms / 1000).toFixed(1)} s`);
  emu.setFaults(`latency=${LATENCY}`);
  await cli(['plan'], dir, env); // warm the hash cache, as a second plan in CI would be
  const from = emu.log.length;
  const r = await cli(['plan', '--detailed-exitcode'], dir, env);
  const log = emu.log.slice(from);
  const perStore = Math.ceil(FILES / STORES);
  const minimum = Math.max(1, Math.ceil(ASSISTANTS / 100)) + Math.max(1, Math.ceil(STORES / 100)) + Math.max(1, Math.ceil(FILES / 10000)) + STORES * Math.max(1, Math.ceil(perStore / 100));
  const perResource = log.filter((e) => /\{(assistant_id|vector_store_id)\}$/.test(e.route) || e.route.endsWith('{file_id}')).length;
  console.log(`no-op plan exit ${r.status}: ${log.length} requests (all GET: ${log.every((e) => e.method === 'GET')}), minimum pages ${minimum}, ratio ${(log.length / minimum).toFixed(3)}, per-resource reads ${perResource}`);
  console.log(`wall time ${(r.ms / 1000).toFixed(2)} s at ${LATENCY} ms latency (${((r.ms / LATENCY) | 0)} latency units)`);
} finally {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
}
