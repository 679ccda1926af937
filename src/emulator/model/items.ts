/**
 * Items, the unit of the Responses and Conversations APIs (message, function_call,
 * function_call_output, file_search_call, …): `input` normalised into the item shapes the API returns,
 * with the API's errors for what it refuses, and the text an item carries.
 */
import { invalid, missingParam } from '../errors.js';
import { itemId } from '../ids.js';
import { typeName } from './validation.js';

/** An item as the API returns it (message, function_call, function_call_output, file_search_call, …). */
export type Item = Record<string, unknown> & { id: string; type: string };

/** One part of a message's content, as returned. */
function contentPart(part: unknown, cp: string): Record<string, unknown> {
  const c = part as Record<string, unknown>;
  switch (c?.type) {
    case 'input_text':
      if (typeof c.text !== 'string') throw missingParam(`${cp}.text`);
      return { type: 'input_text', text: c.text };
    case 'output_text':
      return { type: 'output_text', text: String(c.text ?? ''), annotations: (c.annotations as unknown[]) ?? [], logprobs: [] };
    case 'input_file':
      if (typeof c.file_id !== 'string' && typeof c.file_data !== 'string' && typeof c.file_url !== 'string') {
        throw invalid(`Invalid '${cp}': one of 'file_id', 'file_data' or 'file_url' is required.`, cp, 'invalid_value');
      }
      return { ...c };
    case 'input_image':
      return { detail: 'auto', ...c };
    default:
      throw invalid(`Invalid value: '${String(c?.type)}'. Supported values are: 'input_text', 'input_image', 'input_file', and 'output_text'.`, `${cp}.type`, 'invalid_value');
  }
}

/** A message item: a role the API knows, content as a string (one text part) or parts. */
function messageItem(it: Record<string, unknown>, p: string): Item {
  const role = it.role;
  if (!['user', 'assistant', 'system', 'developer'].includes(String(role))) {
    if (role === undefined) throw missingParam(`${p}.role`);
    throw invalid(`Invalid value: '${String(role)}'. Supported values are: 'user', 'assistant', 'system', and 'developer'.`, `${p}.role`, 'invalid_value');
  }
  if (it.content === undefined) throw missingParam(`${p}.content`);
  const parts = typeof it.content === 'string' ? [{ type: role === 'assistant' ? 'output_text' : 'input_text', text: it.content }] : it.content;
  if (!Array.isArray(parts)) {
    throw invalid(`Invalid type for '${p}.content': expected one of a string or an array, but got ${typeName(it.content)} instead.`, `${p}.content`, 'invalid_type');
  }
  const content = parts.map((part, j) => contentPart(part, `${p}.content[${j}]`));
  return { id: (it.id as string) ?? itemId('msg'), type: 'message', role: role as string, status: 'completed', content };
}

function inputItem(raw: unknown, p: string): Item {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid(`Invalid type for '${p}': expected an object, but got ${typeName(raw)} instead.`, p, 'invalid_type');
  }
  const it = raw as Record<string, unknown>;
  const type = (it.type as string | undefined) ?? (it.role !== undefined ? 'message' : undefined);
  switch (type) {
    case 'message':
      return messageItem(it, p);
    case 'function_call_output': {
      if (typeof it.call_id !== 'string') throw missingParam(`${p}.call_id`);
      if (it.output === undefined) throw missingParam(`${p}.output`);
      return { id: (it.id as string) ?? itemId('fco'), type: 'function_call_output', call_id: it.call_id, output: it.output, status: 'completed' };
    }
    case 'function_call': {
      if (typeof it.call_id !== 'string') throw missingParam(`${p}.call_id`);
      if (typeof it.name !== 'string') throw missingParam(`${p}.name`);
      return { id: (it.id as string) ?? itemId('fc'), type: 'function_call', call_id: it.call_id, name: it.name, arguments: String(it.arguments ?? '{}'), status: 'completed' };
    }
    case 'item_reference':
      if (typeof it.id !== 'string') throw missingParam(`${p}.id`);
      return { type: 'item_reference', id: it.id };
    default:
      if (type === undefined) throw missingParam(`${p}.type`);
      // other item types (reasoning, file_search_call, ...) as given (the description's schema checks them), with the id and status a stored item has
      return { ...it, id: (it.id as string) ?? itemId('item'), ...(it.status === undefined && type !== 'compaction' ? { status: 'completed' } : {}) } as Item;
  }
}

/** `input` as items: a string is one user message; easy messages get the message item shape. */
export function normalizeInput(input: unknown, paramName = 'input'): Item[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ id: itemId('msg'), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: input }] }];
  if (!Array.isArray(input)) {
    throw invalid(`Invalid type for '${paramName}': expected one of a string or an array, but got ${typeName(input)} instead.`, paramName, 'invalid_type');
  }
  return input.map((raw, i) => inputItem(raw, `${paramName}[${i}]`));
}

/** The text of an item's text parts, one per line. */
export function textOf(item: Item): string {
  const content = item.content as { type: string; text?: string }[] | undefined;
  return (content ?? [])
    .filter((c) => c.type === 'input_text' || c.type === 'output_text')
    .map((c) => c.text ?? '')
    .join('\n');
}
