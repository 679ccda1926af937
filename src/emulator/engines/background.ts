/**
 * Background responses (`background: true`, https://platform.openai.com/docs/guides/background): the
 * record is stored `queued` with the events and output engines/responses.ts made for it, becomes
 * `in_progress` after the background delay and `completed` (output, usage, conversation items, the
 * `response.completed` event) after another; `cancel` stops it where it is. The record carries its own
 * times, so the state is derived from the clock on each request of the Responses and Conversations
 * routes (`settleBackground`), and a restart gives the same answer. Streams (create with `stream`, or
 * `GET /v1/responses/{id}?stream=true&starting_after=N`) take the events that have happened from
 * `streamStep` and wait for the rest.
 */
import { invalid } from '../errors.js';
import type { Account } from '../model/account.js';
import { publicView, type Rec } from '../model/records.js';
import type { Ctx } from '../model/context.js';
import { addConversationItems } from '../model/conversations.js';
import type { Item } from '../model/items.js';

type Events = [string, Record<string, unknown>][];

/** The background responses not yet finished, per account (built from the records on first use, so after a restart too). */
const pendingByAccount = new WeakMap<Account, Set<string>>();

function pendingOf(ctx: Ctx): Set<string> {
  let set = pendingByAccount.get(ctx.account);
  if (!set) {
    set = new Set();
    for (const [id, r] of ctx.account.cols.response) if (r.status === 'queued' || r.status === 'in_progress') set.add(id);
    pendingByAccount.set(ctx.account, set);
  }
  return set;
}

const running = (rec: Rec) => rec.status === 'queued' || rec.status === 'in_progress';

/** Store a background response `queued`, with what it will have produced and when. */
export function scheduleBackground(ctx: Ctx, resp: Rec, events: Events, done: { output: Item[]; usage: Record<string, unknown> }, stream: boolean): void {
  const now = Date.now();
  const d = ctx.options.backgroundDelayMs;
  Object.assign(resp, { _events: events, _done: done, _stream: stream, _starts_at: now + d, _done_at: now + 2 * d });
  ctx.account.put('response', resp);
  pendingOf(ctx).add(resp.id);
}

/** The finished record: its output, usage and the `response.completed` event; its items join its conversation. */
function complete(ctx: Ctx, rec: Rec): Rec {
  const a = ctx.account;
  const done = rec._done as { output: Item[]; usage: Record<string, unknown> };
  const final: Rec = { ...rec, status: 'completed', completed_at: a.createdAt(), output: done.output, usage: done.usage };
  const events = [...(rec._events as Events)];
  events.push(['response.completed', { type: 'response.completed', response: publicView(final), sequence_number: events.length }]);
  final._events = events;
  a.put('response', final);
  const conversation = rec.conversation as { id: string } | null;
  if (conversation) {
    const input = ((rec._input as Item[]) ?? []).filter((it) => it.type !== 'item_reference');
    addConversationItems(ctx, conversation.id, [...input, ...done.output]);
  }
  return final;
}

/** One background response moved on to where its times say it is. */
function settle(ctx: Ctx, rec: Rec, now = Date.now()): Rec {
  let cur = rec;
  if (cur.status === 'queued' && now >= Number(cur._starts_at)) cur = ctx.account.put('response', { ...cur, status: 'in_progress' });
  if (cur.status === 'in_progress' && now >= Number(cur._done_at)) cur = complete(ctx, cur);
  if (!running(cur)) pendingOf(ctx).delete(cur.id);
  return cur;
}

/** Every background response whose time has come, moved on (called before each Responses and Conversations request). */
export function settleBackground(ctx: Ctx): void {
  const pending = pendingOf(ctx);
  const now = Date.now();
  for (const id of [...pending]) {
    const rec = ctx.account.get('response', id);
    if (!rec || !running(rec)) pending.delete(id);
    else settle(ctx, rec, now);
  }
}

/** How many of its events a response has reached: created and queued, then in_progress, then all. */
function reached(rec: Rec): number {
  const all = (rec._events as Events | undefined)?.length ?? 0;
  if (rec.status === 'queued') return 2;
  if (rec.status === 'in_progress') return 3;
  if (rec.status === 'cancelled') return Number(rec._reached ?? 2);
  return all;
}

/**
 * Cancel a background response: `queued` or `in_progress` ones become `cancelled` (no output, nothing
 * added to the conversation); a finished one is answered as it is (cancelling twice is idempotent).
 */
export function cancelResponse(ctx: Ctx, rec: Rec): Rec {
  if (rec.background !== true) throw invalid('Cannot cancel a synchronous response.', null, null);
  const cur = settle(ctx, rec);
  if (!running(cur)) return cur;
  pendingOf(ctx).delete(cur.id);
  return ctx.account.put('response', { ...cur, status: 'cancelled', _reached: reached(cur) });
}

/** Only background responses created with `stream: true` can be streamed again (the background guide's limits). */
export function checkStreamable(rec: Rec): void {
  if (rec.background !== true || rec._stream !== true) {
    throw invalid('Only responses created with background=true and stream=true can be streamed.', 'stream', null);
  }
}

/** The events of a response after sequence number `after` that have happened, whether it is over, and how long until its next step. */
export function streamStep(ctx: Ctx, id: string, after: number): { events: Events; done: boolean; waitMs: number } {
  const rec = ctx.account.get('response', id);
  if (!rec) return { events: [], done: true, waitMs: 0 };
  const cur = running(rec) ? settle(ctx, rec) : rec;
  const events = ((cur._events as Events | undefined) ?? []).slice(0, reached(cur)).filter(([, e]) => Number(e.sequence_number) > after);
  const due = Number(cur.status === 'queued' ? cur._starts_at : cur._done_at);
  return { events, done: !running(cur), waitMs: Math.max(1, due - Date.now()) };
}
