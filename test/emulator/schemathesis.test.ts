/**
 * The outside oracle: Schemathesis (PyPI, in .venv/schemathesis, created on first use by
 * scripts/python-env.sh) runs every operation of both descriptions (openapi.assistants.yaml and
 * openapi.responses.yaml, the documented deviations applied) against a freshly built, seeded emulator
 * (scripts/schemathesis.sh): every check, all four phases (examples, coverage, fuzzing, stateful), a
 * small example budget (SCHEMATHESIS_MAX_EXAMPLES raises it; scripts/schemathesis-sweep.sh is the large
 * sweep). Here the coverage phase of the three operations whose bodies are the Responses API's big item
 * unions (about 20,000 cases, two minutes) is left to the sweep.
 * It fails on any 5xx (Schemathesis's check and the emulator's own request log), a crash, an internal
 * error, and any failure not in scripts/schemathesis-baseline.json, where each accepted failure
 * carries its reason (docs/API-DEVIATIONS.md, "Schemathesis").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/build.js';

const QUICK_SKIP_COVERAGE = ['POST /responses', 'POST /conversations', 'POST /conversations/{conversation_id}/items'];

function runScript(out: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(repoRoot, 'scripts', 'schemathesis.sh')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        SCHEMATHESIS_MAX_EXAMPLES: process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '5',
        SCHEMATHESIS_SKIP_COVERAGE: process.env.SCHEMATHESIS_SKIP_COVERAGE ?? QUICK_SKIP_COVERAGE.join('|'),
        SCHEMATHESIS_OUT: out,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('close', (code) => resolve({ code, out: text }));
  });
}

interface Summary {
  runs: Record<string, { tested: number; generated: number; uniqueFailures: number; phases: Record<string, string> }>;
  emulator: { requests: number; serverErrors: number };
}

describe('schemathesis', () => {
  it('both descriptions, every check, all four phases: no 5xx, no crash, no failure outside the accepted baseline', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ad-schemathesis-'));
    try {
      const { code, out: text } = await runScript(out);
      const figures = text.slice(text.lastIndexOf('== schemathesis figures'));
      console.log(code === 0 ? figures : text.slice(-30_000));
      const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
      expect(summary.emulator.serverErrors).toBe(0);
      expect(summary.emulator.requests).toBeGreaterThan(1000);
      expect(summary.runs.assistants?.tested).toBe(44);
      expect(summary.runs.responses?.tested).toBe(13);
      for (const run of Object.values(summary.runs)) {
        expect(Object.keys(run.phases).sort()).toEqual(['coverage', 'examples', 'fuzzing', 'stateful']);
        expect(run.generated).toBeGreaterThan(0);
      }
      expect(code).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 900_000);
});
