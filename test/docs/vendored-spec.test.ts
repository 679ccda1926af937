/**
 * vendor/openai-api holds copies of the API descriptions so a clone anywhere can run the tests.
 * Beside the workspace's shared/openai-api (where they come from), the copies must equal it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../helpers/cli.js';

const FILES = ['openapi.assistants.yaml', 'openapi.responses.yaml', 'LIMITS.md'];
const vendored = path.join(REPO, 'vendor/openai-api');
const shared = path.resolve(REPO, '../shared/openai-api');

describe('vendor/openai-api', () => {
  it.each(FILES)('holds %s, readable', (name) => {
    const text = readFileSync(path.join(vendored, name), 'utf8');
    if (name.endsWith('.yaml')) {
      const doc = parse(text) as { openapi: string; paths: object };
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths).length).toBeGreaterThan(5);
    } else {
      expect(text).toMatch(/limit/i);
    }
  });

  it.each(FILES)('%s equals ../shared/openai-api when the workspace has it (refresh: see vendor/openai-api/README.md)', (name) => {
    const there = path.join(shared, name);
    const here = readFileSync(path.join(vendored, name), 'utf8');
    const expected = existsSync(there) ? readFileSync(there, 'utf8') : here;
    expect(here === expected, `${name} differs from ${there}`).toBe(true);
  });
});
