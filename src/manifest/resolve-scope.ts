/**
 * What every step of resolving a manifest shares: the context (root, locations, folders), the
 * problems and warnings found so far, and the checks several sections make (reading `{ file }`
 * references, metadata, references between sections).
 */
import path from 'node:path';
import type { Problem, SourceLoc } from '../errors.js';
import { isReservedKey, RESERVED_PREFIX, USER_MAX_METADATA } from '../ownership/metadata.js';
import type { Warning } from './desired.js';
import type { JsonAt } from './json-schema-check.js';
import { displayPath, locate, toPointer } from './locations.js';
import type { LocMap, Path } from './locations.js';
import { displayFile, escapesLexically, escapesReally } from './paths.js';
import type { Root } from './paths.js';
import { closest } from './suggest.js';
import { readTextFile } from './text-file.js';
import type { JsonObject } from './types.js';
import { isFileRef } from './types.js';
import { parseSource } from './yaml-source.js';

export interface ResolveContext {
  root: Root;
  cwd: string;
  locs: LocMap;
  /** Absolute folder of the manifest file shown as `label` in locations. */
  dirOf(label: string): string;
  environment?: string;
  sources: string[];
  /**
   * A check's expected path that is not one of its store's files: a located problem (`strict`,
   * the default: validate, plan and apply refuse the manifest), or the check's own failure, kept
   * with it (`report`: what `test` does, so every format names the check).
   */
  checks?: 'strict' | 'report';
  /** Globs expanded on a worker thread (plan, apply and destroy read the account meanwhile). */
  offThread?: boolean;
}

/** A text file read for a `{ file }` reference: its text, absolute path and the label messages show. */
export interface ReadRef {
  text: string;
  abs: string;
  label: string;
}

export class ResolveScope {
  readonly problems: Problem[] = [];
  readonly warnings: Warning[] = [];

  constructor(readonly ctx: ResolveContext) {}

  /** The display path and source location of the value at `p` (of its key, with `preferKey`). */
  at(p: Path, preferKey = false): { path: string; loc: SourceLoc | undefined } {
    return { path: displayPath(p), loc: locate(this.ctx.locs, toPointer(p), preferKey) };
  }

  /** The folder relative paths written at `p` start from: that of the manifest file holding it. */
  baseDirFor(p: Path): string {
    const loc = locate(this.ctx.locs, toPointer(p));
    return loc ? this.ctx.dirOf(loc.file) : this.ctx.root.dir;
  }

  /** Reads a `{ file }` reference named at `p`, or reports why it cannot. */
  async readRef(p: Path, file: string): Promise<ReadRef | undefined> {
    const where = this.at([...p, 'file']);
    const baseDir = this.baseDirFor(p);
    const abs = path.resolve(baseDir, file);
    const root = this.ctx.root;
    if (!root.allowOutside && (escapesLexically(root, baseDir, file) || (await escapesReally(root, abs)))) {
      this.problems.push({
        ...where,
        message: `"${file}" is outside the manifest folder (${root.dir}); move it inside, or pass --allow-outside-root`,
      });
      return undefined;
    }
    try {
      const read = await readTextFile(abs);
      if (!read.ok) {
        this.problems.push({ ...where, message: `"${file}" ${read.why}` });
        return undefined;
      }
      return { text: read.text, abs, label: displayFile(abs, this.ctx.cwd) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read (${code ?? 'error'})`;
      this.problems.push({ ...where, message: `"${file}": ${why} (paths are relative to the manifest's folder, ${baseDir})` });
      return undefined;
    }
  }

  /** An inline JSON object or one read from a .json/.yaml file, with where its parts are. */
  async readJson(p: Path, value: JsonObject | { file: string }): Promise<{ value: JsonObject; at: JsonAt } | undefined> {
    if (!isFileRef(value)) return { value, at: { locs: this.ctx.locs, pointer: toPointer(p), path: p } };
    const read = await this.readRef(p, value.file);
    if (!read) return undefined;
    const parsed = parseSource(read.text, read.label);
    if (parsed.problems.length > 0) {
      this.problems.push(...parsed.problems);
      return undefined;
    }
    if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      this.problems.push({ loc: { file: read.label, line: 1, col: 1 }, message: 'must hold a JSON object (a JSON Schema)' });
      return undefined;
    }
    return { value: parsed.value as JsonObject, at: { locs: parsed.locs, pointer: '', path: p } };
  }

  /** A resource's user metadata (a copy), with reserved keys and too many keys reported. */
  metadata(base: Path, metadata: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    if (!metadata) return out;
    const keys = Object.keys(metadata);
    for (const k of keys) {
      if (isReservedKey(k)) {
        this.problems.push({
          ...this.at([...base, k], true),
          message: `metadata keys starting with "${RESERVED_PREFIX}" are reserved for ownership tags; rename this key`,
        });
      }
    }
    if (keys.length > USER_MAX_METADATA) {
      this.problems.push({
        ...this.at(base),
        message: `has ${keys.length} keys; the limit is ${USER_MAX_METADATA} (the API allows 16 and assistants-deploy reserves 2 for ownership tags)`,
      });
    }
    return { ...metadata };
  }

  /** Each of `keys` (listed at `p`) must name an entry of `section`, whose keys are `known`. */
  refs(p: Path, keys: string[], known: string[], section: string): void {
    keys.forEach((k, i) => {
      if (known.includes(k)) return;
      const guess = closest(k, known);
      this.problems.push({
        ...this.at([...p, i]),
        message: `no ${section} entry named "${k}"${guess ? ` (did you mean "${guess}"?)` : ''}${known.length > 0 ? `; defined: ${known.join(', ')}` : `; the manifest defines no ${section}`}`,
      });
    });
  }
}
