/**
 * Reading a text file the manifest names (a manifest, instructions, a JSON Schema): UTF-8 with a
 * byte-order mark dropped (editors on Windows write one, and the API would receive it as U+FEFF),
 * and a clear answer when the bytes are not text at all, instead of silently sending U+FFFD.
 * Also the binary sniff for the files uploaded: a NUL byte in the first block of a file whose
 * type the API reads as text.
 */
import { readFile } from 'node:fs/promises';

export type TextRead = { ok: true; text: string } | { ok: false; why: string };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeText(bytes: Uint8Array): TextRead {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ok: false, why: `is not a text file (a NUL byte at offset ${nul})` };
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return { ok: false, why: 'is not UTF-8 text; save it as UTF-8' };
  }
}

export async function readTextFile(abs: string): Promise<TextRead> {
  return decodeText(await readFile(abs));
}

/** How much of a file the binary sniff looks at (as git does: the first 8,000 bytes). */
export const SNIFF_BYTES = 8000;

/** Types the API indexes as text; a NUL byte in one of them means the name lies. */
export const TEXT_EXTENSIONS: ReadonlySet<string> = new Set([
  'c', 'cpp', 'cs', 'css', 'csv', 'go', 'html', 'java', 'js', 'json', 'md', 'php', 'py', 'rb', 'sh', 'tex', 'ts', 'txt', 'xml',
]);
