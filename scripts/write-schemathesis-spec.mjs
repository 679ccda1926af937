// Writes the description Schemathesis runs against: the official one with nullable marks read as
// "or null" and the documented deviations applied (docs/API-DEVIATIONS.md). Usage: node … OUT.json
import { writeFileSync } from 'node:fs';
import { loadAssistantsSpec } from './spec-overlay.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node scripts/write-schemathesis-spec.mjs OUT.json');
const doc = loadAssistantsSpec({ deviations: true });
doc.servers = [{ url: '/v1' }];
writeFileSync(out, JSON.stringify(doc));
