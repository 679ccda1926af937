/**
 * Issue 15's Responses and Conversations cases through the openai Python SDK (openai 3.57, from
 * scripts/python-env-agents.sh), against the emulator behind the validating proxy: the refusals, no
 * 500 for JSON null bodies, structured output with `responses.parse(text_format=Model)`, background
 * responses polled, streamed, resumed and cancelled, input_tokens and compact, normalised
 * conversation items. The Node SDK's side is responses-fidelity.test.ts.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { runPython, validatedEmulator, type ValidatedEmulator } from '../helpers/python.js';

let api: ValidatedEmulator;
let python: string;

beforeAll(async () => {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'python-env-agents.sh'), 'agents'], { encoding: 'utf8', timeout: 900_000, stdio: ['ignore', 'pipe', 'inherit'] });
  python = out.trim().split(' ')[1]!;
  api = await validatedEmulator({ backgroundDelayMs: 100 });
});

afterAll(async () => {
  await api?.close();
  expect(api?.validator.failures ?? []).toEqual([]);
  expect(api?.emu.log.filter((l) => l.status >= 500) ?? []).toEqual([]);
});

describe('the openai Python SDK against the emulator (issue 15, Responses side)', () => {
  it('gets the API answers for each case', async () => {
    const r = await runPython(python, [path.join(REPO, 'test', 'emulator', 'python', 'responses_fidelity.py')], {
      cwd: REPO,
      env: { OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'sk-test' },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out.unknown_model).toEqual({ status: 400, param: 'model', code: 'model_not_found', message: "The requested model 'gpt-99' does not exist." });
    expect(out.max_output_tokens).toMatchObject({ status: 400, param: 'max_output_tokens', code: 'integer_below_min_value' });
    expect(out.json_schema_without_name).toMatchObject({ status: 400, param: 'text.format.name', code: 'missing_required_parameter' });
    expect(out.unknown_tool_type).toMatchObject({ status: 400, param: 'tools[0].type', code: 'invalid_value' });
    expect(out.tool_choice_not_in_tools).toMatchObject({ status: 400, param: 'tool_choice', message: "Tool choice 'lookup_order' not found in 'tools' parameter." });
    expect(out.temperature_on_reasoning_model).toMatchObject({ status: 400, param: 'temperature', code: 'unsupported_parameter' });
    expect(out.reasoning_on_other_model).toMatchObject({ status: 400, param: 'reasoning.effort', code: 'unsupported_parameter' });
    expect(out.json_object_without_json).toMatchObject({ status: 400, param: 'input' });
    expect(out.empty_prompt).toMatchObject({ status: 400, param: 'prompt.id', code: 'missing_required_parameter' });
    expect(out.container_file_ids_not_a_list).toMatchObject({ status: 400, param: 'tools[0].container.file_ids', code: 'invalid_type' });
    expect(out.unknown_previous_response).toMatchObject({ status: 400, param: 'previous_response_id', code: 'previous_response_not_found' });
    expect(out.unknown_vector_store).toMatchObject({ status: 404, param: 'tools[0].vector_store_ids' });
    expect(out.null_bodies).toEqual({
      '/responses': [400, 'invalid_type'],
      '/conversations': [400, 'invalid_type'],
      '/conversations/{id}': [400, 'invalid_type'],
      '/conversations/{id}/items': [400, 'invalid_type'],
    });
    expect(out.parsed).toEqual({ type: 'Order', value: { order_number: 'AC-5', status: 'late', days: 3 } });
    expect(out.background_polled).toEqual({ statuses: ['queued', 'in_progress', 'completed'], output_text: 'You said: in the background' });
    expect(out.background_stream).toEqual({
      first: [
        ['response.created', 'queued'],
        ['response.queued', 'queued'],
        ['response.in_progress', 'in_progress'],
      ],
      last: 'response.completed',
      sequence: true,
    });
    expect(out.background_resume.replayed).toEqual(out.background_resume.expected);
    expect(out.background_resume.replayed.length).toBeGreaterThan(3);
    expect(out.cancel).toEqual({ status: 'cancelled', again: 'cancelled', sync: 'Cannot cancel a synchronous response.' });
    expect(out.input_tokens.object).toBe('response.input_tokens');
    expect(out.input_tokens.count).toBe(out.input_tokens.usage);
    expect(out.compact).toEqual({ object: 'response.compaction', types: ['message', 'compaction'] });
    expect(out.conversation_items).toEqual(['message', 'function_call', 'function_call_output', 'message']);
  });
});
