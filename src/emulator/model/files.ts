/**
 * Files: the upload's record, its content (in the blob store), and deletion, which detaches the file
 * from every vector store that holds it. Reading the multipart form and its fields is the route's
 * (routes/files.ts); vector stores read files through this module, never the other way round.
 */
import { fileNotFound } from '../errors.js';
import { PREFIX, newId } from '../ids.js';
import { publicView, type Rec } from './records.js';
import type { Ctx } from './context.js';
import type { BlobRef } from './persistence.js';
import type { IndexPrep } from './indexing.js';

export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];
/** Purposes whose content the API refuses to hand back (GET /files/{id}/content). */
export const NO_DOWNLOAD_PURPOSES = new Set(['assistants']);
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

export function fileView(rec: Rec): Record<string, unknown> {
  return publicView(rec);
}

export function fileContent(ctx: Ctx, rec: Rec): Buffer {
  return ctx.account.blob(rec._blob as BlobRef);
}

export function getFile(ctx: Ctx, id: string): Rec {
  const rec = ctx.account.get('file', id);
  if (!rec) throw fileNotFound(id);
  return rec;
}

/**
 * Store an upload; `expiresAfterSec` from `expires_after` (batch files expire after 30 days by default);
 * `index`: what file_search makes of it (model/indexing.ts), kept as `_index` (the error, or the blob of
 * the text extracted from a binary format).
 */
export function createFile(
  ctx: Ctx,
  upload: { filename: string; data: Buffer },
  purpose: string,
  expiresAfterSec: number | undefined,
  index: IndexPrep = {},
): Rec {
  const a = ctx.account;
  const created = a.createdAt();
  const blob = a.persistence.writeBlob(upload.data);
  const indexRec = index.error ? { error: index.error } : index.text !== undefined ? { text: a.persistence.writeBlob(Buffer.from(index.text, 'utf8')) } : {};
  const rec: Rec = {
    // a Foundry project's files are `assistant-` and 22 characters (recordings/10)
    id: ctx.options.foundry ? newId(PREFIX.foundryFile, 22) : newId(PREFIX.file),
    object: 'file',
    bytes: upload.data.length,
    created_at: created,
    filename: upload.filename,
    purpose,
    status: 'processed',
    ...(expiresAfterSec !== undefined ? { expires_at: created + expiresAfterSec } : purpose === 'batch' ? { expires_at: created + 30 * 86400 } : {}),
    _seq: a.nextSeq(),
    _blob: blob,
    _index: indexRec,
  };
  a.put('file', rec);
  ctx.faults.noteCreated(rec.id);
  return rec;
}

export function deleteFile(ctx: Ctx, rec: Rec): void {
  const a = ctx.account;
  // Deleting a file removes it from every vector store that holds it.
  for (const vsId of [...(a.fileToVs.get(rec.id) ?? [])]) a.del('vsf', `${vsId}/${rec.id}`);
  a.del('file', rec.id);
  a.persistence.freeBlob(rec._blob as BlobRef);
  const text = (rec._index as { text?: BlobRef } | undefined)?.text;
  if (text) a.persistence.freeBlob(text);
}
