/**
 * `init` writes a package.json that installs this tool the way the running copy was installed
 * (src/install-source.ts: the host project's spec, else its lock's `resolved`, else the repository
 * URL), keeps or extends an existing one, and prints hints that paste into a shell.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installSource, rebase } from '../../src/install-source.js';
import { hasStackTrace, REPO, runCli, tempProject } from '../helpers/cli.js';

const REPO_URL = 'git+https://github.com/assistants-deploy/assistants-deploy.git';

/** A folder laid out as npm leaves a project that installed the tool (a copy, not a link). */
function host(pkg: Record<string, unknown>, lock?: Record<string, unknown>): { root: string; copy: string } {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'ad-host-')));
  const copy = path.join(root, 'node_modules', 'assistants-deploy');
  mkdirSync(copy, { recursive: true });
  writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ name: 'assistants-deploy', version: '0.1.0' }));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg));
  if (lock) writeFileSync(path.join(root, 'node_modules', '.package-lock.json'), JSON.stringify(lock));
  return { root, copy };
}

describe('installSource: the spec for a new project', () => {
  it('the host project spells it: a tarball path re-based to the new folder, no allowScripts entry', () => {
    const { root, copy } = host({ devDependencies: { 'assistants-deploy': 'file:vendor/assistants-deploy-0.1.0.tgz' } });
    expect(installSource({ packageRoot: copy, cwd: '/', projectDir: path.join(root, 'bots', 'support') })).toEqual({
      spec: 'file:../../vendor/assistants-deploy-0.1.0.tgz',
      from: path.join(root, 'package.json'),
    });
  });

  it('a git spec as written, and allowScripts for the repository (npm builds it with prepare)', () => {
    const { root, copy } = host({ dependencies: { 'assistants-deploy': 'github:acme/assistants-deploy#v0.1.0' } });
    expect(installSource({ packageRoot: copy, cwd: '/', projectDir: path.join(root, 'x') })).toEqual({
      spec: 'github:acme/assistants-deploy#v0.1.0',
      from: path.join(root, 'package.json'),
      allowScriptsKey: 'github:acme/assistants-deploy',
    });
  });

  it('no spec in package.json: the lock\'s resolved, an SSH GitHub URL turned into HTTPS', () => {
    const { root, copy } = host(
      { name: 'other' },
      { packages: { 'node_modules/assistants-deploy': { version: '0.1.0', resolved: 'git+ssh://git@github.com/acme/ad.git#0123456789abcdef0123456789abcdef01234567' } } },
    );
    expect(installSource({ packageRoot: copy, cwd: '/', projectDir: root })).toEqual({
      spec: 'git+https://github.com/acme/ad.git#0123456789abcdef0123456789abcdef01234567',
      from: path.join(root, 'package-lock.json'),
      allowScriptsKey: 'git+https://github.com/acme/ad.git',
    });
  });

  it('a linked copy is found from the current folder up', () => {
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'ad-linked-')));
    mkdirSync(path.join(root, 'app', 'node_modules'), { recursive: true });
    mkdirSync(path.join(root, 'app', 'deep', 'er'), { recursive: true });
    symlinkSync(REPO, path.join(root, 'app', 'node_modules', 'assistants-deploy'));
    writeFileSync(path.join(root, 'app', 'package.json'), JSON.stringify({ devDependencies: { 'assistants-deploy': `file:${path.relative(path.join(root, 'app'), REPO)}` } }));
    const source = installSource({ packageRoot: REPO, cwd: path.join(root, 'app', 'deep', 'er'), projectDir: path.join(root, 'new') });
    expect(source.spec).toBe(`file:${path.relative(path.join(root, 'new'), REPO)}`);
    expect(source.allowScriptsKey).toBe(source.spec); // a folder is built with prepare too
    expect(source.from).toBe(path.join(root, 'app', 'package.json'));
  });

  it('a clone (no project holds it): the repository URL from package.json', () => {
    expect(installSource({ packageRoot: REPO, cwd: tmpdir(), projectDir: path.join(tmpdir(), 'x') })).toEqual({
      spec: REPO_URL,
      from: 'the repository URL in its package.json',
      allowScriptsKey: REPO_URL,
    });
  });

  it('rebase: relative and bare paths move, absolute paths, URLs and registry specs stay', () => {
    expect(rebase('file:../a.tgz', '/p/q', '/p/q/r')).toBe('file:../../a.tgz');
    expect(rebase('./a.tgz', '/p', '/p')).toBe('file:a.tgz');
    expect(rebase('file:/abs/a.tgz', '/p', '/x')).toBe('file:/abs/a.tgz');
    expect(rebase('^0.1.0', '/p', '/x')).toBe('^0.1.0');
    expect(rebase('git+https://h/x.git', '/p', '/x')).toBe('git+https://h/x.git');
  });
});

describe('init: package.json and hints', () => {
  it('a new folder: a private package.json with the tool as devDependency, hints quoted for the shell', () => {
    const dir = tempProject({});
    const r = runCli(['init', "Jo's bots"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const project = path.join(dir, "Jo's bots");
    expect(JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8'))).toEqual({
      name: 'jo-s-bots',
      version: '0.0.0',
      private: true,
      description: 'Assistants, vector stores and files of the deployment "jo-s-bots", deployed with assistants-deploy',
      scripts: { validate: 'assistants-deploy validate', plan: 'assistants-deploy plan', apply: 'assistants-deploy apply' },
      devDependencies: { 'assistants-deploy': REPO_URL },
      allowScripts: { [REPO_URL]: true },
    });
    expect(r.stdout).toContain('package.json');
    expect(r.stderr).toContain(`package.json: devDependency assistants-deploy "${REPO_URL}" (from the repository URL in its package.json)\n`);
    expect(r.stderr).toContain("\n  cd 'Jo'\\''s bots'\n  npm install ");
    expect(r.stderr).toContain('\n  npx --no-install assistants-deploy validate ');
    expect(readFileSync(path.join(project, '.gitignore'), 'utf8')).toBe('# local state of assistants-deploy (hash cache, local target)\n.assistants-deploy/\nnode_modules/\n');
    expect(readFileSync(path.join(project, 'assistants.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/assistants-deploy/schemas/manifest.schema.json');
    expect(readFileSync(path.join(project, '.github/workflows/assistants-deploy.yml'), 'utf8')).toBe(readFileSync(path.join(REPO, 'examples/ci/github-actions.yml'), 'utf8'));
  });

  it('an existing package.json: the devDependency added (its indentation kept), or left alone when listed', () => {
    const dir = tempProject({ 'package.json': '{\n\t"name": "app",\n\t"devDependencies": {\n\t\t"typescript": "^5"\n\t}\n}\n' });
    const r = runCli(['init', '.', '--ci', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(
      `{\n\t"name": "app",\n\t"devDependencies": {\n\t\t"typescript": "^5",\n\t\t"assistants-deploy": "${REPO_URL}"\n\t},\n\t"allowScripts": {\n\t\t"${REPO_URL}": true\n\t}\n}\n`,
    );
    expect(r.stderr).toContain('package.json: added the devDependency assistants-deploy');
    expect(r.stderr).not.toContain('  cd ');

    const listed = '{"name":"app","devDependencies":{"assistants-deploy":"file:ad.tgz"}}';
    const kept = tempProject({ 'package.json': listed, 'package-lock.json': '{}' });
    const k = runCli(['init', '--ci', 'none'], { cwd: kept });
    expect(k.code, k.stderr).toBe(0);
    expect(readFileSync(path.join(kept, 'package.json'), 'utf8')).toBe(listed);
    expect(k.stderr).toContain('package.json already lists assistants-deploy: kept as it is\n');
    expect(k.stderr).not.toContain('npm install');
  });

  it('run from a copy a project holds: the spec that project gives, re-based', () => {
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'ad-holder-')));
    mkdirSync(path.join(root, 'node_modules'));
    symlinkSync(REPO, path.join(root, 'node_modules', 'assistants-deploy'));
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ devDependencies: { 'assistants-deploy': 'file:../dist/assistants-deploy-0.1.0.tgz' } }));
    const r = runCli(['init', 'bots/support'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(path.join(root, 'bots/support/package.json'), 'utf8')) as { devDependencies: Record<string, string>; allowScripts?: unknown };
    expect(pkg.devDependencies).toEqual({ 'assistants-deploy': 'file:../../../dist/assistants-deploy-0.1.0.tgz' });
    expect(pkg.allowScripts).toBeUndefined();
    expect(r.stderr).toContain(`(from ${path.join(root, 'package.json')})`);
  });

  it('bad input: error and hint, exit 1, nothing written', () => {
    const dir = tempProject({ 'package.json': '{ "name": ' });
    const r = runCli(['init', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*package\.json is not valid JSON \(.+\)\nhint: fix it, or run init in another folder\n$/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe('{ "name": ');
    expect(() => readFileSync(path.join(dir, 'assistants.yaml'))).toThrow();

    const file = tempProject({ notes: 'x' });
    const f = runCli(['init', 'notes'], { cwd: file });
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/^error: .*notes is a file, not a folder\nhint: give init a folder to create the project in\n$/);
  });
});
