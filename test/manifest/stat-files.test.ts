/**
 * The size, mtime and inode of the files a manifest names (what the hash cache is keyed by) come
 * from a worker thread for a large batch (src/manifest/stat-files.ts): the same answers as lstat
 * and stat on this thread, symlinks, dangling links, loops and missing files included, and the
 * same located problems from the CLI for a store of thousands of files. The hash cache's look-ups
 * go to the same worker for thousands of files: the same counts and digests as a plan that hashes
 * everything, before and after some files change.
 */
import { lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startAccount, type Account } from '../helpers/deploy.js';
import { statFiles as statHere } from '../../src/manifest/stat-files.js';
import { REPO, runCli, tempProject } from '../helpers/cli.js';

const N = 2500;

function tree(n = N): { dir: string; paths: string[] } {
  const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: st\nvector_stores:\n  docs:\n    files: ["docs/**/*.md"]\n' });
  mkdirSync(path.join(dir, 'docs', 'a'), { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = path.join(dir, 'docs', i % 2 ? 'a' : '', `f${i}.md`);
    writeFileSync(p, `# ${i}\n${'x'.repeat(i % 97)}\n`);
    paths.push(p);
  }
  symlinkSync(path.join(dir, 'docs', 'f0.md'), path.join(dir, 'docs', 'link.md'));
  symlinkSync(path.join(dir, 'docs', 'gone.md'), path.join(dir, 'docs', 'dangling.md'));
  symlinkSync('loop.md', path.join(dir, 'docs', 'loop.md'));
  paths.push(path.join(dir, 'docs', 'link.md'), path.join(dir, 'docs', 'dangling.md'), path.join(dir, 'docs', 'loop.md'), path.join(dir, 'docs', 'missing.md'));
  return { dir, paths };
}

/** What lstat, and stat for a symlink, say here. */
function expected(p: string) {
  try {
    let st = lstatSync(p);
    const symlink = st.isSymbolicLink();
    if (symlink) st = statSync(p);
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, symlink };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

describe('statFiles', () => {
  it('a large batch on the worker thread answers as lstat and stat do here', async () => {
    const { paths } = tree();
    const built = (await import(pathToFileURL(path.join(REPO, 'dist', 'manifest', 'stat-files.js')).href)) as typeof import('../../src/manifest/stat-files.js');
    const before = built.workerBatches.count;
    const viaWorker = await built.statFiles(paths);
    expect(built.workerBatches.count, 'the batch went to the worker').toBe(before + 1);
    const want = paths.map(expected);
    expect(viaWorker).toEqual(want);
    expect(await statHere(paths)).toEqual(want);
    expect(want.slice(-4)).toEqual([expect.objectContaining({ symlink: true, size: 5 }), 'ENOENT', 'ELOOP', 'ENOENT']);
    // two batches at once, and a small one on this thread
    const [a, b, small] = await Promise.all([built.statFiles(paths.slice(0, 2100)), built.statFiles(paths.slice(400)), built.statFiles(paths.slice(0, 10))]);
    expect([a, b, small]).toEqual([want.slice(0, 2100), want.slice(400), want.slice(0, 10)]);
    expect(built.workerBatches.count).toBe(before + 3);
  });

  it('the CLI reports the same problems for links among thousands of files as among a few', () => {
    const run = (n: number) => {
      const { dir } = tree(n);
      symlinkSync(path.join(REPO, 'package.json'), path.join(dir, 'docs', 'out.md'));
      return runCli(['validate'], { cwd: dir });
    };
    const many = run(N);
    const few = run(10);
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(/^assistants\.yaml:5:13: vector_stores\.docs\.files\[0\]: "docs\/out\.md" \(matched by "docs\/\*\*\/\*\.md"\) is a symlink to a file outside the manifest folder/);
    expect(many.stderr).toBe(few.stderr);
  });
});

describe('globs expanded on the worker (plan, apply and destroy)', () => {
  /** A tree with every case the expansion handles: links in and out, a folder loop, a dangling link, an excluded file, a pattern that matches nothing. */
  function tricky(): { dir: string; patterns: string[] } {
    const { dir } = tree(600);
    symlinkSync(path.join(REPO, 'package.json'), path.join(dir, 'docs', 'out.md'));
    symlinkSync('..', path.join(dir, 'docs', 'a', 'up'));
    writeFileSync(path.join(dir, 'docs', 'skip.md'), 'skipped\n');
    return { dir, patterns: ['docs/**/*.md', '!docs/skip.md', 'docs/nothing-*.md', 'docs/a/f1.md'] };
  }

  it('the same files, sizes, patterns and problems as on this thread', async () => {
    const { dir, patterns } = tricky();
    const globs = (await import(pathToFileURL(path.join(REPO, 'dist', 'manifest', 'globs.js')).href)) as typeof import('../../src/manifest/globs.js');
    const files = (await import(pathToFileURL(path.join(REPO, 'dist', 'manifest', 'stat-files.js')).href)) as typeof import('../../src/manifest/stat-files.js');
    const { makeRoot } = await import('../../src/manifest/paths.js');
    const root = makeRoot(dir, false);
    const list = patterns.map((pattern, i) => ({ pattern, path: `vector_stores.docs.files[${i}]`, loc: { file: 'assistants.yaml', line: 5 + i, col: 7 } }));
    const before = files.workerBatches.count;
    const far = await globs.expandGlobs(root, dir, list, { offThread: true });
    expect(files.workerBatches.count, 'the expansion went to the worker').toBe(before + 1);
    const here = await globs.expandHere(root, dir, list);
    expect(far.files).toEqual(here.files);
    expect(far.problems).toEqual(here.problems);
    expect(Object.fromEntries(far.matchedBy)).toEqual(Object.fromEntries([...here.matchedBy].filter(([p]) => here.files.some((f) => f.path === p))));
    // the patterns are the caller's own objects, as on this thread
    expect(far.matchedBy.get('docs/a/f1.md')).toBe(list[0]);
    expect(here.files.length).toBeGreaterThan(590);
    expect(here.problems.map((p) => p.message.split(' ')[0]).sort()).toEqual(['"docs/a/up"', '"docs/nothing-*.md"', '"docs/out.md"']);
  });

  it('plan reports what validate reports for the same tree, before anything is read', async () => {
    const { dir, patterns } = tricky();
    writeFileSync(path.join(dir, 'assistants.yaml'), `version: 1\ndeployment: st\nvector_stores:\n  docs:\n    files: ${JSON.stringify(patterns)}\n`);
    const account = await startAccount();
    try {
      const validated = runCli(['validate'], { cwd: dir });
      const planned = await account.cli(['plan'], { cwd: dir });
      expect(validated.code).toBe(1);
      expect(planned.code).toBe(1);
      const problems = (text: string) => text.split('\n').filter((l) => l.startsWith('assistants.yaml:'));
      expect(problems(planned.stderr).length).toBe(3);
      expect(problems(planned.stderr)).toEqual(problems(validated.stderr));
      expect(account.emu.log.filter((e) => e.method !== 'GET')).toEqual([]);
    } finally {
      await account.close();
    }
  });
});

describe('the hash cache, looked up on the worker for thousands of files', () => {
  let account: Account;
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(async () => account.close());

  /** The plan as JSON without the time it was made, and the hash line's counts. */
  async function plan(dir: string) {
    const r = await account.cli(['plan', '--format', 'json'], { cwd: dir, env: { ASSISTANTS_DEPLOY_TIMINGS: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const counts = /timing: hash \d+ ms \((\d+) hashed, (\d+) from the cache/.exec(r.stderr);
    expect(counts, r.stderr).not.toBeNull();
    const { created_at: _at, ...rest } = JSON.parse(r.stdout) as Record<string, unknown>;
    return { plan: rest, hashed: Number(counts![1]), cached: Number(counts![2]) };
  }

  for (const n of [N, 10]) {
    it(`${n} files: all hashed, then all from the cache, then only the changed ones; the plans as without a cache`, async () => {
      const { dir, paths } = tree(n);
      for (const link of ['link.md', 'dangling.md', 'loop.md']) rmSync(path.join(dir, 'docs', link));
      const first = await plan(dir);
      expect([first.hashed, first.cached]).toEqual([n, 0]);
      const second = await plan(dir);
      expect([second.hashed, second.cached]).toEqual([0, n]);
      expect(second.plan).toEqual(first.plan);
      for (const p of paths.slice(0, 3)) writeFileSync(p, `# changed ${p}\n`);
      const third = await plan(dir);
      expect([third.hashed, third.cached]).toEqual([3, n - 3]);
      rmSync(path.join(dir, '.assistants-deploy'), { recursive: true });
      const fresh = await plan(dir);
      expect([fresh.hashed, fresh.cached]).toEqual([n, 0]);
      expect(third.plan).toEqual(fresh.plan);
      expect(JSON.stringify(third.plan)).not.toBe(JSON.stringify(first.plan));
    }, 120_000);
  }
});
