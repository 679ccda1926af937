/**
 * The emulator's shape (src/emulator/README.md, "Layout"), read from the source: every import between
 * its files runs down the layers (index -> server -> routes and the HTTP helpers -> engines -> model ->
 * the leaf helpers), no two route files import each other, model/ knows nothing of routes, engines or
 * fastify, there is no import cycle of any length, and no file is over 350 lines, nor a function over
 * 80, unless a comment at the top of the file says why ("over 350 lines: ...", "over 80 lines: ...").
 * Imports are read with a regex (static `import`/`export ... from`, and `import('...')`), type-only ones
 * included: a type import is a dependency too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/build.js';

const ROOT = path.join(repoRoot, 'src', 'emulator');
const MAX_FILE_LINES = 350;
const MAX_FUNCTION_LINES = 80;

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

interface Source {
  rel: string;
  text: string;
  /** Resolved files of src/emulator this one imports. */
  local: string[];
  /** Package specifiers (fastify, node:fs, ...). */
  packages: string[];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

function parse(rel: string, text: string): Source {
  const local: string[] = [];
  const packages: string[] = [];
  for (const spec of specifiers(text)) {
    if (!spec.startsWith('.')) packages.push(spec);
    else local.push(path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)).replace(/\.js$/, '.ts'));
  }
  return { rel, text, local, packages };
}

function readSources(root: string): Map<string, Source> {
  const files = new Map<string, Source>();
  for (const abs of walk(root)) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    files.set(rel, parse(rel, readFileSync(abs, 'utf8')));
  }
  return files;
}

function layerOf(rel: string): number | undefined {
  const dir = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : undefined;
  return dir !== undefined ? LAYER_OF_DIR[dir] : LAYER_OF_FILE[rel];
}

/** The comment block the file opens with. */
function headerComment(text: string): string {
  const m = /^(?:\s*(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*))+/.exec(text);
  return m ? m[0] : '';
}

/** Every cycle's files (strongly connected components of more than one file, or a file importing itself). */
function cycles(files: Map<string, Source>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of files.get(v)?.local ?? []) {
      if (!files.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || files.get(v)!.local.includes(v)) out.push(scc.sort());
  };
  for (const v of [...files.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

// ---- function lengths: a small lexer (comments, strings, templates, regex literals), then braces.

interface Token {
  t: string;
  line: number;
}

const REGEX_AFTER = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^', '=>', '&&', '||', '??', '==', '===', '!=', '!==', 'return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await']);

/** Significant tokens; strings, templates and regex literals become one token each (`"` / `/`). */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  const braces: ('{' | '${')[] = [];
  let line = 1;
  let i = 0;
  const push = (t: string, at: number) => out.push({ t, line: at });
  const template = (): void => {
    // from just after a backquote or a `}` that closes `${`
    const start = line;
    while (i < text.length && text[i] !== '`') {
      if (text[i] === '\\') i++;
      else if (text[i] === '$' && text[i + 1] === '{') {
        i += 2;
        braces.push('${');
        push('"', start);
        return;
      }
      if (text[i] === '\n') line++;
      i++;
    }
    i++;
    push('"', start);
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '/' && next === '/') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      for (const ch of text.slice(i, end)) if (ch === '\n') line++;
      i = end + 2;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i++;
      push('"', line);
    } else if (c === '`') {
      i++;
      template();
    } else if (c === '/' && (out.length === 0 || REGEX_AFTER.has(out[out.length - 1]!.t))) {
      i++;
      let inClass = false;
      while (i < text.length && (inClass || text[i] !== '/')) {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (/[a-z]/i.test(text[i] ?? '')) i++;
      push('/', line);
    } else if (/[\w$]/.test(c)) {
      const m = /^[\w$]+/.exec(text.slice(i, i + 200))!;
      push(m[0], line);
      i += m[0].length;
    } else {
      const op = ['===', '!==', '...', '=>', '&&', '||', '??', '==', '!=', '?.'].find((o) => text.startsWith(o, i)) ?? c;
      if (op === '{') braces.push('{');
      if (op === '}' && braces.pop() === '${') {
        i++;
        template();
        continue;
      }
      push(op, line);
      i += op.length;
    }
  }
  return out;
}

const CONTROL = new Set(['if', 'for', 'while', 'switch', 'catch', 'with']);
/** Tokens that end the walk back over a return type: what comes before them is no signature. */
const NOT_A_TYPE = new Set([';', '=', '?', 'class', 'interface', 'extends', 'implements', 'enum', 'namespace', 'const', 'let', 'var', 'export', 'import', 'return', 'else', 'try', 'finally', 'do', 'case', 'default', 'new']);

/** Whether the `{` at tokens[k] opens a function body (arrow, function, method; with a return type or not). */
function opensFunction(toks: Token[], k: number): boolean {
  let j = k - 1;
  if (toks[j]?.t === '=>') return true;
  if (toks[j]?.t !== ')') {
    // a return type annotation: walk back over it to `) :`
    let depth = 0;
    for (let n = 0; j >= 0 && n < 80; j--, n++) {
      const t = toks[j]!.t;
      if (t === ')' || t === ']' || t === '}') depth++;
      else if (t === '(' || t === '[' || t === '{') {
        if (depth === 0) return false;
        depth--;
      } else if (depth === 0 && NOT_A_TYPE.has(t)) return false;
      else if (depth === 0 && t === ':' && toks[j - 1]?.t === ')') break;
    }
    if (toks[j]?.t !== ':') return false;
    j--;
  }
  // toks[j] is the `)` closing the parameters: find its `(` and look at what precedes it
  let depth = 0;
  for (; j >= 0; j--) {
    const t = toks[j]!.t;
    if (t === ')') depth++;
    else if (t === '(' && --depth === 0) break;
  }
  const before = toks[j - 1]?.t ?? '';
  return /^[\w$]+$|^>$/.test(before) && !CONTROL.has(before);
}

/** [first line, last line] of every function body, nested ones included. */
function functionSpans(text: string): [number, number][] {
  const toks = tokens(text);
  const open: { line: number; fn: boolean }[] = [];
  const spans: [number, number][] = [];
  toks.forEach((tok, k) => {
    if (tok.t === '{') open.push({ line: tok.line, fn: opensFunction(toks, k) });
    else if (tok.t === '}') {
      const o = open.pop();
      if (o?.fn) spans.push([o.line, tok.line]);
    }
  });
  return spans;
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
    const header = headerComment(f.text);
    const lines = f.text.split('\n').length - (f.text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_FILE_LINES && !/over 350 lines/i.test(header)) {
      out.push(`${f.rel}: ${lines} lines (over ${MAX_FILE_LINES}, and no "over 350 lines: <why>" in its header comment)`);
    }
    if (!/over 80 lines/i.test(header)) {
      for (const [a, b] of functionSpans(f.text)) {
        if (b - a + 1 > MAX_FUNCTION_LINES) out.push(`${f.rel}:${a}: a function of ${b - a + 1} lines (over ${MAX_FUNCTION_LINES})`);
      }
    }
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
