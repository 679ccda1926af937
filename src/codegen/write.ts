/**
 * Writes a generated package to disk safely: never overwrites a file it did not write (one without
 * the generated mark), rewrites only files whose content changed, removes its own files that the
 * manifest no longer produces, and treats handlers.py as the user's: written once, later only
 * appended with stubs for new function tools.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { GENERATED_MARK, type GeneratedPackage } from './python/generate.js';

export interface WriteReport {
  written: string[];
  unchanged: string[];
  removed: string[];
  /** handlers.py: created, or the stubs appended to it. */
  handlers: { created: boolean; appended: string[] };
}

function ours(content: string): boolean {
  return content.slice(0, 600).includes(GENERATED_MARK);
}

function writeAtomic(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

export function writePackage(outDir: string, pkg: GeneratedPackage): WriteReport {
  const report: WriteReport = { written: [], unchanged: [], removed: [], handlers: { created: false, appended: [] } };
  // Check everything before writing anything.
  for (const [rel, content] of pkg.files) {
    const abs = path.join(outDir, rel);
    if (!existsSync(abs)) continue;
    const old = readFileSync(abs, 'utf8');
    if (old !== content && old !== '' && !ours(old)) {
      throw new UserError(
        `refusing to overwrite ${abs}: it was not written by assistants-deploy codegen`,
        'move it away, or choose another output folder with -o',
      );
    }
  }
  for (const [rel, content] of pkg.files) {
    const abs = path.join(outDir, rel);
    if (existsSync(abs) && readFileSync(abs, 'utf8') === content) {
      report.unchanged.push(rel);
      continue;
    }
    writeAtomic(abs, content);
    report.written.push(rel);
  }
  // Generated modules the manifest no longer produces (an assistant removed or renamed).
  const pkgDir = path.join(outDir, path.dirname(pkg.handlers.path));
  for (const name of readdirSync(pkgDir).sort()) {
    const rel = path.posix.join(path.dirname(pkg.handlers.path), name);
    if (!name.endsWith('.py') || pkg.files.has(rel) || rel === pkg.handlers.path) continue;
    const abs = path.join(pkgDir, name);
    if (ours(readFileSync(abs, 'utf8'))) {
      rmSync(abs);
      report.removed.push(rel);
    }
  }
  // handlers.py belongs to the developer.
  const handlersAbs = path.join(outDir, pkg.handlers.path);
  if (!existsSync(handlersAbs)) {
    if (pkg.handlers.stubs.length) {
      writeAtomic(handlersAbs, pkg.handlers.scaffold);
      report.handlers.created = true;
    }
  } else {
    const text = readFileSync(handlersAbs, 'utf8');
    const missing = pkg.handlers.stubs.filter((s) => !new RegExp(`^def ${s.name}\\(`, 'm').test(text));
    if (missing.length) {
      const base = text.endsWith('\n') ? text : `${text}\n`;
      writeAtomic(handlersAbs, `${base}${missing.map((s) => `\n\n${s.text}\n`).join('')}`);
      report.handlers.appended = missing.map((s) => s.name);
    }
  }
  return report;
}
