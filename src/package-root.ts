/**
 * Where the package's own files are (schemas/, prices/, examples/ci, package.json), found from
 * this module's location whether it runs from dist/ (tsc output), dist/bundle/ (the bundled CLI)
 * or src/ (tests).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function find(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'assistants-deploy') return dir;
      } catch {
        // not ours: keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the assistants-deploy package above ${start}`);
    dir = up;
  }
}

export const PACKAGE_ROOT = find(path.dirname(fileURLToPath(import.meta.url)));

export function packageFile(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}

export const VERSION = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
