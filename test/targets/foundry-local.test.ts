/**
 * `--target local-foundry`: the embedded emulator playing a Foundry project in
 * `.assistants-deploy/local-foundry/`, opened through the Foundry target (the real
 * @azure/ai-projects SDK for agents, the openai SDK for stores and files). An example applies as
 * versioned agents, a second plan is empty, a change is a new version, the data is kept apart from
 * `--target local`'s account and can be served afterwards with `emulator --foundry`; what does not
 * map onto Foundry is a located error before anything is started or sent.
 */
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, REPO, runCliAsync, tempProject } from '../helpers/cli.js';
import { startEmulator } from '../../src/emulator/index.js';

const run = (args: string[], cwd: string) => runCliAsync(['--target', 'local-foundry', ...args], { cwd, env: { AZURE_AI_PROJECT_ENDPOINT: undefined, AZURE_AI_PROJECT_TOKEN: undefined } });

function example(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-local-foundry-'));
  cpSync(path.join(REPO, 'examples', 'foundry-agent'), dir, { recursive: true });
  return dir;
}

interface AgentVersion {
  version: string;
  metadata: Record<string, string>;
  definition: { instructions?: string };
}

describe('--target local-foundry', () => {
  it('applies an example as agents, plans nothing the second time, makes a new version for a change, and keeps its data apart', async () => {
    const dir = example();
    const first = await run(['apply', '--auto-approve'], dir);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stderr).toContain('Target: local (embedded emulator) (Foundry project)');
    expect(existsSync(path.join(dir, '.assistants-deploy', 'local-foundry'))).toBe(true);
    expect(first.stdout + first.stderr).toMatch(/\+ assistant\.helpdesk: created \(it-helpdesk-helpdesk\)/);
    expect(existsSync(path.join(dir, '.assistants-deploy', 'local'))).toBe(false);

    const noop = await run(['plan', '--detailed-exitcode'], dir);
    expect(noop.code, noop.stdout + noop.stderr).toBe(0);

    writeFileSync(path.join(dir, 'prompts', 'helpdesk.md'), 'Answer in one sentence.\n');
    const changed = await run(['plan'], dir);
    expect(changed.code, changed.stdout + changed.stderr).toBe(0);
    expect(changed.stdout).toContain('~ agent "it-helpdesk-helpdesk" new version 2 (live 1)');
    const applied = await run(['apply', '--auto-approve'], dir);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);

    // the same data, served afterwards as a Foundry project: two versions, the second ours and changed
    const emu = await startEmulator({ dataDir: path.join(dir, '.assistants-deploy', 'local-foundry'), quiet: true, foundry: { project: 'local' } });
    try {
      const r = await fetch(`${emu.projectEndpoint}/agents/it-helpdesk-helpdesk/versions?api-version=v1`, { headers: { authorization: 'Bearer local' } });
      expect(r.status).toBe(200);
      const versions = ((await r.json()) as { data: AgentVersion[] }).data;
      expect(versions.map((v) => v.version).sort()).toEqual(['1', '2']);
      const latest = versions.find((v) => v.version === '2')!;
      expect(latest.metadata['assistants-deploy.deployment']).toBe('it-helpdesk');
      expect(latest.definition.instructions?.trim()).toBe('Answer in one sentence.');
    } finally {
      await emu.close();
    }
  }, 120_000);

  it('refuses what Foundry has no place for, located, before starting anything', async () => {
    const dir = tempProject({ 'assistants.yaml': 'version: 1\ndeployment: lf\nassistants:\n  bot:\n    model: gpt-5\n    reasoning_effort: max\n' });
    for (const command of [['validate'], ['plan']]) {
      const r = await run(command, dir);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(/assistants\.yaml:6:\d+: .*reasoning_effort.*"max" is not a reasoning effort of a Foundry prompt agent/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    expect(existsSync(path.join(dir, '.assistants-deploy', 'local-foundry'))).toBe(false);
  }, 60_000);
});
