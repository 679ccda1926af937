/**
 * plan, apply and destroy keep the parsed manifest files (src/manifest/parse-cache.ts): the next
 * run of the same text reads them back instead of parsing the YAML. Held here to parsing: the same
 * plan and the same located problems from the cache as from a parse; a changed text parsed again;
 * a refused manifest writes no cache; a file with a syntax error, or a value JSON cannot carry,
 * never cached; and the cache is what is read (an entry changed by hand, for the same text, shows).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';
import { startAccount, type Account } from '../helpers/deploy.js';

let account: Account;
beforeAll(async () => {
  account = await startAccount();
});
afterAll(async () => account.close());

const MANIFEST = [
  'version: 1',
  'deployment: pc',
  'vector_stores:',
  '  kb: { files: ["docs/*.md"] }',
  'assistants:',
  '  helper: &base',
  '    model: gpt-4o',
  '    instructions: "Answer from the docs."',
  '    tools: [{ type: file_search }]',
  '    tool_resources: { file_search: { vector_stores: [kb] } }',
  '  second:',
  '    <<: *base',
  '    instructions: "Second."',
  '',
].join('\n');

const cacheFile = (dir: string) => path.join(dir, '.assistants-deploy', 'manifest-cache.json');

describe('the parsed manifest, cached', () => {
  it('the same plan from the cache as from a parse; a changed text is parsed again', async () => {
    const dir = tempProject({ 'assistants.yaml': MANIFEST, 'docs/a.md': '# a\n' });
    const first = await account.cli(['plan'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(cacheFile(dir))).toBe(true);
    const second = await account.cli(['plan'], { cwd: dir });
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe(first.stderr);
    writeFileSync(path.join(dir, 'assistants.yaml'), MANIFEST.replace('Second.', 'Changed.'));
    const third = await account.cli(['plan', '--format', 'json'], { cwd: dir });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain('Changed.');
    expect(third.stdout).not.toContain('"Second."');
  });

  it('a refused manifest writes no cache; problems found after the parse are located the same from the cache', async () => {
    const refused = tempProject({ 'assistants.yaml': MANIFEST.replace('docs/*.md', 'missing/*.md'), 'docs/a.md': '# a\n' });
    const r = await account.cli(['plan'], { cwd: refused });
    expect(r.code).toBe(1);
    expect(existsSync(path.join(refused, '.assistants-deploy'))).toBe(false);
    // cached from an accepted run, then the same text refused for what is not in it: located as validate locates it
    const dir = tempProject({ 'assistants.yaml': MANIFEST, 'docs/a.md': '# a\n' });
    expect((await account.cli(['plan'], { cwd: dir })).code).toBe(0);
    expect(existsSync(cacheFile(dir))).toBe(true);
    rmSync(path.join(dir, 'docs', 'a.md'));
    const fromCache = await account.cli(['plan'], { cwd: dir });
    const parsed = runCli(['validate'], { cwd: dir });
    expect(fromCache.code).toBe(1);
    expect(fromCache.stderr).toMatch(/^assistants\.yaml:4:17: vector_stores\.kb\.files\[0\]: "docs\/\*\.md" (matches no files|file not found)/m);
    expect(parsed.stderr.startsWith(fromCache.stderr.trim()), `${fromCache.stderr}\n---\n${parsed.stderr}`).toBe(true);
  });

  it('a syntax error and a value JSON cannot carry are never cached; the cache is what is read', async () => {
    const broken = tempProject({ 'assistants.yaml': `${MANIFEST}  third: [\n`, 'docs/a.md': '# a\n' });
    for (let i = 0; i < 2; i++) {
      const r = await account.cli(['plan'], { cwd: broken });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^assistants\.yaml:\d+:\d+: .*YAML syntax error/m);
    }
    expect(existsSync(cacheFile(broken))).toBe(false);
    const nan = tempProject({ 'assistants.yaml': MANIFEST.replace('    model: gpt-4o', '    model: gpt-4o\n    temperature: .nan'), 'docs/a.md': '# a\n' });
    await account.cli(['plan'], { cwd: nan });
    expect(existsSync(cacheFile(nan))).toBe(false);
    // the same text, its cached value changed by hand: what the plan shows comes from the cache
    const dir = tempProject({ 'assistants.yaml': MANIFEST, 'docs/a.md': '# a\n' });
    expect((await account.cli(['plan'], { cwd: dir })).code).toBe(0);
    const cache = JSON.parse(readFileSync(cacheFile(dir), 'utf8')) as { entries: Record<string, { value: string }> };
    const value = JSON.parse(cache.entries['assistants.yaml']!.value) as { assistants: Record<string, { instructions: string }> };
    value.assistants.second!.instructions = 'From the cache.';
    cache.entries['assistants.yaml']!.value = JSON.stringify(value);
    writeFileSync(cacheFile(dir), JSON.stringify(cache));
    const r = await account.cli(['plan', '--format', 'json'], { cwd: dir });
    expect(r.stdout).toContain('From the cache.');
  });
});
