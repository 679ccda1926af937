/**
 * The README quickstart, word for word: its command block is read from README.md and run in a
 * fresh copy of the repository (every file git would keep, committed there), one shell, each
 * command's exit code and key output checked. No key, no server started by hand; after its last
 * line nothing it started is still running, and git sees no file it wrote.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, REPO } from '../helpers/cli.js';

function quickstart(): string[] {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf('<!-- quickstart:start -->'), readme.indexOf('<!-- quickstart:end -->'));
  const body = /```sh\n([\s\S]*?)```/.exec(block)?.[1];
  if (!body) throw new Error('README.md has no quickstart block');
  return body.split('\n').filter((l) => l.trim() !== '');
}

/** A fresh copy: the files git tracks or would track, nothing it ignores (no node_modules, dist, .venv), committed in a repository of its own. */
function freshCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-quickstart-'));
  const list = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' });
  expect(list.status).toBe(0);
  for (const rel of list.stdout.split('\0').filter(Boolean)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    try {
      copyFileSync(path.join(REPO, rel), path.join(dir, rel));
    } catch {
      // a file deleted in the working tree but still in the index
    }
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=quickstart', '-c', 'user.email=quickstart@example.invalid', 'commit', '-qm', 'fresh copy');
  return dir;
}

/** The pids of a process group still alive (ps lists them by group id). */
function aliveInGroup(pgid: number): string[] {
  const r = spawnSync('ps', ['-eo', 'pgid=,pid=,args='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.split(/\s+/)[0] === String(pgid));
}

interface Block {
  steps: Step[];
  /** Processes of the block's group still alive once its shell had exited. */
  leftRunning: string[];
}

interface Step {
  command: string;
  code: number;
  out: string;
}

function runBlock(lines: string[], cwd: string): Promise<Block> {
  const script = lines
    .map((line, i) =>
      [
        `printf '\\n@@start ${i}\\n'; printf '\\n@@start ${i}\\n' >&2`,
        line,
        'rc=$?',
        `printf '\\n@@end ${i} %d\\n' "$rc"; printf '\\n@@end ${i}\\n' >&2`,
        '[ "$rc" -eq 0 ] || exit "$rc"',
      ].join('\n'),
    )
    .join('\n');
  return new Promise((resolve, reject) => {
    const env = cliEnv({ npm_config_yes: 'true' });
    for (const k of Object.keys(env)) if (k.startsWith('npm_') && k !== 'npm_config_yes') delete env[k];
    // its own process group, so whatever the block started in the background is stopped with it
    const child = spawn('bash', ['--noprofile', '--norc', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killGroup, 600_000);
    let leftRunning: string[] = [];
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      leftRunning = aliveInGroup(child.pid!);
      killGroup();
    });
    child.on('close', () => {
      const steps: Step[] = lines.map((command, i) => {
        const start = out.indexOf(`@@start ${i}\n`);
        const endMatch = new RegExp(`@@end ${i} (\\d+)\\n`).exec(out);
        const code = endMatch ? Number(endMatch[1]) : -1;
        const text = start >= 0 ? out.slice(start, endMatch ? endMatch.index : undefined) : '';
        return { command, code, out: text };
      });
      resolve({ steps, leftRunning });
    });
  });
}

describe('README quickstart', () => {
  it('runs word for word in a fresh copy of the repository', { timeout: 900_000 }, async () => {
    const lines = quickstart();
    expect(lines[0]).toBe('npm ci');
    const dir = freshCopy();
    const { steps, leftRunning } = await runBlock(lines, dir);
    const find = (prefix: string) => {
      const s = steps.find((x) => x.command.startsWith(prefix));
      if (!s) throw new Error(`the quickstart has no command starting with "${prefix}"`);
      return s;
    };
    for (const s of steps) expect(s.code, `${s.command}\n${s.out.slice(-3000)}`).toBe(0);

    const apply = find('npx assistants-deploy apply');
    expect(apply.out).toContain('# vector_store.product-docs will be created');
    expect(apply.out).toContain('# assistant.support will be created');
    expect(apply.out).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed. Files: 6 uploaded, 6 attached.');
    expect(find('npx assistants-deploy plan').out).toContain('No changes. The account matches the manifest.');
    expect(find('npx assistants-deploy codegen').out).toContain('Python client for deployment "support-bot"');
    const answer = find('PYTHONPATH=support-bot-client');
    expect(answer.out).toMatch(/refund/i);
    // the cited help-center article by its path in the manifest, and a readable marker in the answer
    expect(answer.out).toMatch(/^cited: \[1\] docs\/[\w/-]+\.md$/m);
    expect(answer.out).toContain('[1]');
    expect(answer.out).not.toMatch(/[\u3010\u3011]/);

    expect(leftRunning, 'processes the quickstart left running').toEqual([]);
    const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8' });
    expect(status.stdout, 'files the quickstart wrote that git does not ignore').toBe('');
  });
});
