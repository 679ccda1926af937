/** /v1/files: multipart upload, list (purpose filter, limit up to 10,000, no `before`), retrieve, delete, content. */
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { ApiError, fileNotFound, invalid, missingParam } from '../errors.js';
import { listQuery, param, queryString, type Router } from '../http.js';
import { PREFIX, newId } from '../ids.js';
import type { BlobRef } from '../model/persistence.js';
import { publicView, type Rec } from '../model/account.js';
import type { Ctx } from '../model/context.js';
import { removeVectorStoreFile } from './vector-stores.js';

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

interface Upload {
  fields: Record<string, string>;
  file?: { filename: string; data: Buffer; mimetype: string };
}

async function readUpload(req: FastifyRequest): Promise<Upload> {
  const ct = String(req.headers['content-type'] ?? '');
  if (!req.isMultipart()) {
    throw invalid(
      `Invalid Content-Type header (${ct || 'none'}), expected multipart/form-data. (HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')`,
    );
  }
  const out: Upload = { fields: {} };
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_FILE_BYTES, files: 4, fields: 20, parts: 30 } })) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (part.fieldname === 'file' && !out.file) out.file = { filename: part.filename || 'upload', data, mimetype: part.mimetype };
        else if (part.fieldname !== 'file') throw invalid(`Unknown parameter: '${part.fieldname}'.`, part.fieldname, 'unknown_parameter');
      } else {
        out.fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const err = e as { code?: string; message?: string };
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') {
      throw invalid(`File is too large. Files must be at most ${MAX_FILE_BYTES} bytes (512 MB).`, 'file', 'file_too_large');
    }
    throw invalid(`Could not parse multipart form: ${err.message ?? 'malformed body'}`, null, null);
  }
  return out;
}

export function registerFiles(r: Router, ctx: Ctx): void {
  const a = ctx.account;
  const get = (id: string): Rec => {
    const rec = a.get('file', id);
    if (!rec) throw fileNotFound(id);
    return rec;
  };

  r.route('POST', '/v1/files', async (req) => {
    const up = await readUpload(req);
    for (const k of Object.keys(up.fields)) {
      if (!['purpose', 'expires_after[anchor]', 'expires_after[seconds]', 'expires_after'].includes(k)) {
        throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
      }
    }
    if (!up.file) throw missingParam('file');
    const purpose = up.fields.purpose;
    if (purpose === undefined || purpose === '') throw missingParam('purpose');
    if (!UPLOAD_PURPOSES.includes(purpose)) {
      throw invalid(`'${purpose}' is not one of [${UPLOAD_PURPOSES.map((p) => `'${p}'`).join(', ')}] - 'purpose'`, 'purpose', 'invalid_value');
    }
    let expiresAt: number | undefined;
    let anchor = up.fields['expires_after[anchor]'];
    let seconds = up.fields['expires_after[seconds]'];
    if (up.fields.expires_after !== undefined) {
      // Also accepted as one JSON-encoded field.
      let parsed: unknown;
      try {
        parsed = JSON.parse(up.fields.expires_after);
      } catch {
        parsed = undefined;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw invalid(`Invalid type for 'expires_after': expected an object, but got a string instead.`, 'expires_after', 'invalid_type');
      }
      const e = parsed as { anchor?: unknown; seconds?: unknown };
      if (e.anchor !== undefined) anchor = String(e.anchor);
      if (e.seconds !== undefined) seconds = String(e.seconds);
      if (anchor === undefined) throw missingParam('expires_after.anchor');
      if (seconds === undefined) throw missingParam('expires_after.seconds');
    }
    if (anchor !== undefined || seconds !== undefined) {
      if (anchor === undefined) throw missingParam('expires_after.anchor');
      if (seconds === undefined) throw missingParam('expires_after.seconds');
      if (anchor !== 'created_at') {
        throw invalid(`Invalid value: '${anchor}'. Supported values are: 'created_at'.`, 'expires_after.anchor', 'invalid_value');
      }
      if (!/^\d+$/.test(seconds)) {
        throw invalid(`Invalid type for 'expires_after.seconds': expected an integer, but got a string instead.`, 'expires_after.seconds', 'invalid_type');
      }
      const s = Number(seconds);
      if (s < 3600 || s > 2592000) {
        throw invalid(
          `Invalid 'expires_after.seconds': integer ${s < 3600 ? 'below minimum' : 'above maximum'} value. Expected a value ${s < 3600 ? '>= 3600' : '<= 2592000'}, but got ${s} instead.`,
          'expires_after.seconds',
          s < 3600 ? 'integer_below_min_value' : 'integer_above_max_value',
        );
      }
      expiresAt = s;
    }
    ctx.limiter?.upload();
    const created = a.createdAt();
    const blob = a.persistence.writeBlob(up.file.data);
    const rec: Rec = {
      id: newId(PREFIX.file),
      object: 'file',
      bytes: up.file.data.length,
      created_at: created,
      filename: up.file.filename,
      purpose,
      status: 'processed',
      ...(expiresAt !== undefined ? { expires_at: created + expiresAt } : purpose === 'batch' ? { expires_at: created + 30 * 86400 } : {}),
      _seq: a.nextSeq(),
      _blob: blob,
    };
    a.put('file', rec);
    ctx.faults.noteCreated(rec.id);
    return fileView(rec);
  });

  r.route('GET', '/v1/files', (req) => {
    const q = listQuery(req, { defaultLimit: 10_000, maxLimit: 10_000, before: false });
    const purpose = queryString(req, 'purpose');
    return a.list(
      a.fileIndex,
      q,
      (id) => {
        const rec = a.get('file', id);
        return rec ? fileView(rec) : undefined;
      },
      purpose ? (id) => a.get('file', id)?.purpose === purpose : undefined,
    );
  });

  r.route('GET', '/v1/files/{file_id}', (req) => fileView(get(param(req, 'file_id'))));

  r.route('DELETE', '/v1/files/{file_id}', (req) => {
    const rec = get(param(req, 'file_id'));
    // Deleting a file removes it from every vector store that holds it.
    for (const vsId of [...(a.fileToVs.get(rec.id) ?? [])]) removeVectorStoreFile(ctx, vsId, rec.id);
    a.del('file', rec.id);
    a.persistence.freeBlob(rec._blob as BlobRef);
    return { id: rec.id, object: 'file', deleted: true };
  });

  r.route('GET', '/v1/files/{file_id}/content', (req, reply) => {
    const rec = get(param(req, 'file_id'));
    if (NO_DOWNLOAD_PURPOSES.has(String(rec.purpose))) {
      throw invalid(`Not allowed to download files of purpose: ${String(rec.purpose)}`, null, null);
    }
    reply.header('content-type', 'application/octet-stream');
    reply.header('content-disposition', `attachment; filename="${String(rec.filename).replace(/"/g, '')}"`);
    return fileContent(ctx, rec);
  });
}
