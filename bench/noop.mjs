#!/usr/bin/env node
// Times the no-op plan of bench/scale.mjs alone, repeatedly, against an account built once:
//   node bench/noop.mjs --size M [--data DIR] [--runs 7] [--latency 50] [--against OTHER_BIN] [--profile DIR] [--log] [--stderr 1]
// The first run writes the project into DIR/project (default: the system's temporary folder,
// ad-noop-SIZE) and applies it into an emulator persisted in DIR/emulator (at L this takes
// minutes); later runs reuse both and only plan. Prints each run's wall time, when the first
// request was sent and the last answered, the CLI's stage timings (ASSISTANTS_DEPLOY_TIMINGS) and
// the medians, next to the critical path scale.mjs computes. --against runs another build's
// bin/assistants-deploy.js in turn with this one (run for run, so both see the same load).
// --log prints every request of each run; --stderr 1 the CLI's own timing lines (heap and CPU per stage). Not part of `npm run bench`: a tool to iterate on the no-op plan.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '../dist/emulator/index.js';
import { BIN, cli, fmt, median, parseArgs, writeProject } from './lib.mjs';
import { SIZES, criticalPath } from './scale.mjs';

const args = parseArgs(process.argv.slice(2));
const name = String(args.size ?? 'M');
const size = SIZES[name];
const latency = Number(args.latency ?? 50);
const runs = Number(args.runs ?? 7);
const data = path.resolve(String(args.data ?? path.join(tmpdir(), `ad-noop-${name}`)));
const project = path.join(data, 'project');
const emuDir = path.join(data, 'emulator');
const bins = [['this', BIN], ...(args.against ? [['other', path.resolve(String(args.against))]] : [])];

const built = existsSync(path.join(data, 'built'));
if (!built) {
  mkdirSync(emuDir, { recursive: true });
  writeProject(project, size);
}
const emu = await startEmulator({ indexingDelayMs: 50, quiet: true, dataDir: emuDir });
const env = { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: 'bench', CI: '1', ASSISTANTS_DEPLOY_TIMINGS: '1' };
try {
  if (!built) {
    console.log(`[${name}] building: first apply of ${size.files} files…`);
    const first = await cli(['apply', '--auto-approve', '--quiet'], project, env);
    if (first.status !== 0) throw new Error(`apply failed: ${first.stderr.slice(-2000)}`);
    console.log(`[${name}] first apply ${fmt.s(first.ms)}`);
    writeFileSync(path.join(data, 'built'), new Date().toISOString());
  }
  emu.setFaults(`latency=${latency}`);
  const crit = criticalPath(size) * latency;
  const results = new Map(bins.map(([label]) => [label, { walls: [], rss: [], stages: {} }]));
  for (let i = 0; i < runs; i++) {
    for (const [label, bin] of bins) {
      const r = results.get(label);
      const from = emu.log.length;
      const profile = args.profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.resolve(String(args.profile), label)}` } : {};
      const t0 = Date.now();
      const plan = await cli(['plan', '--detailed-exitcode'], project, { ...env, ...profile }, { measure: true, bin });
      if (plan.status !== 0) throw new Error(`plan not empty (${plan.status}): ${plan.stdout.slice(0, 1000)}${plan.stderr.slice(-1000)}`);
      const entries = emu.log.slice(from);
      const first = Math.min(...entries.map((e) => e.at - e.ms)) - t0;
      const last = Math.max(...entries.map((e) => e.at)) - t0;
      if (args.log) for (const e of entries) console.log(`  ${String(Math.round(e.at - e.ms - t0)).padStart(5)} +${String(Math.round(e.ms)).padStart(4)} ${e.method} ${e.path}`);
      r.walls.push(plan.ms);
      r.rss.push(plan.rssMb);
      // main-thread CPU at the end of each stage (cpu N ms in the note): steadier than wall times on a shared machine
      const cpu = Object.fromEntries(Object.entries(plan.timings).flatMap(([k, v]) => (/cpu (\d+) ms/.test(v.note) ? [[`${k}Cpu`, Number(/cpu (\d+) ms/.exec(v.note)[1])]] : [])));
      const stages = { firstRequest: first, lastAnswer: last, ...Object.fromEntries(Object.entries(plan.timings).map(([k, v]) => [k, v.ms])), ...cpu };
      for (const [k, v] of Object.entries(stages)) (r.stages[k] ??= []).push(v);
      if (args.stderr) console.log(plan.stderr.split('\n').filter((l) => l.startsWith('timing')).join('\n'));
      const t = Object.entries(stages).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
      console.log(`${label} run ${i + 1}: ${fmt.s(plan.ms)} (${fmt.x(plan.ms / crit)}), ${entries.length} requests, ${fmt.mb(plan.rssMb)}; ${t}`);
    }
  }
  for (const [label, r] of results) {
    const m = median(r.walls);
    console.log(`[${name}] ${label}: median ${fmt.s(m)} = ${fmt.x(m / crit)} of critical ${fmt.s(crit)} (runs ${r.walls.map((w) => (w / 1000).toFixed(2)).join(' ')}), peak memory median ${fmt.mb(median(r.rss))}; stages (median ms): ${Object.entries(r.stages).map(([k, v]) => `${k} ${median(v).toFixed(0)}`).join(', ')}`);
  }
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await emu.close();
}
