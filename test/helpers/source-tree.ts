/**
 * Reading a source tree for the structure tests (test/structure.test.ts for src/, and
 * test/emulator/structure.test.ts for the emulator): every file's imports, resolved (static
 * `import`/`export ... from`, type-only ones included, and `import('...')`, told apart as lazy),
 * its header comment, the import cycles of a tree, and the line spans of its functions (a small
 * lexer: comments, strings, templates and regex literals, then braces).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Source {
  rel: string;
  text: string;
  /** Resolved files of src/emulator this one imports. */
  local: string[];
  /** Package specifiers (fastify, node:fs, ...). */
  packages: string[];
  /** The resolved files it imports statically (`import ... from`, `export ... from`, `import '...'`). */
  eager: string[];
}

export function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

export function specifiers(text: string, withLazy = true): string[] {
  const out: string[] = [];
  const patterns = [/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, ...(withLazy ? [/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g] : [])];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

export function parse(rel: string, text: string): Source {
  const local: string[] = [];
  const packages: string[] = [];
  const resolve = (spec: string) => path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)).replace(/\.js$/, '.ts');
  for (const spec of specifiers(text)) {
    if (!spec.startsWith('.')) packages.push(spec);
    else local.push(resolve(spec));
  }
  const eager = specifiers(text, false).filter((spec) => spec.startsWith('.')).map(resolve);
  return { rel, text, local, packages, eager };
}

export function readSources(root: string): Map<string, Source> {
  const files = new Map<string, Source>();
  for (const abs of walk(root)) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    files.set(rel, parse(rel, readFileSync(abs, 'utf8')));
  }
  return files;
}

/** The comment block the file opens with. */
export function headerComment(text: string): string {
  const m = /^(?:\s*(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*))+/.exec(text);
  return m ? m[0] : '';
}

/** Every cycle's files (strongly connected components of more than one file, or a file importing itself). */
export function cycles(files: Map<string, Source>): string[][] {
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
export function functionSpans(text: string): [number, number][] {
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


export const MAX_FILE_LINES = 350;
export const MAX_FUNCTION_LINES = 80;

/**
 * A file over 350 lines, and every function over 80, unless the comment the file opens with says
 * why ("over 350 lines: ...", "over 80 lines: ...").
 */
export function sizeProblems(f: Source): string[] {
  const out: string[] = [];
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
  return out;
}
