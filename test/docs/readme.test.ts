/**
 * README.md stays true: its manifest reference is the one generated from the schema, and it shows
 * the setup commands.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderManifestReference } from '../../src/docs/manifest-reference.js';
import { REPO } from '../helpers/cli.js';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const schema = JSON.parse(readFileSync(path.join(REPO, 'schemas/manifest.schema.json'), 'utf8')) as Record<string, unknown>;

describe('README.md', () => {
  it('holds the manifest reference generated from the schema (run `npm run docs` if this fails)', () => {
    expect(readme).toContain(renderManifestReference(schema));
  });

  it('documents every field of every resource in the schema', () => {
    const defs = schema.$defs as Record<string, { properties?: Record<string, unknown> }>;
    for (const def of ['VectorStore', 'FileSet', 'Assistant', 'Foundry', 'Environment']) {
      for (const field of Object.keys(defs[def]!.properties ?? {})) {
        expect(readme, `${def}.${field}`).toContain(`| \`${field}\` |`);
      }
    }
  });

  it('shows the two setup commands', () => {
    expect(readme).toMatch(/npm ci[\s\S]*npm test/);
  });
});

describe('README.md CLI reference', () => {
  it('is the one generated from the program (run `npm run docs` if this fails)', async () => {
    const { buildProgram } = await import('../../src/cli/main.js');
    const { renderCliReference } = await import('../../src/docs/cli-reference.js');
    expect(readme).toContain(renderCliReference(buildProgram()));
  });

  it('lists every command and every flag that --help prints', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z]+) (?:\[options\]|<|\[)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(["validate", "plan", "apply", "destroy", "import", "pull", "codegen", "init", "completion", "emulator"]));
    const section = readme.slice(readme.indexOf('<!-- cli-reference:start'), readme.indexOf('<!-- cli-reference:end'));
    const flagsOf = (help: string) => [...help.matchAll(/^ {2}(-[-\w]*(?:, --[-\w]+)?)/gm)].map((m) => m[1]!);
    for (const flag of flagsOf(top.stdout).filter((f) => f !== "-h, --help")) expect(section, `global ${flag}`).toContain(`\`${flag}`);
    for (const c of commands) {
      const help = runCli([c, '--help']);
      expect(help.code, c).toBe(0);
      expect(section, c).toContain(`### \`${c}\``);
      const own = section.slice(section.indexOf(`### \`${c}\``)).split('\n### ')[0]!;
      for (const flag of flagsOf(help.stdout)) {
        if (flag === '-h, --help') continue;
        expect(own, `${c} ${flag}`).toContain(`\`${flag}`);
      }
    }
  });
});
