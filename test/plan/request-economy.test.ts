/**
 * Request counting: a no-op plan of an account with 300 assistants, 20 vector stores and 5,000
 * files makes only list requests, within 10% of the least number of pages, and no per-resource
 * read. The least number includes the model list, one request. The expected minimum is computed here from the seeded sizes and the API's page limits.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../helpers/cli.js';
import { startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

const ASSISTANTS = 300;
const STORES = 20;
const FILES = 5000;

function project(): string {
  const lines = ['version: 1', 'deployment: economy', 'vector_stores:'];
  for (let s = 0; s < STORES; s++) lines.push(`  kb${s}: { files: ["kb${s}/*.md"] }`);
  lines.push('assistants:');
  for (let a = 0; a < ASSISTANTS; a++) {
    lines.push(`  bot${a}:`, '    model: gpt-4o', `    instructions: "Bot ${a}"`, '    tools: [{ type: file_search }]', `    tool_resources: { file_search: { vector_stores: [kb${a % STORES}] } }`);
  }
  const dir = tempProject({ 'assistants.yaml': `${lines.join('\n')}\n` });
  for (let s = 0; s < STORES; s++) mkdirSync(path.join(dir, `kb${s}`));
  for (let f = 0; f < FILES; f++) writeFileSync(path.join(dir, `kb${f % STORES}`, `doc${f}.md`), `# Document ${f}\n`);
  return dir;
}

let account: Account;
let dir: string;
beforeAll(async () => {
  account = await startAccount({ indexingDelayMs: 1 });
  dir = project();
  const r = await account.cli(['apply', '--auto-approve', '--concurrency', '32'], { cwd: dir, timeoutMs: 600_000 });
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
}, 600_000);
afterAll(async () => account.close());

describe('a no-op plan reads with list requests only', () => {
  it('300 assistants, 20 vector stores, 5,000 files: within 10% of the minimum pages', async () => {
    const from = account.emu.log.length;
    const r = await account.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(r.code, r.stdout.slice(0, 2000)).toBe(0);
    const requests = account.emu.log.slice(from);

    const perStore = FILES / STORES;
    const minimum =
      Math.ceil(ASSISTANTS / 100) + // GET /assistants, 100 a page
      1 + // GET /vector_stores: 20 fit one page
      1 + // GET /files: 5,000 fit one page of 10,000
      STORES * Math.ceil(perStore / 100) + // GET /vector_stores/{id}/files, 100 a page
      1; // GET /models: the model list, one request (not paged), to check the manifest's models
    expect(minimum).toBe(66);

    expect(requests.every((e) => e.method === 'GET')).toBe(true);
    const routes = new Set(requests.map((e) => e.route));
    expect([...routes].sort()).toEqual(['/v1/assistants', '/v1/files', '/v1/models', '/v1/vector_stores', '/v1/vector_stores/{vector_store_id}/files']);
    expect(requests.filter((e) => e.route === '/v1/models')).toHaveLength(1);
    expect(requests.length).toBeGreaterThanOrEqual(minimum);
    expect(requests.length).toBeLessThanOrEqual(Math.floor(minimum * 1.1));
    // a status line: stderr, not part of the plan
    expect(r.stderr).toContain(`Read the account with ${requests.length} list requests.`);
    expect(r.stdout).not.toContain('list requests');
  });
});
