/** /v1/files: multipart upload, list (purpose filter, limit up to 10,000, no `before`), retrieve, delete, content. */
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { ApiError, invalid, missingParam } from '../errors.js';
import { bindRoutes, listQuery, param, queryString, type CtxHandler, type Router } from '../http.js';
import type { Ctx } from '../model/context.js';
import type { Rec } from '../model/records.js';
import { MAX_FILE_BYTES, NO_DOWNLOAD_PURPOSES, UPLOAD_PURPOSES, createFile, deleteFile, fileContent, fileView, getFile } from '../model/files.js';
import { prepareIndex } from '../model/indexing.js';

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
        // A part sent as application/json arrives parsed: keep its JSON text, as for any other field.
        out.fields[part.fieldname] = typeof part.value === 'object' && part.value !== null ? JSON.stringify(part.value) : String(part.value ?? '');
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

/** `expires_after` as form fields (`expires_after[anchor]`, `expires_after[seconds]`) or one JSON field: the seconds. */
function uploadExpiry(fields: Record<string, string>): number | undefined {
  let anchor = fields['expires_after[anchor]'];
  let seconds = fields['expires_after[seconds]'];
  if (fields.expires_after !== undefined) {
    // Also accepted as one JSON-encoded field.
    let parsed: unknown;
    try {
      parsed = JSON.parse(fields.expires_after);
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
  if (anchor === undefined && seconds === undefined) return undefined;
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
  return s;
}

const upload: CtxHandler = async (ctx, req) => {
  const up = await readUpload(req);
  for (const k of Object.keys(up.fields)) {
    if (!['purpose', 'expires_after[anchor]', 'expires_after[seconds]', 'expires_after'].includes(k)) {
      throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
    }
  }
  if (!up.file) throw missingParam('file');
  // The API refuses empty uploads (docs/API-DEVIATIONS.md, D24).
  if (up.file.data.length === 0) throw invalid('File is empty.', 'file', null);
  const purpose = up.fields.purpose;
  if (purpose === undefined || purpose === '') throw missingParam('purpose');
  if (!UPLOAD_PURPOSES.includes(purpose)) {
    throw invalid(`'${purpose}' is not one of [${UPLOAD_PURPOSES.map((p) => `'${p}'`).join(', ')}] - 'purpose'`, 'purpose', 'invalid_value');
  }
  const expiresAfter = uploadExpiry(up.fields);
  ctx.limiter?.upload();
  // What file_search will make of it, read once now: the PDF text extraction is asynchronous.
  const index = await prepareIndex(up.file.filename, up.file.data);
  return fileView(createFile(ctx, up.file, purpose, expiresAfter, index));
};

const list: CtxHandler = (ctx, req) => {
  const a = ctx.account;
  const q = listQuery(req, { defaultLimit: 10_000, maxLimit: 10_000, before: false });
  const purpose = queryString(req, 'purpose');
  // the records the purpose filter accepted, in the order the page's ids come: each is looked up once, not twice
  const accepted: Rec[] = [];
  let next = 0;
  return a.list(
    a.fileIndex,
    q,
    (id) => {
      const rec = accepted[next]?.id === id ? accepted[next++] : a.get('file', id);
      return rec ? fileView(rec) : undefined;
    },
    purpose
      ? (id) => {
          const rec = a.get('file', id);
          if (rec?.purpose !== purpose) return false;
          accepted.push(rec);
          return true;
        }
      : undefined,
  );
};

const remove: CtxHandler = (ctx, req) => {
  const rec = getFile(ctx, param(req, 'file_id'));
  deleteFile(ctx, rec);
  return { id: rec.id, object: 'file', deleted: true };
};

const content: CtxHandler = (ctx, req, reply) => {
  const rec = getFile(ctx, param(req, 'file_id'));
  if (NO_DOWNLOAD_PURPOSES.has(String(rec.purpose))) {
    throw invalid(`Not allowed to download files of purpose: ${String(rec.purpose)}`, null, null);
  }
  reply.header('content-type', 'application/octet-stream');
  reply.header('content-disposition', `attachment; filename="${String(rec.filename).replace(/"/g, '')}"`);
  return fileContent(ctx, rec);
};

export function registerFiles(r: Router, ctx: Ctx): void {
  const on = bindRoutes(r, ctx);
  on('POST', '/v1/files', upload);
  on('GET', '/v1/files', list);
  on('GET', '/v1/files/{file_id}', (c, req) => fileView(getFile(c, param(req, 'file_id'))));
  on('DELETE', '/v1/files/{file_id}', remove);
  on('GET', '/v1/files/{file_id}/content', content);
}
