/**
 * Paths named by a manifest: relative to the manifest file that names them, and kept inside the
 * manifest root (symlinks included) unless the user allows otherwise.
 */
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';

export interface Root {
  /** Absolute manifest root as given. */
  dir: string;
  /** The same with symlinks resolved, for containment checks. */
  real: string;
  allowOutside: boolean;
}

export function makeRoot(dir: string, allowOutside: boolean): Root {
  const abs = path.resolve(dir);
  let real = abs;
  try {
    real = realpathSync.native(abs);
  } catch {
    // a missing root is reported when its files are read
  }
  return { dir: abs, real, allowOutside };
}

export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Root-relative path with forward slashes, as stored in file attributes. */
export function toPosixRelative(root: Root, abs: string): string {
  // the common case, a path under the root, without path.relative's normalising
  const prefix = root.dir.endsWith(path.sep) ? root.dir : root.dir + path.sep;
  const rel = abs.startsWith(prefix) && !abs.includes(`${path.sep}..`) ? abs.slice(prefix.length) : path.relative(root.dir, abs);
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}

/** Whether a path written in the manifest leaves the root before any file is touched. */
export function escapesLexically(root: Root, baseDir: string, written: string): boolean {
  if (path.isAbsolute(written)) return !isInside(root.dir, path.normalize(written));
  return !isInside(root.dir, path.resolve(baseDir, written));
}

/** Whether the real location of a file (after symlinks) lies outside the root. */
export async function escapesReally(root: Root, abs: string): Promise<boolean> {
  try {
    return !isInside(root.real, await realpath(abs));
  } catch {
    return false;
  }
}

/** Display form of a path for messages: relative to the working directory when inside it. */
export function displayFile(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}
