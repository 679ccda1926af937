/**
 * README.md stays true: its manifest reference is the one generated from the schema, and it shows
 * the setup commands.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderManifestReference } from '../../src/docs/manifest-reference.js';
import { REPO } from '../helpers/cli.js';

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const schema = JSON.parse(readFileSync(path.join(REPO, 'schemas/manifest.schema.json'), 'utf8')) as Record<string, unknown>;

describe('README.md', () => {
  it('holds the manifest reference generated from the schema (run `npm run docs` if this fails)', () => {
    expect(readme).toContain(renderManifestReference(schema));
  });

  it('documents every field of every resource in the schema', () => {
    const defs = schema.$defs as Record<string, { properties?: Record<string, unknown> }>;
    for (const def of ['VectorStore', 'FileSet', 'Assistant', 'Environment']) {
      for (const field of Object.keys(defs[def]!.properties ?? {})) {
        expect(readme, `${def}.${field}`).toContain(`| \`${field}\` |`);
      }
    }
  });

  it('shows the two setup commands', () => {
    expect(readme).toMatch(/npm ci[\s\S]*npm test/);
  });
});
