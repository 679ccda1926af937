/**
 * The Foundry reference the emulator is held to: vendor/azure-foundry holds copies of the reference
 * pack's agents subset and recordings (so a clone anywhere runs the tests), equal to
 * ../shared/azure-foundry when the workspace has it; src/emulator/spec/foundry-agents.generated.ts
 * holds the subset's `definitions` (the emulator's request checks), equal to the vendored file —
 * rewrite it with `FOUNDRY_SPEC_WRITE=1 npx vitest run test/emulator/foundry-spec.test.ts`. And the
 * answer validator (test/helpers/foundry-openapi.ts) refuses what the subset refuses.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { SHARED_FOUNDRY, VENDORED_FOUNDRY, foundryValidator } from '../helpers/foundry-openapi.js';

const SUBSET = 'foundry-agents.openapi.json';
const GENERATED = path.join(REPO, 'src/emulator/spec/foundry-agents.generated.ts');
const VENDORED_FILES = [SUBSET, ...readdirSync(path.join(VENDORED_FOUNDRY, 'recordings')).map((f) => `recordings/${f}`)];

function generatedModule(doc: { info: { version: string }; definitions: unknown; 'x-foundry-pack-extract': { source: { repo: string; path: string; commit: string } } }): string {
  const src = doc['x-foundry-pack-extract'].source;
  return [
    `// Generated from vendor/azure-foundry/${SUBSET} (the agents subset of ${src.repo} ${src.path} @ ${src.commit.slice(0, 8)},`,
    `// info.version ${doc.info.version}): its \`definitions\`. Do not edit; test/emulator/foundry-spec.test.ts holds it equal`,
    '// to that file and rewrites it with FOUNDRY_SPEC_WRITE=1.',
    '/* eslint-disable */',
    `export const FOUNDRY_SPEC_VERSION = ${JSON.stringify(doc.info.version)};`,
    `export const definitions: Record<string, Record<string, unknown>> = ${JSON.stringify(doc.definitions)};`,
    '',
  ].join('\n');
}

describe('vendor/azure-foundry', () => {
  it('holds the subset (4 paths, 9 operations) and the twelve recordings with their README', () => {
    const doc = JSON.parse(readFileSync(path.join(VENDORED_FOUNDRY, SUBSET), 'utf8')) as { swagger: string; paths: Record<string, object> };
    expect(doc.swagger).toBe('2.0');
    expect(Object.keys(doc.paths)).toHaveLength(4);
    expect(Object.values(doc.paths).flatMap((p) => Object.keys(p))).toHaveLength(9);
    expect(VENDORED_FILES.filter((f) => /^recordings\/\d\d-/.test(f))).toHaveLength(12);
    expect(VENDORED_FILES).toContain('recordings/README.md');
  });

  it.each(VENDORED_FILES)('%s equals ../shared/azure-foundry when the workspace has it (refresh: cp -r ../shared/azure-foundry/{foundry-agents.openapi.json,recordings} vendor/azure-foundry/)', (name) => {
    const there = path.join(SHARED_FOUNDRY, name);
    const here = readFileSync(path.join(VENDORED_FOUNDRY, name), 'utf8');
    const expected = existsSync(there) ? readFileSync(there, 'utf8') : here;
    expect(here === expected, `${name} differs from ${there}`).toBe(true);
  });

  it('the shared pack has no recording the vendored copy lacks', () => {
    const dir = path.join(SHARED_FOUNDRY, 'recordings');
    const shared = existsSync(dir) ? readdirSync(dir).map((f) => `recordings/${f}`) : [];
    expect(shared.filter((f) => !VENDORED_FILES.includes(f))).toEqual([]);
  });

  it('src/emulator/spec/foundry-agents.generated.ts holds the subset\'s definitions', () => {
    const doc = JSON.parse(readFileSync(path.join(VENDORED_FOUNDRY, SUBSET), 'utf8'));
    const want = generatedModule(doc);
    if (process.env.FOUNDRY_SPEC_WRITE === '1') writeFileSync(GENERATED, want);
    expect(readFileSync(GENERATED, 'utf8') === want, 'regenerate: FOUNDRY_SPEC_WRITE=1 npx vitest run test/emulator/foundry-spec.test.ts').toBe(true);
  });
});

describe('the answer validator', () => {
  const v = foundryValidator();
  const version = { metadata: {}, object: 'agent.version', id: 'a:1', name: 'a', version: '1', description: '', created_at: 1, definition: { kind: 'prompt', model: 'm' } };
  const P = '/api/projects/p';

  it('accepts the recorded shapes', () => {
    expect(v.check('POST', `${P}/agents/a/versions`, 200, version)).toEqual([]);
    expect(v.check('GET', `${P}/agents/a`, 200, { object: 'agent', id: 'a', name: 'a', versions: { latest: { ...version, metadata: null } } })).toEqual([]);
    expect(v.check('GET', `${P}/agents/a/versions`, 200, { data: [], has_more: false, object: 'list' })).toEqual([]);
    // F3: param left out
    expect(v.check('POST', `${P}/agents/a/versions`, 403, { error: { code: 'preview_feature_required', message: 'm', type: 'invalid_request_error', details: [] } })).toEqual([]);
    // F4: the gateway's 401
    expect(v.check('GET', `${P}/agents`, 401, { statusCode: 401, message: 'Unauthorized.' })).toEqual([]);
    expect(v.check('GET', '/api/projects/p/openai/v1/files', 200, {})).toBeUndefined();
  });

  it('refuses what the subset refuses: required fields, enums, nulls, the discriminated definition and tools', () => {
    const bad = (body: unknown, method = 'GET', p = `${P}/agents/a/versions/1`, status = 200) => v.check(method, p, status, body) ?? [];
    expect(bad({ ...version, definition: { kind: 'prompt' } })).not.toEqual([]); // PromptAgentDefinition.model
    expect(bad({ ...version, definition: { kind: 'hosted', model: 'm' } })).not.toEqual([]); // HostedAgentDefinition's own required fields
    expect(bad({ ...version, definition: { kind: 'robot' } })).not.toEqual([]); // AgentKind
    expect(bad({ ...version, definition: { kind: 'prompt', model: 'm', tools: [{ type: 'file_search' }] } })).not.toEqual([]); // vector_store_ids
    expect(bad({ ...version, definition: { kind: 'prompt', model: 'm', tools: [{ type: 'function', name: 'f', parameters: {} }] } })).not.toEqual([]); // strict
    expect(bad({ ...version, definition: { kind: 'prompt', model: 'm', instructions: 3 } })).not.toEqual([]);
    expect(bad({ ...version, definition: { kind: 'prompt', model: 'm', instructions: null } })).toEqual([]); // x-nullable
    expect(bad({ ...version, description: null })).not.toEqual([]);
    expect(bad({ ...version, object: 'agent' })).not.toEqual([]);
    expect(bad({ data: [], first_id: null, has_more: false }, 'GET', `${P}/agents/a/versions`)).not.toEqual([]);
    expect(bad({ error: { message: 'm', type: 't' } }, 'GET', `${P}/agents/a`, 404)).not.toEqual([]); // code is still required
    expect(bad({ message: 'no' }, 'GET', `${P}/agents`, 401)).not.toEqual([]);
    expect(v.failures.length).toBeGreaterThanOrEqual(11);
  });
});
