/**
 * What file_search indexes, through the real openai Python SDK (the newest of scripts/python-env-codegen.sh's
 * environments) against the emulator behind a proxy that validates every response against the
 * descriptions: a PDF made here is indexed by its text (search and the file content page return
 * its words, not `%PDF-1.4 … endobj`), a PNG ends `failed` with `unsupported_file` and is never found.
 * The Node SDK side, with every file type: test/emulator/indexing.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonEnvs, runPython, validatedEmulator, type ValidatedEmulator } from '../helpers/python.js';
import { makePdf, makePng } from '../helpers/documents.js';

const SCRIPT = `
import json
import sys

from openai import OpenAI

client = OpenAI()
pdf_path, png_path = sys.argv[1], sys.argv[2]
store = client.vector_stores.create(name="python")
with open(pdf_path, "rb") as f:
    pdf = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=f)
with open(png_path, "rb") as f:
    png = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=f)
hits = client.vector_stores.search(vector_store_id=store.id, query="goodwill refunds")
page = client.vector_stores.files.content(file_id=pdf.id, vector_store_id=store.id)
store = client.vector_stores.retrieve(store.id)
print(json.dumps({
    "pdf": {"status": pdf.status, "last_error": pdf.last_error and pdf.last_error.model_dump()},
    "png": {"status": png.status, "usage_bytes": png.usage_bytes, "last_error": png.last_error and png.last_error.model_dump()},
    "hits": [{"file_id": h.file_id, "filename": h.filename, "text": "\\n".join(c.text for c in h.content)} for h in hits],
    "content": [p.text for p in page],
    "counts": store.file_counts.model_dump(),
    "pdf_id": pdf.id,
}))
`;

let api: ValidatedEmulator;
let dir: string;
let python: string;

beforeAll(async () => {
  python = pythonEnvs().responses;
  api = await validatedEmulator({ indexingDelayMs: 5 });
  dir = mkdtempSync(path.join(tmpdir(), 'ad-indexing-py-'));
}, 900_000);

afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
  expect(api.validator.failures).toEqual([]);
});

describe('file_search indexing through the Python SDK', () => {
  it('a PDF is searched by its text, a PNG ends failed with unsupported_file', async () => {
    writeFileSync(path.join(dir, 'main.py'), SCRIPT);
    writeFileSync(path.join(dir, 'refund-policy.pdf'), makePdf([['Refund policy', 'Goodwill refunds are granted within 30 days of delivery.']]));
    writeFileSync(path.join(dir, 'diagram.png'), makePng());
    const r = await runPython(python, ['main.py', 'refund-policy.pdf', 'diagram.png'], { cwd: dir, env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: api.url } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      pdf: { status: string; last_error: unknown };
      png: { status: string; usage_bytes: number; last_error: unknown };
      hits: { file_id: string; filename: string; text: string }[];
      content: string[];
      counts: Record<string, number>;
      pdf_id: string;
    };
    expect(out.pdf).toEqual({ status: 'completed', last_error: null });
    expect(out.png).toEqual({ status: 'failed', usage_bytes: 0, last_error: { code: 'unsupported_file', message: 'The file type is not supported.' } });
    expect(out.counts).toMatchObject({ completed: 1, failed: 1, in_progress: 0, total: 2 });
    expect(out.hits).toEqual([{ file_id: out.pdf_id, filename: 'refund-policy.pdf', text: 'Refund policy Goodwill refunds are granted within 30 days of delivery.' }]);
    expect(out.content).toEqual(['Refund policy\nGoodwill refunds are granted within 30 days of delivery.']);
    expect(r.stdout).not.toMatch(/%PDF|endobj/);
  }, 120_000);
});
