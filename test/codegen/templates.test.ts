/**
 * templates/python/ as Python in its own right, before any generate: ruff (as found, ruff's
 * defaults, stricter), ruff format and mypy --strict against every openai environment (and the
 * Foundry one, with the Azure packages the Foundry runtime imports); each
 * template carries the generated mark (the writer's proof that it may replace the file) and no
 * placeholder; the generated _config.py defines exactly the names of its stand-in; and the
 * templates are in the published package.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_MARK, TEMPLATES } from '../../src/codegen/python/generate.js';
import { REPO, runCliAsync } from '../helpers/cli.js';
import { expectMypyClean, expectRuffClean, pythonEnvs, runPython } from '../helpers/python.js';

const DIR = path.join(REPO, 'templates', 'python');

/** Top-level names a module assigns (`NAME = ...` or `NAME: T = ...`). */
function assigned(text: string): string[] {
  return [...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=\n]*)?=/gm)].map((m) => m[1]!).sort();
}

beforeAll(() => {
  pythonEnvs();
}, 900_000);

describe('templates/python', () => {
  it('is ruff-clean (as found, ruff defaults, stricter at py310) and ruff-formatted', async () => {
    await expectRuffClean(DIR);
  }, 120_000);

  for (const env of ['assistants', 'responses', 'floor'] as const) {
    it(`type-checks with mypy --strict against .venv/codegen-${env} (all but the Foundry runtime, whose Azure packages are not there)`, async () => {
      // the folder is a namespace package named `python`, so the relative imports resolve
      await expectMypyClean(path.dirname(DIR), env, ['--exclude', '_runtime_foundry\\.py$', '-p', 'python']);
    }, 300_000);
  }

  it('type-checks with mypy --strict against .venv/foundry (azure-ai-projects, azure-identity, openai), the Foundry runtime included', async () => {
    await expectMypyClean(path.dirname(DIR), 'foundry', ['-p', 'python']);
  }, 300_000);

  it('every template compiles, carries the generated mark near its top and holds no placeholder', async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.py'));
    expect(files.sort()).toEqual(['_common.py', '_config.py', '_runtime_assistants.py', '_runtime_foundry.py', '_runtime_responses.py', '_turns.py']);
    // compile() rather than py_compile, which would leave __pycache__ in the package's folder
    const script = 'import sys\nfor f in sys.argv[1:]:\n    compile(open(f, encoding="utf-8").read(), f, "exec")';
    const compiled = await runPython(pythonEnvs().floor, ['-c', script, ...files.map((f) => path.join(DIR, f))], { cwd: DIR });
    expect(compiled, compiled.stderr).toMatchObject({ code: 0, stderr: '' });
    for (const name of new Set(Object.values(TEMPLATES).flatMap((t) => Object.values(t)))) {
      const text = readFileSync(path.join(DIR, name), 'utf8');
      expect(text.slice(0, 600), name).toContain(`${GENERATED_MARK}; do not edit.`);
      expect(text, name).not.toMatch(/__[A-Z][A-Z_]*__|\$\{|\{\{/);
    }
  }, 60_000);

  it('the generated _config.py defines exactly the names of its stand-in, with the manifest values', async () => {
    const standIn = assigned(readFileSync(path.join(DIR, '_config.py'), 'utf8'));
    expect(standIn).toEqual(['DEPLOYMENT']);
    const out = mkdtempSync(path.join(tmpdir(), 'ad-codegen-config-'));
    const r = await runCliAsync(['codegen', 'python', '-f', 'examples/staged-rollout', '--env', 'prod', '-o', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    const config = readFileSync(path.join(out, 'hr_helper_prod', '_config.py'), 'utf8');
    expect(assigned(config)).toEqual(standIn);
    expect(config).toContain('\nDEPLOYMENT = "hr-helper-prod"\n');
  }, 60_000);

  it('is in the published package (package.json files)', () => {
    const files = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { files: string[] }).files;
    expect(files).toContain('templates');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' })) as { files: { path: string }[] }[];
    const paths = packed[0]!.files.map((f) => f.path).filter((p) => p.startsWith('templates/'));
    expect(paths.sort()).toEqual(readdirSync(DIR).sort().map((name) => `templates/python/${name}`));
  }, 60_000);
});
