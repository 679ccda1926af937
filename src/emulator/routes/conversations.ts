/**
 * /v1/conversations (create, retrieve, update, delete) and their items (create, list, retrieve,
 * delete): the Conversations API that replaced threads. Shapes follow openapi.responses.yaml.
 */
import type { FastifyRequest } from 'fastify';
import { invalid, missingParam } from '../errors.js';
import { bindRoutes, body, listQuery, param, type CtxHandler, type Router } from '../http.js';
import { publicView, type Rec } from '../model/records.js';
import type { Ctx } from '../model/context.js';
import { addConversationItems, createConversation, deleteConversation, getConversation, getConversationItem, itemView, resolveReferences } from '../model/conversations.js';
import { normalizeInput } from '../model/items.js';
import { settleBackground } from '../engines/background.js';
import { typeName, validateResponsesValue } from '../model/validation.js';
import { checkMetadata } from '../model/limits.js';

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

const conversationOf = (ctx: Ctx, req: FastifyRequest): Rec => getConversation(ctx, param(req, 'conversation_id'));

const create: CtxHandler = (ctx, req) => {
  const b = body(req, false);
  for (const k of Object.keys(b)) if (k !== 'metadata' && k !== 'items') throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
  checkMetadata(b.metadata);
  const items = normalizeInput(checkItems(b.items, 'items', false), 'items');
  validateResponsesValue('CreateConversationBody', b);
  return publicView(createConversation(ctx, b.metadata, resolveReferences(ctx, items, 'items')));
};

const modify: CtxHandler = (ctx, req) => {
  const rec = conversationOf(ctx, req);
  const b = body(req, true);
  for (const k of Object.keys(b)) if (k !== 'metadata') throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
  if (!('metadata' in b)) throw missingParam('metadata');
  checkMetadata(b.metadata);
  validateResponsesValue('UpdateConversationBody', b);
  const next: Rec = { ...rec, metadata: (b.metadata as Record<string, string> | null) ?? {} };
  ctx.account.put('conversation', next);
  return publicView(next);
};

const remove: CtxHandler = (ctx, req) => {
  const rec = conversationOf(ctx, req);
  deleteConversation(ctx, rec);
  return { id: rec.id, object: 'conversation.deleted', deleted: true };
};

const addItems: CtxHandler = (ctx, req) => {
  const rec = conversationOf(ctx, req);
  const b = body(req, true);
  for (const k of Object.keys(b)) if (k !== 'items') throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
  const items = normalizeInput(checkItems(b.items, 'items', true), 'items');
  (b.items as unknown[]).forEach((it, i) => validateResponsesValue('InputItem', it, `items[${i}]`));
  const added = addConversationItems(ctx, rec.id, resolveReferences(ctx, items, 'items')).map(itemView);
  return { object: 'list', data: added, first_id: added[0]?.id ?? null, last_id: added[added.length - 1]?.id ?? null, has_more: false };
};

const listItems: CtxHandler = (ctx, req) => {
  const a = ctx.account;
  const rec = conversationOf(ctx, req);
  return a.list(a.conversationItems.get(rec.id), listQuery(req, { before: false }), (id) => {
    const it = a.get('conv_item', id);
    return it ? itemView(it) : undefined;
  });
};

const removeItem: CtxHandler = (ctx, req) => {
  const rec = conversationOf(ctx, req);
  const it = getConversationItem(ctx, rec.id, param(req, 'item_id'));
  ctx.account.del('conv_item', it.id);
  return publicView(rec);
};

export function registerConversations(r: Router, ctx: Ctx): void {
  // background responses add their items to their conversation when they complete
  const on = bindRoutes(r, ctx, settleBackground);
  on('POST', '/v1/conversations', create);
  on('GET', '/v1/conversations/{conversation_id}', (c, req) => publicView(conversationOf(c, req)));
  on('POST', '/v1/conversations/{conversation_id}', modify);
  on('DELETE', '/v1/conversations/{conversation_id}', remove);
  on('POST', '/v1/conversations/{conversation_id}/items', addItems);
  on('GET', '/v1/conversations/{conversation_id}/items', listItems);
  on('GET', '/v1/conversations/{conversation_id}/items/{item_id}', (c, req) => itemView(getConversationItem(c, conversationOf(c, req).id, param(req, 'item_id'))));
  on('DELETE', '/v1/conversations/{conversation_id}/items/{item_id}', removeItem);
}
