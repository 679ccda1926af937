/**
 * A vector store's file changes as text: counts (`3 to add, 1 renamed, 40 unchanged`), one line
 * per file (replacements folded into one `~` line, with every aspect that changed), and the
 * chunking and attribute changes grouped with the number of files each applies to. Pure.
 */
import { isReservedKey } from '../ownership/metadata.js';
import { chunkKey, sameFlat } from '../canonical.js';
import { diffPaths } from '../plan/field-diff.js';
import type { FieldChange, FileAttach, FileReattribute, VectorStoreFiles } from '../plan/types.js';
import { value } from './plan-words.js';

/** Counts of a store's file changes, e.g. "3 to attach, 1 renamed, 2 to detach, 40 unchanged". */
export function fileCounts(files: VectorStoreFiles): string {
  const renamed = files.update_attributes.filter((u) => u.reason === 'renamed').length;
  const reattributed = files.update_attributes.length - renamed;
  const replaced = files.attach.filter((a) => a.reason !== 'new').length;
  const parts: string[] = [];
  const added = files.attach.length - replaced;
  if (added) parts.push(`${added} to add`);
  if (replaced) parts.push(`${replaced} to replace`);
  if (renamed) parts.push(`${renamed} renamed`);
  if (reattributed) parts.push(`${reattributed} to re-attribute`);
  const removed = files.detach.filter((d) => !['content_changed', 'chunking_changed', 'failed'].includes(d.reason)).length;
  if (removed) parts.push(`${removed} to remove`);
  parts.push(`${files.unchanged} unchanged`);
  return parts.join(', ');
}

const ATTACH_WHY: Record<string, string> = {
  new: 'new',
  content_changed: 'content changed',
  chunking_changed: 'chunking changed',
  retry_failed: 'last indexing failed',
};
const DETACH_WHY: Record<string, string> = {
  removed: 'no longer in the manifest',
  duplicate: 'duplicate',
  unmanaged: 'added outside the manifest',
};

type Attributes = Record<string, string | number | boolean>;

/** The user's attributes: the reserved path and hash are told by the reasons (renamed, content changed). */
function userAttributes(a: Attributes | null | undefined): Attributes {
  const out: Attributes = {};
  for (const k of Object.keys(a ?? {}).sort()) if (!isReservedKey(k)) out[k] = a![k]!;
  return out;
}

const joinWords = (words: string[]) => (words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`);

/** Why a file is attached again: every aspect that differs from the live file it replaces. */
function attachWhy(a: FileAttach): string {
  if (!a.before) return ATTACH_WHY[a.reason] ?? a.reason;
  const changed: string[] = [];
  if (a.reason === 'content_changed') changed.push('content');
  if (chunkKey(a.before.chunking_strategy) !== chunkKey(a.chunking_strategy)) changed.push('chunking');
  if (!sameFlat(userAttributes(a.before.attributes), userAttributes(a.attributes))) changed.push('attributes');
  if (a.reason === 'retry_failed') return changed.length > 0 ? `last indexing failed; ${joinWords(changed)} changed` : 'last indexing failed';
  return changed.length > 0 ? `${joinWords(changed)} changed` : (ATTACH_WHY[a.reason] ?? a.reason);
}

function reattributeWhy(u: FileReattribute): string {
  if (u.reason !== 'renamed') return 'attributes changed';
  const from = `renamed from ${u.from_path ?? 'an unnamed file'}`;
  return u.before && !sameFlat(userAttributes(u.before.attributes), userAttributes(u.attributes)) ? `${from}; attributes changed` : from;
}

/** One line per file change, replacements folded into one `~` line. */
export function fileLines(files: VectorStoreFiles): { symbol: string; text: string }[] {
  const lines: { symbol: string; text: string }[] = [];
  for (const a of files.attach) {
    if (a.reason !== 'new') {
      lines.push({ symbol: '~', text: `${a.path} (${attachWhy(a)})` });
      continue;
    }
    // a file's attributes are shown only where they differ from the store's common ones
    const own = userAttributes(a.attributes);
    const differs = files.attributes !== undefined && !sameFlat(own, files.attributes);
    lines.push({ symbol: '+', text: `${a.path} (new)${differs ? ` attributes = ${value(own)}` : ''}` });
  }
  for (const u of files.update_attributes) lines.push({ symbol: '~', text: `${u.path} (${reattributeWhy(u)})` });
  for (const d of files.detach) {
    if (d.reason in DETACH_WHY) lines.push({ symbol: '-', text: `${d.path ?? d.file_id} (${DETACH_WHY[d.reason]})` });
  }
  return lines.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/**
 * What the store's file changes do to chunking and to the user's attributes, before -> after, as
 * field-like lines with the number of files each applies to: one line per changed chunking
 * setting and per changed attribute key and value, however many files share it (JSON has each file).
 */
export function fileSettingChanges(files: VectorStoreFiles): { change: FieldChange; files: number }[] {
  const groups = new Map<string, { change: FieldChange; files: number }>();
  const add = (field: string, before: unknown, after: unknown) => {
    for (const p of diffPaths(before, after, field)) {
      const key = `${p.path}\t${JSON.stringify(p.before)}\t${JSON.stringify(p.after)}`;
      const g = groups.get(key);
      if (g) g.files++;
      else groups.set(key, { change: { field, path: p.path, before: p.before, after: p.after, cause: 'unknown' }, files: 1 });
    }
  };
  for (const a of files.attach) {
    if (!a.before) continue;
    if (chunkKey(a.before.chunking_strategy) !== chunkKey(a.chunking_strategy)) add('chunking_strategy', a.before.chunking_strategy, a.chunking_strategy);
  }
  const attributed: { before?: { attributes: Attributes }; attributes: Attributes }[] = [...files.attach, ...files.update_attributes];
  for (const x of attributed) {
    if (!x.before) continue;
    const before = userAttributes(x.before.attributes);
    const after = userAttributes(x.attributes);
    if (!sameFlat(before, after)) add('attributes', before, after);
  }
  const order = (g: { change: FieldChange; files: number }) => (g.change.field === 'chunking_strategy' ? 0 : 1);
  return [...groups.values()].sort((a, b) => order(a) - order(b) || (a.change.path < b.change.path ? -1 : a.change.path > b.change.path ? 1 : b.files - a.files));
}
