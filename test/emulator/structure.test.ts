/**
 * The emulator's shape (src/emulator/README.md, "Layout"), read from the source: every import between
 * its files runs down the layers (index -> server -> routes and the HTTP helpers -> engines -> model ->
 * the leaf helpers), no two route files import each other, model/ knows nothing of routes, engines or
 * fastify, there is no import cycle of any length, and no file is over 350 lines, nor a function over
 * 80, unless a comment at the top of the file says why ("over 350 lines: ...", "over 80 lines: ...").
 * Imports are read with a regex (static `import`/`export ... from`, and `import('...')`), type-only ones
 * included: a type import is a dependency too.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/build.js';
import { cycles, parse, readSources, sizeProblems, type Source } from '../helpers/source-tree.js';

const ROOT = path.join(repoRoot, 'src', 'emulator');

/**
 * Where each file sits, top (5) to bottom (0); an import may go to its own layer or below. Files in
 * routes/, engines/, model/ and spec/ take their folder's layer; a new top-level file must be listed.
 */
const LAYER_OF_DIR: Record<string, number> = { routes: 3, engines: 2, model: 1, spec: 0 };
const LAYER_OF_FILE: Record<string, number> = {
  'index.ts': 5,
  'server.ts': 4,
  'http.ts': 3,
  'sse.ts': 3,
  'errors.ts': 0,
  'ids.ts': 0,
  'heap.ts': 0,
  'faults.ts': 0,
  'rate-limits.ts': 0,
  'lock.ts': 0,
};
const LAYER_NAME = ['leaf helpers', 'model', 'engines', 'routes and HTTP helpers', 'server', 'index'];

function layerOf(rel: string): number | undefined {
  const dir = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : undefined;
  return dir !== undefined ? LAYER_OF_DIR[dir] : LAYER_OF_FILE[rel];
}

// ---- the checks

function problems(files: Map<string, Source>): string[] {
  const out: string[] = [];
  for (const f of files.values()) {
    const from = layerOf(f.rel);
    if (from === undefined) {
      out.push(`${f.rel}: not placed in a layer (add it to LAYER_OF_FILE in test/emulator/structure.test.ts)`);
      continue;
    }
    for (const to of f.local) {
      if (!files.has(to)) out.push(`${f.rel}: imports ${to}, which does not exist`);
      const toLayer = layerOf(to);
      if (f.rel.startsWith('routes/') && to.startsWith('routes/')) out.push(`${f.rel}: a route file imports another route file (${to})`);
      if (toLayer !== undefined && toLayer > from) out.push(`${f.rel} (${LAYER_NAME[from]}) imports ${to} (${LAYER_NAME[toLayer]}): up the layers`);
    }
    if (f.rel.startsWith('model/')) {
      for (const p of f.packages) if (p === 'fastify' || p.startsWith('@fastify/')) out.push(`${f.rel}: model/ imports ${p}`);
    }
    out.push(...sizeProblems(f));
  }
  for (const c of cycles(files)) out.push(`import cycle: ${c.join(' <-> ')}`);
  return out;
}

function fixture(sources: Record<string, string>): Map<string, Source> {
  return new Map(Object.entries(sources).map(([rel, text]) => [rel, parse(rel, text)]));
}

describe('the emulator source tree', () => {
  it('keeps imports down the layers, without cycles, in files and functions of a readable size', () => {
    const files = readSources(ROOT);
    expect(files.size).toBeGreaterThan(20);
    expect(problems(files)).toEqual([]);
  });
});

describe('the structure check itself', () => {
  it('finds a cycle of any length, a route importing a route, and imports up the layers', () => {
    const found = problems(
      fixture({
        'model/a.ts': "import { b } from './b.js';",
        'model/b.ts': "import type { C } from './c.js';",
        'model/c.ts': "import { a } from './a.js';\nimport Fastify from 'fastify';",
        'engines/e.ts': "import { r } from '../routes/r.js';",
        'model/m.ts': "import { e } from '../engines/e.js';",
        'routes/r.ts': "import { s } from './s.js';",
        'routes/s.ts': "import { x } from '../model/a.js';",
        'odd.ts': '',
      }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'import cycle: model/a.ts <-> model/b.ts <-> model/c.ts',
        'model/c.ts: model/ imports fastify',
        'engines/e.ts (engines) imports routes/r.ts (routes and HTTP helpers): up the layers',
        'model/m.ts (model) imports engines/e.ts (engines): up the layers',
        'routes/r.ts: a route file imports another route file (routes/s.ts)',
        'odd.ts: not placed in a layer (add it to LAYER_OF_FILE in test/emulator/structure.test.ts)',
      ]),
    );
  });

  it('measures files and functions, and honours a header that says why', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = \`\${x}/\${"}"}\` + /[}{]/.source;`).join('\n');
    const long = `export function f(x: string): { a: number } {\n${body(79)}\n  return { a: 1 };\n}\n`;
    const arrow = `export const g = async (x: string) => {\n${body(70)}\n};\n`;
    const method = `class K {\n  m(x: string): Promise<void> {\n${body(90)}\n  }\n}\n`;
    const padded = `/** A module. */\n${'// line\n'.repeat(351)}`;
    const found = problems(
      fixture({
        'model/long.ts': long,
        'model/arrow.ts': arrow,
        'model/method.ts': method,
        'model/padded.ts': padded,
        'model/excused.ts': `/** Generated tables; over 350 lines: generated. Over 80 lines: one table. */\n${method}${'// line\n'.repeat(351)}`,
        'model/control.ts': `if (x) {\n${body(90)}\n} else {\n${body(90)}\n}\nswitch (x) {\n  case 1: {\n${body(90)}\n  }\n}\n`,
        'model/class.ts': `export function h(): Record<string, unknown> {\n  return {};\n}\nexport class C extends B {\n${body(90)}\n}\nconst o = {\n${body(90)}\n};\n`,
      }),
    );
    expect(found.sort()).toEqual(
      [
        'model/long.ts:1: a function of 82 lines (over 80)',
        'model/method.ts:2: a function of 92 lines (over 80)',
        'model/padded.ts: 352 lines (over 350, and no "over 350 lines: <why>" in its header comment)',
      ].sort(),
    );
  });
});
