/**
 * A target without the Assistants API (the emulator's assistantsApi: false answers like OpenAI
 * since 2026-08-26): vector stores and file sets are planned and applied as usual, each assistant
 * is reported once as not deployable, in every format, and the exit code rules do not change.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load.js';
import type { Plan } from '../../src/plan/types.js';
import { REPO } from '../helpers/cli.js';
import { copyExample, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

const EXAMPLES = readdirSync(path.join(REPO, 'examples')).filter((d) =>
  statSync(path.join(REPO, 'examples', d, 'assistants.yaml'), { throwIfNoEntry: false })?.isFile(),
);

describe.each(EXAMPLES)('example %s on a target without the Assistants API', (name) => {
  let account: Account;
  let dir: string;
  let keys: { stores: string[]; assistants: string[] };
  beforeAll(async () => {
    account = await startAccount({ assistantsApi: false });
    dir = copyExample(name);
    const { desired } = await loadManifest({ file: dir, cwd: dir });
    keys = { stores: desired.vectorStores.map((v) => v.key), assistants: desired.assistants.map((a) => a.key) };
  });
  afterAll(async () => account.close());

  it('json: stores are planned, assistants are not deployable', async () => {
    const r = await account.cli(['plan', '-f', '.', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.target.assistants_api).toBe(false);
    expect(plan.resource_changes.map((c) => c.address).sort()).toEqual(keys.stores.map((k) => `vector_store.${k}`).sort());
    expect(plan.not_deployable.map((n) => n.address).sort()).toEqual(keys.assistants.map((k) => `assistant.${k}`).sort());
    for (const n of plan.not_deployable) expect(n.reason).toContain('codegen python --api responses');
    expect(plan.uploads.length).toBeGreaterThan(0);
  });

  it('text and markdown say so once per assistant', async () => {
    const text = await account.cli(['plan', '-f', '.'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('(Assistants API not served)');
    for (const k of keys.assistants) {
      expect(text.stdout.split(`! assistant.${k}: not deployable on this target`).length - 1).toBe(1);
    }
    const md = await account.cli(['plan', '-f', '.', '--format', 'markdown'], { cwd: dir });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('**Not deployable on this target** (Assistants API not served):');
    for (const k of keys.assistants) expect(md.stdout).toContain(`- \`assistant.${k}\`: not deployable on this target`);
  });

  it('apply deploys the stores and files; then the plan has no changes (exit 0)', async () => {
    const applied = await account.cli(['apply', '-f', '.', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    const plan = await account.cli(['plan', '-f', '.', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout).toBe(0);
    const n = keys.assistants.length;
    // the result line, last: it stands alone (it is all that --quiet prints)
    expect(plan.stdout.trimEnd().split('\n').at(-1)).toBe(
      `No changes. The account matches the manifest, apart from the ${n === 1 ? 'assistant' : `${n} assistants`} this target cannot hold (Assistants API not served).`,
    );
    expect(account.emu.log.some((e) => e.method === 'POST' && e.path.startsWith('/v1/assistants'))).toBe(false);
  });
});
