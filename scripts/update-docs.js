#!/usr/bin/env node
// Rewrites the generated sections of README.md: the manifest reference (from the schema) and the
// CLI reference (from the commander program).
// Run by `npm run docs` after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderManifestReference, spliceReference } from '../dist/docs/manifest-reference.js';
import { renderCliReference, spliceCliReference } from '../dist/docs/cli-reference.js';
import { buildProgram } from '../dist/cli/main.js';

const readmeUrl = new URL('../README.md', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('../schemas/manifest.schema.json', import.meta.url), 'utf8'));
const before = readFileSync(readmeUrl, 'utf8');
const after = spliceCliReference(spliceReference(before, renderManifestReference(schema)), renderCliReference(buildProgram()));
if (after !== before) writeFileSync(readmeUrl, after);
console.log(after === before ? 'README.md is up to date' : 'README.md updated');
