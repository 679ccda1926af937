/**
 * `audit` and the vector stores the API makes for threads (message attachments with file_search,
 * a thread's `vector_stores` helper: no name, expiring 7 days after their last run): no assistant
 * references them, but a thread does, so audit shows them apart with their expiry and neither
 * lists them nor deletes them; a hand-made store that no one references is still listed.
 */
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/plan/cost/audit.js';
import { startAccount, type Account } from '../helpers/deploy.js';

let account: Account;
let threadStore: string;
let helperStore: string;
let orphan: string;
beforeAll(async () => {
  account = await startAccount();
  const c = account.client;
  const file = await c.files.create({ file: await toFile(Buffer.from('the warranty lasts two years'), 'warranty.md'), purpose: 'assistants' });
  const other = await c.files.create({ file: await toFile(Buffer.from('returns need the box'), 'returns.md'), purpose: 'assistants' });
  const t = await c.beta.threads.create({ messages: [{ role: 'user', content: 'see attached', attachments: [{ file_id: file.id, tools: [{ type: 'file_search' }] }] }] });
  threadStore = t.tool_resources!.file_search!.vector_store_ids![0]!;
  const h = await c.beta.threads.create({ tool_resources: { file_search: { vector_stores: [{ file_ids: [other.id] }] } } });
  helperStore = h.tool_resources!.file_search!.vector_store_ids![0]!;
  orphan = (await c.vectorStores.create({ name: 'orphan', file_ids: [other.id] })).id;
  await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => account.close());

describe('stores made for threads', () => {
  it('are shown apart with their expiry, not listed; a hand-made unreferenced store still is', async () => {
    const r = await account.cli(['audit', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.vector_stores.map((s) => s.id)).toEqual([orphan]);
    expect(report.thread_stores.map((s) => s.id).sort()).toEqual([threadStore, helperStore].sort());
    expect(report.thread_stores[0]).toMatchObject({ name: '', owner: null, reasons: [], expires_after: { anchor: 'last_active_at', days: 7 }, files: 1 });
    expect(report.files).toEqual([]);
    const text = await account.cli(['audit']);
    expect(text.stdout).toContain("Made for threads (message attachments, a thread's vector_stores helper; not listed: each expires on its own 7 days after its last run, and deleting one breaks file search on its thread):");
    expect(text.stdout).toMatch(new RegExp(`${threadStore} .* 1 file; expires \\d{4}-\\d{2}-\\d{2}`));
  });

  it('audit --delete refuses one, saying why, and deletes nothing', async () => {
    const from = account.emu.log.length;
    const r = await account.cli(['audit', '--delete', threadStore, '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`not listed: ${threadStore} (made for a thread: it expires on its own). Nothing was deleted.`);
    expect(account.emu.log.slice(from).filter((e) => e.method === 'DELETE')).toEqual([]);
  });
});
