/**
 * Each exchange recorded from the real Foundry service (../shared/azure-foundry/recordings, else the
 * vendored copy in vendor/azure-foundry/recordings) is replayed against the emulator, the host and
 * project adapted, in the recordings' order; the answer must equal the recorded one field for field,
 * ids and times aside: an id the service made up (`vs_…`, `assistant-…`, a request id) must have the
 * recorded id's shape (prefix, length, alphabet) and is then mapped, so later requests and bodies
 * name the emulator's; times must be unix seconds of now. Status and the `api-supported-versions`
 * header must match too. Recordings 09–12 are preview-era (`/openai/vector_stores?api-version=
 * 2025-11-15-preview`), which the emulator serves beside `/openai/v1`. Before 07, which deletes a
 * version of `MyAgent2`, that agent is made as the recorded test made it. Every agents answer is
 * validated against the subset on the way (test/helpers/foundry-openapi.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDRY_DIR, foundryEmulator, type FoundryEmulator } from '../helpers/foundry-openapi.js';

interface Recording {
  request: { method: string; uri: string; headers_subset: Record<string, string>; body: unknown };
  response: { status: number; headers_subset: Record<string, string>; body: unknown };
}

const DIR = path.join(FOUNDRY_DIR, 'recordings');
const FILES = readdirSync(DIR).filter((f) => /^\d\d-.*\.json$/.test(f)).sort();
const RECORDED_PROJECT = '/api/projects/sanitized-project-name';
const TIME_KEYS = new Set(['created_at', 'last_active_at']);
/** Values the service made up: mapped to the emulator's once their shape is checked. */
const MADE_UP = /^(vs_|assistant-|file-)[A-Za-z0-9]+$/;

let f: FoundryEmulator;
const ids = new Map<string, string>();

beforeAll(async () => {
  f = await foundryEmulator({ indexingDelayMs: 60_000 });
});
afterAll(async () => {
  await f.close();
});

function shapeOf(id: string): string {
  const prefix = /^(vs_|assistant-|file-)/.exec(id)?.[1] ?? '';
  return `${prefix}${id.length}${/^[0-9a-f]+$/.test(id.slice(prefix.length)) ? 'hex' : 'base62'}`;
}

/** Learn the made-up ids: the recorded value at each place where the emulator answered its own. */
function learn(recorded: unknown, actual: unknown, key = ''): void {
  if (typeof recorded === 'string' && typeof actual === 'string') {
    if ((MADE_UP.test(recorded) || key === 'request_id') && !ids.has(recorded)) {
      expect(shapeOf(actual), `${key}: ${actual} has the shape of the recorded ${recorded}`).toBe(shapeOf(recorded));
      ids.set(recorded, actual);
    }
    return;
  }
  if (Array.isArray(recorded) && Array.isArray(actual)) recorded.forEach((r, i) => learn(r, actual[i], key));
  else if (recorded && actual && typeof recorded === 'object' && typeof actual === 'object') {
    for (const [k, v] of Object.entries(recorded)) learn(v, (actual as Record<string, unknown>)[k], k);
  }
}

/** Recorded ids replaced by the emulator's; times checked and masked. */
function normalise(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    let out = ids.get(value) ?? value;
    for (const [from, to] of ids) out = out.split(from).join(to);
    return out;
  }
  if (typeof value === 'number' && TIME_KEYS.has(key)) return '<unix seconds>';
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  return value;
}

function checkTimes(value: unknown, key = ''): void {
  if (TIME_KEYS.has(key)) {
    expect(Number.isInteger(value), `${key} is unix seconds`).toBe(true);
    expect(Math.abs(Number(value) - Date.now() / 1000)).toBeLessThan(120);
    return;
  }
  if (Array.isArray(value)) value.forEach((v) => checkTimes(v, key));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) checkTimes(v, k);
}

/** The recorded request, sent to the emulator: host and project adapted, ids mapped. */
async function replay(rec: Recording): Promise<Response> {
  const u = new URL(rec.request.uri);
  const target = `${f.origin}${normalise(u.pathname.replace(RECORDED_PROJECT, '/api/projects/local-project'))}${normalise(u.search)}`;
  const headers: Record<string, string> = { authorization: 'Bearer recorded-token' };
  for (const [k, v] of Object.entries(rec.request.headers_subset)) if (!k.startsWith('(') && !['content-type', 'content-length', 'user-agent'].includes(k.toLowerCase())) headers[k] = v;
  let body: string | FormData | undefined;
  if (rec.request.body !== null) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(normalise(rec.request.body));
  } else if (/multipart\/form-data/.test(rec.request.headers_subset['Content-Type'] ?? '')) {
    // recordings/10: purpose=assistants and product_info.md (text/markdown), as many bytes as recorded
    const bytes = Number((rec.response.body as { bytes: number }).bytes);
    const text = '# Product info\n\nThe Contoso Widget ships in three sizes.\n';
    const form = new FormData();
    form.append('purpose', 'assistants');
    form.append('file', new Blob([text.padEnd(bytes, 'x')], { type: 'text/markdown' }), 'product_info.md');
    body = form;
  }
  return fetch(target, { method: rec.request.method, headers, ...(body !== undefined ? { body } : {}) });
}

describe('the recorded Foundry exchanges, replayed against the emulator', () => {
  it('has all twelve recordings to replay', () => {
    expect(FILES).toHaveLength(12);
  });

  for (const file of FILES) {
    it(`${file}: the same status and body, ids and times aside`, async () => {
      const rec = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Recording;
      if (file.startsWith('07-')) {
        // what the recorded test did before: MyAgent2 version 1
        const made = await fetch(`${f.endpoint}/agents/MyAgent2/versions?api-version=v1`, {
          method: 'POST',
          headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
          body: JSON.stringify({ definition: { model: 'sanitized-gpt-memory', kind: 'prompt', instructions: 'Second set of instructions here' } }),
        });
        expect(made.status).toBe(200);
      }
      const res = await replay(rec);
      const actual = (await res.json()) as unknown;
      expect({ status: res.status, body: actual }).toMatchObject({ status: rec.response.status });
      learn(rec.response.body, actual);
      checkTimes(actual);
      expect(normalise(actual)).toEqual(normalise(rec.response.body));
      const supported = rec.response.headers_subset['api-supported-versions'];
      if (supported) expect(res.headers.get('api-supported-versions')).toBe(supported);
      expect(res.headers.get('content-type')).toContain(rec.response.headers_subset['Content-Type']!.split(';')[0]!);
    });
  }

  it('validated every agents answer against the subset', () => {
    expect(f.validator.covered.size).toBeGreaterThanOrEqual(6);
    expect(f.validator.failures).toEqual([]);
    // and the OpenAI-compatible surface's against the OpenAI descriptions
    expect(f.openai.failures.map((x) => JSON.stringify(x).slice(0, 400))).toEqual([]);
  });
});
