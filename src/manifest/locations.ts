/**
 * Where each value of a loaded document came from: a map from JSON pointer to source positions,
 * kept beside the plain value so merging, overlays and validation can point at the right line.
 */
import type { SourceLoc } from '../errors.js';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface NodeLoc {
  /** Position of the map key that names this value, when it has one. */
  key?: SourceLoc;
  /** Position of the value itself. */
  value: SourceLoc;
}

export type LocMap = Map<string, NodeLoc>;

function escapeToken(segment: PathSegment): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** RFC 6901 JSON pointer for a path: `['a', 0, 'b']` -> `/a/0/b`. */
export function toPointer(path: Path): string {
  return path.map((s) => `/${escapeToken(s)}`).join('');
}

export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescapeToken);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A path as people read it: `assistants.support.tools[1].function.name`. */
export function displayPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number' || /^\d+$/.test(seg)) out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(root)' : out;
}

export function pointerToDisplay(pointer: string): string {
  return displayPath(fromPointer(pointer));
}

/**
 * The most precise known location for a pointer: the value itself, else the nearest ancestor
 * that has one. `preferKey` returns the key's position (for "unknown field" errors).
 */
export function locate(locs: LocMap, pointer: string, preferKey = false): SourceLoc | undefined {
  let p = pointer;
  for (;;) {
    const found = locs.get(p);
    if (found) return preferKey && found.key ? found.key : found.value;
    if (p === '') return undefined;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** Copies every location under `fromPrefix` to the same relative place under `toPrefix`. */
export function copyLocs(source: LocMap, fromPrefix: string, target: LocMap, toPrefix: string): void {
  for (const [pointer, loc] of source) {
    if (pointer === fromPrefix || pointer.startsWith(`${fromPrefix}/`)) {
      target.set(toPrefix + pointer.slice(fromPrefix.length), loc);
    }
  }
}

/** Removes every location at or under a pointer. */
export function dropLocs(locs: LocMap, prefix: string): void {
  for (const pointer of [...locs.keys()]) {
    if (pointer === prefix || pointer.startsWith(`${prefix}/`)) locs.delete(pointer);
  }
}
