/**
 * What the model answers on /v1/responses, deterministically, like the run engine: a function tool
 * whose name appears in the last user message (or that `tool_choice` forces) is called (a
 * `function_call` output item with arguments built from its parameters schema); when the input carries
 * `function_call_output` items the reply quotes them; otherwise the reply is `You said: <message>`
 * (naming attached and code interpreter files), and with `file_search` over vector stores the stores
 * are searched and the best file is cited (`file_citation` annotation); web_search and mcp tools
 * are played offline by hosted-tools.ts. With a `json_schema` text
 * format the message is a value valid against the schema, drawn from that reply (`schemaValue`);
 * in JSON mode an object holding it. Every step is also an event of the stream, in the API's order;
 * with a conversation the input and output items are appended to it. Background responses are handed
 * to engines/background.ts, which plays the same events out over time.
 */
import { itemId, randomSuffix } from '../ids.js';
import { publicView, type Rec } from '../model/records.js';
import type { Ctx } from '../model/context.js';
import { addConversationItems } from '../model/conversations.js';
import { textOf, type Item } from '../model/items.js';
import { callName, historyOf, responseRecord, type CreateRequest, type Tool } from '../model/responses.js';
import { searchStore } from '../model/vector-stores.js';
import { scheduleBackground } from './background.js';
import { mcp, webSearch, type HostedTurn } from './hosted-tools.js';
import { sampleValue, words } from './sampling.js';
import { schemaValue } from './schema-value.js';

type FnTool = { type: 'function'; name: string; parameters?: Record<string, unknown> | null; strict?: boolean | null };
type Emit = (type: string, data: Record<string, unknown>) => void;

/** What one response is working from while it is made. */
interface Turn {
  ctx: Ctx;
  request: CreateRequest;
  /** The items before this request's input (its conversation's, or the previous responses'). */
  history: Item[];
  text: string;
  lastUser: Item | undefined;
  choice: string | { type: string; name?: string } | undefined;
  emit: Emit;
  output: Item[];
}

/** The function tools the model calls: none once outputs come back, or with tool_choice none. */
function plannedCalls(b: Record<string, unknown>, turn: Turn, outputs: Item[]): FnTool[] {
  const { choice, text } = turn;
  const fnTools = turn.request.tools.filter((t) => t.type === 'function') as unknown as FnTool[];
  let calls: FnTool[] = [];
  if (outputs.length === 0 && choice !== 'none' && fnTools.length) {
    if (choice && typeof choice === 'object') calls = choice.type === 'function' ? fnTools.filter((t) => t.name === choice.name) : [];
    else {
      calls = fnTools.filter((t) => text.toLowerCase().includes(t.name.toLowerCase()));
      if (calls.length === 0 && choice === 'required') calls = fnTools.slice(0, 1);
    }
    if (b.parallel_tool_calls === false) calls = calls.slice(0, 1);
  }
  return calls;
}

function functionCalls(turn: Turn, calls: FnTool[]): void {
  const { emit, output, text } = turn;
  for (const c of calls) {
    const args = JSON.stringify(sampleValue((c.parameters ?? { type: 'object', properties: {} }) as never, c.name, text, 0, Boolean(c.strict)));
    const item: Item = { id: itemId('fc'), type: 'function_call', status: 'in_progress', arguments: '', call_id: `call_${randomSuffix(24)}`, name: c.name };
    const index = output.length;
    emit('response.output_item.added', { output_index: index, item: { ...item } });
    emit('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: args });
    emit('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: c.name, arguments: args });
    const done = { ...item, status: 'completed', arguments: args };
    emit('response.output_item.done', { output_index: index, item: done });
    output.push(done);
  }
}

/** A file_search_call item over the tool's stores; the best result, if any. */
function fileSearch(turn: Turn, fs: Tool): { file_id: string; filename: string } | undefined {
  const { ctx, emit, output, text } = turn;
  const index = output.length;
  const call: Item = { id: itemId('fs'), type: 'file_search_call', status: 'in_progress', queries: [], results: null };
  emit('response.output_item.added', { output_index: index, item: { ...call } });
  emit('response.file_search_call.in_progress', { output_index: index, item_id: call.id });
  emit('response.file_search_call.searching', { output_index: index, item_id: call.id });
  const ro = fs.ranking_options as { score_threshold?: number };
  const results = (fs.vector_store_ids as string[])
    .filter((vs) => ctx.account.get('vs', vs))
    .flatMap((vs) => searchStore(ctx, vs, [text], { maxResults: Number(fs.max_num_results ?? 10), threshold: ro.score_threshold ?? 0, filters: fs.filters ?? undefined }))
    .sort((x, y) => y.score - x.score)
    .slice(0, Number(fs.max_num_results ?? 10));
  emit('response.file_search_call.completed', { output_index: index, item_id: call.id });
  const done: Item = {
    ...call,
    status: 'completed',
    queries: [text],
    results: turn.request.include.includes('file_search_call.results')
      ? results.map((x) => ({ file_id: x.file_id, filename: x.filename, score: x.score, attributes: x.attributes ?? {}, text: x.content.map((c) => c.text).join('\n') }))
      : null,
  };
  emit('response.output_item.done', { output_index: index, item: done });
  output.push(done);
  return results[0];
}

/** The reply to a user message (or the function outputs `quoted`): what it said, the files it carries, and the best file search match. */
function answer(turn: Turn, quoted: string): { reply: string; annotations: Record<string, unknown>[] } {
  const { ctx, text, lastUser, request } = turn;
  const filename = (fileId: string) => String(ctx.account.get('file', fileId)?.filename ?? fileId);
  const annotations: Record<string, unknown>[] = [];
  let reply = quoted || (text ? `You said: ${text}` : 'Hello! How can I help you today?');
  const attached = lastUser && !quoted ? ((lastUser.content as { type: string; file_id?: string }[]) ?? []).filter((c) => c.type === 'input_file' && c.file_id) : [];
  if (attached.length) reply += ` Attached: ${attached.map((c) => filename(String(c.file_id))).join(', ')}.`;
  const ci = request.tools.find((t) => t.type === 'code_interpreter');
  const container = ci?.container as { file_ids?: string[] } | string | undefined;
  if (!quoted && container && typeof container === 'object' && Array.isArray(container.file_ids) && container.file_ids.length) {
    reply += ` Code interpreter files: ${container.file_ids.map(filename).join(', ')}.`;
  }
  if (!quoted) reply += webSearch(hosted(turn));
  const fs = request.tools.find((t) => t.type === 'file_search');
  if (fs && text && !quoted && turn.choice !== 'none') {
    const best = fileSearch(turn, fs);
    if (best) {
      reply += ` The best match is ${best.filename}.`;
      annotations.push({ type: 'file_citation', file_id: best.file_id, filename: best.filename, index: reply.length });
    }
  }
  return { reply, annotations };
}

/** The assistant message item, its text streamed in pieces. */
function message(turn: Turn, reply: string, annotations: Record<string, unknown>[]): void {
  const { emit, output } = turn;
  const index = output.length;
  const msg: Item = { id: itemId('msg'), type: 'message', status: 'in_progress', content: [], role: 'assistant' };
  emit('response.output_item.added', { output_index: index, item: { ...msg } });
  emit('response.content_part.added', { item_id: msg.id, output_index: index, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
  for (const piece of reply.match(/\S+\s*|\s+/g) ?? [reply]) {
    emit('response.output_text.delta', { item_id: msg.id, output_index: index, content_index: 0, delta: piece, logprobs: [] });
  }
  annotations.forEach((annotation, annotation_index) =>
    emit('response.output_text.annotation.added', { item_id: msg.id, output_index: index, content_index: 0, annotation_index, annotation }),
  );
  emit('response.output_text.done', { item_id: msg.id, output_index: index, content_index: 0, text: reply, logprobs: [] });
  const part = { type: 'output_text', annotations, logprobs: [], text: reply };
  emit('response.content_part.done', { item_id: msg.id, output_index: index, content_index: 0, part });
  const done = { ...msg, status: 'completed', content: [part] };
  emit('response.output_item.done', { output_index: index, item: done });
  output.push(done);
}

/** Words for tokens: instructions and the items the model reads (what came before, then the input). */
export function inputTokens(instructions: unknown, items: Item[]): number {
  return words(String(instructions ?? '')) + items.reduce((n, it) => n + words(textOf(it)) + words(String(it.output ?? '')) + words(String(it.arguments ?? '')), 0) + 10;
}

/** Words for tokens: what the model read in; output text and arguments out. */
function usage(b: Record<string, unknown>, items: Item[], output: Item[]): Record<string, unknown> {
  const input = inputTokens(b.instructions, items);
  const outputTokens = output.reduce((n, it) => n + words(textOf(it)) + words(String(it.arguments ?? '')), 0);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + outputTokens,
  };
}

/** The final message: the reply, or a value valid against the `json_schema` format drawn from it (JSON mode: an object holding it). */
function finalMessage(turn: Turn, reply: string, annotations: Record<string, unknown>[]): void {
  const format = turn.request.text.format as { type: string; schema?: unknown };
  if (format.type === 'json_schema') message(turn, JSON.stringify(schemaValue(format.schema ?? {}, { message: reply, text: reply })), []);
  else if (format.type === 'json_object') message(turn, JSON.stringify({ response: reply }), []);
  else message(turn, reply, annotations);
}

function hosted(turn: Turn): HostedTurn {
  return { tools: turn.request.tools, history: turn.history, input: turn.request.input, text: turn.text, choice: turn.choice, emit: turn.emit, output: turn.output };
}

/**
 * The turn's output items: MCP servers' tools listed and MCP calls (hosted-tools.ts), function calls
 * (after a file search, with that tool), or a reply (quoting function or MCP outputs, or what it was
 * told and what web and file search found). A call waiting for approval ends the turn.
 */
function produce(turn: Turn, b: Record<string, unknown>): void {
  const { ctx, request } = turn;
  const mcpSaid = mcp(hosted(turn));
  if (mcpSaid === undefined) return;
  if (mcpSaid) {
    const { reply, annotations } = answer(turn, mcpSaid);
    return finalMessage(turn, reply, annotations);
  }
  const outputs = request.input.filter((it) => it.type === 'function_call_output');
  const calls = plannedCalls(b, turn, outputs);
  if (calls.length) {
    // with file_search too, the model searches in the same turn, before it calls
    const fs = request.tools.find((t) => t.type === 'file_search');
    if (fs && turn.text) fileSearch(turn, fs);
    return functionCalls(turn, calls);
  }
  if (!outputs.length) {
    const { reply, annotations } = answer(turn, '');
    return finalMessage(turn, reply, annotations);
  }
  const quoted = outputs.map((o) => `The ${callName(ctx, request, String(o.call_id))} tool returned: ${typeof o.output === 'string' ? o.output : JSON.stringify(o.output)}`).join('\n');
  const { reply, annotations } = answer(turn, quoted);
  finalMessage(turn, reply, annotations);
}

type Events = [string, Record<string, unknown>][];

/**
 * Make the response for a checked request: the record (stored unless `store: false`), the items
 * appended to its conversation, and the stream's events. In background mode the record is stored
 * `queued` with the output it will have; engines/background.ts moves it on (and appends to the
 * conversation) when its time comes, and `events` holds only what has happened yet.
 */
/**
 * A response a Foundry prompt agent gives (model/foundry.ts): the `agent` it names, echoed, also as
 * each output item's `created_by`, and the `tools` of its definition.
 */
export interface AgentAnswer {
  agent: { type: 'agent_id'; name: string; version: string };
  tools: Tool[];
}

export function createResponse(ctx: Ctx, b: Record<string, unknown>, request: CreateRequest, agent?: AgentAnswer): { response: Rec; events: Events } {
  const a = ctx.account;
  const { input } = request;
  const history = historyOf(ctx, request);
  const lastUser = [...history, ...input].reverse().find((it) => it.type === 'message' && it.role === 'user');
  const events: Events = [];
  let seq = 0;
  const emit: Emit = (type, data) => events.push([type, { type, ...data, sequence_number: seq++ }]);
  const turn: Turn = { ctx, request, history, text: lastUser ? textOf(lastUser) : '', lastUser, choice: b.tool_choice as Turn['choice'], emit, output: [] };

  const resp = responseRecord(ctx, b, request);
  if (agent) Object.assign(resp, { tools: agent.tools, agent: agent.agent });
  emit('response.created', { response: publicView(resp) });
  if (resp.background === true) emit('response.queued', { response: publicView(resp) });
  emit('response.in_progress', { response: publicView({ ...resp, status: 'in_progress' }) });
  produce(turn, b);
  if (agent) for (const item of turn.output) item.created_by = { agent: agent.agent, response_id: resp.id };
  const done = { output: turn.output, usage: usage(b, [...history, ...input], turn.output) };
  if (resp.background === true) {
    scheduleBackground(ctx, resp, events, done, b.stream === true);
    ctx.faults.noteCreated(resp.id);
    return { response: resp, events: events.slice(0, 2) };
  }
  Object.assign(resp, { status: 'completed', completed_at: a.createdAt(), ...done });
  emit('response.completed', { response: publicView(resp) });
  if (resp.store) a.put('response', resp);
  if (request.conversationId) addConversationItems(ctx, request.conversationId, [...input.filter((it) => it.type !== 'item_reference'), ...turn.output]);
  ctx.faults.noteCreated(resp.id);
  return { response: resp, events };
}
