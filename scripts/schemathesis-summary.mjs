// The figures of a Schemathesis run (scripts/schemathesis.sh): per description, the operations
// tested, the cases generated, the unique failures by check; and, from the emulator's own request
// log, the requests it answered and how many were 5xx; with SCHEMATHESIS_BASELINE_FILE, each reported
// failure checked against the accepted ones (the sweep runs without Schemathesis's own baseline, so
// every failure is itemized). Writes DIR/summary.json and prints the same as text. Exit status 1
// when any request was answered 5xx or a reported failure is not accepted.
// Usage: node scripts/schemathesis-summary.mjs DIR SPEC...   (DIR holds SPEC.txt and emulator-log.json)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Schemathesis failure codes (`st explain CODE`) and the check that reports each. */
const CHECK_OF_CODE = {
  ST101: 'not_a_server_error',
  ST102: 'not_a_server_error',
  ST103: 'status_code_conformance',
  ST104: 'content_type_conformance',
  ST105: 'content_type_conformance',
  ST106: 'content_type_conformance',
  ST107: 'response_headers_conformance',
  ST108: 'response_schema_conformance',
  ST109: 'response_schema_conformance',
  ST110: 'response_schema_conformance',
  ST111: 'response_schema_conformance',
  ST112: 'max_response_time',
  ST201: 'negative_data_rejection',
  ST202: 'positive_data_acceptance',
  ST203: 'missing_required_header',
  ST204: 'unsupported_method',
  ST205: 'allow_header_conformance',
  ST301: 'use_after_free',
  ST302: 'ensure_resource_availability',
  ST401: 'ignored_auth',
  ST402: 'object_level_authorization',
};

/** The failure blocks of the FAILURES section: the operation (or `Stateful tests`) and each failure code. */
export function failureBlocks(text) {
  const start = text.indexOf('= FAILURES =');
  const end = text.indexOf('= WARNINGS =') > start ? text.indexOf('= WARNINGS =') : text.indexOf('= SUMMARY =');
  if (start < 0) return [];
  const out = [];
  let operation = '';
  for (const line of text.slice(start, end).split('\n')) {
    const head = /^_{3,} (.+?) _{3,}$/.exec(line);
    if (head) operation = head[1];
    const f = /^- (ST\d{3}) /.exec(line);
    if (f && operation) out.push({ operation, code: f[1], check: CHECK_OF_CODE[f[1]] ?? 'custom' });
  }
  return out;
}

export function parseRun(text) {
  const summary = text.slice(text.lastIndexOf('SUMMARY'));
  const num = (re) => Number(re.exec(summary)?.[1] ?? 0);
  const failures = [];
  const block = /Failures:\n([\s\S]*?)\n\n/.exec(summary)?.[1] ?? '';
  for (const m of block.matchAll(/(ST\d{3}) (.+?): (\d+)/g)) {
    failures.push({ code: m[1], check: CHECK_OF_CODE[m[1]] ?? 'custom', title: m[2], count: Number(m[3]) });
  }
  const errors = /Errors:\n([\s\S]*?)\n\n/.exec(summary)?.[1]?.trim();
  const phases = {};
  for (const m of summary.matchAll(/^\s+(\S+)\s+(Examples|Coverage|Fuzzing|Stateful)\b(.*)$/gm)) phases[m[2].toLowerCase()] = `${m[1]}${m[3]}`.trim();
  return {
    known: num(/Known failures: (\d+)/),
    blocks: failureBlocks(text),
    selected: /Selected: (\d+\/\d+)/.exec(summary)?.[1] ?? '?',
    tested: num(/Tested: (\d+)/),
    generated: num(/(\d+) generated/),
    uniqueFailures: failures.reduce((n, f) => n + f.count, 0),
    failures,
    phases,
    ...(errors ? { errors } : {}),
  };
}

function main() {
  const [dir, ...specs] = process.argv.slice(2);
  if (!dir || !specs.length) throw new Error('usage: node scripts/schemathesis-summary.mjs DIR SPEC...');
  const runs = {};
  for (const spec of specs) {
    const file = path.join(dir, `${spec}.txt`);
    runs[spec] = existsSync(file) ? parseRun(readFileSync(file, 'utf8')) : { missing: true };
  }
  const logFile = path.join(dir, 'emulator-log.json');
  const log = existsSync(logFile) ? JSON.parse(readFileSync(logFile, 'utf8') || '[]') : [];
  const serverErrors = log.filter((e) => e.status >= 500);
  const byRoute = {};
  for (const e of serverErrors) byRoute[`${e.method} ${e.route}`] = (byRoute[`${e.method} ${e.route}`] ?? 0) + 1;
  const emulator = { requests: log.length, serverErrors: serverErrors.length, serverErrorsByRoute: byRoute };
  const byCheck = {};
  for (const r of Object.values(runs)) for (const f of r.failures ?? []) byCheck[f.check] = (byCheck[f.check] ?? 0) + f.count;
  // Each reported failure against the accepted ones (by operation and check; a stateful failure by check).
  const baselineFile = process.env.SCHEMATHESIS_BASELINE_FILE;
  const accepted = baselineFile && existsSync(baselineFile) ? JSON.parse(readFileSync(baselineFile, 'utf8')).entries : undefined;
  const unaccepted = [];
  if (accepted) {
    for (const r of Object.values(runs)) {
      for (const b of r.blocks ?? []) {
        const ok = accepted.some((e) => e.check === b.check && (e.operation === b.operation || b.operation === 'Stateful tests'));
        if (!ok) unaccepted.push(b);
      }
    }
  }
  const summary = { runs, byCheck, emulator, ...(accepted ? { unaccepted } : {}) };
  writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  const out = ['== schemathesis figures'];
  for (const [spec, r] of Object.entries(runs)) {
    if (r.missing) {
      out.push(`${spec}: no output`);
      continue;
    }
    out.push(
      `${spec}: ${r.tested} operations tested (${r.selected} selected), ${r.generated} cases generated, ${r.uniqueFailures} unique failures reported${r.known ? `, ${r.known} known failures matched the baseline` : ''}`,
    );
    for (const [phase, status] of Object.entries(r.phases)) out.push(`  phase ${phase}: ${status}`);
    for (const f of r.failures) out.push(`  ${f.check}: ${f.count} (${f.code} ${f.title})`);
    if (r.errors) out.push(`  errors: ${r.errors.replace(/\s+/g, ' ')}`);
  }
  out.push(`by check: ${Object.entries(byCheck).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  if (accepted) out.push(`against ${baselineFile}: ${unaccepted.length ? `${unaccepted.length} failures not accepted: ${unaccepted.map((b) => `${b.operation} ${b.check}`).join('; ')}` : 'every reported failure is an accepted one'}`);
  out.push(`emulator: ${emulator.requests} requests answered, ${emulator.serverErrors} with a 5xx status${serverErrors.length ? ` (${Object.entries(byRoute).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
  console.log(out.join('\n'));
  const errored = Object.values(runs).some((r) => r.missing || r.errors);
  if (serverErrors.length || unaccepted.length || errored) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
