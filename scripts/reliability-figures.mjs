#!/usr/bin/env node
// Rewrites the "Figures of the last run" section of docs/RELIABILITY.md (between the
// <!-- figures:start --> and <!-- figures:end --> markers) from the JSON figures the reliability
// tests write (test/helpers/reliability/figures.ts: $RELIABILITY_FIGURES_DIR, or
// assistants-deploy-reliability in the system's temporary directory).
//
//   npx vitest run test/reliability && node scripts/reliability-figures.mjs
//
// Options: --dir DIR (where the JSON is), --doc FILE (default docs/RELIABILITY.md),
// --dry-run (print the section instead of writing it).
// The tests write their figures even when they fail: refresh only after a green run (the && above).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- figures:start -->';
const END = '<!-- figures:end -->';
/** A figures file older than the newest by more than this is taken to be from an earlier run. */
const SAME_RUN_MS = 3 * 60 * 60 * 1000;

function parseArgs(argv) {
  const opts = {
    dir: process.env.RELIABILITY_FIGURES_DIR ?? path.join(os.tmpdir(), 'assistants-deploy-reliability'),
    doc: path.join(ROOT, 'docs', 'RELIABILITY.md'),
    dryRun: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir' || a === '--doc') {
      const v = argv[++i];
      if (!v) fail(`${a} needs a value`);
      opts[a.slice(2)] = path.resolve(v);
    } else if (a === '--dry-run') opts.dryRun = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/reliability-figures.mjs [--dir DIR] [--doc FILE] [--dry-run]');
      process.exit(0);
    } else fail(`unknown argument ${a} (try --help)`);
  }
  return opts;
}

function fail(message) {
  console.error(`reliability-figures: ${message}`);
  process.exit(1);
}

const FILES = {
  fuzz: 'test/reliability/fuzz.test.ts',
  faults: 'test/reliability/fault-matrix.test.ts',
  crash: 'test/reliability/crash-matrix.test.ts',
  concurrency: 'test/reliability/concurrency.test.ts',
  load: 'test/reliability/load.test.ts',
  secrets: 'test/reliability/secrets.test.ts',
};

function readFigures(dir) {
  const out = {};
  const missing = [];
  for (const [name, test] of Object.entries(FILES)) {
    const file = path.join(dir, `${name}.json`);
    if (!existsSync(file)) {
      missing.push(`${name}.json (written by ${test})`);
      continue;
    }
    try {
      out[name] = { data: JSON.parse(readFileSync(file, 'utf8')), mtime: statSync(file).mtimeMs };
    } catch (e) {
      fail(`${file}: ${e.message}`);
    }
  }
  if (missing.length) fail(`no figures in ${dir} for: ${missing.join(', ')}; run \`npx vitest run test/reliability\` first`);
  return out;
}

const n = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const row = (cells) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
const tableMd = (header, rows) => [row(header), `|${header.map(() => '---|').join('')}`, ...rows.map(row)].join('\n');

function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** "(figures from an earlier run, DATE)" when a file is not from the newest run. */
function staleNote(entry, newest) {
  return newest - entry.mtime > SAME_RUN_MS ? ` (figures from an earlier run, ${day(entry.mtime)})` : '';
}

function fuzzSection(f, note) {
  const byCommand = f.base_broken_rerun_with ?? {};
  const order = ['plan', 'apply', 'destroy', 'codegen'];
  const broken = sum(Object.values(byCommand));
  // slowest_case is the case's JSON, cut short: name the example and the kinds of mutation it shows
  const example = /"example":"([^"]+)"/.exec(f.slowest_case ?? '')?.[1];
  const kinds = [...new Set([...(f.slowest_case ?? '').matchAll(/"kind":"([^"]+)"/g)].map((m) => m[1]))];
  const slowest = example ? ` (a case on the ${example} example${kinds.length ? `, mutations: ${kinds.join(', ')}` : ''})` : '';
  const materialize = f.seconds_by_phase?.materialize;
  return [
    `### Manifest fuzzing${note}`,
    '',
    tableMd(
      ['figure', 'value'],
      [
        ['seed', f.seed],
        ['hostile manifests', `${n(f.cases)} (${n(f.valid)} valid, ${n(f.invalid)} refused with located errors)`],
        [
          'broken manifests also run through plan / apply / destroy / codegen',
          `${n(broken)} (${order.map((c) => n(byCommand[c] ?? 0)).join(' / ')}); every one exit 1, located, 0 requests, nothing written`,
        ],
        ['sound manifests planned (GET only, nothing from outside the root)', n(f.planned_read_only)],
        ['CLI runs in-process / replayed through the real binary (identical)', `${n(f.cli_runs)} / ${n(f.replayed_through_real_binary)}`],
        ['mean / slowest run', `${n(f.mean_run_ms)} ms / ${n(f.slowest_run_ms)} ms${slowest}`],
        // the test throws on the first of these, before it records any figures
        ['hangs, stack traces, internal errors, requests sent, prototype pollutions, runner restarts', `0, 0, 0, 0, 0, ${n(f.runner_restarts)}`],
        ['time', `${n(f.seconds)} s${materialize !== undefined ? ` (materialising cases ${n(materialize)} s)` : ''}`],
      ],
    ),
  ];
}

function faultsSection(f, applyRequests, note) {
  const rows = f.rows ?? [];
  const runsAt = f.header.indexOf('runs');
  const runs = rows.map((r) => Number(r[runsAt]));
  const rerun = runs.filter((r) => r > 1);
  const verdict =
    rerun.length === 0
      ? 'Every row converged in its first run (the retries inside apply absorbed every fault), and the account then matched B exactly.'
      : `${rerun.length} of ${rows.length} rows needed reruns (at most ${Math.max(...rerun) - 1}); every row converged, and the account then matched B exactly.`;
  const title = applyRequests ? `### Fault matrix (apply A → B: ~${applyRequests} requests without faults)` : '### Fault matrix (apply A → B)';
  return [`${title}${note}`, '', tableMd(f.header, rows.map((r) => r.map(n))), '', verdict];
}

function crashSection(f, note) {
  // rows: command, seed, k, N, rerun exit, rerun requests, stale lease broken, seconds[, faults, reruns]
  const rows = f.rows ?? [];
  const out = [];
  const faultsOf = (r) => (r[8] === undefined ? 'none' : String(r[8]));
  const kinds = [...new Set(rows.map(faultsOf))];
  for (const [command, label] of [
    ['apply', 'apply A → B'],
    ['destroy', 'destroy'],
  ]) {
    for (const kind of kinds) {
      const mine = rows.filter((r) => r[0] === command && faultsOf(r) === kind);
      if (!mine.length) continue;
      const N = Math.max(...mine.map((r) => Number(r[3])));
      const ks = new Set(mine.map((r) => r[2])).size;
      const ok = mine.filter((r) => String(r[4]) === '0').length;
      const stale = mine.filter((r) => r[6] === 'yes').length;
      const reruns = mine.map((r) => Number(r[9] ?? 1));
      const seconds = sum(mine.map((r) => Number(r[7])));
      out.push([label, kind, mine.length, N, `${ks} distinct k in 1..${N}`, `${ok}/${mine.length}${Math.max(...reruns) > 1 ? ` (${reruns.filter((x) => x > 1).length} needed ${Math.max(...reruns)} reruns)` : ''}`, stale, `${seconds.toFixed(1)} s`]);
    }
  }
  const total = f.runs ?? rows.length;
  return [
    `### Crash matrix${note}`,
    '',
    tableMd(['command', 'faults during the run and its reruns', 'runs', 'requests of an unkilled run (N)', 'kill points k hit', 'reruns exit 0', 'stale lease cleaned by the rerun', 'time'], out),
    '',
    `Duplicates, orphaned uploads, leases left, resources of others touched: 0 in all ${n(total)} runs; every account then matched B exactly (or held nothing of the deployment), and the next plan (or destroy) found nothing to do.`,
  ];
}

function concurrencySection(rows, note) {
  // rows: case, exit codes, waited, changes made (first, second), seconds
  const waitedZero = rows.some((r) => Number(r[2]) === 0);
  return [
    `### Concurrency${note}`,
    '',
    tableMd(['case', 'exit codes', 'waited for the lease', 'changes (added/changed/destroyed) of the first, the second', 'seconds'], rows),
    '',
    'Plus: a killed holder\'s lease broken at once; a silent remote lease broken after a 1.5 s test TTL; a live remote holder never broken (the apply gave up after 3 s, exit 1, nothing changed); a holder SIGSTOPped past a 5 s TTL lost its lease to a second apply and, resumed, found it lost, stopped and wrote nothing.' +
      (waitedZero ? ' "waited" 0 means the second apply took the lease after the first had released it; it still read the account again and found nothing to do.' : '') +
      ' The protocol model: 400 schedules, never two holders.',
  ];
}

function loadSection(f, note) {
  const ops = Object.entries(f.by_operation ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const l = f.latency_ms ?? {};
  return [
    `### Emulator under load${note}`,
    '',
    tableMd(
      ['figure', 'value'],
      [
        ['clients / duration', `${n(f.clients)} / ${n(f.seconds)} s`],
        ['requests (writes and lists)', `${n(f.requests)} (${n(f.requests_per_second)}/s)`],
        ['latency p50 / p99 / max', `${n(l.p50)} / ${n(l.p99)} / ${n(l.max)} ms (data folder with fsync)`],
        ['by operation', ops.map(([op, c]) => `${op} ${n(c)}`).join(', ')],
        ['5xx answers', n(f.server_errors)],
        ['acknowledged writes checked / lost / lost after restart', `${n(f.acknowledged_writes_checked)} / ${n(f.lost_writes)} / ${n(f.lost_after_restart)}`],
      ],
    ),
  ];
}

function secretsSection(f, note) {
  return [
    `### Secrets${note}`,
    '',
    `${n(f.outputs_checked)} outputs and written files checked (commands × formats × verbosity, failing commands, the emulator, every file written): the key appeared 0 times; 9 kinds of outside-root reference refused without the flag, accepted with it.`,
  ];
}

/** The times the tests record (not the wall time of each file: vitest does not write that down). */
function timings(figs) {
  const seconds = (rows, at) => sum(rows.map((r) => Number(r[at]))).toFixed(1);
  const parts = [
    `fuzz ${n(figs.fuzz.data.seconds)} s`,
    `crash matrix ${seconds(figs.crash.data.rows ?? [], 7)} s (the sum of its runs)`,
    `fault matrix ${seconds(figs.faults.data.rows ?? [], figs.faults.data.header.indexOf('seconds'))} s (the sum of its rows)`,
    `concurrency ${seconds(figs.concurrency.data, 4)} s (the cases in the table)`,
    `load ${n(figs.load.data.seconds)} s`,
  ];
  return `Time the tests recorded: ${parts.join(', ')}.`;
}

export function render(figs, { commit: sha, cpus }) {
  const newest = Math.max(...Object.values(figs).map((e) => e.mtime));
  const note = (name) => staleNote(figs[name], newest);
  const lines = [
    START,
    '<!-- generated by scripts/reliability-figures.mjs from the JSON the reliability tests write; edits between these markers are overwritten -->',
    '',
    `Run of \`npx vitest run test/reliability\` at commit \`${sha}\` on ${day(newest)}, on a ${cpus}-core machine. ${timings(figs)}`,
    '',
    ...fuzzSection(figs.fuzz.data, note('fuzz')),
    '',
    ...faultsSection(figs.faults.data, figs.crash.data.apply_requests, note('faults')),
    '',
    ...crashSection(figs.crash.data, note('crash')),
    '',
    ...concurrencySection(figs.concurrency.data, note('concurrency')),
    '',
    ...loadSection(figs.load.data, note('load')),
    '',
    ...secretsSection(figs.secrets.data, note('secrets')),
    '',
    END,
  ];
  return lines.join('\n');
}

export function splice(doc, section) {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < 0 || end < start) throw new Error(`the markers ${START} and ${END} are missing or out of order`);
  return doc.slice(0, start) + section + doc.slice(end + END.length);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const figs = readFigures(opts.dir);
  const newest = Math.max(...Object.values(figs).map((e) => e.mtime));
  for (const [name, e] of Object.entries(figs)) {
    if (staleNote(e, newest)) console.error(`reliability-figures: warning: ${name}.json is from an earlier run (${new Date(e.mtime).toISOString()})`);
  }
  const section = render(figs, { commit: commit(), cpus: os.cpus().length });
  if (opts.dryRun) {
    console.log(section);
    return;
  }
  const before = readFileSync(opts.doc, 'utf8');
  let after;
  try {
    after = splice(before, section);
  } catch (e) {
    fail(`${path.relative(process.cwd(), opts.doc)}: ${e.message}`);
  }
  if (after !== before) writeFileSync(opts.doc, after);
  console.log(`${path.relative(process.cwd(), opts.doc)} ${after === before ? 'is up to date' : `updated from ${opts.dir}`}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
