/**
 * List pages against the records they list, through the real openai SDK: the uploads filtered by
 * purpose (each record looked up once while the page is built) and a store's files (looked up in
 * the store's own map) show exactly what retrieving each object shows, after every change a record
 * goes through (indexing settling, attributes updated, detached, attached again, the upload
 * deleted) and after a restart from the data folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/emulator.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'emu-list-pages-'));
const opened: TestApi[] = [];
/** Long enough that a list right after an attach sees the files in progress, on a loaded machine too. */
const INDEXING_MS = 500;

afterAll(async () => {
  for (const api of opened) await api.close();
  for (const api of opened) expect(api.spec.failures).toEqual([]);
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(indexingDelayMs: number): Promise<OpenAI> {
  const api = await startTestApi({ indexingDelayMs, dataDir });
  opened.push(api);
  return api.client;
}

/** Every item of a list, page by page at `limit`. */
async function all<T extends { id: string }>(first: Promise<{ data: T[]; hasNextPage(): boolean; getNextPage(): Promise<unknown> }>): Promise<T[]> {
  const out: T[] = [];
  let page = await first;
  for (;;) {
    out.push(...page.data);
    if (!page.hasNextPage()) return out;
    page = (await page.getNextPage()) as typeof page;
  }
}

/** Once the store's files are indexed (the test's indexing delay is long enough for a list to see them in progress first). */
async function settled(client: OpenAI, storeId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await client.vectorStores.retrieve(storeId)).file_counts.in_progress === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the files of ${storeId} were still in progress after 5 s`);
}

async function storeFilesAsRetrieved(client: OpenAI, storeId: string, limit: number) {
  const listed = await all(client.vectorStores.files.list(storeId, { limit }));
  const retrieved = await Promise.all(listed.map((f) => client.vectorStores.files.retrieve(f.id, { vector_store_id: storeId })));
  expect(listed).toEqual(retrieved);
  return listed;
}

describe('list pages show what retrieving each object shows', () => {
  let client: OpenAI;
  const ids: string[] = [];
  let storeId = '';

  it('uploads by purpose: only that purpose, in every page, each as retrieved', async () => {
    client = await open(INDEXING_MS);
    for (let i = 0; i < 7; i++) {
      const purpose = i % 3 === 1 ? 'user_data' : 'assistants';
      const f = await client.files.create({ file: await toFile(Buffer.from(`text ${i}`), `f${i}.txt`), purpose });
      if (purpose === 'assistants') ids.push(f.id);
    }
    for (const limit of [1, 2, 3, 100]) {
      const listed = await all(client.files.list({ purpose: 'assistants', limit }));
      expect(listed.map((f) => f.id)).toEqual([...ids].reverse());
      expect(listed).toEqual(await Promise.all(listed.map((f) => client.files.retrieve(f.id))));
    }
    const everything = await all(client.files.list({ limit: 2 }));
    expect(everything).toHaveLength(7);
    expect(everything.filter((f) => f.purpose === 'user_data')).toHaveLength(2);
  });

  it("a store's files through indexing, an attributes update, a detach, a new attach and a deleted upload", async () => {
    const vs = await client.vectorStores.create({ name: 'pages', file_ids: ids.slice(0, 3) });
    storeId = vs.id;
    // in progress first, then settled (the same record in both places)
    const early = await all(client.vectorStores.files.list(storeId, { limit: 2 }));
    expect(early.map((f) => f.status)).toEqual(['in_progress', 'in_progress', 'in_progress']);
    await settled(client, storeId);
    expect((await storeFilesAsRetrieved(client, storeId, 2)).map((f) => f.status)).toEqual(['completed', 'completed', 'completed']);

    await client.vectorStores.files.update(ids[1]!, { vector_store_id: storeId, attributes: { team: 'docs' } });
    const updated = await storeFilesAsRetrieved(client, storeId, 1);
    expect(updated.find((f) => f.id === ids[1])?.attributes).toEqual({ team: 'docs' });

    await client.vectorStores.files.delete(ids[0]!, { vector_store_id: storeId });
    expect((await storeFilesAsRetrieved(client, storeId, 2)).map((f) => f.id)).toEqual([ids[2], ids[1]]);

    await client.vectorStores.files.create(storeId, { file_id: ids[0]!, attributes: { again: true } });
    const back = await all(client.vectorStores.files.list(storeId, { limit: 2 }));
    // newest first: the one attached again, then the others in the order they were attached, reversed
    expect(back.map((f) => f.id)).toEqual([ids[0], ids[2], ids[1]]);
    expect(back[0]).toMatchObject({ id: ids[0], status: 'in_progress', attributes: { again: true } });
    await settled(client, storeId);
    expect((await storeFilesAsRetrieved(client, storeId, 3))[0]).toMatchObject({ id: ids[0], status: 'completed' });

    await client.files.delete(ids[2]!);
    const left = await storeFilesAsRetrieved(client, storeId, 1);
    expect(left.map((f) => f.id)).toEqual([ids[0], ids[1]]);
    const counts = (await client.vectorStores.retrieve(storeId)).file_counts;
    expect(counts).toMatchObject({ total: 2, completed: 2, in_progress: 0 });
  });

  it('the same pages after a restart from the data folder', async () => {
    const before = await all(client.vectorStores.files.list(storeId, { limit: 1 }));
    const uploads = await all(client.files.list({ purpose: 'assistants', limit: 2 }));
    const first = opened.shift()!;
    await first.close();
    expect(first.spec.failures).toEqual([]);
    client = await open(INDEXING_MS);
    expect(await storeFilesAsRetrieved(client, storeId, 1)).toEqual(before);
    expect(await all(client.files.list({ purpose: 'assistants', limit: 2 }))).toEqual(uploads);
  });
});
