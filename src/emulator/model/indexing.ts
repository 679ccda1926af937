/**
 * What file_search can index, and the text it indexes. Decided once per upload (`prepareIndex`, in the
 * upload route: PDF text extraction is asynchronous) and kept on the file record:
 * - the extension must be one of the file_search supported types (`FILE_SEARCH_TYPES`); any other
 *   (png, csv, xlsx, zip, none) ends `failed` with `unsupported_file` "The file type is not supported."
 *   when attached to a vector store;
 * - text types must be text in utf-8, utf-16 (with a byte-order mark) or ascii: anything else (NUL
 *   bytes, invalid utf-8: a binary under `.md`) is `unsupported_file` too;
 * - `.pdf`: the text of its pages, extracted with unpdf (Mozilla's pdf.js, loaded only when a PDF is
 *   uploaded); a PDF pdf.js cannot read is `invalid_file` "The file could not be parsed.";
 * - `.docx` / `.pptx`: the text runs of the document / of the slides in order (unzipped with fflate), one
 *   line per paragraph; a file that is not such a package is `invalid_file`;
 * - `.doc` (the binary Word format): indexed, with no text the emulator can read.
 * The extracted text of PDF, docx and pptx files is kept as a blob of its own (`_text`). Sources and
 * the choices made where none exists: docs/API-DEVIATIONS.md (D24).
 */
import { unzipSync } from 'fflate';
import type { Rec } from './records.js';
import type { Ctx } from './context.js';
import type { BlobRef } from './persistence.js';

export interface IndexError {
  code: 'unsupported_file' | 'invalid_file';
  message: string;
}

/** The outcome of reading an upload for file_search: an error, or (for binary formats) its text. */
export interface IndexPrep {
  error?: IndexError;
  text?: string;
}

/** file_search's supported file types (the API's "Supported files" list). */
export const FILE_SEARCH_TYPES = new Set(
  ['c', 'cpp', 'cs', 'css', 'doc', 'docx', 'go', 'html', 'java', 'js', 'json', 'md', 'pdf', 'php', 'pptx', 'py', 'rb', 'sh', 'tex', 'ts', 'txt'],
);
const BINARY_TYPES = new Set(['pdf', 'doc', 'docx', 'pptx']);

export const UNSUPPORTED: IndexError = { code: 'unsupported_file', message: 'The file type is not supported.' };
export const UNPARSABLE: IndexError = { code: 'invalid_file', message: 'The file could not be parsed.' };

/** Unpacked parts of an Office file larger than this are not read (a zip bomb is not a document). */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

export function extensionOf(filename: string): string {
  const base = filename.slice(filename.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The text of a file of a text type: utf-8 (or ascii), or utf-16 with its byte-order mark; undefined if it is not text. */
export function decodeText(data: Buffer): string | undefined {
  if (data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))) {
    try {
      const text = new TextDecoder(data[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(data.subarray(2));
      return text.includes('\u0000') ? undefined : text;
    } catch {
      return undefined;
    }
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
    return text.includes('\u0000') ? undefined : text;
  } catch {
    return undefined;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

/** The text runs (`<w:t>` in Word, `<a:t>` in PowerPoint) of one part, a line per paragraph. */
function ooxmlText(xml: string, ns: 'w' | 'a'): string {
  const paragraphs = xml.split(new RegExp(`</${ns}:p>`));
  const run = new RegExp(`<${ns}:t(?:\\s[^>]*)?>([^<]*)</${ns}:t>|<${ns}:tab\\s*/>`, 'g');
  const lines: string[] = [];
  for (const p of paragraphs) {
    let line = '';
    for (const m of p.matchAll(run)) line += m[1] === undefined ? '\t' : unescapeXml(m[1]);
    if (line.trim()) lines.push(line);
  }
  return lines.join('\n');
}

/** docx: word/document.xml; pptx: ppt/slides/slideN.xml in slide-number order. */
export function officeText(data: Buffer, ext: 'docx' | 'pptx'): string | undefined {
  const wanted = ext === 'docx' ? (name: string) => name === 'word/document.xml' : (name: string) => /^ppt\/slides\/slide\d+\.xml$/.test(name);
  let total = 0;
  let parts: Record<string, Uint8Array>;
  try {
    parts = unzipSync(new Uint8Array(data.buffer, data.byteOffset, data.length), {
      filter: (f) => {
        if (!wanted(f.name)) return false;
        total += f.originalSize;
        return total <= MAX_UNPACKED_BYTES;
      },
    });
  } catch {
    return undefined;
  }
  const names = Object.keys(parts).sort((a, b) => Number(/(\d+)\.xml$/.exec(a)?.[1] ?? 0) - Number(/(\d+)\.xml$/.exec(b)?.[1] ?? 0));
  if (!names.length || total > MAX_UNPACKED_BYTES) return undefined;
  const dec = new TextDecoder('utf-8');
  return names.map((n) => ooxmlText(dec.decode(parts[n]), ext === 'docx' ? 'w' : 'a')).join('\n\n');
}

/** The text of a PDF's pages (pdf.js through unpdf, imported on first use); undefined if it cannot be read. */
export async function pdfText(data: Buffer): Promise<string | undefined> {
  const { getDocumentProxy, extractText } = await import('unpdf');
  try {
    // pdf.js takes ownership of the array it is given: hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(data), { verbosity: 0 });
    try {
      const { text } = await extractText(pdf, { mergePages: false });
      return text.map((t) => t.trim()).join('\n\n');
    } finally {
      await pdf.loadingTask.destroy();
    }
  } catch {
    return undefined;
  }
}

/** Read an upload for file_search: whether it can be indexed, and the text of binary formats. */
export async function prepareIndex(filename: string, data: Buffer): Promise<IndexPrep> {
  const ext = extensionOf(filename);
  if (!FILE_SEARCH_TYPES.has(ext)) return { error: UNSUPPORTED };
  if (!BINARY_TYPES.has(ext)) return decodeText(data) === undefined ? { error: UNSUPPORTED } : {};
  if (ext === 'doc') return { text: '' };
  const text = ext === 'pdf' ? await pdfText(data) : officeText(data, ext as 'docx' | 'pptx');
  return text === undefined ? { error: UNPARSABLE } : { text };
}

/**
 * The same decision for a file record made before uploads were read (a data folder from an older
 * emulator): by extension and content, synchronously, so a PDF's text is not known (it indexes as empty).
 */
function legacyPrep(file: Rec, content: () => Buffer): IndexPrep {
  const ext = extensionOf(String(file.filename ?? ''));
  if (!FILE_SEARCH_TYPES.has(ext)) return { error: UNSUPPORTED };
  if (ext === 'docx' || ext === 'pptx') {
    const text = officeText(content(), ext);
    return text === undefined ? { error: UNPARSABLE } : { text };
  }
  if (BINARY_TYPES.has(ext)) return { text: '' };
  return decodeText(content()) === undefined ? { error: UNSUPPORTED } : {};
}

/** Why a file cannot be indexed (recorded at attach time, applied when indexing completes), if it cannot. */
export function indexError(file: Rec, content: () => Buffer): IndexError | undefined {
  if (file._index === undefined) return legacyPrep(file, content).error;
  return (file._index as { error?: IndexError }).error;
}

/** The text file_search indexes for a file (search, chunking, GET …/files/{id}/content). */
export function indexedText(ctx: Ctx, file: Rec, content: () => Buffer): string {
  if (file._index === undefined) {
    const prep = legacyPrep(file, content);
    if (prep.error) return '';
    return prep.text ?? decodeText(content()) ?? '';
  }
  const idx = file._index as { error?: IndexError; text?: BlobRef };
  if (idx.error) return '';
  if (idx.text) return ctx.account.blob(idx.text).toString('utf8');
  return decodeText(content()) ?? '';
}
