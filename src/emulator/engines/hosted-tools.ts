/**
 * The hosted tools of the Responses era the emulator cannot really run, offline and deterministic
 * (docs/API-DEVIATIONS.md R15, R16):
 *
 * - `web_search`: searched when the last user message says "web" (or `tool_choice` asks for it): a
 *   `web_search_call` item (action `search`, the message as its query, no sources) with its events,
 *   and the reply says the search found nothing. No page is fetched.
 * - `mcp`: the emulator reaches no MCP server. A server's tools are listed once per conversation
 *   (an `mcp_list_tools` item naming the tools `allowed_tools` names, with an empty input schema:
 *   none when it names none); a listed tool named in the last user message is called: first an
 *   `mcp_approval_request` when `require_approval` asks for one (the response ends there), then,
 *   when approved (or when no approval is needed), an `mcp_call` item that fails with an
 *   `http_error` (503: the server cannot be reached), which the reply quotes; a refused call is not
 *   made.
 */
import { invalid } from '../errors.js';
import { itemId } from '../ids.js';
import type { Item } from '../model/items.js';
import type { Tool } from '../model/responses.js';

type Emit = (type: string, data: Record<string, unknown>) => void;

/** What a turn gives these tools: its request's tools, the items before and in it, the text, the stream. */
export interface HostedTurn {
  tools: Tool[];
  history: Item[];
  input: Item[];
  text: string;
  choice: string | { type: string; name?: string } | undefined;
  emit: Emit;
  output: Item[];
}

const OFFLINE = 'the emulator reaches no MCP server (offline)';

function emitItem(turn: HostedTurn, item: Item, events: string[]): void {
  const index = turn.output.length;
  turn.emit('response.output_item.added', { output_index: index, item: { ...item, ...(item.status ? { status: 'in_progress' } : {}) } });
  for (const e of events) turn.emit(e, { output_index: index, item_id: item.id });
  turn.emit('response.output_item.done', { output_index: index, item });
  turn.output.push(item);
}

/** A web_search_call when the message asks for the web; the sentence the reply adds. */
export function webSearch(turn: HostedTurn): string {
  const tool = turn.tools.find((t) => t.type === 'web_search' || t.type === 'web_search_2025_08_26' || t.type.startsWith('web_search_preview'));
  if (!tool || !turn.text || turn.choice === 'none') return '';
  const forced = typeof turn.choice === 'object' && turn.choice.type.startsWith('web_search');
  if (!forced && !/\bweb\b/i.test(turn.text)) return '';
  const item: Item = { id: itemId('ws'), type: 'web_search_call', status: 'completed', action: { type: 'search', query: turn.text } };
  emitItem(turn, item, ['response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed']);
  return ' The web search found nothing (the emulator does not reach the web).';
}

type Filter = { tool_names?: string[] } | null | undefined;

function namesOf(allowed: unknown): string[] {
  if (Array.isArray(allowed)) return allowed.map(String);
  const f = allowed as Filter;
  return f?.tool_names ?? [];
}

/** Whether a call of `name` waits for approval: `always` unless the policy says `never` for it. */
function needsApproval(tool: Tool, name: string): boolean {
  const policy = tool.require_approval as string | { always?: Filter; never?: Filter } | null | undefined;
  if (policy === 'never') return false;
  if (!policy || typeof policy === 'string') return true;
  if (policy.never?.tool_names?.includes(name)) return false;
  return true;
}

/** One mcp_list_tools item per server the conversation has not listed yet. */
function listTools(turn: HostedTurn, servers: Tool[]): void {
  const listed = new Set([...turn.history, ...turn.input].filter((it) => it.type === 'mcp_list_tools').map((it) => String(it.server_label)));
  for (const s of servers) {
    if (listed.has(String(s.server_label))) continue;
    const tools = namesOf(s.allowed_tools).map((name) => ({ name, description: null, input_schema: { type: 'object', properties: {} }, annotations: null }));
    emitItem(turn, { id: itemId('mcpl'), type: 'mcp_list_tools', server_label: s.server_label, tools, error: null }, ['response.mcp_list_tools.in_progress', 'response.mcp_list_tools.completed']);
  }
}

function mcpCall(turn: HostedTurn, server: Tool, name: string, approvalId: string | null): string {
  // the API's HTTPError shape (MCPToolCallError): the server answered nothing
  const error = { type: 'http_error', code: 503, message: OFFLINE };
  const item: Item = { id: itemId('mcp'), type: 'mcp_call', server_label: server.server_label, name, arguments: '{}', output: null, error, status: 'failed', approval_request_id: approvalId };
  const index = turn.output.length;
  turn.emit('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', error: null } });
  turn.emit('response.mcp_call.in_progress', { output_index: index, item_id: item.id });
  turn.emit('response.mcp_call_arguments.delta', { output_index: index, item_id: item.id, delta: '{}' });
  turn.emit('response.mcp_call_arguments.done', { output_index: index, item_id: item.id, arguments: '{}' });
  turn.emit('response.mcp_call.failed', { output_index: index, item_id: item.id });
  turn.emit('response.output_item.done', { output_index: index, item });
  turn.output.push(item);
  return `The ${name} tool of ${String(server.server_label)} failed: ${OFFLINE}.`;
}

/** The approval request an `mcp_approval_response` answers (400 when there is none). */
function requestOf(turn: HostedTurn, response: Item, p: string): Item {
  const found = [...turn.history, ...turn.input].find((it) => it.type === 'mcp_approval_request' && it.id === response.approval_request_id);
  if (!found) throw invalid(`No MCP approval request found with id '${String(response.approval_request_id)}'.`, p, 'invalid_value');
  return found;
}

/**
 * The MCP part of a turn: servers listed, then approvals answered or a tool called. Returns what the
 * reply says (empty: nothing), or `undefined` when the response ends waiting for an approval.
 */
export function mcp(turn: HostedTurn): string | undefined {
  const servers = turn.tools.filter((t) => t.type === 'mcp');
  const approvals = turn.input.map((it, i) => ({ it, i })).filter(({ it }) => it.type === 'mcp_approval_response');
  if (servers.length === 0 && approvals.length === 0) return '';
  listTools(turn, servers);
  if (approvals.length > 0) {
    const said: string[] = [];
    for (const { it, i } of approvals) {
      const request = requestOf(turn, it, `input[${i}].approval_request_id`);
      const server = servers.find((s) => s.server_label === request.server_label);
      const name = String(request.name);
      if (it.approve !== true || !server) said.push(`The call of ${name} on ${String(request.server_label)} was not approved.`);
      else said.push(mcpCall(turn, server, name, String(request.id)));
    }
    return said.join(' ');
  }
  if (!turn.text || turn.choice === 'none') return '';
  for (const server of servers) {
    const name = namesOf(server.allowed_tools).find((n) => turn.text.toLowerCase().includes(n.toLowerCase()));
    if (name === undefined) continue;
    if (!needsApproval(server, name)) return mcpCall(turn, server, name, null);
    emitItem(turn, { id: itemId('mcpr'), type: 'mcp_approval_request', server_label: server.server_label, name, arguments: '{}' }, []);
    return undefined;
  }
  return '';
}
