/**
 * The emulator's offline play of the Responses API's hosted tools of the Responses era
 * (docs/API-DEVIATIONS.md R15–R17), through the real openai SDK, every body and stream event
 * validated against openapi.responses.yaml: web_search searched when the message says "web" (or
 * tool_choice asks), with its events in the API's order and a reply that found nothing; an MCP
 * server's tools listed once per conversation, an approval request ending the response, the
 * approval answered (approve: the call made and failed, as no server is reached; refuse: no call),
 * `require_approval: never` and its filter form, an approval response naming no request refused,
 * and the tool echoed without its secrets (headers' values, `authorization`) — also by a Foundry
 * prompt agent holding the tool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { combinedValidator, type CombinedValidator } from '../helpers/openapi-responses.js';
import { foundryEmulator, type FoundryEmulator } from '../helpers/foundry-openapi.js';

let emu: Emulator;
let v: CombinedValidator;
let client: OpenAI;

const SECRET = 'mcp-secret-93b1';
const wiki = (extra: Record<string, unknown> = {}) => ({
  type: 'mcp' as const,
  server_label: 'wiki',
  server_url: 'https://mcp.example.com/mcp',
  allowed_tools: ['ask_question', 'read_page'],
  headers: { Authorization: `Bearer ${SECRET}` },
  authorization: SECRET,
  ...extra,
});

beforeAll(async () => {
  emu = await startEmulator({ indexingDelayMs: 0, quiet: true });
  v = combinedValidator();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: emu.url, maxRetries: 0, fetch: v.fetch });
});

afterAll(async () => {
  await emu.close();
  expect(v.failures).toEqual([]);
});

describe('web_search, offline', () => {
  it('searches when the message says "web": a web_search_call, its events in order, a reply that found nothing', async () => {
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'Look on the web for the opening hours', tools: [{ type: 'web_search', search_context_size: 'low' }], stream: true });
    const events: { type: string; item?: { type: string } }[] = [];
    for await (const e of stream) events.push(e as never);
    const types = events.map((e) => e.type);
    const at = (t: string) => types.indexOf(t);
    expect(at('response.output_item.added')).toBeLessThan(at('response.web_search_call.in_progress'));
    const start = at('response.web_search_call.in_progress');
    expect(types.slice(start, start + 4)).toEqual(['response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed', 'response.output_item.done']);
    const done = events.find((e) => e.type === 'response.completed') as unknown as { response: OpenAI.Responses.Response };
    const [call, message] = done.response.output;
    expect(call).toMatchObject({ type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'Look on the web for the opening hours' } });
    expect(message).toMatchObject({ type: 'message' });
    const text = (message as OpenAI.Responses.ResponseOutputMessage).content.map((c) => (c.type === 'output_text' ? c.text : '')).join('');
    expect(text).toBe('You said: Look on the web for the opening hours The web search found nothing (the emulator does not reach the web).');
  });

  it('does not search when the message does not ask, or tool_choice is none', async () => {
    const plain = await client.responses.create({ model: 'gpt-4.1', input: 'Hello there', tools: [{ type: 'web_search' }] });
    expect(plain.output.map((o) => o.type)).toEqual(['message']);
    const none = await client.responses.create({ model: 'gpt-4.1', input: 'search the web', tools: [{ type: 'web_search' }], tool_choice: 'none' });
    expect(none.output.map((o) => o.type)).toEqual(['message']);
  });
});

describe('mcp, offline', () => {
  it('lists the tools once per conversation, asks for approval, and answers the approval (run: fails offline; refuse: no call)', async () => {
    const conversation = await client.conversations.create({});
    const first = await client.responses.create({ model: 'gpt-4.1', conversation: conversation.id, input: 'please ask_question about cats', tools: [wiki()] });
    expect(first.output.map((o) => o.type)).toEqual(['mcp_list_tools', 'mcp_approval_request']);
    expect(first.output[0]).toMatchObject({ server_label: 'wiki', tools: [{ name: 'ask_question', input_schema: { type: 'object', properties: {} } }, { name: 'read_page' }] });
    const request = first.output[1] as OpenAI.Responses.ResponseOutputItem.McpApprovalRequest;
    expect(request).toMatchObject({ server_label: 'wiki', name: 'ask_question', arguments: '{}' });
    // the tool echoed without its secrets
    expect(first.tools[0]).toMatchObject({ type: 'mcp', server_label: 'wiki', headers: { Authorization: '<redacted>' }, require_approval: 'always' });
    expect(JSON.stringify(first)).not.toContain(SECRET);
    const run = await client.responses.create({ model: 'gpt-4.1', conversation: conversation.id, input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: true }], tools: [wiki()] });
    expect(run.output.map((o) => o.type)).toEqual(['mcp_call', 'message']);
    expect(run.output[0]).toMatchObject({ type: 'mcp_call', name: 'ask_question', status: 'failed', approval_request_id: request.id, error: { type: 'http_error', code: 503 } });
    expect(run.output_text).toBe('The ask_question tool of wiki failed: the emulator reaches no MCP server (offline).');
    const again = await client.responses.create({ model: 'gpt-4.1', conversation: conversation.id, input: 'ask_question once more', tools: [wiki()] });
    const refused = await client.responses.create({ model: 'gpt-4.1', conversation: conversation.id, input: [{ type: 'mcp_approval_response', approval_request_id: again.output[0]!.id!, approve: false }], tools: [wiki()] });
    expect(again.output.map((o) => o.type)).toEqual(['mcp_approval_request']);
    expect(refused.output.map((o) => o.type)).toEqual(['message']);
    expect(refused.output_text).toBe('The call of ask_question on wiki was not approved.');
    const items = (await client.conversations.items.list(conversation.id, { order: 'asc' })).data.map((i) => i.type);
    expect(items.filter((t) => t === 'mcp_list_tools')).toHaveLength(1);
    expect(JSON.stringify(await client.responses.retrieve(first.id))).not.toContain(SECRET);
  });

  it('needs no approval with require_approval never, or for a tool its never filter names; streams the call', async () => {
    const never = await client.responses.create({ model: 'gpt-4.1', input: 'read_page home', tools: [wiki({ require_approval: 'never' })] });
    expect(never.output.map((o) => o.type)).toEqual(['mcp_list_tools', 'mcp_call', 'message']);
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'read_page home', tools: [wiki({ require_approval: { never: { tool_names: ['read_page'] } } })], stream: true });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types.filter((t) => t.startsWith('response.mcp_'))).toEqual(['response.mcp_list_tools.in_progress', 'response.mcp_list_tools.completed', 'response.mcp_call.in_progress', 'response.mcp_call_arguments.delta', 'response.mcp_call_arguments.done', 'response.mcp_call.failed']);
    const filtered = await client.responses.create({ model: 'gpt-4.1', input: 'ask_question now', tools: [wiki({ require_approval: { never: { tool_names: ['read_page'] } } })] });
    expect(filtered.output.map((o) => o.type)).toEqual(['mcp_list_tools', 'mcp_approval_request']);
  });

  it('refuses an approval response that answers no request (400, nothing stored)', async () => {
    const err = await client.responses.create({ model: 'gpt-4.1', input: [{ type: 'mcp_approval_response', approval_request_id: 'mcpr_nothing', approve: true }], tools: [wiki()] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ message: "No MCP approval request found with id 'mcpr_nothing'.", param: 'input[0].approval_request_id', code: 'invalid_value' });
  });
});

describe('a Foundry prompt agent holding the tools', () => {
  let f: FoundryEmulator;
  beforeAll(async () => {
    f = await foundryEmulator();
  });
  afterAll(async () => {
    await f.close();
    expect(f.validator.failures).toEqual([]);
    expect(f.openai.failures).toEqual([]);
  });

  it('plays them from its definition, and echoes no secret', async () => {
    const auth = { authorization: 'Bearer foundry-test', 'content-type': 'application/json' };
    const made = await fetch(`${f.endpoint}/agents/era-researcher/versions?api-version=v1`, { method: 'POST', headers: auth, body: JSON.stringify({ definition: { kind: 'prompt', model: 'gpt-4.1', tools: [{ type: 'web_search' }, wiki()] } }) });
    expect(made.status).toBe(200);
    const openai = new OpenAI({ apiKey: 'foundry-test', baseURL: f.openaiUrl, maxRetries: 0 });
    const web = await openai.responses.create({ input: 'search the web please', agent_reference: { type: 'agent_reference', name: 'era-researcher' } } as never);
    expect((web as OpenAI.Responses.Response).output.map((o) => o.type)).toEqual(['mcp_list_tools', 'web_search_call', 'message']);
    const mcp = (await openai.responses.create({ input: 'ask_question about dogs', agent_reference: { type: 'agent_reference', name: 'era-researcher' } } as never)) as OpenAI.Responses.Response;
    expect(mcp.output.map((o) => o.type)).toEqual(['mcp_list_tools', 'mcp_approval_request']);
    expect(mcp.tools.map((t) => t.type)).toEqual(['web_search', 'mcp']);
    expect(JSON.stringify([web, mcp])).not.toContain(SECRET);
  });
});
