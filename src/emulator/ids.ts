/** Object ids in the API's shapes: a prefix and a random base62 (Assistants API) or hex (Responses API) suffix. */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 suffix, as the API's ids look (`asst_abc123...`, `file-XYZ...`). */
export function randomSuffix(length = 24): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62];
  }
  while (out.length < length) out += ALPHABET[Math.floor(Math.random() * 62)];
  return out;
}

export const PREFIX = {
  assistant: 'asst_',
  file: 'file-',
  /** Files uploaded to a Foundry project (../shared/azure-foundry/recordings/10). */
  foundryFile: 'assistant-',
  vectorStore: 'vs_',
  batch: 'vsfb_',
  thread: 'thread_',
  message: 'msg_',
  run: 'run_',
  step: 'step_',
  call: 'call_',
} as const;

export function newId(prefix: string, length = 24): string {
  return prefix + randomSuffix(length);
}

/** Lowercase hex, as the Responses API's ids look (`resp_68a1…`, `msg_…`). */
export function hex(n = 48): string {
  return randomSuffix(n).toLowerCase().replace(/[^0-9a-f]/g, (c) => (c.charCodeAt(0) % 16).toString(16));
}

/** A Responses / Conversations item id: `msg_<hex>`, `fc_<hex>`, `conv_<hex>`. */
export function itemId(prefix: string): string {
  return `${prefix}_${hex()}`;
}
