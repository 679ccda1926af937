/**
 * The Responses API subset that `codegen python --api responses` uses: /v1/responses (create, with
 * `stream: true` as server-sent events in the API's order, retrieve, delete, cancel, input items).
 * Shapes follow ../shared/openai-api/openapi.responses.yaml.
 *
 * Replies are deterministic, like the run engine's: a function tool whose name appears in the last
 * user message (or that `tool_choice` forces) is called (a `function_call` output item with arguments
 * built from its parameters schema); when the input carries `function_call_output` items the reply
 * quotes them; otherwise the reply is `You said: <message>`, and with `file_search` over vector stores
 * the stores are searched and the best file is cited (`file_citation` annotation). With a conversation
 * the input and output items are appended to it.
 */
import type { FastifyReply } from 'fastify';
import { ApiError, invalid, missingParam, notFound } from '../errors.js';
import { body, listQuery, param, queryString, type Router } from '../http.js';
import { newId, randomSuffix } from '../ids.js';
import { publicView, type Rec } from '../model/account.js';
import { checkMetadata, typeName } from '../model/validation.js';
import { sampleValue } from '../engines/runs.js';
import type { Ctx } from '../model/context.js';
import { searchStore } from './vector-stores.js';
import { addConversationItems, getConversation, type Item } from './conversations.js';

/** Top-level parameters of CreateResponse (openapi.responses.yaml), for unknown-parameter errors. */
const CREATE_PARAMS = new Set([
  'metadata', 'top_logprobs', 'temperature', 'top_p', 'user', 'safety_identifier', 'prompt_cache_key', 'service_tier',
  'prompt_cache_retention', 'previous_response_id', 'model', 'reasoning', 'background', 'max_output_tokens', 'max_tool_calls',
  'text', 'tools', 'tool_choice', 'prompt', 'truncation', 'input', 'include', 'parallel_tool_calls', 'store', 'instructions',
  'stream', 'stream_options', 'conversation', 'context_management', 'moderation', 'prompt_cache_options',
]);
const INCLUDE_VALUES = new Set([
  'code_interpreter_call.outputs', 'computer_call_output.output.image_url', 'file_search_call.results',
  'message.input_image.image_url', 'message.output_text.logprobs', 'reasoning.encrypted_content', 'web_search_call.action.sources',
  'web_search_call.results',
]);

type Tool = Record<string, unknown> & { type: string };
type FnTool = { type: 'function'; name: string; parameters?: Record<string, unknown> | null; strict?: boolean | null };

function words(text: string): number {
  return (text.match(/\S+/g) ?? []).length;
}

function hex(n = 48): string {
  return randomSuffix(n).toLowerCase().replace(/[^0-9a-f]/g, (c) => (c.charCodeAt(0) % 16).toString(16));
}

export function itemId(prefix: string): string {
  return `${prefix}_${hex()}`;
}

/** `input` as items: a string is one user message; easy messages get the message item shape. */
export function normalizeInput(input: unknown, paramName = 'input'): Item[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ id: itemId('msg'), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: input }] }];
  if (!Array.isArray(input)) {
    throw invalid(`Invalid type for '${paramName}': expected one of a string or an array, but got ${typeName(input)} instead.`, paramName, 'invalid_type');
  }
  return input.map((raw, i) => {
    const p = `${paramName}[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      throw invalid(`Invalid type for '${p}': expected an object, but got ${typeName(raw)} instead.`, p, 'invalid_type');
    }
    const it = raw as Record<string, unknown>;
    const type = (it.type as string | undefined) ?? (it.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message': {
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
        const content = parts.map((part, j) => {
          const c = part as Record<string, unknown>;
          const cp = `${p}.content[${j}]`;
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
        });
        if (role === 'assistant') return { id: (it.id as string) ?? itemId('msg'), type: 'message', role, status: 'completed', content };
        return { id: (it.id as string) ?? itemId('msg'), type: 'message', role: role as string, status: 'completed', content };
      }
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
        return { ...it, id: String(it.id ?? '') } as Item;
      default:
        if (type === undefined) throw missingParam(`${p}.type`);
        return { ...it, id: (it.id as string) ?? itemId('item') } as Item;
    }
  });
}

function textOf(item: Item): string {
  const content = item.content as { type: string; text?: string }[] | undefined;
  return (content ?? [])
    .filter((c) => c.type === 'input_text' || c.type === 'output_text')
    .map((c) => c.text ?? '')
    .join('\n');
}

function checkTools(tools: unknown): Tool[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalid(`Invalid type for 'tools': expected an array, but got ${typeName(tools)} instead.`, 'tools', 'invalid_type');
  return tools.map((t, i) => {
    const p = `tools[${i}]`;
    const tool = t as Tool;
    if (!tool || typeof tool !== 'object' || typeof tool.type !== 'string') throw missingParam(`${p}.type`);
    if (tool.type === 'function') {
      if (typeof tool.name !== 'string') throw missingParam(`${p}.name`);
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) {
        throw invalid(`Invalid '${p}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, `${p}.name`, 'invalid_value');
      }
      return { type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? true };
    }
    if (tool.type === 'file_search') {
      if (!Array.isArray(tool.vector_store_ids)) throw missingParam(`${p}.vector_store_ids`);
      const ro = tool.ranking_options as Record<string, unknown> | undefined;
      if (ro?.ranker !== undefined && ro.ranker !== 'auto' && ro.ranker !== 'default-2024-11-15') {
        throw invalid(`Invalid value: '${String(ro.ranker)}'. Supported values are: 'auto' and 'default-2024-11-15'.`, `${p}.ranking_options.ranker`, 'invalid_value');
      }
      return { ...tool, filters: tool.filters ?? null, max_num_results: tool.max_num_results ?? 10, ranking_options: { ranker: 'auto', score_threshold: 0, ...(ro ?? {}) } };
    }
    if (tool.type === 'code_interpreter') {
      if (tool.container === undefined) throw missingParam(`${p}.container`);
      return { ...tool };
    }
    return { ...tool };
  });
}

export function registerResponses(r: Router, ctx: Ctx): void {
  const a = ctx.account;

  const getResponse = (id: string): Rec => {
    const rec = a.get('response', id);
    if (!rec) throw new ApiError(404, `Response with id '${id}' not found.`, 'invalid_request_error', null, null);
    return rec;
  };

  /** The name of the function a call id belongs to: in this input, the conversation, or earlier responses. */
  function callName(callId: string, input: Item[], conversation: string | undefined, previous: Rec | undefined): string {
    for (const it of input) if (it.type === 'function_call' && it.call_id === callId) return String(it.name);
    if (conversation) {
      for (const id of a.conversationItems.get(conversation)?.all() ?? []) {
        const it = a.get('conv_item', id);
        if (it?.type === 'function_call' && it.call_id === callId) return String(it.name);
      }
    }
    for (let prev = previous, n = 0; prev && n < 100; prev = prev.previous_response_id ? a.get('response', String(prev.previous_response_id)) : undefined, n++) {
      for (const it of (prev.output as Item[]) ?? []) if (it.type === 'function_call' && it.call_id === callId) return String(it.name);
    }
    return 'function';
  }

  function filename(fileId: string): string {
    return String(a.get('file', fileId)?.filename ?? fileId);
  }

  r.route('POST', '/v1/responses', async (req, reply) => {
    const b = body(req, true);
    for (const k of Object.keys(b)) if (!CREATE_PARAMS.has(k)) throw invalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
    if (typeof b.model !== 'string' || !b.model) throw missingParam('model');
    checkMetadata(b.metadata);
    for (const k of ['temperature', 'top_p'] as const) {
      const v = b[k];
      const max = k === 'temperature' ? 2 : 1;
      if (v !== undefined && v !== null && (typeof v !== 'number' || v < 0 || v > max)) {
        if (typeof v !== 'number') throw invalid(`Invalid type for '${k}': expected a decimal, but got ${typeName(v)} instead.`, k, 'invalid_type');
        throw invalid(`Invalid '${k}': decimal ${v < 0 ? 'below minimum' : 'above maximum'} value. Expected a value ${v < 0 ? '>= 0' : `<= ${max}`}, but got ${v} instead.`, k, `decimal_${v < 0 ? 'below_min' : 'above_max'}_value`);
      }
    }
    const include = (b.include as unknown[] | null | undefined) ?? [];
    if (!Array.isArray(include)) throw invalid(`Invalid type for 'include': expected an array, but got ${typeName(include)} instead.`, 'include', 'invalid_type');
    for (const v of include) {
      if (!INCLUDE_VALUES.has(String(v))) throw invalid(`Invalid value: '${String(v)}'. Supported values are: ${[...INCLUDE_VALUES].map((x) => `'${x}'`).join(', ')}.`, 'include', 'invalid_value');
    }
    const tools = checkTools(b.tools);
    const input = normalizeInput(b.input);
    let conversationId: string | undefined;
    if (b.conversation !== undefined && b.conversation !== null) {
      conversationId = typeof b.conversation === 'string' ? b.conversation : String((b.conversation as { id?: unknown }).id ?? '');
      if (b.previous_response_id) {
        throw invalid('Mutually exclusive parameters: Ensure you are only providing one of: \'previous_response_id\' or \'conversation\'.', null, 'mutually_exclusive_parameters');
      }
      getConversation(ctx, conversationId, 'conversation');
    }
    const previous = typeof b.previous_response_id === 'string' ? a.get('response', b.previous_response_id) : undefined;
    if (typeof b.previous_response_id === 'string' && !previous) {
      throw new ApiError(404, `Previous response with id '${b.previous_response_id}' not found.`, 'invalid_request_error', 'previous_response_id', 'previous_response_not_found');
    }
    for (const it of input) {
      if (it.type === 'function_call_output' && !callKnown(String(it.call_id))) {
        throw invalid(`No tool call found for function call output with call_id ${String(it.call_id)}.`, 'input', null);
      }
    }
    function callKnown(callId: string): boolean {
      return callName(callId, input, conversationId, previous) !== 'function';
    }

    // What the model does.
    const outputs = input.filter((it) => it.type === 'function_call_output');
    const lastUser = [...input].reverse().find((it) => it.type === 'message' && it.role === 'user');
    const text = lastUser ? textOf(lastUser) : '';
    const choice = b.tool_choice as string | { type: string; name?: string } | undefined;
    const fnTools = tools.filter((t) => t.type === 'function') as unknown as FnTool[];
    let calls: FnTool[] = [];
    if (outputs.length === 0 && choice !== 'none' && fnTools.length) {
      if (choice && typeof choice === 'object') calls = choice.type === 'function' ? fnTools.filter((t) => t.name === choice.name) : [];
      else {
        calls = fnTools.filter((t) => text.toLowerCase().includes(t.name.toLowerCase()));
        if (calls.length === 0 && choice === 'required') calls = fnTools.slice(0, 1);
      }
      if (b.parallel_tool_calls === false) calls = calls.slice(0, 1);
    }

    const created = a.createdAt();
    const id = `resp_${hex()}`;
    const store = b.store !== false;
    const textParam = (b.text as Record<string, unknown> | undefined) ?? {};
    const resp: Rec = {
      id,
      object: 'response',
      created_at: created,
      status: 'in_progress',
      background: b.background ?? false,
      completed_at: null,
      conversation: conversationId ? { id: conversationId } : null,
      error: null,
      incomplete_details: null,
      instructions: (b.instructions as string | null | undefined) ?? null,
      max_output_tokens: b.max_output_tokens ?? null,
      max_tool_calls: b.max_tool_calls ?? null,
      model: b.model,
      output: [],
      parallel_tool_calls: b.parallel_tool_calls ?? true,
      previous_response_id: b.previous_response_id ?? null,
      prompt_cache_key: b.prompt_cache_key ?? null,
      reasoning: b.reasoning ?? { effort: null, summary: null },
      safety_identifier: b.safety_identifier ?? null,
      service_tier: 'default',
      store,
      temperature: b.temperature ?? 1,
      text: { format: { type: 'text' }, verbosity: 'medium', ...textParam },
      tool_choice: b.tool_choice ?? 'auto',
      tools,
      top_logprobs: b.top_logprobs ?? 0,
      top_p: b.top_p ?? 1,
      truncation: b.truncation ?? 'disabled',
      ...(typeof b.user === 'string' ? { user: b.user } : {}),
      metadata: (b.metadata as Record<string, string> | null) ?? {},
      _seq: a.nextSeq(),
      _input: input,
    };

    const events: [string, Record<string, unknown>][] = [];
    let seq = 0;
    const emit = (type: string, data: Record<string, unknown>) => events.push([type, { type, ...data, sequence_number: seq++ }]);
    const snapshot = () => publicView(resp);
    emit('response.created', { response: snapshot() });
    emit('response.in_progress', { response: snapshot() });
    const output: Item[] = [];

    if (calls.length) {
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
    } else {
      let reply: string;
      const annotations: Record<string, unknown>[] = [];
      if (outputs.length) {
        reply = outputs.map((o) => `The ${callName(String(o.call_id), input, conversationId, previous)} tool returned: ${typeof o.output === 'string' ? o.output : JSON.stringify(o.output)}`).join('\n');
      } else {
        reply = text ? `You said: ${text}` : 'Hello! How can I help you today?';
        const attached = lastUser ? ((lastUser.content as { type: string; file_id?: string }[]) ?? []).filter((c) => c.type === 'input_file' && c.file_id) : [];
        if (attached.length) reply += ` Attached: ${attached.map((c) => filename(String(c.file_id))).join(', ')}.`;
        const ci = tools.find((t) => t.type === 'code_interpreter');
        const container = ci?.container as { file_ids?: string[] } | string | undefined;
        if (container && typeof container === 'object' && container.file_ids?.length) {
          reply += ` Code interpreter files: ${container.file_ids.map(filename).join(', ')}.`;
        }
        const fs = tools.find((t) => t.type === 'file_search');
        if (fs && text && choice !== 'none') {
          const index = output.length;
          const call: Item = { id: itemId('fs'), type: 'file_search_call', status: 'in_progress', queries: [], results: null };
          emit('response.output_item.added', { output_index: index, item: { ...call } });
          emit('response.file_search_call.in_progress', { output_index: index, item_id: call.id });
          emit('response.file_search_call.searching', { output_index: index, item_id: call.id });
          const ro = fs.ranking_options as { score_threshold?: number };
          const results = (fs.vector_store_ids as string[])
            .filter((vs) => a.get('vs', vs))
            .flatMap((vs) => searchStore(ctx, vs, [text], { maxResults: Number(fs.max_num_results ?? 10), threshold: ro.score_threshold ?? 0, filters: fs.filters ?? undefined }))
            .sort((x, y) => y.score - x.score)
            .slice(0, Number(fs.max_num_results ?? 10));
          emit('response.file_search_call.completed', { output_index: index, item_id: call.id });
          const done: Item = {
            ...call,
            status: 'completed',
            queries: [text],
            results: include.includes('file_search_call.results')
              ? results.map((x) => ({ file_id: x.file_id, filename: x.filename, score: x.score, attributes: x.attributes ?? {}, text: x.content.map((c) => c.text).join('\n') }))
              : null,
          };
          emit('response.output_item.done', { output_index: index, item: done });
          output.push(done);
          const best = results[0];
          if (best) {
            reply += ` The best match is ${best.filename}.`;
            annotations.push({ type: 'file_citation', file_id: best.file_id, filename: best.filename, index: reply.length });
          }
        }
      }
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

    const inputTokens = words(String(b.instructions ?? '')) + input.reduce((n, it) => n + words(textOf(it)) + words(String(it.output ?? '')), 0) + 10;
    const outputTokens = output.reduce((n, it) => n + words(textOf(it)) + words(String(it.arguments ?? '')), 0);
    Object.assign(resp, {
      status: 'completed',
      completed_at: a.createdAt(),
      output,
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
    });
    emit('response.completed', { response: snapshot() });
    if (store) a.put('response', resp);
    if (conversationId) addConversationItems(ctx, conversationId, [...input.filter((it) => it.type !== 'item_reference'), ...output]);
    ctx.faults.noteCreated(id);

    if (b.stream === true) {
      await sendResponseEvents(ctx, reply, events);
      return reply;
    }
    return snapshot();
  });

  r.route('GET', '/v1/responses/{response_id}', (req) => {
    const rec = getResponse(param(req, 'response_id'));
    if (queryString(req, 'stream') === 'true') throw invalid('Streaming a stored response is not supported by this emulator.', 'stream', null);
    return publicView(rec);
  });

  r.route('DELETE', '/v1/responses/{response_id}', (req) => {
    const rec = getResponse(param(req, 'response_id'));
    a.del('response', rec.id);
    return { id: rec.id, object: 'response', deleted: true };
  });

  r.route('POST', '/v1/responses/{response_id}/cancel', (req) => {
    const rec = getResponse(param(req, 'response_id'));
    if (rec.background !== true) throw invalid('Only responses created with background=true can be cancelled.', null, null);
    return publicView(rec);
  });

  r.route('GET', '/v1/responses/{response_id}/input_items', (req) => {
    const rec = getResponse(param(req, 'response_id'));
    const q = listQuery(req, { before: false });
    return pageOf((rec._input as Item[]) ?? [], q);
  });
}

/** A list page over items held in an array (input items). */
export function pageOf(items: Item[], q: { limit: number; order: 'asc' | 'desc'; after?: string | undefined }): Record<string, unknown> {
  const ordered = q.order === 'asc' ? items : [...items].reverse();
  let start = 0;
  if (q.after) {
    const i = ordered.findIndex((it) => it.id === q.after);
    start = i < 0 ? ordered.length : i + 1;
  }
  const data = ordered.slice(start, start + q.limit);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: start + q.limit < ordered.length };
}

/** Server-sent events as the Responses API streams them: `event: <type>` / `data: <event>`, no `[DONE]`. */
async function sendResponseEvents(ctx: Ctx, reply: FastifyReply, events: [string, unknown][]): Promise<void> {
  await ctx.account.persistence.sync();
  reply.hijack();
  const headers: Record<string, string> = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
  reply.raw.writeHead(200, headers);
  let out = '';
  for (const [event, data] of events) out += `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  reply.raw.end(out);
}
