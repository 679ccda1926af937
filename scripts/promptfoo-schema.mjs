#!/usr/bin/env node
// Writes vendor/promptfoo/config-schema.json: promptfoo's configuration schema, made from the
// pinned promptfoo that scripts/promptfoo-env.sh installs, the way promptfoo makes the one it
// publishes (https://promptfoo.dev/config-schema.json, by its scripts/generateJsonSchema.ts): Zod 4's
// toJSONSchema of UnifiedConfigSchema (the input side of its pipe), wrapped in a draft-07 $ref.
// The npm package holds no JSON copy of the schema, only the Zod one. Usage:
//   node scripts/promptfoo-schema.mjs [PROMPTFOO_PREFIX]   (default .venv/promptfoo)
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const prefix = path.resolve(process.argv[2] ?? path.join(root, '.venv', 'promptfoo'));
const pkgDir = path.join(prefix, 'node_modules', 'promptfoo');
const version = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
const require = createRequire(path.join(pkgDir, 'package.json'));
const { z } = await import(pathToFileURL(require.resolve('zod')).href);
const { UnifiedConfigSchema } = await import(pathToFileURL(path.join(pkgDir, 'dist', 'src', 'index.js')).href);

const inner = (s) => s._def?.in ?? s;
function base(s) {
  const d = s._def ?? {};
  if ((d.type === 'optional' || d.type === 'nullable') && d.innerType) return base(d.innerType);
  if ((d.type === 'pipe' || d.type === 'transform') && d.in) return base(d.in);
  return s;
}
function fill(ctx) {
  if (Object.keys(ctx.jsonSchema).length !== 0) return;
  const { $schema: _, ...rest } = z.toJSONSchema(base(ctx.zodSchema), { unrepresentable: 'any' });
  Object.assign(ctx.jsonSchema, rest);
}
const content = z.toJSONSchema(inner(UnifiedConfigSchema), {
  unrepresentable: 'any',
  override: (ctx) => {
    const d = ctx.zodSchema._def ?? {};
    if ((d.type === 'optional' || d.type === 'nullable') && d.innerType) {
      const t = d.innerType._def?.type;
      if (t === 'pipe' || t === 'transform') fill(ctx);
    }
    if ((d.type === 'pipe' || d.type === 'transform') && d.in) fill(ctx);
  },
});
const { $schema: _, ...rest } = content;
const schema = { $ref: '#/definitions/PromptfooConfigSchema', definitions: { PromptfooConfigSchema: rest }, $schema: 'http://json-schema.org/draft-07/schema#' };
// The one change to promptfoo's procedure: a part converted on its own (the override above) keeps its
// own `$defs` and refers to them as `#/$defs/NAME`, which resolves against the whole document and
// so finds nothing (a validator that resolves refs eagerly, as ajv does, refuses the schema). Each
// such block moves to the top-level `definitions`, under a name of its own, and its refs follow it.
let moved = 0;
function hoist(node) {
  if (Array.isArray(node)) return node.forEach(hoist);
  if (!node || typeof node !== 'object') return;
  if (node.$defs && node !== rest) {
    const names = new Map(Object.keys(node.$defs).map((n) => [n, `nested${moved++}_${n}`]));
    const rewrite = (x) => {
      if (Array.isArray(x)) return x.forEach(rewrite);
      if (!x || typeof x !== 'object') return;
      if (typeof x.$ref === 'string' && x.$ref.startsWith('#/$defs/') && names.has(x.$ref.slice(8))) x.$ref = `#/definitions/${names.get(x.$ref.slice(8))}`;
      Object.values(x).forEach(rewrite);
    };
    rewrite(node);
    for (const [n, def] of Object.entries(node.$defs)) schema.definitions[names.get(n)] = def;
    delete node.$defs;
  }
  Object.values(node).forEach(hoist);
}
hoist(rest);
const out = path.join(root, 'vendor', 'promptfoo', 'config-schema.json');
writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`wrote ${path.relative(root, out)} from promptfoo ${version} (${moved} nested definitions moved to the top)`);
