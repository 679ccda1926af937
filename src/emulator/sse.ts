/** Server-sent events as the APIs stream them: the Assistants API's (`event: NAME` / `data: JSON`, ending with `done` / `[DONE]`) and the Responses API's (no `[DONE]`). */
import type { FastifyReply } from 'fastify';
import type { Ctx } from './model/context.js';

export interface EventBuffer {
  events: [string, unknown][];
  emit(event: string, data: unknown): void;
}

export function eventBuffer(): EventBuffer {
  const events: [string, unknown][] = [];
  return { events, emit: (event, data) => events.push([event, data]) };
}

/** Write the buffered events once every write they describe is durable. */
export async function sendEvents(ctx: Ctx, reply: FastifyReply, buf: EventBuffer): Promise<void> {
  await ctx.account.persistence.sync();
  reply.hijack();
  const raw = reply.raw;
  const headers: Record<string, string> = {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  };
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
  raw.writeHead(200, headers);
  let out = '';
  for (const [event, data] of buf.events) out += `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  out += 'event: done\ndata: [DONE]\n\n';
  raw.end(out);
}

/** Server-sent events as the Responses API streams them: `event: <type>` / `data: <event>`, no `[DONE]`. */
export async function sendResponseEvents(ctx: Ctx, reply: FastifyReply, events: [string, unknown][]): Promise<void> {
  await ctx.account.persistence.sync();
  reply.hijack();
  const headers: Record<string, string> = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
  reply.raw.writeHead(200, headers);
  let out = '';
  for (const [event, data] of events) out += `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  reply.raw.end(out);
}

/** What a progressive stream is handed at each step: events to send now, whether it is over, and how long to wait for more. */
export type StreamStep = () => { events: [string, unknown][]; done: boolean; waitMs: number };

/**
 * Server-sent events of the Responses API as they happen (background responses): each step's events
 * are written once every write they describe is durable, then the stream waits for the next step,
 * until it is over, the client has gone, or `maxMs` has passed.
 */
export async function streamResponseEvents(ctx: Ctx, reply: FastifyReply, step: StreamStep, maxMs = 600_000): Promise<void> {
  await ctx.account.persistence.sync();
  reply.hijack();
  const headers: Record<string, string> = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
  const raw = reply.raw;
  raw.writeHead(200, headers);
  const until = Date.now() + maxMs;
  for (;;) {
    const { events, done, waitMs } = step();
    await ctx.account.persistence.sync();
    if (raw.destroyed) return;
    let out = '';
    for (const [event, data] of events) out += `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    if (out) raw.write(out);
    if (done || Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, Math.min(waitMs, 1000)));
  }
  raw.end();
}
