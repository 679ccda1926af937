/**
 * Agent frameworks over the Responses API against the emulator, behind the validating proxy (every
 * answer checked against openapi.responses.yaml / openapi.assistants.yaml): the OpenAI Agents SDK
 * (Python, `openai-agents`) runs an agent with a file_search tool, a function tool and a structured
 * `output_type`, with Runner.run and Runner.run_streamed; LangChain's
 * `ChatOpenAI(use_responses_api=True).with_structured_output(Model)` returns the model. The Python
 * environments come from scripts/python-env-agents.sh (pinned versions).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { REPO } from '../helpers/cli.js';
import { runPython, validatedEmulator, type ValidatedEmulator } from '../helpers/python.js';

let api: ValidatedEmulator;
let envs: Record<'agents' | 'langchain', string>;
let vectorStoreId: string;

beforeAll(async () => {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'python-env-agents.sh')], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
  envs = Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ') as [string, string])) as typeof envs;
  api = await validatedEmulator();
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: api.url, maxRetries: 0 });
  const refunds = await client.files.create({ file: await toFile(Buffer.from('Refunds are paid within 14 days to the original card.'), 'refunds.md'), purpose: 'assistants' });
  const login = await client.files.create({ file: await toFile(Buffer.from('Two-factor login uses an authenticator app.'), 'login.md'), purpose: 'assistants' });
  vectorStoreId = (await client.vectorStores.create({ name: 'support docs', file_ids: [refunds.id, login.id] })).id;
});

afterAll(async () => {
  await api?.close();
  expect(api?.validator.failures ?? []).toEqual([]);
  expect(api?.emu.log.filter((l) => l.status >= 400) ?? []).toEqual([]);
});

const env = () => ({ OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'sk-test' });
const script = (name: string) => path.join(REPO, 'test', 'emulator', 'python', name);

describe('the OpenAI Agents SDK (Python) against the emulator', () => {
  it('runs an agent with file_search, a function tool and a structured output_type, streamed and not', async () => {
    const r = await runPython(envs.agents, [script('agents_run.py'), vectorStoreId], { cwd: REPO, env: env(), timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const [run, streamed] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    for (const result of [run, streamed]) {
      expect(result.final_type).toBe('SupportAnswer');
      expect(result.calls).toEqual(['AC-1042']);
      // values drawn from the tool's output, and the reply as the answer
      expect(result.final_output).toMatchObject({ order_status: 'shipped', refund_days: 14, urgent: true });
      expect(result.final_output.answer).toBe('The lookup_order tool returned: {"order_number": "AC-1042", "order_status": "shipped", "refund_days": 14}');
      // the model searches the store and calls the function in one turn, then answers
      expect(result.items).toEqual([
        { item: 'tool_call_item', raw: 'file_search_call', results: ['refunds.md'] },
        { item: 'tool_call_item', raw: 'function_call', name: 'lookup_order', arguments: { order_number: 'AC-1042' } },
        { item: 'tool_call_output_item', raw: 'function_call_output' },
        { item: 'message_output_item', raw: 'message' },
      ]);
    }
    const events: string[] = streamed.events;
    for (const e of [
      'agent_updated_stream_event',
      'raw:response.created',
      'raw:response.function_call_arguments.delta',
      'item:tool_called',
      'item:tool_output',
      'raw:response.file_search_call.searching',
      'raw:response.output_text.delta',
      'item:message_output_created',
      'raw:response.completed',
    ]) {
      expect(events).toContain(e);
    }
    expect(events.indexOf('raw:response.file_search_call.searching')).toBeLessThan(events.indexOf('item:tool_output'));
    expect(events.indexOf('item:tool_output')).toBeLessThan(events.indexOf('item:message_output_created'));
  });
});

describe('LangChain (Python) against the emulator', () => {
  it('ChatOpenAI(use_responses_api=True).with_structured_output(Model) returns the model', async () => {
    const r = await runPython(envs.langchain, [script('langchain_structured.py')], { cwd: REPO, env: env(), timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out.type).toBe('Ticket');
    expect(out.value).toMatchObject({ priority: 'high', order_number: 'AC-77' });
    expect(out.value.summary).toContain('the parcel never came');
  });
});
