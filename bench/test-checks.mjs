#!/usr/bin/env node
// Benchmark: what `assistants-deploy test` costs. 100 retrieval checks over 10 vector stores (20
// files each, 10 checks a store), at 50 ms injected latency per request. Prints the requests it
// makes (the plan's list pages, then one search per check) next to that minimum, every one counted
// in the emulator's log, and the wall time next to the critical path: the read's two rounds (the
// lists in parallel, then each store's file page) plus ceil(checks / concurrency) rounds of
// searches, times the latency. At the default --concurrency (8) and at 32. Figures, not a test.
// `npm run bench` runs it too (bench/run.mjs).
//   node bench/test-checks.mjs [--latency 50] [--stores 10] [--checks 100]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../dist/emulator/index.js';
import { cli, fmt, parseArgs, table } from './lib.mjs';

const FILES_PER_STORE = 20;
const SEARCH = '/v1/vector_stores/{vector_store_id}/search';

function writeProject(dir, stores, checks) {
  const perStore = Math.ceil(checks / stores);
  const lines = ['version: 1', 'deployment: bench-test', 'test: { k: 3 }', 'vector_stores:'];
  for (let s = 0; s < stores; s++) {
    mkdirSync(path.join(dir, `kb${s}`), { recursive: true });
    for (let f = 0; f < FILES_PER_STORE; f++) {
      writeFileSync(path.join(dir, `kb${s}`, `doc${f}.md`), `# Document ${f} of store ${s}\n\nThis page explains term${s}q${f} and nothing else.\n`);
    }
    lines.push(`  kb${s}:`, `    files: ["kb${s}/*.md"]`, '    checks:');
    for (let c = 0; c < perStore && s * perStore + c < checks; c++) {
      lines.push(`      - { query: "Where is term${s}q${c % FILES_PER_STORE} explained?", expect: [kb${s}/doc${c % FILES_PER_STORE}.md], name: "check ${c}" }`);
    }
  }
  writeFileSync(path.join(dir, 'assistants.yaml'), `${lines.join('\n')}\n`);
}

export async function runTestChecks({ latency = 50, stores = 10, checks = 100, log = console.log } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-bench-test-'));
  const emu = await startEmulator({ indexingDelayMs: 1, quiet: true });
  const env = { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: 'bench', CI: '1' };
  const figures = [];
  try {
    writeProject(dir, stores, checks);
    const seeded = await cli(['apply', '--auto-approve', '--quiet'], dir, env);
    if (seeded.status !== 0) throw new Error(`seeding apply failed: ${seeded.stderr}`);
    log(`seeded ${stores} vector stores, ${stores * FILES_PER_STORE} files, ${checks} checks in ${fmt.s(seeded.ms)}`);
    emu.setFaults(`latency=${latency}`);
    await cli(['test', '--quiet'], dir, env); // warm the hash cache, as a second run in CI would be
    for (const concurrency of [8, 32]) {
      const from = emu.log.length;
      const r = await cli(['test', '--format', 'json', '--concurrency', String(concurrency)], dir, env);
      if (r.status !== 0) throw new Error(`test failed (${r.status}): ${r.stderr}`);
      const report = JSON.parse(r.stdout);
      const logged = emu.log.slice(from);
      const searches = logged.filter((e) => e.route === SEARCH).length;
      // list pages: assistants, vector stores, uploads and models (1 each), then one file page per store
      const minimumRead = 4 + stores;
      const criticalRounds = 2 + Math.ceil(checks / concurrency);
      const row = {
        concurrency,
        requests: logged.length,
        reported: report.requests.read + report.requests.search,
        searches,
        minimum: minimumRead + checks,
        writes: logged.filter((e) => e.method !== 'GET' && e.route !== SEARCH).length,
        ms: r.ms,
        criticalMs: criticalRounds * latency,
        passed: report.figures.passed,
      };
      figures.push(row);
      log(`test --concurrency ${concurrency}: ${row.requests} requests (${searches} searches; minimum ${row.minimum}; the report counts ${row.reported}), ${row.writes} writes, ${row.passed}/${checks} passed, ${fmt.s(row.ms)} (critical path ${fmt.s(row.criticalMs)})`);
    }
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = figures.map((f) => [
    String(f.concurrency),
    `${fmt.n(f.requests)} (${fmt.n(f.searches)} searches)`,
    fmt.n(f.minimum),
    fmt.x(f.requests / f.minimum),
    fmt.s(f.ms),
    fmt.s(f.criticalMs),
    fmt.x(f.ms / f.criticalMs),
  ]);
  return {
    figures,
    table: table(['--concurrency', 'requests', 'minimum (list pages + one search per check)', 'ratio', 'wall time', 'critical path × latency', 'ratio'], rows),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = parseArgs(process.argv.slice(2));
  const r = await runTestChecks({ latency: Number(args.latency ?? 50), stores: Number(args.stores ?? 10), checks: Number(args.checks ?? 100) });
  console.log(r.table);
}
