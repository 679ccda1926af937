/**
 * `emulator [options] -- COMMAND`: the command runs with OPENAI_BASE_URL and OPENAI_API_KEY pointing
 * at a live emulator, its exit code is the CLI's, and the emulator is gone when it ends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('emulator -- COMMAND', () => {
  it('runs the command against the emulator, passes its exit code on, and stops the emulator', async () => {
    const script = `
      const r = await fetch(process.env.OPENAI_BASE_URL + '/vector_stores', { headers: { authorization: 'Bearer ' + process.env.OPENAI_API_KEY } });
      const body = await r.json();
      console.log(JSON.stringify({ status: r.status, object: body.object, url: process.env.OPENAI_BASE_URL }));
      process.exit(7);`;
    const r = runCli(['emulator', '--', process.execPath, '--input-type=module', '-e', script], { env: { OPENAI_API_KEY: 'sk-should-not-reach-the-child-0000' } });
    expect(r.code, r.stderr).toBe(7);
    const seen = JSON.parse(r.stdout.trim()) as { status: number; object: string; url: string };
    expect(seen.status).toBe(200);
    expect(seen.object).toBe('list');
    expect(seen.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(r.stderr).toContain(`emulator listening on ${seen.url}; running`);
    // the emulator is closed once the command has ended: its URL is refused
    await expect(fetch(`${seen.url}/models`)).rejects.toThrow();
  });

  it('keeps the data folder between runs and hands the command the API key it was given', () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ad-exec-'));
    const create = `const r = await fetch(process.env.OPENAI_BASE_URL + '/vector_stores', { method: 'POST', headers: { authorization: 'Bearer ' + process.env.OPENAI_API_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'kept' }) }); process.exit(r.status === 200 ? 0 : 1);`;
    expect(runCli(['emulator', '--data', data, '--api-key', 'k-123456789', '--', process.execPath, '--input-type=module', '-e', create]).code).toBe(0);
    const list = `const r = await fetch(process.env.OPENAI_BASE_URL + '/vector_stores', { headers: { authorization: 'Bearer ' + process.env.OPENAI_API_KEY } }); const b = await r.json(); console.log(b.data.map((v) => v.name).join(','));`;
    const r = runCli(['emulator', '--data', data, '--api-key', 'k-123456789', '--quiet', '--', process.execPath, '--input-type=module', '-e', list]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('kept');
    expect(r.stderr).toBe('');
  });

  it('a command that does not exist is a clear error, exit 1', () => {
    const r = runCli(['emulator', '--', 'no-such-command-here']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: cannot run "no-such-command-here": no such command');
    expect(r.stderr).not.toMatch(/internal error|    at /);
  });
});
