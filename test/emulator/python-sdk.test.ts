/**
 * Issue 15, the Assistants side, through the openai Python SDK (the `--api assistants` range,
 * scripts/python-env-codegen.sh): one small script per behaviour in python/, run against the
 * emulator behind the proxy that validates every response (test/helpers/python.ts). A script
 * exits 0 and prints `ok`, or says what it saw. AssistantEventHandler's on_tool_call_created/done
 * for file_search can only be shown here.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonEnvs, runPython, validatedEmulator, type ValidatedEmulator } from '../helpers/python.js';

const DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'python');

let python: string;
let api: ValidatedEmulator;
beforeAll(async () => {
  python = pythonEnvs().assistants;
  api = await validatedEmulator();
}, 900_000);
afterAll(async () => {
  await api.close();
  expect(api.validator.failures.map((f) => JSON.stringify(f).slice(0, 600))).toEqual([]);
});

const SCRIPTS: [string, string][] = [
  ['beta_header.py', 'OpenAI-Beta: assistants=v2 is required (400 invalid_beta without it or with v1)'],
  ['active_run.py', 'no message while a run is queued or waits for tool outputs'],
  ['unknown_model.py', 'models outside the catalogue are refused on assistants and run overrides'],
  ['missing_refs.py', 'missing vector stores, files and attachments answer 404; both ids and helper are mutually exclusive'],
  ['attachments.py', "file_search attachments go into the thread's 7-day vector store, which the run searches and cites"],
  ['stream_file_search.py', 'AssistantEventHandler.on_tool_call_created/done fire for file_search; contents only with include[]'],
  ['structured.py', 'a json_schema reply parses into the Pydantic model it came from'],
];

describe('the Python SDK against the emulator', () => {
  for (const [script, title] of SCRIPTS) {
    it(title, async () => {
      const r = await runPython(python, [path.join(DIR, script)], { cwd: DIR, env: { OPENAI_BASE_URL: api.url, OPENAI_API_KEY: 'sk-test', PYTHONWARNINGS: 'ignore::DeprecationWarning' }, timeoutMs: 60_000 });
      expect(r.stderr + r.stdout).toContain('ok');
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    });
  }
});
