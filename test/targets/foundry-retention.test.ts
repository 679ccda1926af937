/**
 * Retention on a Foundry project (`foundry.keep_versions`): after an apply that made a version of
 * an agent, the deployment's versions of it beyond the newest K are deleted; a version made by
 * hand is never deleted, nor counted; without the setting every version stays. The plan says so
 * (text and JSON), the apply reports what it deleted, and a bad value is a located manifest error.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../helpers/cli.js';
import { startFoundryProject, TOKEN, type FoundryProject } from '../helpers/foundry-cli.js';

let p: FoundryProject;

beforeAll(async () => {
  p = await startFoundryProject();
});
afterAll(async () => {
  await p?.close();
  expect(p.f.validator.failures.map((x) => JSON.stringify(x).slice(0, 400))).toEqual([]);
});

const manifest = (deployment: string, instructions: string, keep = '') => `version: 1\ndeployment: ${deployment}\n${keep}assistants:\n  bot: { model: gpt-4o, instructions: ${instructions} }\n`;

async function apply(dir: string): Promise<string> {
  const r = await p.cli(['apply', '--auto-approve'], dir);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.stderr;
}

const versionsOf = async (name: string) => (await p.versions(name)).map((v) => `${v.version}:${v.metadata['assistants-deploy.deployment'] ?? 'hand'}:${v.definition.instructions}`);

describe('foundry.keep_versions', () => {
  it('keeps the newest K versions the deployment made, deletes older ones after the apply, never a hand-made one', async () => {
    const keep = 'foundry: { keep_versions: 2 }\n';
    const dir = tempProject({ 'assistants.yaml': manifest('kept', 'One.', keep) });
    await apply(dir);
    for (const text of ['Two.', 'Three.']) {
      writeFileSync(`${dir}/assistants.yaml`, manifest('kept', text, keep));
      if (text === 'Three.') {
        const plan = await p.cli(['plan'], dir);
        expect(plan.stdout).toContain('  ~ agent "kept-bot" new version 3 (live 2) {\n        id = "kept-bot"\n        # keeps the newest 2 versions this deployment made; older ones are deleted after the apply\n');
        const json = JSON.parse((await p.cli(['plan', '--format', 'json'], dir)).stdout);
        expect(json.resource_changes[0].agent).toEqual({ name: 'kept-bot', live_version: '2', next_version: 3, keep_versions: 2 });
      }
      const out = await apply(dir);
      if (text === 'Two.') expect(out).not.toContain('older version');
      else expect(out).toContain('note: assistant.bot: deleted 1 older version of agent "kept-bot" (keep_versions: 2)');
    }
    expect(await versionsOf('kept-bot')).toEqual(['3:kept:Three.', '2:kept:Two.']);

    // a version made by hand: drift; apply puts version 5 on top and trims the deployment's to 2
    const r = await fetch(`${p.f.endpoint}/agents/kept-bot/versions?api-version=v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ definition: { kind: 'prompt', model: 'gpt-4o', instructions: 'By hand.' } }),
    });
    expect(r.status).toBe(200);
    const out = await apply(dir);
    expect(out).toContain('deleted 1 older version of agent "kept-bot"');
    expect(await versionsOf('kept-bot')).toEqual(['5:kept:Three.', '4:hand:By hand.', '3:kept:Three.']);
    const again = await p.cli(['plan', '--detailed-exitcode'], dir);
    expect(again.code).toBe(0);
  });

  it('without the setting every version stays; a bad value is a located error', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest('all', 'One.') });
    await apply(dir);
    for (const text of ['Two.', 'Three.']) {
      writeFileSync(`${dir}/assistants.yaml`, manifest('all', text));
      const plan = await p.cli(['plan'], dir);
      expect(plan.stdout).not.toContain('# keeps the newest');
      expect(await apply(dir)).not.toContain('older version');
    }
    expect(await versionsOf('all-bot')).toEqual(['3:all:Three.', '2:all:Two.', '1:all:One.']);
    writeFileSync(`${dir}/assistants.yaml`, manifest('all', 'Four.', 'foundry: { keep_versions: 0 }\n'));
    const bad = await p.cli(['plan'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^assistants\.yaml:3:\d+: foundry\.keep_versions: .*1/m);
  });
});
