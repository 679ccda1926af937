/**
 * Expands a manifest's file list: paths and glob patterns relative to the manifest, `!` patterns
 * excluding, matches sorted and measured. A pattern that escapes the root or matches nothing is an
 * error at the pattern's line.
 */
import { statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import type { Problem } from '../errors.js';
import type { LocalFile } from './desired.js';
import type { Expansion, PatternAt } from './glob-types.js';
import { escapesLexically, isInside, toPosixRelative } from './paths.js';
import type { Root } from './paths.js';
import { expandOnWorker, statFiles } from './stat-files.js';

export type { Expansion, PatternAt } from './glob-types.js';

/** What the steps of one expansion share: the files found so far, by root-relative path. */
interface Found {
  root: Root;
  baseDir: string;
  problems: Problem[];
  byPath: Map<string, LocalFile>;
  /** For each file path, the pattern that first matched it. */
  matchedBy: Map<string, PatternAt>;
}

/**
 * `offThread`: on the stat worker (stat-files.ts) when there is one, for plan, apply and destroy,
 * which read the account on this thread meanwhile; the same answer either way.
 */
export async function expandGlobs(root: Root, baseDir: string, patterns: PatternAt[], options: { offThread?: boolean } = {}): Promise<Expansion> {
  return (options.offThread ? await expandOnWorker(root, baseDir, patterns) : undefined) ?? expandHere(root, baseDir, patterns);
}

/** expandGlobs on this thread. */
export async function expandHere(root: Root, baseDir: string, patterns: PatternAt[]): Promise<Expansion> {
  const found: Found = { root, baseDir, problems: [], byPath: new Map(), matchedBy: new Map() };
  const inside = patternsInside(found, patterns);
  const positives = inside.filter((p) => !p.pattern.startsWith('!'));
  const ignore = inside.filter((p) => p.pattern.startsWith('!')).map((p) => p.pattern.slice(1));
  for (const p of positives) await matchPattern(found, p, ignore);
  await dropSymlinkLoops(found);
  const all = [...found.byPath.values()];
  const symlinked = new Set<string>();
  const unreadable = await measure(all, symlinked);
  for (const { file, code } of unreadable) {
    found.byPath.delete(file.path);
    const p = found.matchedBy.get(file.path)!;
    found.problems.push({
      path: p.path,
      loc: p.loc,
      message:
        code === 'ELOOP'
          ? `"${file.path}" (matched by "${p.pattern}") is a symlink that points back to itself; remove it or point it at a file`
          : `"${file.path}" (matched by "${p.pattern}") cannot be read (${code}); check the file or exclude it with a "!" pattern`,
    });
  }
  if (!root.allowOutside) await dropOutside(found, all, symlinked);
  const unread = new Set(unreadable.map((u) => u.file));
  const files = [...found.byPath.values()].filter((f) => !unread.has(f)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, matchedBy: found.matchedBy, problems: found.problems };
}

/** The patterns that stay inside the root (all of them with allowOutside); the others are problems. */
function patternsInside(found: Found, patterns: PatternAt[]): PatternAt[] {
  const { root, baseDir } = found;
  const inside: PatternAt[] = [];
  for (const p of patterns) {
    const bare = p.pattern.startsWith('!') ? p.pattern.slice(1) : p.pattern;
    if (!root.allowOutside && escapesLexically(root, baseDir, bare)) {
      found.problems.push({
        path: p.path,
        loc: p.loc,
        message: `"${p.pattern}" points outside the manifest folder (${root.dir}); move the files inside it, or pass --allow-outside-root`,
      });
    } else {
      inside.push(p);
    }
  }
  return inside;
}

/** Adds the files one pattern matches (less the `ignore` ones); matching nothing is a problem. */
async function matchPattern(found: Found, p: PatternAt, ignore: string[]): Promise<void> {
  const { root, baseDir } = found;
  const options = { cwd: baseDir, onlyFiles: true, followSymbolicLinks: true, dot: false, unique: true };
  let entries: string[];
  try {
    entries = await fg(p.pattern, { ...options, ignore });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const where = e.path ? `"${toPosixRelative(root, e.path)}"` : 'a file or folder it reaches';
    found.problems.push({
      path: p.path,
      loc: p.loc,
      message:
        e.code === 'ELOOP'
          ? `"${p.pattern}" reaches ${where}, a symlink that points back to itself; remove it or point it at a real file or folder`
          : `"${p.pattern}" cannot be read: ${where} answered ${e.code ?? e.message}; check its permissions or exclude it with a "!" pattern`,
    });
    return;
  }
  if (entries.length === 0) {
    found.problems.push({ path: p.path, loc: p.loc, message: await emptyMessage(p.pattern, baseDir, ignore.length > 0, options) });
    return;
  }
  for (const entry of entries) {
    const abs = path.resolve(baseDir, entry);
    const rel = toPosixRelative(root, abs);
    if (found.byPath.has(rel)) continue;
    found.byPath.set(rel, { path: rel, abs, size: 0, mtimeMs: 0, ino: 0 });
    found.matchedBy.set(rel, p);
  }
}

/** Drops every file reached through a folder symlink loop; the loop is reported once, at the first pattern that entered it. */
async function dropSymlinkLoops(found: Found): Promise<void> {
  const { root, byPath, matchedBy } = found;
  for (const loop of await symlinkLoops(found.baseDir, [...byPath.keys()].map((rel) => byPath.get(rel)!.abs))) {
    const through = [...byPath.values()].filter((f) => isInside(loop.link, f.abs));
    const p = matchedBy.get(through[0]!.path)!;
    for (const f of through) byPath.delete(f.path);
    found.problems.push({
      path: p.path,
      loc: p.loc,
      message: `"${toPosixRelative(root, loop.link)}" is a symlink to "${toPosixRelative(root, loop.target) || '.'}", a folder that contains it, so "${p.pattern}" would match the same files again and again; remove the link, or exclude it with "!${toPosixRelative(root, loop.link)}/**"`,
    });
  }
}

/**
 * Drops the files outside the root: a symlink pointing out, or a file in a folder that resolves
 * outside. A folder's real path is looked up once; a file in a folder inside the root is inside.
 */
async function dropOutside(found: Found, all: LocalFile[], symlinked: Set<string>): Promise<void> {
  const byDir = new Map<string, LocalFile[]>();
  const links: LocalFile[] = [];
  for (const f of all) {
    if (symlinked.has(f.path)) {
      links.push(f);
      continue;
    }
    const dir = path.dirname(f.abs);
    const same = byDir.get(dir);
    if (same) same.push(f);
    else byDir.set(dir, [f]);
  }
  const outside: { file: string; p: PatternAt }[] = [];
  const out = (f: LocalFile) => outside.push({ file: f.path, p: found.matchedBy.get(f.path)! });
  await Promise.all([
    ...[...byDir].map(async ([dir, files]) => {
      const real = await realpath(dir).catch(() => dir);
      if (isInside(found.root.real, real)) return;
      for (const f of files) if (!isInside(found.root.real, path.join(real, path.basename(f.abs)))) out(f);
    }),
    ...links.map(async (f) => {
      if (!isInside(found.root.real, await realpath(f.abs).catch(() => f.abs))) out(f);
    }),
  ]);
  for (const { file, p } of outside.sort((a, b) => (a.file < b.file ? -1 : 1))) {
    found.byPath.delete(file);
    found.problems.push({
      path: p.path,
      loc: p.loc,
      message: `"${file}" (matched by "${p.pattern}") is a symlink to a file outside the manifest folder; copy the file in, or pass --allow-outside-root`,
    });
  }
}

/**
 * Fills size, mtime and inode (of the target, for symlinks, which it notes): stat-files.ts, not
 * through the thread pool (100,000 lstat calls cost seconds of promise overhead that way), and a
 * large batch on a thread of its own.
 */
async function measure(files: LocalFile[], symlinked: Set<string>): Promise<{ file: LocalFile; code: string }[]> {
  const unreadable: { file: LocalFile; code: string }[] = [];
  const measured = await statFiles(files.map((f) => f.abs));
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const m = measured[i]!;
    if (typeof m === 'string') {
      unreadable.push({ file: f, code: m });
      continue;
    }
    if (m.symlink) symlinked.add(f.path);
    f.size = m.size;
    f.mtimeMs = m.mtimeMs;
    f.ino = m.ino;
  }
  return unreadable;
}

/**
 * Folder symlinks that point at a folder containing them (`docs/up -> ..`): the glob follows them
 * until the system's link limit and returns the same files under ever longer paths. A folder on a
 * file's path is inside such a loop when two of the path's folders resolve to the same real folder;
 * the link is the later of the first two that do. Real paths are looked up once per folder.
 */
async function symlinkLoops(baseDir: string, files: string[]): Promise<{ link: string; target: string }[]> {
  const real = new Map<string, Promise<string>>();
  const realOf = (dir: string) => {
    let found = real.get(dir);
    if (!found) real.set(dir, (found = realpath(dir).catch(() => dir)));
    return found;
  };
  const loops = new Map<string, string>();
  const seenDirs = new Set<string>();
  for (const file of files) {
    const dir = path.dirname(file);
    if (seenDirs.has(dir) || [...loops.keys()].some((link) => isInside(link, dir))) continue;
    seenDirs.add(dir);
    const rel = path.relative(baseDir, dir);
    if (rel === '' || rel.startsWith('..')) continue;
    const chain = [baseDir];
    for (const part of rel.split(path.sep)) chain.push(path.join(chain[chain.length - 1]!, part));
    const reals = await Promise.all(chain.map(realOf));
    const firstAt = new Map<string, number>();
    for (let i = 0; i < reals.length; i++) {
      const j = firstAt.get(reals[i]!);
      if (j !== undefined) {
        loops.set(chain[i]!, chain[j]!);
        break;
      }
      firstAt.set(reals[i]!, i);
    }
  }
  return [...loops].map(([link, target]) => ({ link, target }));
}

async function emptyMessage(
  pattern: string,
  baseDir: string,
  hasIgnores: boolean,
  options: fg.Options,
): Promise<string> {
  if (!fg.isDynamicPattern(pattern)) {
    try {
      if (statSync(path.resolve(baseDir, pattern)).isDirectory()) {
        return `"${pattern}" is a folder; name its files with a pattern such as "${pattern.replace(/\/$/, '')}/**/*.md"`;
      }
    } catch {
      return `file not found: "${pattern}" (paths are relative to the manifest's folder, ${baseDir})`;
    }
  }
  if (hasIgnores && (await fg(pattern, options)).length > 0) {
    return `every file "${pattern}" matches is excluded by a "!" pattern; remove the pattern or narrow the exclusion`;
  }
  return `"${pattern}" matches no files (hidden files and folders need a pattern that names them, e.g. ".well-known/**")`;
}
