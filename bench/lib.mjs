// Shared by the benchmarks: running the CLI without blocking this process (so an in-process
// emulator keeps answering), measuring its peak memory, and small helpers.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/assistants-deploy.js');
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    out[argv[i].slice(2)] = next === undefined || next.startsWith('--') ? true : next;
  }
  return out;
}

/**
 * Runs the CLI without blocking this process (the emulator answers from this event loop). With
 * `measure`, GNU time reports the child's peak memory (max RSS, MB) as `rssMb`.
 */
export function cli(argv, cwd, env, { measure = false, bin = BIN } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const command = measure ? '/usr/bin/time' : process.execPath;
    const args = measure ? ['-f', '@@rss %M', process.execPath, bin, ...argv] : [bin, ...argv];
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => {
      const ms = performance.now() - t0;
      const m = /@@rss (\d+)/.exec(stderr);
      resolve({ status, stdout, stderr, ms, rssMb: m ? Number(m[1]) / 1024 : undefined, timings: timingsOf(stderr) });
    });
  });
}

/** Stage timings printed with ASSISTANTS_DEPLOY_TIMINGS=1. */
export function timingsOf(stderr) {
  const out = {};
  for (const m of stderr.matchAll(/^timing: (\w+) (\d+) ms(.*)$/gm)) out[m[1]] = { ms: Number(m[2]), note: m[3].trim() };
  return out;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export const fmt = {
  s: (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`,
  ms: (ms) => `${ms.toFixed(0)} ms`,
  n: (n) => n.toLocaleString('en-US'),
  x: (r) => `${r.toFixed(r < 10 ? 2 : 1)}x`,
  mb: (mb) => (mb === undefined ? 'n/a' : `${mb.toFixed(0)} MB`),
};

export function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * A project of `assistants` assistants spread over `stores` vector stores holding `files` files
 * (small, distinct Markdown documents), as a manifest folder.
 */
export function writeProject(dir, { assistants, stores, files, deployment = 'bench' }) {
  const lines = ['version: 1', `deployment: ${deployment}`, 'vector_stores:'];
  for (let s = 0; s < stores; s++) lines.push(`  kb${s}: { files: ["kb${s}/**/*.md"] }`);
  lines.push('assistants:');
  for (let a = 0; a < assistants; a++) {
    lines.push(`  bot${a}:`, '    model: gpt-4o', `    instructions: "You are bot ${a}. Answer from the knowledge base."`, '    tools: [{ type: file_search }]', `    tool_resources: { file_search: { vector_stores: [kb${a % stores}] } }`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'assistants.yaml'), `${lines.join('\n')}\n`);
  for (let s = 0; s < stores; s++) mkdirSync(path.join(dir, `kb${s}`), { recursive: true });
  const perFolder = 1000;
  for (let f = 0; f < files; f++) {
    const folder = path.join(dir, `kb${f % stores}`, `part${Math.floor(f / stores / perFolder)}`);
    if (Math.floor(f / stores) % perFolder === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `doc${f}.md`), `# Document ${f}\n\nThe content of document number ${f}, with a few words to index.\n`);
  }
  return { file: (f) => path.join(dir, `kb${f % stores}`, `part${Math.floor(f / stores / perFolder)}`, `doc${f}.md`) };
}
