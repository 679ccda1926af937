/**
 * What a record is: an API object with the emulator's own `_` fields (`_seq`, the creation sequence
 * that orders lists; `_blob`, `_ready_at`, …), the collections records live in, and the API's views
 * of them (the object without `_` fields, a list page).
 */
export type Rec = Record<string, unknown> & { id: string; _seq: number };
export type CollName =
  | 'assistant' | 'file' | 'vs' | 'vsf' | 'batch' | 'thread' | 'message' | 'run' | 'step' | 'response' | 'conversation' | 'conv_item'
  // a Foundry project's prompt agents and their versions (model/agents.ts)
  | 'agent' | 'agent_version';
export const COLLS: CollName[] = [
  'assistant', 'file', 'vs', 'vsf', 'batch', 'thread', 'message', 'run', 'step', 'response', 'conversation', 'conv_item', 'agent', 'agent_version',
];

export interface ListResult<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** The API object without the emulator's own `_` fields. */
export function publicView(rec: Rec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // for…in over a plain record: its own keys, in order, without an array of entries per object (a page of 10,000 uploads)
  for (const k in rec) if (k.charCodeAt(0) !== 95 /* _ */) out[k] = rec[k];
  return out;
}
