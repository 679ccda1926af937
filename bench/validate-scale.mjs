#!/usr/bin/env node
// Benchmark: `validate` on a generated manifest of 500 assistants and 20,000 files.
// Prints wall time and peak memory (max RSS) of the real CLI. Not a test: figures, no pass/fail.
//   node bench/validate-scale.mjs [--assistants 500] [--files 20000] [--runs 3] [--keep DIR]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const ASSISTANTS = Number(args.assistants ?? 500);
const FILES = Number(args.files ?? 20000);
const RUNS = Number(args.runs ?? 3);
const STORES = 20;
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/assistants-deploy.js');

export function generate(dir, assistants, files, stores = STORES) {
  const lines = ['version: 1', 'deployment: scale', 'vector_stores:'];
  for (let s = 0; s < stores; s++) {
    lines.push(`  kb${s}:`, `    name: Knowledge ${s}`, `    files: ["kb${s}/**/*.md"]`);
  }
  lines.push('assistants:');
  for (let a = 0; a < assistants; a++) {
    lines.push(
      `  bot${a}:`,
      `    model: gpt-4o`,
      `    instructions: "You are bot ${a}. Answer from the knowledge base."`,
      `    temperature: 0.${a % 10}`,
      `    tools:`,
      `      - type: file_search`,
      `      - type: function`,
      `        function: { name: lookup_${a}, parameters: { type: object, properties: { id: { type: string } }, required: [id], additionalProperties: false }, strict: true }`,
      `    tool_resources: { file_search: { vector_stores: [kb${a % stores}] } }`,
      `    metadata: { team: t${a % 7} }`,
    );
  }
  writeFileSync(path.join(dir, 'assistants.yaml'), `${lines.join('\n')}\n`);
  for (let f = 0; f < files; f++) {
    const sub = path.join(dir, `kb${f % stores}`, `d${Math.floor(f / 1000)}`);
    if (f % 1000 < stores) mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `doc-${f}.md`), `# Doc ${f}\n\nContent of document ${f}.\n`);
  }
}

function measure(dir) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'validate', '-f', dir], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  if (r.status !== 0) throw new Error(`validate failed: ${r.stderr}`);
  return { ms, rssMb: rssKb / 1024, out: r.stdout.trim() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const keep = args.keep;
  const dir = keep ?? mkdtempSync(path.join(tmpdir(), 'ad-bench-validate-'));
  if (keep) mkdirSync(keep, { recursive: true });
  try {
    const g0 = Date.now();
    generate(dir, ASSISTANTS, FILES);
    console.log(`generated ${ASSISTANTS} assistants, ${STORES} vector stores, ${FILES} files in ${Date.now() - g0} ms`);
    const results = [];
    for (let i = 0; i < RUNS; i++) results.push(measure(dir));
    console.log(results[0].out);
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    const rss = Math.max(...results.map((r) => r.rssMb));
    console.log(`validate: median ${ms[Math.floor(ms.length / 2)].toFixed(0)} ms (min ${ms[0].toFixed(0)}, max ${ms[ms.length - 1].toFixed(0)}) over ${RUNS} runs; peak RSS ${rss.toFixed(0)} MB`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
