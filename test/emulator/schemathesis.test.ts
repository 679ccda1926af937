/**
 * The outside oracle: Schemathesis (PyPI, in .venv/schemathesis, created on first use by
 * scripts/python-env.sh) runs every operation of openapi.assistants.yaml against a freshly built
 * emulator with a small example budget (scripts/schemathesis.sh; SCHEMATHESIS_MAX_EXAMPLES raises it).
 * It fails on any 5xx, a crash, an undocumented content type, a response that breaks its schema,
 * accepted invalid input, wrong answers to unsupported methods, or accepted bad credentials.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/build.js';

function runScript(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(repoRoot, 'scripts', 'schemathesis.sh')], {
      cwd: repoRoot,
      env: { ...process.env, SCHEMATHESIS_MAX_EXAMPLES: process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('schemathesis', () => {
  it('finds no 5xx, crash or schema-breaking response in any of the 44 operations', async () => {
    const { code, out } = await runScript();
    const summary = out.slice(out.lastIndexOf('SUMMARY'));
    if (code !== 0) console.log(out.slice(-20_000));
    else console.log(summary);
    expect(code).toBe(0);
    expect(summary).toMatch(/Tested: 44\b/);
    expect(summary).toMatch(/\d+ generated, \d+ passed/);
    expect(summary).not.toMatch(/failures?,/);
  }, 900_000);
});
