/** Test helpers: an in-process emulator and an SDK client whose every response is checked against the description. */
import OpenAI from 'openai';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { specValidator, type SpecValidator } from './openapi.js';

export interface TestApi {
  emu: Emulator;
  client: OpenAI;
  spec: SpecValidator;
  /**
   * Raw HTTP against the emulator (path relative to /v1), body validated too. It sends
   * `OpenAI-Beta: assistants=v2`, as the SDKs do on the Assistants endpoints (`beta: false` leaves
   * it out; `headers` may set another value).
   */
  raw(method: string, path: string, init?: { body?: RequestInit["body"]; headers?: Record<string, string>; json?: unknown; beta?: boolean }): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  close(): Promise<void>;
}

export async function startTestApi(options: EmulatorOptions = {}, clientOptions: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): Promise<TestApi> {
  const emu = await startEmulator({ indexingDelayMs: 30, quiet: true, ...options });
  const spec = specValidator();
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: emu.url, maxRetries: 0, fetch: spec.fetch, ...clientOptions });
  return {
    emu,
    client,
    spec,
    async raw(method, path, init = {}) {
      const headers: Record<string, string> = { authorization: 'Bearer sk-test', ...(init.beta === false ? {} : { 'openai-beta': 'assistants=v2' }), ...(init.headers ?? {}) };
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['content-type'] ??= 'application/json';
      }
      const res = await spec.fetch(`${emu.url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
    close: () => emu.close(),
  };
}
