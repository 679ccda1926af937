/**
 * Every example against an empty emulator account, through the real CLI: the plan creates every
 * resource; apply makes them; the next plan is empty (exit 0 with --detailed-exitcode); a second
 * apply sends no mutating request. The JSON plan validates against schemas/plan.schema.json.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load.js';
import { planValidator } from '../../src/plan/saved.js';
import type { Plan } from '../../src/plan/types.js';
import { REPO } from '../helpers/cli.js';
import { copyExample, mutating, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

const EXAMPLES = readdirSync(path.join(REPO, 'examples')).filter((d) =>
  statSync(path.join(REPO, 'examples', d, 'assistants.yaml'), { throwIfNoEntry: false })?.isFile(),
);

describe.each(EXAMPLES)('example %s', (name) => {
  let account: Account;
  let dir: string;
  let validate: (data: unknown) => string[];
  beforeAll(async () => {
    account = await startAccount();
    dir = copyExample(name);
    validate = await planValidator();
  });
  afterAll(async () => account.close());

  it('plans every resource as a create on an empty account', async () => {
    const { desired } = await loadManifest({ file: dir, cwd: dir });
    const r = await account.cli(['plan', '-f', '.', '--format', 'json', '--detailed-exitcode'], { cwd: dir });
    // the status line alone: stdout is the JSON
    expect(r.stderr).toMatch(/^Target: http:\/\/127\.0\.0\.1:\d+\/v1; deployment "[^"]+"\. Read the account with \d+ list requests\.\n$/);
    expect(r.code).toBe(2);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(validate(plan)).toEqual([]);
    const expected = [...desired.vectorStores.map((v) => `vector_store.${v.key}`), ...desired.assistants.map((a) => `assistant.${a.key}`)];
    expect(plan.resource_changes.map((c) => c.address).sort()).toEqual(expected.sort());
    expect(plan.resource_changes.every((c) => c.actions.join() === 'create')).toBe(true);
    const contents = new Set([...desired.vectorStores.flatMap((v) => v.files), ...desired.fileSets.flatMap((f) => f.files)].map((f) => f.path));
    expect(plan.uploads.length).toBeLessThanOrEqual(contents.size);
    expect(plan.uploads.length).toBeGreaterThan(0);
    expect(plan.summary.add).toBe(expected.length);
    expect(plan.summary.change + plan.summary.destroy).toBe(0);
  });

  it('apply creates them, then plan is empty and a second apply changes nothing', async () => {
    const applied = await account.cli(['apply', '-f', '.', '--auto-approve'], { cwd: dir });
    expect(applied.stderr).not.toMatch(/^!/m);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed\./);

    const plan = await account.cli(['plan', '-f', '.', '--detailed-exitcode'], { cwd: dir });
    expect(plan.stdout).toContain('No changes. The account matches the manifest.');
    expect(plan.code).toBe(0);

    const before = account.emu.log.length;
    const again = await account.cli(['apply', '-f', '.', '--auto-approve'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(mutating(account.emu, before)).toEqual([]);
  });
});
