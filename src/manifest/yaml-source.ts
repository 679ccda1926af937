/**
 * Parses one YAML (or JSON) text into a plain value plus the source position of every node.
 * Duplicate keys, unknown tags, several documents and alias bombs are located errors.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, Pair } from 'yaml';
import type { Problem, SourceLoc } from '../errors.js';
import { toPointer } from './locations.js';
import type { LocMap, Path } from './locations.js';

export interface ParsedSource {
  value: unknown;
  locs: LocMap;
  problems: Problem[];
}

/** Ceiling on values produced from one document; aliases could otherwise expand exponentially. */
export const MAX_NODES = 200_000;
/** Ceiling on nesting depth. */
export const MAX_DEPTH = 64;

const MESSAGES: Record<string, string> = {
  DUPLICATE_KEY: 'duplicate key: each key may appear only once in a map',
  TAG_RESOLVE_FAILED: 'unsupported YAML tag: use plain values',
  BAD_ALIAS: 'unknown YAML alias: define the anchor (&name) before using it',
  MULTIPLE_DOCS: 'several YAML documents in one file: keep one per file',
};

class ExpansionLimit extends Error {}

export function parseSource(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const locs: LocMap = new Map();
  const at = (offset: number): SourceLoc => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col };
  };

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      merge: true,
      strict: true,
      version: '1.2',
    });
  } catch (error) {
    return { value: undefined, locs, problems: [{ message: `cannot parse: ${(error as Error).message}`, loc: { file, line: 1, col: 1 } }] };
  }
  const problems = syntaxProblems(doc, at);
  if (problems.length > 0) return { value: undefined, locs, problems };

  const walker = new Walker(doc, locs, at, problems);
  let value: unknown;
  try {
    value = walker.walk(doc.contents as YamlNode | null, [], 0, new Set());
  } catch (error) {
    if (!(error instanceof ExpansionLimit)) throw error;
    problems.push({
      message: `document expands to more than ${MAX_NODES.toLocaleString('en-US')} values (a YAML alias bomb?): reduce the use of aliases`,
      loc: { file, line: 1, col: 1 },
    });
    return { value: undefined, locs, problems };
  }
  // an empty document has no node to point at: its problems (missing fields) are at 1:1
  if (!locs.has('')) locs.set('', { key: undefined, value: { file, line: 1, col: 1 } });
  return { value: toPlain(value), locs, problems };
}

/** The parser's errors and warnings, as located problems. */
function syntaxProblems(doc: Document.Parsed, at: (offset: number) => SourceLoc): Problem[] {
  const problems: Problem[] = [];
  let overflowed = false;
  for (const e of [...doc.errors, ...doc.warnings]) {
    // the parser runs out of stack on thousands of nested brackets, once per bracket: say it once
    if (/Maximum call stack size exceeded/.test(e.message)) {
      if (!overflowed) problems.push({ message: `nested more than ${MAX_DEPTH} levels deep`, loc: at(e.pos[0]) });
      overflowed = true;
      continue;
    }
    const message = MESSAGES[e.code] ?? `YAML syntax error: ${e.message.replace(/ at line \d+, column \d+.*$/s, '')}`;
    problems.push({ message, loc: at(e.pos[0]) });
  }
  return problems;
}

/** Turns the document's nodes into plain values, noting where each came from in `locs`. */
class Walker {
  private count = 0;
  // Alias.resolve() searches the whole document each time: resolve each alias once (an alias bomb
  // resolves the same few aliases up to MAX_NODES times, which took minutes on a 40 kB manifest)
  private readonly targets = new Map<YamlNode, YamlNode | undefined>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly locs: LocMap,
    private readonly at: (offset: number) => SourceLoc,
    private readonly problems: Problem[],
  ) {}

  walk(node: YamlNode | null | undefined, path: Path, depth: number, anchorStack: Set<YamlNode>): unknown {
    if (++this.count > MAX_NODES) throw new ExpansionLimit();
    if (depth > MAX_DEPTH) {
      this.problems.push({ message: `nested more than ${MAX_DEPTH} levels deep`, loc: node?.range ? this.at(node.range[0]) : undefined });
      return null;
    }
    if (node === null || node === undefined) return null;
    const pointer = toPointer(path);
    const existing = this.locs.get(pointer);
    const here = node.range ? this.at(node.range[0]) : existing?.value;
    if (here) this.locs.set(pointer, { key: existing?.key, value: here });
    if (!isAlias(node)) return this.inner(node, path, depth, anchorStack);

    let target = this.targets.get(node);
    if (!this.targets.has(node)) {
      target = node.resolve(this.doc) as YamlNode | undefined;
      this.targets.set(node, target);
    }
    if (!target) {
      this.problems.push({ message: MESSAGES.BAD_ALIAS!, loc: here });
      return null;
    }
    if (anchorStack.has(target)) {
      this.problems.push({ message: 'YAML alias refers to itself', loc: here });
      return null;
    }
    const next = new Set(anchorStack).add(target);
    const value = this.inner(target, path, depth, next);
    if (here) this.locs.set(pointer, { key: this.locs.get(pointer)?.key, value: here });
    return value;
  }

  private inner(node: YamlNode, path: Path, depth: number, anchorStack: Set<YamlNode>): unknown {
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.toISOString();
      return v;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => this.walk(item as YamlNode, [...path, i], depth + 1, anchorStack));
    }
    if (isMap(node)) return this.map(node.items as Pair<YamlNode, YamlNode>[], path, depth, anchorStack);
    return null;
  }

  private map(items: Pair<YamlNode, YamlNode>[], path: Path, depth: number, anchorStack: Set<YamlNode>): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    const merged: Record<string, unknown>[] = [];
    for (const pair of items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        // YAML merge key (<<: *anchor): merged maps fill keys not set explicitly
        const sources = isSeq(pair.value) ? (pair.value.items as YamlNode[]) : [pair.value];
        for (const src of sources) {
          const val = this.walk(src, [...path, '<<'], depth + 1, anchorStack);
          if (val && typeof val === 'object' && !Array.isArray(val)) merged.push(val as Record<string, unknown>);
          else this.problems.push({ message: 'YAML merge key (<<) must name a map', loc: src?.range ? this.at(src.range[0]) : undefined });
        }
        continue;
      }
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.problems.push({ message: 'map keys must be plain strings', loc: keyNode?.range ? this.at(keyNode.range[0]) : undefined });
        continue;
      }
      const key = String(keyNode.value);
      const childPath = [...path, key];
      const keyLoc = keyNode.range ? this.at(keyNode.range[0]) : undefined;
      this.locs.set(toPointer(childPath), { key: keyLoc, value: keyLoc ?? this.at(0) });
      out[key] = this.walk(pair.value, childPath, depth + 1, anchorStack);
    }
    this.locs.delete(toPointer([...path, '<<']));
    if (merged.length === 0) return out;
    const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const m of merged.reverse()) Object.assign(result, m);
    return Object.assign(result, out);
  }
}

/** Objects built with a null prototype (so keys like `__proto__` are data) turned into plain ones. */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: toPlain(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
