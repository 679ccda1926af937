/**
 * Conversations (the Conversations API that replaced threads) and their items, kept in the order they
 * were added; responses created with `conversation` append their input and output items here.
 */
import { ApiError } from '../errors.js';
import { itemId } from '../ids.js';
import { publicView, type Rec } from './records.js';
import type { Ctx } from './context.js';
import type { Item } from './items.js';

export function getConversation(ctx: Ctx, id: string, paramName: string | null = null): Rec {
  const rec = ctx.account.get('conversation', id);
  if (!rec) throw new ApiError(404, `Conversation with id '${id}' not found.`, 'invalid_request_error', paramName, null);
  return rec;
}

/** The item an `item_reference` names: a conversation's item, or an input or output item of a stored response. */
export function findItem(ctx: Ctx, id: string): Item | undefined {
  const a = ctx.account;
  const conv = a.get('conv_item', id);
  if (conv) return publicView(conv) as Item;
  for (const r of a.cols.response.values()) {
    const found = [...((r._input as Item[]) ?? []), ...((r.output as Item[]) ?? [])].find((it) => it.id === id && it.type !== 'item_reference');
    if (found) return found;
  }
  return undefined;
}

/** Items with each `item_reference` replaced by the item it names (404 for one that names nothing). */
export function resolveReferences(ctx: Ctx, items: Item[], paramName: string): Item[] {
  return items.map((it, i) => {
    if (it.type !== 'item_reference') return it;
    const found = findItem(ctx, it.id);
    if (!found) throw new ApiError(404, `Item with id '${it.id}' not found.`, 'invalid_request_error', `${paramName}[${i}].id`, null);
    return found;
  });
}

/** Append items to a conversation (journaled, in order). */
export function addConversationItems(ctx: Ctx, conversationId: string, items: Item[]): Rec[] {
  const a = ctx.account;
  return items.map((it) => {
    const id = a.get('conv_item', it.id) ? itemId(it.type === 'message' ? 'msg' : 'item') : it.id;
    return a.put('conv_item', { ...it, id, _conversation: conversationId, _seq: a.nextSeq() });
  });
}

export function itemView(rec: Rec): Record<string, unknown> {
  return publicView(rec);
}

export function createConversation(ctx: Ctx, metadata: unknown, items: Item[]): Rec {
  const a = ctx.account;
  const rec: Rec = {
    id: itemId('conv'),
    object: 'conversation',
    created_at: a.createdAt(),
    metadata: (metadata as Record<string, string> | null) ?? {},
    _seq: a.nextSeq(),
  };
  a.put('conversation', rec);
  addConversationItems(ctx, rec.id, items);
  ctx.faults.noteCreated(rec.id);
  return rec;
}

/** Delete a conversation with its items. */
export function deleteConversation(ctx: Ctx, rec: Rec): void {
  const a = ctx.account;
  for (const id of a.conversationItems.get(rec.id)?.all() ?? []) a.del('conv_item', id);
  a.del('conversation', rec.id);
}

export function getConversationItem(ctx: Ctx, conversationId: string, id: string): Rec {
  const it = ctx.account.get('conv_item', id);
  if (!it || it._conversation !== conversationId) {
    throw new ApiError(404, `Item with id '${id}' not found.`, 'invalid_request_error', null, null);
  }
  return it;
}
