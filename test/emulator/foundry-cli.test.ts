/**
 * `assistants-deploy emulator --foundry [--project NAME]`: the listening line names the project
 * endpoint; with `-- COMMAND` the command gets AZURE_AI_PROJECT_ENDPOINT and AZURE_AI_PROJECT_TOKEN
 * (and no OpenAI variables), its exit code is the CLI's; `--data` keeps agents between runs;
 * `--project` without `--foundry` and half a TLS pair are usage errors.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, runCli } from '../helpers/cli.js';

const node = (script: string) => [process.execPath, '--input-type=module', '-e', script];

describe('emulator --foundry', () => {
  it('hands a command the project endpoint and token instead of the OpenAI variables', () => {
    const script = `
      const ep = process.env.AZURE_AI_PROJECT_ENDPOINT;
      const r = await fetch(ep + '/agents?api-version=v1', { headers: { authorization: 'Bearer ' + process.env.AZURE_AI_PROJECT_TOKEN } });
      console.log(JSON.stringify({ ep, status: r.status, object: (await r.json()).object, openai: [process.env.OPENAI_BASE_URL ?? null, process.env.OPENAI_API_KEY ?? null], token: process.env.AZURE_AI_PROJECT_TOKEN }));
      process.exit(5);`;
    const r = runCli(['emulator', '--foundry', '--project', 'demo-project', '--', ...node(script)], { env: { OPENAI_API_KEY: 'sk-must-not-reach-the-child', OPENAI_BASE_URL: 'https://api.openai.com/v1' } });
    expect(r.code, r.stderr).toBe(5);
    const seen = JSON.parse(r.stdout.trim()) as { ep: string; status: number; object: string; openai: unknown[]; token: string };
    expect(seen.ep).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/projects\/demo-project$/);
    expect(seen).toMatchObject({ status: 200, object: 'list', openai: [null, null], token: 'emulator' });
    expect(r.stderr).toContain(`emulator listening on ${seen.ep}; running`);
  });

  it('keeps agents in --data between runs, under the default project name', () => {
    const data = mkdtempSync(path.join(tmpdir(), 'ad-foundry-cli-'));
    const create = `const r = await fetch(process.env.AZURE_AI_PROJECT_ENDPOINT + '/agents/kept/versions?api-version=v1', { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify({ definition: { kind: 'prompt', model: 'gpt-4o' } }) }); process.exit(r.status === 200 ? 0 : 1);`;
    expect(runCli(['emulator', '--foundry', '--data', data, '--quiet', '--', ...node(create)]).code).toBe(0);
    const read = `const r = await fetch(process.env.AZURE_AI_PROJECT_ENDPOINT + '/agents/kept?api-version=v1', { headers: { authorization: 'Bearer t' } }); const b = await r.json(); console.log(process.env.AZURE_AI_PROJECT_ENDPOINT.split('/').pop(), b.versions.latest.id);`;
    const r = runCli(['emulator', '--foundry', '--data', data, '--quiet', '--', ...node(read)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('local-project kept:1');
  });

  it('as a server, prints the project endpoint on stdout', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--foundry', '--port', '0'], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`exited ${String(code)}`)));
      });
      expect(line).toMatch(/^emulator listening on http:\/\/127\.0\.0\.1:\d+\/api\/projects\/local-project$/);
      const endpoint = line.replace('emulator listening on ', '');
      expect((await fetch(`${endpoint}/openai/v1/vector_stores`, { headers: { authorization: 'Bearer t' } })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses --project without --foundry, and half a TLS pair', () => {
    const r = runCli(['emulator', '--project', 'p', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--project needs --foundry');
    const t = runCli(['emulator', '--foundry', '--tls-cert', 'cert.pem', '--', 'true']);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('--tls-cert and --tls-key go together');
  });
});
