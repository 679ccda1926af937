/**
 * Hostile manifests for the fuzzer: random mutations of the examples (wrong types, deep nesting,
 * huge strings, unicode, YAML anchors, alias bombs and tags, duplicate keys, path traversal in file
 * references, symlinks out of the root, hostile referenced files), as fast-check arbitraries, and
 * the code that writes one case to disk.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { REPO } from '../cli.js';

export const EXAMPLES = ['support-bot', 'data-analyst', 'order-desk', 'staged-rollout'] as const;
export type Example = (typeof EXAMPLES)[number];

/** Text of the file outside every manifest root; it must never show up in any output. */
export const OUTSIDE_CANARY = 'OUTSIDE-ROOT-CANARY-7f3a9c1e';

// ---------------------------------------------------------------- values

/** A long repeated text, kept short in fast-check's reports and expanded when written. */
export class Repeat {
  constructor(
    readonly unit: string,
    readonly times: number,
  ) {}
  toString(): string {
    return this.unit.repeat(this.times);
  }
  [fc.toStringMethod](): string {
    return `Repeat(${JSON.stringify(this.unit)} x ${this.times})`;
  }
}

/** Replaces every Repeat in a value by its text. */
function expand(v: unknown): unknown {
  if (v instanceof Repeat) return v.toString();
  if (Array.isArray(v)) return v.map(expand);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: expand(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\uFEFFbom',
  '\u202Eevil\u202C',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'Ω≈ç√∫',
  '\t\ttabs',
  'line\nbreak\r\nand cr\r',
  '../../../../../../etc/passwd',
  '/etc/passwd',
  '~/.ssh/id_rsa',
  '..\\..\\..\\windows\\win.ini',
  'C:\\Windows\\win.ini',
  'file:///etc/passwd',
  '%2e%2e/%2e%2e/outside/secret.md',
  '../outside/secret.md',
  '../../outside/secret.md',
  'docs/../../outside/secret.md',
  'link/secret.md',
  'link.md',
  '../**',
  '**/../../outside/*',
  '/**/*',
  '!**',
  '**',
  '{a,b}/**',
  '[',
  '${env:OPENAI_API_KEY}',
  '${env:HOME}',
  '${env:NOT_SET_ANYWHERE}',
  '${var:company}',
  '${var:}',
  '$${env:HOME}',
  '${',
  '${env:${env:HOME}}',
  '{{7*7}}',
  "'; DROP TABLE assistants; --",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'assistants-deploy.deployment',
  'gpt-4o',
  'auto',
  'file_search',
  'code_interpreter',
  'function',
  'last_active_at',
  'static',
  'yes',
  'no',
  'null',
  '~',
  '0x1F',
  '1e999',
  '.nan',
  'NaN',
  '-.inf',
];

const hugeString = fc
  .tuple(fc.constantFrom(257, 513, 4097, 65_537, 256_001, 1_100_000), fc.constantFrom('x', 'é', '🙂', 'a\n'))
  .map(([n, unit]) => new Repeat(unit, Math.ceil(n / unit.length)));

const weirdString = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
);

const scalar = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, 2, 2.01, 0.5, 4096, 4097, 2 ** 53 + 1, 1e308, -1e308, Number.NaN, Infinity, -Infinity),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  weirdString,
);

function nest(depth: number, kind: 'list' | 'map', leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = kind === 'list' ? [v] : { a: v };
  return v;
}

const specialKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', 'assistants-deploy.resource', 'ß', '😀', 'a'.repeat(65), 'type', 'file', '<<');

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { weight: 8, arbitrary: scalar },
    { weight: 2, arbitrary: fc.record({ file: weirdString }) },
    { weight: 1, arbitrary: fc.record({ file: weirdString, extra: scalar }) },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 2, arbitrary: fc.dictionary(fc.oneof(specialKeys, fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 2, max: 100 }), fc.constantFrom('list' as const, 'map' as const), scalar).map(([d, k, leaf]) => nest(d, k, leaf)),
    },
    { weight: 1, arbitrary: fc.integer({ min: 129, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => ({ type: i % 2 ? 'code_interpreter' : 'file_search' }))) },
    { weight: 1, arbitrary: fc.integer({ min: 15, max: 200 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]))) },
  ),
})).value;

// ---------------------------------------------------------------- mutations

/** A structural change at the node with this index (modulo the node count). */
export type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; key: string; value: unknown }
  | { kind: 'alias'; from: number; to: number; self: boolean }
  | { kind: 'tag'; at: number; tag: string };

/** A change to the YAML text after it is written. */
export type TextMutation =
  | { kind: 'bomb'; depth: number; width: number }
  | { kind: 'deep'; depth: number; open: '[' | '{' }
  | { kind: 'dup-line'; at: number }
  | { kind: 'dup-top'; key: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'char'; at: number; char: string }
  | { kind: 'prefix'; text: string }
  | { kind: 'crlf' }
  | { kind: 'merge-key'; at: number };

/** A change to one of the files the manifest names (instructions, JSON schemas, data). */
export interface FileMutation {
  at: number;
  content: string | Buffer | Repeat;
}

export type FsHazard = 'none' | 'leak-file' | 'leak-dir' | 'loop' | 'dangling' | 'fifo-like-dir';

export interface Case {
  example: Example;
  /** Index (modulo) of the YAML file to mutate, for folder manifests. */
  file: number;
  mutations: Mutation[];
  text: TextMutation[];
  files: FileMutation[];
  hazard: FsHazard;
  allowOutsideRoot: boolean;
  env: string | undefined;
  /** What to run when validate says the base manifest is broken. */
  command: 'plan' | 'apply' | 'destroy' | 'codegen';
}

const TAGS = ['!!binary', '!!python/object/apply:os.system', '!include', '!!js/function', '!!timestamp', '!!set', '!!omap', '!!int', '!!float', '!!str', '!!map', '!!seq', '!custom', '!<tag:yaml.org,2002:str>', '!secret'];
const CHARS = ['\t', ':', '[', ']', '{', '}', '&', '*', '!', '%', '@', '`', '|', '>', '#', '"', "'", '\0', '\uFEFF', '\u2028', '-', '?', ',', '\n', ' '];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), key: fc.oneof(specialKeys, fc.constantFrom('model', 'files', 'tools', 'protect', 'deployment', 'version', 'temprature', 'environments', 'vars')), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('alias' as const), from: fc.nat(), to: fc.nat(), self: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tag' as const), at: fc.nat(), tag: fc.constantFrom(...TAGS) }) },
);

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bomb' as const), depth: fc.integer({ min: 2, max: 12 }), width: fc.integer({ min: 2, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(65, 1000, 20_000) }, { weight: 1, arbitrary: fc.constant(200_000) }), open: fc.constantFrom('[' as const, '{' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dup-line' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dup-top' as const), key: fc.constantFrom('version', 'deployment', 'assistants', 'vector_stores') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('char' as const), at: fc.nat(), char: fc.constantFrom(...CHARS) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('prefix' as const),
      text: fc.constantFrom('\uFEFF', '%YAML 1.1\n---\n', '%TAG ! tag:evil.example,2000:\n---\n', '---\n', '--- !!map\n', '...\n', '%YAML 9.9\n---\n', '\u0000'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'crlf' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('merge-key' as const), at: fc.nat() }) },
);

const hostileFile: fc.Arbitrary<string | Buffer | Repeat> = fc.oneof(
  fc.constantFrom('', '{', '[]', 'null', '"x"', '{"type":"object"}', '{"__proto__":{"polluted":true},"type":"object"}', '\uFEFF{"type":"object"}', '{"type":"object","properties":{"a":{"$ref":"#"}}}'),
  fc.constantFrom(1_000, 50_000, 500_000).map((n) => new Repeat('[', n)),
  fc.constantFrom(1_000, 50_000).map((n) => new Repeat('{"a":', n)),
  fc.constant(Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xa0, 0xa1])),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.constant(new Repeat('x', 300_000)),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);

export const caseArb: fc.Arbitrary<Case> = fc.record({
  example: fc.constantFrom(...EXAMPLES),
  file: fc.nat(),
  mutations: fc.array(mutation, { minLength: 0, maxLength: 4 }),
  text: fc.oneof({ weight: 3, arbitrary: fc.constant<TextMutation[]>([]) }, { weight: 2, arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 2 }) }),
  files: fc.oneof({ weight: 4, arbitrary: fc.constant<FileMutation[]>([]) }, { weight: 1, arbitrary: fc.array(fc.record({ at: fc.nat(), content: hostileFile }), { minLength: 1, maxLength: 2 }) }),
  hazard: fc.oneof({ weight: 6, arbitrary: fc.constant('none' as const) }, { weight: 3, arbitrary: fc.constantFrom('leak-file' as const, 'leak-dir' as const, 'loop' as const, 'dangling' as const, 'fifo-like-dir' as const) }),
  allowOutsideRoot: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  env: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('prod', 'staging', 'nope', '__proto__') }),
  command: fc.constantFrom('plan' as const, 'apply' as const, 'destroy' as const, 'codegen' as const),
}).filter((c) => c.mutations.length + c.text.length + c.files.length > 0 || c.hazard !== 'none');

// ---------------------------------------------------------------- applying

function nodePaths(doc: Document): (string | number)[][] {
  const out: (string | number)[][] = [];
  const visit = (node: unknown, p: (string | number)[]) => {
    out.push(p);
    if (isMap(node)) for (const pair of node.items) visit(pair.value, [...p, String(isScalar(pair.key) ? pair.key.value : pair.key)]);
    else if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...p, i]));
  };
  visit(doc.contents, []);
  return out;
}

function applyMutation(doc: Document, m: Mutation): void {
  const paths = nodePaths(doc);
  const pick = (n: number) => paths[n % paths.length]!;
  switch (m.kind) {
    case 'replace': {
      const p = pick(m.at);
      if (p.length === 0) doc.contents = doc.createNode(expand(m.value)) as never;
      else doc.setIn(p, doc.createNode(expand(m.value)));
      return;
    }
    case 'delete': {
      const p = pick(m.at);
      if (p.length > 0) doc.deleteIn(p);
      return;
    }
    case 'insert': {
      // into the nearest map at or above the picked node
      let p = pick(m.at);
      while (p.length > 0 && !isMap(doc.getIn(p, true))) p = p.slice(0, -1);
      const target = p.length === 0 ? doc.contents : doc.getIn(p, true);
      if (isMap(target)) target.set(doc.createNode(m.key), doc.createNode(expand(m.value)));
      return;
    }
    case 'alias': {
      const from = pick(m.from);
      const node = (from.length === 0 ? doc.contents : doc.getIn(from, true)) as YamlNode | null;
      if (!node || typeof node !== 'object') return;
      const alias = doc.createAlias(node as never);
      if (m.self && (isMap(node) || isSeq(node))) {
        // an alias inside the node it names
        if (isMap(node)) node.set('self', alias);
        else node.items.push(alias);
        return;
      }
      const to = pick(m.to);
      if (to.length > 0 && !isPrefix(to, from) && !isPrefix(from, to)) doc.setIn(to, alias);
      return;
    }
    case 'tag': {
      const p = pick(m.at);
      const node = (p.length === 0 ? doc.contents : doc.getIn(p, true)) as YamlNode | null;
      if (node && typeof node === 'object' && 'tag' in node) (node as { tag?: string }).tag = m.tag;
      return;
    }
  }
}

function isPrefix(a: (string | number)[], b: (string | number)[]): boolean {
  return a.length <= b.length && a.every((x, i) => x === b[i]);
}

function applyText(text: string, m: TextMutation): string {
  switch (m.kind) {
    case 'bomb': {
      const lines = [`zz0: &zz0 [${Array.from({ length: m.width }, () => '"lol"').join(', ')}]`];
      for (let i = 1; i < m.depth; i++) lines.push(`zz${i}: &zz${i} [${Array.from({ length: m.width }, () => `*zz${i - 1}`).join(', ')}]`);
      return `vars:\n${lines.map((l) => `  ${l}`).join('\n')}\n${text}`;
    }
    case 'deep':
      return `${text}\nzz: ${m.open.repeat(m.depth)}${(m.open === '[' ? ']' : '}').repeat(m.depth)}\n`;
    case 'dup-line': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
    case 'dup-top':
      return `${text}\n${m.key}: x\n`;
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'char': {
      const i = m.at % (text.length + 1);
      return text.slice(0, i) + m.char + text.slice(i + 1);
    }
    case 'prefix':
      return m.text + text;
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
    case 'merge-key': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      const indent = /^\s*/.exec(lines[i]!)![0];
      lines.splice(i, 0, `${indent}<<: *nowhere`, `${indent}<<: { model: gpt-4o }`);
      return lines.join('\n');
    }
  }
}

/** `[[[…]]]` or `{"a":{"a":…1}}` nested Repeat.times deep. */
function nestedJson(r: Repeat): string {
  return r.unit === '[' ? `${'['.repeat(r.times)}${']'.repeat(r.times)}` : `${r.unit.repeat(r.times)}1${'}'.repeat(r.times)}`;
}

/** The first folder a glob of the example reads (where symlink hazards go). */
const GLOB_DIR: Record<Example, string> = { 'support-bot': 'docs', 'data-analyst': 'data', 'order-desk': 'policies', 'staged-rollout': 'kb' };

export interface Sandbox {
  /** Holds outside/ (with the canary) and one working copy per example, reused case after case. */
  root: string;
  outside: string;
  /** Pristine content of every file of each example (relative path -> bytes). */
  pristine: Map<Example, Map<string, Buffer>>;
  /** Files the last case changed or added, per example, to put back or remove. */
  dirty: Map<Example, Set<string>>;
}

function allFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...allFiles(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

export function makeSandbox(root: string): Sandbox {
  const outside = path.join(root, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(outside, 'secret.md'), `# ${OUTSIDE_CANARY}\n`);
  writeFileSync(path.join(outside, 'secret.json'), JSON.stringify({ type: 'object', description: OUTSIDE_CANARY }));
  writeFileSync(path.join(outside, 'secret.csv'), `a,b\n${OUTSIDE_CANARY},1\n`);
  const pristine = new Map<Example, Map<string, Buffer>>();
  for (const ex of EXAMPLES) {
    const src = path.join(REPO, 'examples', ex);
    const dir = path.join(root, ex);
    cpSync(src, dir, { recursive: true });
    // links a hostile value can name (link.md, link/secret.md)
    symlinkSync(path.join(outside, 'secret.md'), path.join(dir, 'link.md'));
    symlinkSync(outside, path.join(dir, 'link'));
    pristine.set(ex, new Map(allFiles(src).map((f) => [f, readFileSync(path.join(src, f))])));
  }
  return { root, outside, pristine, dirty: new Map() };
}

export interface Materialized {
  dir: string;
  /** The YAML file that was mutated, relative to dir. */
  manifest: string;
  /** `-f` argument: the folder for folder manifests, else the file. */
  target: string;
  /** Whether the case points at something outside its root on purpose. */
  reachesOutside: boolean;
}

export function materialize(c: Case, sandbox: Sandbox): Materialized {
  // the example's working copy, put back as it was before this case
  const dir = path.join(sandbox.root, c.example);
  const pristine = sandbox.pristine.get(c.example)!;
  for (const rel of sandbox.dirty.get(c.example) ?? []) {
    const abs = path.join(dir, rel);
    rmSync(abs, { recursive: true, force: true });
    const original = pristine.get(rel);
    if (original) writeFileSync(abs, original);
  }
  rmSync(path.join(dir, '.assistants-deploy'), { recursive: true, force: true });
  const dirty = new Set<string>(['generated-client']);
  sandbox.dirty.set(c.example, dirty);

  const yamls = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const manifest = yamls[c.file % yamls.length]!;
  const abs = path.join(dir, manifest);
  dirty.add(manifest);
  const doc = parseDocument(readFileSync(abs, 'utf8'));
  for (const m of c.mutations) {
    try {
      applyMutation(doc, m);
    } catch {
      // a change the YAML document model refuses (a tag on an alias, ...): not a manifest anyone can write
    }
  }
  let text: string;
  try {
    text = doc.toString({ lineWidth: 0 });
  } catch {
    // a mutation the writer refuses (for example an alias to a node it cannot name): keep the rest
    text = readFileSync(abs, 'utf8');
  }
  for (const m of c.text) text = applyText(text, m);
  writeFileSync(abs, text);

  const files = [...pristine.keys()].filter((f) => !/\.ya?ml$/.test(f));
  for (const f of c.files) {
    const content = f.content instanceof Repeat ? (f.content.unit === '[' || f.content.unit.startsWith('{') ? nestedJson(f.content) : f.content.toString()) : f.content;
    const rel = files[f.at % files.length]!;
    dirty.add(rel);
    writeFileSync(path.join(dir, rel), content);
  }

  const globDir = path.join(dir, GLOB_DIR[c.example]);
  const ext = c.example === 'data-analyst' ? 'csv' : 'md';
  for (const name of [`leak.${ext}`, 'leakdir', 'loop', `gone.${ext}`, `folder.${ext}`]) dirty.add(`${GLOB_DIR[c.example]}/${name}`);
  switch (c.hazard) {
    case 'leak-file':
      symlinkSync(path.join(sandbox.outside, `secret.${ext}`), path.join(globDir, `leak.${ext}`));
      break;
    case 'leak-dir':
      symlinkSync(sandbox.outside, path.join(globDir, 'leakdir'));
      break;
    case 'loop':
      symlinkSync('..', path.join(globDir, 'loop'));
      break;
    case 'dangling':
      symlinkSync(path.join(dir, 'nothing-here'), path.join(globDir, `gone.${ext}`));
      break;
    case 'fifo-like-dir':
      // a folder whose name looks like a matching file
      mkdirSync(path.join(globDir, `folder.${ext}`));
      break;
    case 'none':
      break;
  }
  const reachesOutside =
    c.hazard === 'leak-file' ||
    c.hazard === 'leak-dir' ||
    JSON.stringify(c.mutations).match(/\.\.|link|\/etc|~\/|C:|file:/) !== null;
  const isFolder = c.example === 'order-desk';
  return { dir, manifest, target: isFolder ? '.' : manifest, reachesOutside };
}
