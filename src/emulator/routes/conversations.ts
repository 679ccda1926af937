/**
 * /v1/conversations (create, retrieve, update, delete) and their items (create, list, retrieve,
 * delete): the Conversations API that replaced threads. Shapes follow openapi.responses.yaml.
 * Responses created with `conversation` append their input and output items here.
 */
import { ApiError, invalid, missingParam } from '../errors.js';
import { body, listQuery, param, type Router } from '../http.js';
import { publicView, type Rec } from '../model/account.js';
import { checkMetadata, typeName } from '../model/validation.js';
import type { Ctx } from '../model/context.js';
import { itemId, normalizeInput } from './responses.js';

/** An item as the API returns it (message, function_call, function_call_output, file_search_call, …). */
export type Item = Record<string, unknown> & { id: string; type: string };

export function getConversation(ctx: Ctx, id: string, paramName: string | null = null): Rec {
  const rec = ctx.account.get('conversation', id);
  if (!rec) throw new ApiError(404, `Conversation with id '${id}' not found.`, 'invalid_request_error', paramName, null);
  return rec;
}

/** Append items to a conversation (journaled, in order). */
export function addConversationItems(ctx: Ctx, conversationId: string, items: Item[]): Rec[] {
  const a = ctx.account;
  return items.map((it) => {
    const id = a.get('conv_item', it.id) ? itemId(it.type === 'message' ? 'msg' : 'item') : it.id;
    return a.put('conv_item', { ...it, id, _conversation: conversationId, _seq: a.nextSeq() });
  });
}

function itemView(rec: Rec): Record<string, unknown> {
  return publicView(rec);
}

function checkItems(items: unknown, paramName: string, required: boolean): unknown[] {
  if (items === undefined || items === null) {
    if (required) throw missingParam(paramName);
    return [];
  }
  if (!Array.isArray(items)) throw invalid(`Invalid type for '${paramName}': expected an array, but got ${typeName(items)} instead.`, paramName, 'invalid_type');
  if (items.length > 20) {
    throw invalid(
      `Invalid '${paramName}': array too long. Expected an array with maximum length 20, but got an array with length ${items.length} instead.`,
      paramName,
      'array_above_max_length',
    );
  }
  return items;
}

export function registerConversations(r: Router, ctx: Ctx): void {
  const a = ctx.account;

  r.route('POST', '/v1/conversations', (req) => {
    const b = body(req, false);
    for (const k of Object.keys(b)) if (k !== 'metadata' && k !== 'items') throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
    checkMetadata(b.metadata);
    const items = normalizeInput(checkItems(b.items, 'items', false), 'items');
    const rec: Rec = {
      id: itemId('conv'),
      object: 'conversation',
      created_at: a.createdAt(),
      metadata: (b.metadata as Record<string, string> | null) ?? {},
      _seq: a.nextSeq(),
    };
    a.put('conversation', rec);
    addConversationItems(ctx, rec.id, items);
    ctx.faults.noteCreated(rec.id);
    return publicView(rec);
  });

  r.route('GET', '/v1/conversations/{conversation_id}', (req) => publicView(getConversation(ctx, param(req, 'conversation_id'))));

  r.route('POST', '/v1/conversations/{conversation_id}', (req) => {
    const rec = getConversation(ctx, param(req, 'conversation_id'));
    const b = body(req, true);
    for (const k of Object.keys(b)) if (k !== 'metadata') throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
    if (!('metadata' in b)) throw missingParam('metadata');
    checkMetadata(b.metadata);
    const next: Rec = { ...rec, metadata: (b.metadata as Record<string, string> | null) ?? {} };
    a.put('conversation', next);
    return publicView(next);
  });

  r.route('DELETE', '/v1/conversations/{conversation_id}', (req) => {
    const rec = getConversation(ctx, param(req, 'conversation_id'));
    for (const id of a.conversationItems.get(rec.id)?.all() ?? []) a.del('conv_item', id);
    a.del('conversation', rec.id);
    return { id: rec.id, object: 'conversation.deleted', deleted: true };
  });

  r.route('POST', '/v1/conversations/{conversation_id}/items', (req) => {
    const rec = getConversation(ctx, param(req, 'conversation_id'));
    const b = body(req, true);
    const items = normalizeInput(checkItems(b.items, 'items', true), 'items');
    const added = addConversationItems(ctx, rec.id, items).map(itemView);
    return { object: 'list', data: added, first_id: added[0]?.id ?? null, last_id: added[added.length - 1]?.id ?? null, has_more: false };
  });

  r.route('GET', '/v1/conversations/{conversation_id}/items', (req) => {
    const rec = getConversation(ctx, param(req, 'conversation_id'));
    return a.list(a.conversationItems.get(rec.id), listQuery(req, { before: false }), (id) => {
      const it = a.get('conv_item', id);
      return it ? itemView(it) : undefined;
    });
  });

  const getItem = (conversationId: string, itemIdValue: string): Rec => {
    const it = a.get('conv_item', itemIdValue);
    if (!it || it._conversation !== conversationId) {
      throw new ApiError(404, `Item with id '${itemIdValue}' not found.`, 'invalid_request_error', null, null);
    }
    return it;
  };

  r.route('GET', '/v1/conversations/{conversation_id}/items/{item_id}', (req) => {
    const rec = getConversation(ctx, param(req, 'conversation_id'));
    return itemView(getItem(rec.id, param(req, 'item_id')));
  });

  r.route('DELETE', '/v1/conversations/{conversation_id}/items/{item_id}', (req) => {
    const rec = getConversation(ctx, param(req, 'conversation_id'));
    const it = getItem(rec.id, param(req, 'item_id'));
    a.del('conv_item', it.id);
    return publicView(rec);
  });
}
