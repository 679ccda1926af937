/**
 * A compiled copy of src/ for tests that run the emulator in a child process (restart, schemathesis):
 * tsc into node_modules/.cache, once per test process. Type errors elsewhere in the tree do not stop
 * the emit; a missing output does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let built: string | undefined;

export function buildForChild(): string {
  if (built) return built;
  const out = path.join(repoRoot, 'node_modules', '.cache', 'assistants-deploy-emulator-test', String(process.pid));
  mkdirSync(out, { recursive: true });
  const tsc = path.join(repoRoot, 'node_modules', '.bin', 'tsc');
  try {
    execFileSync(tsc, ['-p', path.join(repoRoot, 'tsconfig.json'), '--outDir', out, '--noEmit', 'false'], { cwd: repoRoot, stdio: 'pipe' });
  } catch {
    // type errors outside the emulator still emit
  }
  const entry = path.join(out, 'cli', 'commands', 'emulator.js');
  if (!existsSync(entry)) throw new Error(`tsc did not produce ${entry}`);
  built = out;
  return out;
}

export const childScript = path.join(repoRoot, 'test', 'helpers', 'emulator-child.mjs');
