/**
 * Opt-in smoke test against a real account: runs only through `npm run test:live`, which needs
 * OPENAI_API_KEY (and OPENAI_BASE_URL / OPENAI_PROJECT_ID if you use them). It deploys one small
 * vector store under a throw-away deployment name, checks the plan is then empty, and destroys it.
 * On OpenAI's platform since 2026-08-26 the assistant is reported as not deployable; on a target
 * that serves the Assistants API it is deployed too.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync, tempProject } from '../helpers/cli.js';

const key = process.env.OPENAI_API_KEY;
if (!key) throw new Error('the live smoke test needs OPENAI_API_KEY (run it with `npm run test:live`)');

const deployment = `ad-smoke-${randomBytes(4).toString('hex')}`;
const dir = tempProject({
  'assistants.yaml': `version: 1\ndeployment: ${deployment}\nvector_stores:\n  kb: { name: assistants-deploy smoke test, files: ["kb/*.md"], expires_after: { anchor: last_active_at, days: 1 } }\nassistants:\n  smoke:\n    model: gpt-4.1-mini\n    instructions: Answer from the knowledge base.\n    tools: [{ type: file_search }]\n    tool_resources: { file_search: { vector_stores: [kb] } }\n`,
  'kb/hello.md': '# Hello\nThis file was uploaded by the assistants-deploy live smoke test.\n',
});
const env = {
  OPENAI_API_KEY: key,
  ...(process.env.OPENAI_BASE_URL ? { OPENAI_BASE_URL: process.env.OPENAI_BASE_URL } : {}),
  ...(process.env.OPENAI_PROJECT_ID ? { OPENAI_PROJECT_ID: process.env.OPENAI_PROJECT_ID } : {}),
  ...(process.env.OPENAI_ORG_ID ? { OPENAI_ORG_ID: process.env.OPENAI_ORG_ID } : {}),
};
const cli = (args: string[]) => runCliAsync(args, { cwd: dir, env, timeoutMs: 600_000 });

describe(`live account (deployment ${deployment})`, () => {
  afterAll(async () => {
    await cli(['destroy', '--auto-approve']);
  });

  it('apply, then an empty plan, then destroy', { timeout: 900_000 }, async () => {
    const applied = await cli(['apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain(key);
    const plan = await cli(['plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout).toBe(0);
    const destroyed = await cli(['destroy', '--auto-approve']);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const after = await cli(['plan', '--format', 'json']);
    expect(JSON.parse(after.stdout).summary.add).toBeGreaterThan(0);
  });
});
