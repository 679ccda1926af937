/**
 * Combines manifest documents: several files of a directory into one (a key defined twice is an
 * error naming both places), and an environment overlay over the base (maps merge, lists and
 * scalars replace, null removes).
 */
import type { Problem } from '../errors.js';
import { formatLoc } from '../errors.js';
import { copyLocs, displayPath, dropLocs, toPointer } from './locations.js';
import type { LocMap, Path } from './locations.js';

export interface SourceDoc {
  value: unknown;
  locs: LocMap;
}

type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value of an own key (never one inherited: `__proto__` is a key like any other). */
export function own(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** Sets an own key; `o[key] = v` with key "__proto__" would change o's prototype instead. */
export function setOwn(o: Obj, key: string, v: unknown): void {
  Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Top-level keys whose maps merge across files; their entries must be unique. */
const SECTIONS = new Set(['vars', 'vector_stores', 'file_sets', 'assistants', 'environments']);
/** Top-level scalars that may repeat across files when every file gives the same value. */
const SHARED_SCALARS = new Set(['version', 'deployment', '$schema']);

export function mergeFiles(docs: SourceDoc[]): { doc: SourceDoc; problems: Problem[] } {
  const value: Obj = {};
  const locs: LocMap = new Map();
  const problems: Problem[] = [];
  for (const doc of docs) {
    if (!isObject(doc.value)) continue; // reported by schema validation of that file
    const rootLoc = doc.locs.get('');
    if (rootLoc && !locs.has('')) locs.set('', rootLoc);
    for (const [key, v] of Object.entries(doc.value)) {
      const pointer = toPointer([key]);
      if (!Object.prototype.hasOwnProperty.call(value, key)) {
        setOwn(value, key, v);
        copyLocs(doc.locs, pointer, locs, pointer);
        continue;
      }
      if (SECTIONS.has(key) && isObject(v) && isObject(own(value, key))) {
        const target = own(value, key) as Obj;
        for (const [entry, ev] of Object.entries(v)) {
          const entryPointer = toPointer([key, entry]);
          if (Object.prototype.hasOwnProperty.call(target, entry)) {
            problems.push(duplicate([key, entry], doc.locs, entryPointer, locs));
            continue;
          }
          setOwn(target, entry, ev);
          copyLocs(doc.locs, entryPointer, locs, entryPointer);
        }
        continue;
      }
      if (SHARED_SCALARS.has(key) && JSON.stringify(v) === JSON.stringify(own(value, key))) continue;
      problems.push(duplicate([key], doc.locs, pointer, locs));
    }
  }
  return { doc: { value, locs }, problems };
}

function duplicate(path: Path, newLocs: LocMap, pointer: string, oldLocs: LocMap): Problem {
  const here = newLocs.get(pointer);
  const first = oldLocs.get(pointer);
  const firstAt = first ? formatLoc(first.key ?? first.value) : 'another file';
  return {
    path: displayPath(path),
    message: `defined twice: also at ${firstAt}; keep one definition`,
    loc: here?.key ?? here?.value,
  };
}

/**
 * Merges `environments.<name>` over the base document. Returns a new document; the `environments`
 * section stays (it is validated as written) but no longer affects the result.
 */
export function applyOverlay(doc: SourceDoc, name: string): { doc: SourceDoc; problems: Problem[] } {
  const base = doc.value;
  if (!isObject(base)) return { doc, problems: [] };
  const envs = own(base, 'environments');
  const available = isObject(envs) ? Object.keys(envs) : [];
  if (!isObject(envs) || !Object.prototype.hasOwnProperty.call(envs, name)) {
    const list = available.length > 0 ? `available: ${available.join(', ')}` : 'the manifest defines no environments';
    return { doc, problems: [{ message: `unknown environment "${name}" (${list})` }] };
  }
  const overlay = own(envs, name);
  const value = structuredClone(base) as Obj;
  const locs: LocMap = new Map(doc.locs);
  if (isObject(overlay)) {
    mergeInto(value, overlay, [], toPointer(['environments', name]), doc.locs, locs);
  }
  return { doc: { value, locs }, problems: [] };
}

function mergeInto(target: Obj, overlay: Obj, path: Path, overlayPointer: string, srcLocs: LocMap, locs: LocMap): void {
  for (const [key, v] of Object.entries(overlay)) {
    const childPath = [...path, key];
    const targetPointer = toPointer(childPath);
    const fromPointer = `${overlayPointer}${toPointer([key])}`;
    if (v === null) {
      delete target[key];
      dropLocs(locs, targetPointer);
      continue;
    }
    // own keys only: an overlay key "__proto__" must not reach (and pollute) Object.prototype
    const existing = own(target, key);
    if (isObject(v) && isObject(existing)) {
      mergeInto(existing, v, childPath, fromPointer, srcLocs, locs);
      continue;
    }
    setOwn(target, key, structuredClone(v));
    dropLocs(locs, targetPointer);
    copyLocs(srcLocs, fromPointer, locs, targetPointer);
  }
}
