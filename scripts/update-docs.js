#!/usr/bin/env node
// Rewrites the generated sections of README.md (the manifest reference, from the schema).
// Run by `npm run docs` after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderManifestReference, spliceReference } from '../dist/docs/manifest-reference.js';

const readmeUrl = new URL('../README.md', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('../schemas/manifest.schema.json', import.meta.url), 'utf8'));
const before = readFileSync(readmeUrl, 'utf8');
const after = spliceReference(before, renderManifestReference(schema));
if (after !== before) writeFileSync(readmeUrl, after);
console.log(after === before ? 'README.md is up to date' : 'README.md updated');
