#!/usr/bin/env node
// Benchmark: first apply of a vector store with 2,000 files (1 KB to 1 MB, log-uniform, seeded) at
// 50 ms injected latency, side by side in one run with
//   (a) a straightforward SDK script: upload and attach one file at a time, then wait for indexing;
//   (b) the SDK's own helper, vectorStores.fileBatches.uploadAndPoll (5 uploads at a time);
//   (c) assistants-deploy apply.
// Each runs against a fresh emulator account. Prints wall time, requests and the ratios; `npm run
// bench` runs it too (bench/run.mjs) and writes its table into bench/RESULTS.md.
//   node bench/apply-files.mjs [--files 2000] [--latency 50] [--skip-naive]
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startEmulator } from '../dist/emulator/index.js';
import { cli, fmt, parseArgs, table } from './lib.mjs';

const args = parseArgs(process.argv.slice(2));
const FILES = Number(args.files ?? 2000);
const LATENCY = Number(args.latency ?? 50);

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export function writeCorpus(dir, n, seed = 7) {
  const rand = rng(seed);
  mkdirSync(path.join(dir, 'docs'), { recursive: true });
  let total = 0;
  const files = [];
  for (let i = 0; i < n; i++) {
    const size = Math.round(1024 * 2 ** (rand() * 10)); // 1 KB .. 1 MB, log-uniform
    const line = `Document ${i}: lorem ipsum dolor sit amet, consectetur adipiscing elit.\n`;
    const body = line.repeat(Math.ceil(size / line.length)).slice(0, size);
    const rel = `docs/doc-${String(i).padStart(5, '0')}.md`;
    writeFileSync(path.join(dir, rel), body);
    files.push(rel);
    total += size;
  }
  writeFileSync(path.join(dir, 'assistants.yaml'), 'version: 1\ndeployment: bench\nvector_stores:\n  docs: { files: ["docs/*.md"] }\n');
  return { files, total };
}

async function account(latency) {
  const emu = await startEmulator({ indexingDelayMs: 50, quiet: true });
  emu.setFaults(`latency=${latency}`);
  const client = new OpenAI({ apiKey: 'bench', baseURL: emu.url, maxRetries: 5 });
  return { emu, client };
}

async function naive(dir, files, latency) {
  const { emu, client } = await account(latency);
  const t0 = performance.now();
  const store = await client.vectorStores.create({ name: 'docs' });
  for (const rel of files) {
    const f = await client.files.create({ file: createReadStream(path.join(dir, rel)), purpose: 'assistants' });
    await client.vectorStores.files.create(store.id, { file_id: f.id });
  }
  for (;;) {
    const s = await client.vectorStores.retrieve(store.id);
    if (s.file_counts.in_progress === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const ms = performance.now() - t0;
  const requests = emu.log.length;
  await emu.close();
  return { ms, requests };
}

async function helper(dir, files, latency) {
  const { emu, client } = await account(latency);
  const t0 = performance.now();
  const store = await client.vectorStores.create({ name: 'docs' });
  const batch = await client.vectorStores.fileBatches.uploadAndPoll(store.id, { files: files.map((rel) => createReadStream(path.join(dir, rel))) });
  const ms = performance.now() - t0;
  if (batch.file_counts.completed !== files.length) throw new Error(`helper indexed ${batch.file_counts.completed} of ${files.length}`);
  const requests = emu.log.length;
  await emu.close();
  return { ms, requests };
}

async function ours(dir, latency) {
  const { emu } = await account(latency);
  const env = { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: 'bench', CI: '1' };
  const r = await cli(['apply', '--auto-approve', '--quiet'], dir, env);
  if (r.status !== 0) throw new Error(`apply failed: ${r.stderr}`);
  const requests = emu.log.length;
  await emu.close();
  return { ms: r.ms, requests };
}

/**
 * The scenario: returns a markdown table and the ratios. `naive: false` leaves out (a), which
 * takes minutes (one request after another).
 */
export async function runApplyFiles({ files: n = FILES, latency = LATENCY, naive: withNaive = true, log = console.log } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-bench-apply-'));
  try {
    const { files, total } = writeCorpus(dir, n);
    log(`[apply-files] ${n} files, ${(total / 1024 / 1024).toFixed(0)} MB, ${latency} ms latency per request`);
    const c = await ours(dir, latency);
    const b = await helper(dir, files, latency);
    const a = withNaive ? await naive(dir, files, latency) : undefined;
    const row = (name, r, ratio) => [name, fmt.s(r.ms), fmt.n(r.requests), ratio];
    const rows = [row('assistants-deploy apply', c, '1.00x'), row('(b) SDK `uploadAndPoll` (5 uploads at a time)', b, fmt.x(b.ms / c.ms))];
    if (a) rows.push(row('(a) one file at a time (SDK script)', a, fmt.x(a.ms / c.ms)));
    for (const r of rows) log(`[apply-files] ${r.join('  ')}`);
    return {
      table: table(['run', 'wall time', 'requests', 'its time / assistants-deploy'], rows),
      files: n,
      megabytes: total / 1024 / 1024,
      vsNaive: a ? a.ms / c.ms : undefined,
      vsHelper: b.ms / c.ms,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runApplyFiles({ naive: !args['skip-naive'] });
  console.log(r.table);
  if (r.vsNaive !== undefined) console.log(`speed-up vs one at a time: ${r.vsNaive.toFixed(1)}x (target >= 5x)`);
  console.log(`speed-up vs uploadAndPoll: ${r.vsHelper.toFixed(2)}x (target >= 1x)`);
}
