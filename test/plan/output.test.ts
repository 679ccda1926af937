/**
 * Where output goes (issue 13, README "CLI reference"): results on stdout (the plan in every
 * format, validate's and apply's result line), status and progress on stderr, and with --quiet
 * only the result line and errors. A plan that changes nothing shows its cost in one line; every
 * size is in binary units; the implicit local target is named once.
 */
import { closeSync, openSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';
import { startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

const MANIFEST = [
  'version: 1',
  'deployment: out',
  'vector_stores:',
  '  docs:',
  '    files: ["docs/*.md"]',
  'assistants:',
  '  helper:',
  '    model: gpt-4o',
  '    tools: [{ type: file_search }]',
  '    tool_resources: { file_search: { vector_stores: [docs] } }',
  '',
].join('\n');

const project = () => tempProject({ 'assistants.yaml': MANIFEST, 'docs/a.md': `# A\n\n${'x'.repeat(2046)}\n`, 'docs/b.md': '# B\n' });

/** No size printed in decimal or mixed units. */
const DECIMAL_UNITS = /\b\d+(\.\d+)? ?(KB|MB|GB|kB)\b/;

let account: Account;
beforeAll(async () => {
  account = await startAccount();
});
afterAll(async () => account.close());

describe('where output goes', () => {
  it('plan: the plan on stdout and the status line on stderr, in every format', async () => {
    const dir = project();
    const status = `Target: ${account.emu.url}; deployment "out". Read the account with 4 list requests.\n`;
    const text = await account.cli(['plan'], { cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toBe(status);
    expect(text.stdout).not.toContain('Target:');
    expect(text.stdout).toContain('    + upload docs/a.md (2 KiB)\n');
    expect(text.stdout).toContain('new: 0 B -> 2 KiB (local file sizes)');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('Plan: 2 to add, 0 to change, 0 to destroy. Files: 2 to upload, 2 to attach.');
    const json = await account.cli(['plan', '--format', 'json'], { cwd: dir });
    expect(json.stderr).toBe(status);
    expect((JSON.parse(json.stdout) as { deployment: string }).deployment).toBe('out');
    const md = await account.cli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(md.stderr).toBe(status);
    expect(md.stdout.startsWith('### assistants-deploy plan for `out`\n')).toBe(true);
    for (const r of [text, json, md]) expect(`${r.stdout}${r.stderr}`).not.toMatch(DECIMAL_UNITS);
  });

  it('--quiet: plan, apply, validate and destroy print their result line and nothing else', async () => {
    const dir = project();
    const q = (args: string[]) => account.cli([...args, '--quiet'], { cwd: dir });
    let r = await q(['plan']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'Plan: 2 to add, 0 to change, 0 to destroy. Files: 2 to upload, 2 to attach.\n', '']);
    // a JSON plan is a result whole
    r = await q(['plan', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { summary: { add: number } }).summary.add).toBe(2);
    r = await q(['validate']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'Valid: deployment "out", 1 assistant, 1 vector store, 0 file sets, 2 files.\n', '']);
    r = await q(['apply', '--auto-approve']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'Apply complete! Resources: 2 added, 0 changed, 0 destroyed. Files: 2 uploaded, 2 attached.\n', '']);
    r = await q(['apply', '--auto-approve']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'No changes. The account matches the manifest.\n', '']);
    r = await q(['plan', '--detailed-exitcode']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'No changes. The account matches the manifest.\n', '']);
    r = await q(['destroy', '--auto-approve']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'Destroy complete! Resources: 0 added, 0 changed, 2 destroyed. Files: 2 deleted.\n', '']);
    // errors still show
    r = await account.cli(['plan', '--quiet', '-f', 'missing.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/missing\.yaml/);
  });

  it('a plan that changes nothing shows its cost in one line, before the result line', async () => {
    const dir = project();
    expect((await account.cli(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const r = await account.cli(['plan'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^Cost: no change\. This deployment's vector storage: \d+(\.\d)? (B|KiB), \$[0-9.]+\/month before the free allowance; the account's: \d+(\.\d)? (B|KiB), \$0\.00\/month after the free 1 GiB \(prices: prices\/openai\.json \(built in\), read \d{4}-\d\d-\d\d\)\.$/,
    );
    expect(lines.slice(1)).toEqual(['', 'No changes. The account matches the manifest.']);
    const md = await account.cli(['plan', '--format', 'markdown'], { cwd: dir });
    expect(md.stdout).toContain(`\n${lines[0]}\n`);
    expect(md.stdout).not.toContain('Storage cost');
    expect((await account.cli(['destroy', '--auto-approve'], { cwd: dir })).code).toBe(0);
  });

  it('the implicit local target is named once, on stderr', () => {
    const dir = project();
    const r = runCli(['plan'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      'Using the local target (embedded emulator, data in .assistants-deploy/local): no OPENAI_API_KEY or OPENAI_BASE_URL is set.\n' +
        'Target: local (embedded emulator); deployment "out". Read the account with 4 list requests.\n',
    );
  });

  it('a file too big for the API is named in binary units, like every other size', () => {
    const dir = project();
    const fd = openSync(path.join(dir, 'docs', 'huge.md'), 'w');
    ftruncateSync(fd, 513 * 1024 * 1024); // sparse: takes no room on the disk
    closeSync(fd);
    const r = runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"docs/huge.md" is 513 MiB; the API accepts files up to 512 MiB');
    expect(r.stderr).not.toMatch(DECIMAL_UNITS);
  });
});
