/**
 * What file_search indexes, through the real openai SDK (Node) with every response validated against
 * openapi.assistants.yaml: files of types it cannot index end `failed` with `unsupported_file` (and
 * usage_bytes 0, nothing found in them); a binary under a text extension too; PDFs, Word and
 * PowerPoint files made here byte by byte are indexed by their text, which search, runs and
 * GET …/files/{id}/content return (never `%PDF-1.4 … endobj`); a PDF pdf.js cannot read is
 * `invalid_file`; an empty upload is refused; the extracted text survives a restart.
 * The same through the Python SDK: test/emulator/indexing-python.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { startTestApi, type TestApi } from '../helpers/emulator.js';
import { makeDocx, makePdf, makePng, makePptx } from '../helpers/documents.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ indexingDelayMs: 5 });
});

afterAll(async () => {
  await api.close();
  expect(api.spec.failures).toEqual([]);
});

const upload = async (data: Buffer, name: string) => api.client.files.create({ file: await toFile(data, name), purpose: 'assistants' });

/** A store holding the files, attached as one batch and polled until it is done. */
async function storeWith(name: string, fileIds: string[]) {
  const vs = await api.client.vectorStores.create({ name });
  const batch = await api.client.vectorStores.fileBatches.createAndPoll(vs.id, { file_ids: fileIds });
  expect(batch.status).toBe('completed');
  return api.client.vectorStores.retrieve(vs.id);
}

const PDF_LINES = [['Refund policy', 'Goodwill refunds are granted within 30 days of delivery.'], ['Shipping', 'Parcels leave the warehouse every Tuesday.']];

describe('file types file_search cannot index', () => {
  it('end failed with unsupported_file, usage_bytes 0, counted as failed and never found', async () => {
    const c = api.client;
    const words = 'refund policy goodwill refunds';
    const files = [
      await upload(makePng(), 'diagram.png'),
      await upload(Buffer.from(`topic,text\nrefunds,${words}\n`), 'faq.csv'),
      await upload(Buffer.from(`PK\u0003\u0004 ${words}`), 'prices.xlsx'),
      await upload(Buffer.from(words), 'README'),
    ];
    const vs = await c.vectorStores.create({ name: 'unsupported' });
    for (const f of files) {
      const vsf = await c.vectorStores.files.createAndPoll(vs.id, { file_id: f.id });
      expect(vsf).toMatchObject({ status: 'failed', usage_bytes: 0, last_error: { code: 'unsupported_file', message: 'The file type is not supported.' } });
    }
    const store = await c.vectorStores.retrieve(vs.id);
    expect(store).toMatchObject({ status: 'completed', usage_bytes: 0, file_counts: { failed: 4, completed: 0, in_progress: 0, total: 4 } });
    const page = await c.vectorStores.files.list(vs.id, { filter: 'failed' });
    expect(page.data.map((f) => f.id).sort()).toEqual(files.map((f) => f.id).sort());
    const results = await c.vectorStores.search(vs.id, { query: 'goodwill refunds' });
    expect(results.data).toEqual([]);
    const content = await c.vectorStores.files.content(files[1]!.id, { vector_store_id: vs.id });
    expect(content.data).toEqual([]);
  });

  it('a binary file under a text extension is not text (unsupported_file); utf-16 text is', async () => {
    const c = api.client;
    const binary = await upload(Buffer.concat([Buffer.from('# Refunds\n'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0x80])]), 'notes.md');
    const utf16 = await upload(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Refunds are paid to the original card.', 'utf16le')]), 'refunds.txt');
    const vs = await storeWith('text', [binary.id, utf16.id]);
    expect(vs.file_counts).toMatchObject({ failed: 1, completed: 1 });
    expect(await c.vectorStores.files.retrieve(binary.id, { vector_store_id: vs.id })).toMatchObject({ status: 'failed', last_error: { code: 'unsupported_file' } });
    const results = await c.vectorStores.search(vs.id, { query: 'original card' });
    expect(results.data.map((r) => r.file_id)).toEqual([utf16.id]);
    expect(results.data[0]!.content[0]!.text).toBe('Refunds are paid to the original card.');
  });

  it('an empty upload is refused: 400 File is empty.', async () => {
    await expect(upload(Buffer.alloc(0), 'empty.md')).rejects.toMatchObject({ status: 400, error: { message: 'File is empty.', type: 'invalid_request_error', param: 'file' } });
  });
});

describe('documents are indexed by their text', () => {
  it('a PDF: search, the file content page and a run find its words, never the PDF syntax', async () => {
    const c = api.client;
    const pdf = makePdf(PDF_LINES);
    expect(pdf.toString('latin1')).toMatch(/^%PDF-1\.4[\s\S]*endobj/);
    const vs = await c.vectorStores.create({ name: 'policies' });
    const vsf = await c.vectorStores.files.uploadAndPoll(vs.id, await toFile(pdf, 'refund-policy.pdf'));
    expect(vsf).toMatchObject({ status: 'completed', last_error: null });
    expect(vsf.usage_bytes).toBeGreaterThan(0);
    const results = await c.vectorStores.search(vs.id, { query: 'goodwill refunds' });
    expect(results.data).toHaveLength(1);
    const text = results.data[0]!.content.map((p) => p.text).join('\n');
    expect(text).toContain('Goodwill refunds are granted within 30 days of delivery.');
    expect(text).toContain('Parcels leave the warehouse every Tuesday.');
    expect(text).not.toMatch(/%PDF|endobj|BT|Tj/);
    const content = await c.vectorStores.files.content(vsf.id, { vector_store_id: vs.id });
    expect(content.data.map((p) => p.text).join('\n')).toBe('Refund policy\nGoodwill refunds are granted within 30 days of delivery.\n\nShipping\nParcels leave the warehouse every Tuesday.');
    // a run's file_search step reads the same text
    const asst = await c.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [vs.id] } } });
    const run = await c.beta.threads.createAndRunPoll({ assistant_id: asst.id, thread: { messages: [{ role: 'user', content: 'How long do goodwill refunds take?' }] } });
    expect(run.status).toBe('completed');
    const steps = await c.beta.threads.runs.steps.list(run.id, { thread_id: run.thread_id, include: ['step_details.tool_calls[*].file_search.results[*].content'] });
    const call = steps.data.flatMap((s) => (s.step_details.type === 'tool_calls' ? s.step_details.tool_calls : []))[0];
    expect(call?.type).toBe('file_search');
    const found = call?.type === 'file_search' ? (call.file_search.results ?? []) : [];
    expect(found[0]).toMatchObject({ file_id: vsf.id, file_name: 'refund-policy.pdf' });
    expect(JSON.stringify(found[0]?.content)).toContain('Goodwill refunds are granted');
    expect(JSON.stringify(found[0]?.content)).not.toContain('%PDF');
  });

  it('a PDF pdf.js cannot read ends failed with invalid_file', async () => {
    const c = api.client;
    const broken = await upload(Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog'), 'broken.pdf');
    const vs = await c.vectorStores.create({ name: 'broken' });
    const vsf = await c.vectorStores.files.createAndPoll(vs.id, { file_id: broken.id });
    expect(vsf).toMatchObject({ status: 'failed', usage_bytes: 0, last_error: { code: 'invalid_file', message: 'The file could not be parsed.' } });
  });

  it('Word and PowerPoint files: the text of the document and of the slides, in order', async () => {
    const c = api.client;
    const docx = await upload(makeDocx(['Travel policy', 'Economy class for flights under 6 hours & trains first.']), 'travel.docx');
    const pptx = await upload(makePptx([['Quarterly review'], ['Revenue grew 12 percent'], ['Hiring plan: 3 engineers']]), 'review.pptx');
    const vs = await storeWith('office', [docx.id, pptx.id]);
    expect(vs.file_counts).toMatchObject({ completed: 2, failed: 0 });
    const travel = await c.vectorStores.search(vs.id, { query: 'economy flights' });
    expect(travel.data[0]).toMatchObject({ file_id: docx.id });
    expect(travel.data[0]!.content[0]!.text).toBe('Travel policy Economy class for flights under 6 hours & trains first.');
    const slides = await c.vectorStores.files.content(pptx.id, { vector_store_id: vs.id });
    expect(slides.data[0]!.text).toBe('Quarterly review\n\nRevenue grew 12 percent\n\nHiring plan: 3 engineers');
    const notZip = await upload(Buffer.from('Travel policy, plain text'), 'fake.docx');
    const failed = await c.vectorStores.files.createAndPoll(vs.id, { file_id: notZip.id });
    expect(failed).toMatchObject({ status: 'failed', last_error: { code: 'invalid_file' } });
  });
});

describe('across a restart', () => {
  it('the text extracted from a PDF is kept with the data folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ad-indexing-'));
    try {
      let emu = await startEmulator({ dataDir: dir, indexingDelayMs: 0, quiet: true });
      let c = new OpenAI({ apiKey: 'sk-test', baseURL: emu.url, maxRetries: 0 });
      const vs = await c.vectorStores.create({ name: 'kept' });
      await c.vectorStores.files.uploadAndPoll(vs.id, await toFile(makePdf(PDF_LINES), 'policy.pdf'));
      await emu.close();
      emu = await startEmulator({ dataDir: dir, indexingDelayMs: 0, quiet: true });
      c = new OpenAI({ apiKey: 'sk-test', baseURL: emu.url, maxRetries: 0 });
      const results = await c.vectorStores.search(vs.id, { query: 'warehouse Tuesday' });
      const text = results.data[0]!.content[0]!.text;
      expect(text).toContain('Parcels leave the warehouse every Tuesday.');
      expect(text).not.toMatch(/%PDF|endobj|Tj/);
      await emu.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
