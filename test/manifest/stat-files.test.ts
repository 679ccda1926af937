/**
 * The size, mtime and inode of the files a manifest names (what the hash cache is keyed by) come
 * from a worker thread for a large batch (src/manifest/stat-files.ts): the same answers as lstat
 * and stat on this thread, symlinks, dangling links, loops and missing files included, and the
 * same located problems from the CLI for a store of thousands of files.
 */
import { lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
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
