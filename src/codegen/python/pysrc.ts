/**
 * Python source text: literals, names and docstrings, laid out the way `ruff format` (black's
 * style, 88 columns) lays them out, so generated code is already formatted: a bracketed
 * expression goes on one line when it fits, else its body on one indented line, else one item
 * per line with a trailing comma. Strings too long for their line become parenthesized implicit
 * concatenations cut at line breaks and spaces.
 */

export const WIDTH = 88;
const INDENT = '    ';

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'match', 'case', 'type',
]);

export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name);
}

/** A snake_case Python name for any text: `hr-helper` -> `hr_helper`, `2fa` -> `n2fa`, `class` -> `class_`. */
export function snakeName(text: string): string {
  let s = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!s) s = 'x';
  if (/^[0-9]/.test(s)) s = `n${s}`;
  if (KEYWORDS.has(s)) s = `${s}_`;
  return s;
}

/** PascalCase: `lookup_order` -> `LookupOrder`. */
export function pascalName(text: string): string {
  const s = text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  if (!s) return 'X';
  return /^[0-9]/.test(s) ? `N${s}` : s;
}

/** A string literal as ruff writes it: double quotes unless the text holds more of them than single quotes. */
export function pyStr(text: string): string {
  const dq = (text.match(/"/g) ?? []).length;
  const sq = (text.match(/'/g) ?? []).length;
  const q = dq > sq ? "'" : '"';
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029 || code === 0x85) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${q}${out}${q}`;
}

/** A node of a Python expression to lay out. */
export type Node =
  | { kind: 'atom'; text: string }
  | { kind: 'str'; value: string }
  | { kind: 'seq'; open: string; close: string; items: Node[]; trailingCommaWhenOne?: boolean }
  | { kind: 'pair'; key: string; sep: string; value: Node };

export const atom = (text: string): Node => ({ kind: 'atom', text });
export const str = (value: string): Node => ({ kind: 'str', value });
export const seq = (open: string, close: string, items: Node[], trailingCommaWhenOne = false): Node => ({ kind: 'seq', open, close, items, trailingCommaWhenOne });
/** `"key": value` in a dict. */
export const entry = (key: string, value: Node): Node => ({ kind: 'pair', key: pyStr(key), sep: ': ', value });
/** `name=value` in a call. */
export const kwarg = (name: string, value: Node): Node => ({ kind: 'pair', key: name, sep: '=', value });

/** A JSON value as a Python literal node. */
export function fromJson(value: unknown): Node {
  if (value === null || value === undefined) return atom('None');
  if (value === true) return atom('True');
  if (value === false) return atom('False');
  if (typeof value === 'number') return atom(Number.isInteger(value) ? String(value) : pyFloat(value));
  if (typeof value === 'string') return str(value);
  if (Array.isArray(value)) return seq('[', ']', value.map(fromJson));
  return seq('{', '}', Object.entries(value as Record<string, unknown>).map(([k, v]) => entry(k, fromJson(v))));
}

export function pyFloat(n: number): string {
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

export function flat(node: Node): string {
  switch (node.kind) {
    case 'atom':
      return node.text;
    case 'str':
      return pyStr(node.value);
    case 'pair':
      return `${node.key}${node.sep}${flat(node.value)}`;
    case 'seq': {
      const inner = node.items.map(flat).join(', ');
      const tc = node.trailingCommaWhenOne && node.items.length === 1 ? ',' : '';
      return `${node.open}${inner}${tc}${node.close}`;
    }
  }
}

/** Cut a string into pieces whose literals fit `room` columns: at line breaks, then spaces. */
export function splitString(value: string, room: number): string[] {
  const lines = value.match(/[^\n]*\n|[^\n]+/g) ?? [''];
  const out: string[] = [];
  for (const line of lines) {
    if (pyStr(line).length <= room) {
      out.push(line);
      continue;
    }
    let cur = '';
    for (const word of line.match(/\S+\s*|\s+/g) ?? [line]) {
      if (cur && pyStr(cur + word).length > room) {
        out.push(cur);
        cur = '';
      }
      let w = word;
      while (pyStr(w).length > room && w.length > 1) {
        let n = Math.max(1, room - 2);
        while (n > 1 && pyStr(w.slice(0, n)).length > room) n--;
        out.push(w.slice(0, n));
        w = w.slice(n);
      }
      cur += w;
    }
    if (cur) out.push(cur);
  }
  return out;
}

/**
 * Lay out `prefix + node + suffix` at `indent` (in levels): lines without trailing newlines.
 */
export function layout(node: Node, indent: number, prefix = '', suffix = '', width = WIDTH): string[] {
  const pad = INDENT.repeat(indent);
  const one = `${pad}${prefix}${flat(node)}${suffix}`;
  if (one.length <= width) return [one];
  switch (node.kind) {
    case 'atom':
      return [one];
    case 'str': {
      const inner = INDENT.repeat(indent + 1);
      const parts = splitString(node.value, width - inner.length);
      if (parts.length === 0) return [one];
      return [`${pad}${prefix}(`, ...parts.map((p) => `${inner}${pyStr(p)}`), `${pad})${suffix}`];
    }
    case 'pair':
      return layout(node.value, indent, `${prefix}${node.key}${node.sep}`, suffix, width);
    case 'seq': {
      const inner = INDENT.repeat(indent + 1);
      const body = node.items.map(flat).join(', ') + (node.trailingCommaWhenOne && node.items.length === 1 ? ',' : '');
      // black: a collection display with several items is exploded one per line; calls, subscripts
      // and single items keep their body on one indented line when it fits.
      const display = node.open === '[' || node.open === '{' || node.open === '(';
      const explode = display && node.items.length > 1;
      if (node.items.length > 0 && !explode && `${inner}${body}`.length <= width) {
        return [`${pad}${prefix}${node.open}`, `${inner}${body}`, `${pad}${node.close}${suffix}`];
      }
      const lines = [`${pad}${prefix}${node.open}`];
      // A lone item split further gets no trailing comma (black's right-hand split), unless a tuple needs it.
      const comma = node.items.length === 1 && !node.trailingCommaWhenOne ? '' : ',';
      for (const item of node.items) lines.push(...layout(item, indent + 1, '', comma, width));
      lines.push(`${pad}${node.close}${suffix}`);
      return lines;
    }
  }
}

/** A docstring at `indent` levels: one line when it fits, else wrapped, closing quotes on their own line. */
export function docstring(text: string, indent: number, width = WIDTH): string[] {
  const pad = INDENT.repeat(indent);
  const clean = text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').trim();
  const safe = clean.endsWith('"') ? `${clean} ` : clean;
  if (!safe.includes('\n') && `${pad}"""${safe}"""`.length <= width) return [`${pad}"""${safe}"""`];
  const lines: string[] = [];
  const paragraphs = safe.split(/\n\s*\n/);
  paragraphs.forEach((para, i) => {
    if (i > 0) lines.push('');
    const firstPad = i === 0 ? 3 : 0;
    let cur = '';
    for (const w of para.split(/\s+/).filter(Boolean)) {
      const room = width - pad.length - (lines.length === 0 && i === 0 ? firstPad : 0);
      if (cur && (cur + ' ' + w).length > room) {
        lines.push(cur);
        cur = w;
      } else cur = cur ? `${cur} ${w}` : w;
    }
    if (cur) lines.push(cur);
  });
  const out = lines.map((l, i) => (i === 0 ? `${pad}"""${l}` : l ? `${pad}${l}` : ''));
  out.push(`${pad}"""`);
  return out;
}

/** Names in an import as isort (ruff) orders them: CONSTANTS, then Classes, then functions. */
export function isortNames(names: Iterable<string>): string[] {
  const rank = (n: string) => (/^[A-Z0-9_]+$/.test(n) && n.length > 1 ? 0 : /^[A-Z]/.test(n) ? 1 : 2);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** `from MODULE import a, b`, wrapped in parentheses one name per line when too long. */
export function importFrom(module: string, names: Iterable<string>): string[] {
  const sorted = isortNames(names);
  const one = `from ${module} import ${sorted.join(', ')}`;
  if (one.length <= WIDTH) return [one];
  return [`from ${module} import (`, ...sorted.map((n) => `${INDENT}${n},`), ')'];
}
