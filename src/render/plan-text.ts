/**
 * The plan as text, in the house style people know from Terraform: `+` create, `~` update in
 * place, `+/-` replace (new first), `-` destroy, a legend for the symbols used, and the result
 * line last (`Plan: …` or `No changes. …`: what `--quiet` prints). Which target was read, and how,
 * is a status line apart (`statusLine`), for stderr. Pure: reads only the Plan, returns a string.
 */
import { structuredPatch } from 'diff';
import { formatBytes } from '../format.js';
import { costUnchangedLine, renderCostText } from './cost-plan.js';
import { isReservedKey } from '../ownership/metadata.js';
import { chunkKey, sameFlat } from '../canonical.js';
import { diffPaths } from '../plan/field-diff.js';
import { DEFAULTS } from '../kinds/index.js';
import type { FieldChange, FileAttach, FileReattribute, Plan, ResourceChange, VectorStoreFiles } from '../plan/types.js';
import { deletesFirst, impactOf, removes, type Impact } from '../plan/impact.js';
import { agentHeading, agentVerb, retentionNote } from './agent-text.js';

export interface TextOptions {
  color: boolean;
  /** File entries listed per store before the rest is summarised. */
  maxFiles?: number;
  /** The command that would carry the plan out, for what it refuses (default `apply`). */
  command?: 'apply' | 'destroy';
}

const COLORS = { green: 32, yellow: 33, red: 31, cyan: 36, bold: 1, dim: 2 } as const;
type Color = keyof typeof COLORS;

const SYMBOL: Record<Impact, string> = { 'no-op': '~', update: '~', create: '+', replace: '+/-', delete: '-' };
const VERB: Record<Impact, string> = { 'no-op': 'will be updated in place', update: 'will be updated in place', create: 'will be created', replace: 'must be replaced', delete: 'will be destroyed' };

export function symbolFor(c: ResourceChange): string {
  return deletesFirst(c) ? '-/+' : SYMBOL[impactOf(c)];
}

export function verbFor(c: ResourceChange): string {
  return VERB[impactOf(c)];
}

export function reasonFor(c: ResourceChange): string {
  switch (c.action_reason) {
    case 'create_because_missing':
      return 'not in the account yet';
    case 'update_because_drift':
      return 'changed outside the manifest (drift); apply puts back what the manifest says';
    case 'update_because_manifest_changed':
      return c.drift ? 'the manifest changed, and the account was also edited outside it (drift)' : 'the manifest changed';
    case 'update_because_files_changed':
      return 'its files changed';
    case 'replace_because_cannot_update': {
      const fields = [...new Set(c.field_changes.filter((f) => f.forces_replacement).map((f) => f.field))];
      return `${fields.join(', ')} cannot be changed in place`;
    }
    case 'delete_because_no_resource_config':
      return 'no longer in the manifest';
    case 'delete_because_duplicate':
      return 'a duplicate of the resource kept under the same key';
  }
}

export function causeLabel(f: FieldChange): string {
  switch (f.cause) {
    case 'drift':
      return '  # drift: changed outside the manifest';
    case 'manifest_and_drift':
      return '  # changed in the manifest and outside it';
    default:
      return '';
  }
}

export function value(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object' && !Array.isArray(v) && typeof (v as { $ref?: unknown }).$ref === 'string') {
    return `(known after apply: ${(v as { $ref: string }).$ref})`;
  }
  if (typeof v === 'string') return /^\(known after apply: [^)]*\)$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'object') {
    if (Array.isArray(v)) return `[${v.map(value).join(', ')}]`;
    const entries = Object.entries(v as Record<string, unknown>);
    return `{ ${entries.map(([k, x]) => `${/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k)} = ${value(x)}`).join(', ')} }`;
  }
  return String(v);
}

function shorten(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Which account was read, for which deployment, and with how many requests: a status line (stderr). */
export function statusLine(plan: Plan): string {
  const env = plan.environment ? `, environment "${plan.environment}"` : '';
  const target = `${plan.target.local ? 'local (embedded emulator)' : plan.target.base_url}${plan.target.kind === 'foundry' ? ' (Foundry project)' : plan.target.assistants_api ? '' : ' (Assistants API not served)'}`;
  const check = plan.read?.foreign_check;
  const checked = check ? check.lookups + check.pages : 0;
  const read = !plan.read
    ? ''
    : checked === 0
      ? ` Read the account with ${plan.read.requests} list requests.`
      : ` Read the account with ${plan.read.requests} requests (${plan.read.requests - checked} list requests, and ${checked} to check ${check!.stores} vector store${check!.stores === 1 ? '' : 's'} outside the deployment for the ${check!.uploads} upload${check!.uploads === 1 ? '' : 's'} the plan deletes).`;
  return `Target: ${target}; deployment "${plan.deployment}"${env}.${read}`;
}

/** True when the plan changes nothing (what it cannot deploy aside). */
function isNoOp(plan: Plan): boolean {
  return plan.resource_changes.length === 0 && plan.uploads.length === 0 && plan.file_deletions.length === 0;
}

/**
 * The plan's one-line result, the last line of the text plan and all that `--quiet` prints:
 * `Plan: 1 to add, 0 to change, 0 to destroy. Files: 3 to upload, 3 to attach.` or
 * `No changes. The account matches the manifest.`
 */
export function resultLine(plan: Plan): string {
  const errors = errorsLine(plan);
  if (isNoOp(plan)) {
    if (errors) return `No changes. ${errors}`;
    const n = plan.not_deployable.length;
    const except = n > 0 ? `, apart from the ${n === 1 ? 'assistant' : `${n} assistants`} this target cannot hold (Assistants API not served)` : '';
    return `No changes. The account matches the manifest${except}.`;
  }
  const files = filesLine(plan);
  return `${summaryLine(plan)}${files ? ` ${files}` : ''}${errors ? ` ${errors}` : ''}`;
}

/** `1 error: assistant.support is left out.` when the plan has errors. */
function errorsLine(plan: Plan): string | undefined {
  const errors = plan.errors ?? [];
  if (errors.length === 0) return undefined;
  const left = errors.map((e) => e.address).join(', ');
  return `${errors.length} error${errors.length === 1 ? '' : 's'}: ${left} ${errors.length === 1 ? 'is' : 'are'} left out.`;
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
}

export function filesLine(plan: Plan): string | undefined {
  const f = plan.summary.files;
  const parts: string[] = [];
  if (f.upload) parts.push(`${f.upload} to upload`);
  if (f.attach) parts.push(`${f.attach} to attach`);
  if (f.update_attributes) parts.push(`${f.update_attributes} to re-attribute`);
  if (f.detach) parts.push(`${f.detach} to detach`);
  if (f.delete) parts.push(`${f.delete} to delete`);
  return parts.length > 0 ? `Files: ${parts.join(', ')}.` : undefined;
}

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

/** A chunking strategy in the manifest's order of keys. */
function chunkingValue(c: unknown): string {
  const s = (c as { type?: unknown; static?: { max_chunk_size_tokens?: unknown; chunk_overlap_tokens?: unknown } } | null) ?? null;
  if (s?.type === 'static' && s.static) {
    return value({ type: 'static', static: { max_chunk_size_tokens: s.static.max_chunk_size_tokens, chunk_overlap_tokens: s.static.chunk_overlap_tokens } });
  }
  return value(c);
}

export function renderText(plan: Plan, options: TextOptions): string {
  const paint = (color: Color, text: string) => (options.color ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text);
  const symbolColor = (s: string): Color => (s === '+' ? 'green' : s === '-' ? 'red' : s === '~' ? 'yellow' : 'cyan');
  const maxFiles = options.maxFiles ?? 10;
  const command = options.command ?? 'apply';
  const out: string[] = [];

  const changes = plan.resource_changes;
  const symbols = new Set(changes.map(symbolFor));
  const noOp = isNoOp(plan);
  if (!noOp) {
    out.push('', 'Resource actions are indicated with the following symbols:');
    const legend: [string, string][] = [
      ['+', 'create'],
      ['~', 'update in place'],
      ['+/-', 'create replacement and then destroy'],
      ['-', 'destroy'],
    ];
    for (const [s, label] of legend) if (symbols.has(s)) out.push(`${paint(symbolColor(s), s.padStart(3))} ${label}`);
    out.push('', 'assistants-deploy will perform the following actions:');
    for (const c of changes) out.push('', ...renderChange(c, paint, symbolColor, maxFiles, command));
    if (plan.uploads.length > 0 || plan.file_deletions.length > 0) {
      out.push('', `  # files of deployment "${plan.deployment}"`);
      const ups = plan.uploads.slice(0, maxFiles).map((u) => `    ${paint('green', '+')} upload ${u.path} (${formatBytes(u.size)})`);
      out.push(...ups);
      if (plan.uploads.length > maxFiles) out.push(`    … and ${plan.uploads.length - maxFiles} more uploads`);
      for (const d of plan.file_deletions.slice(0, maxFiles)) {
        const why =
          d.reason === 'orphan' ? 'left over from an interrupted apply' : d.reason === 'duplicate' ? 'duplicate upload' : d.reason === 'unprotected' ? 'protect lifted: replaced by an unprotected copy' : 'no longer used';
        out.push(`    ${paint('red', '-')} delete ${d.filename} (${d.file_id}, ${why})${d.protect === true ? ` — PROTECTED: ${command} will refuse` : ''}`);
      }
      if (plan.file_deletions.length > maxFiles) out.push(`    … and ${plan.file_deletions.length - maxFiles} more deletions`);
    }
  }
  if (plan.not_deployable.length > 0) {
    out.push('', 'Not deployable on this target (Assistants API not served):');
    for (const n of plan.not_deployable) out.push(`  ! ${n.address}: ${n.reason}`);
  }
  const errors = plan.errors ?? [];
  if (errors.length > 0) {
    out.push('', paint('red', `Errors (nothing is sent for ${errors.length === 1 ? 'this assistant' : 'these assistants'}; the rest of the plan goes ahead):`));
    for (const e of errors) out.push(paint('red', `  ✗ ${e.address}: ${e.loc ? `${e.loc.file}:${e.loc.line}:${e.loc.col}: ` : ''}${e.path}: ${e.message}`));
  }
  if (plan.warnings.length > 0) out.push('', ...plan.warnings.map((w) => `Warning: ${w}`));
  if (plan.conflicts.length > 0) {
    out.push('', paint('red', `Conflicts (${command} refuses them without --allow-conflicts):`));
    for (const c of plan.conflicts) out.push(paint('red', `  ! ${c.address} (${c.id}) is used by ${c.used_by}: ${c.message}`));
  }
  // a plan that changes nothing costs what it cost: one line, not the table
  if (plan.cost) out.push('', ...(noOp ? [costUnchangedLine(plan.cost)] : renderCostText(plan.cost)));
  out.push('');
  if (plan.summary.drifted > 0) out.push(`${plan.summary.drifted} of these changed outside the manifest (drift).`);
  const result = resultLine(plan);
  out.push(noOp ? paint('green', 'No changes.') + result.slice('No changes.'.length) : paint('bold', result));
  while (out[0] === '') out.shift();
  return `${out.join('\n')}\n`;
}

/** Fields an assistant create shows only when they differ from the API's defaults. */
const CREATE_DEFAULTS: Record<string, unknown> = { temperature: 1, top_p: 1, response_format: 'auto', reasoning_effort: null };

function toolSummary(t: Record<string, unknown>): string {
  if (t.type === 'function') {
    const fn = t.function as { name: string; strict?: boolean; parameters?: { properties?: Record<string, unknown> } };
    const params = Object.keys(fn.parameters?.properties ?? {});
    return `function ${fn.name}(${params.join(', ')})${fn.strict ? ' strict' : ''}`;
  }
  const opts = t[String(t.type)];
  return opts && typeof opts === 'object' && Object.keys(opts).length > 0 ? `${String(t.type)} ${value(opts)}` : String(t.type);
}

function renderChange(
  c: ResourceChange,
  paint: (color: Color, text: string) => string,
  symbolColor: (s: string) => Color,
  maxFiles: number,
  command: string,
): string[] {
  const s = symbolFor(c);
  const lines: string[] = [];
  const protectNote = c.protect && removes(c) ? ` — PROTECTED: ${command} will refuse` : '';
  lines.push(`  # ${c.address} ${agentVerb(c) ?? verbFor(c)} (${reasonFor(c)})${protectNote}`);
  lines.push(`${paint(symbolColor(s), s.padStart(3))} ${agentHeading(c) ?? `${c.type} "${c.key}"`} {`);
  if (c.id) lines.push(`        id = ${JSON.stringify(c.id)}`);
  const retention = retentionNote(c);
  if (retention) lines.push(retention);
  if (impactOf(c) === 'create' && c.body) {
    const rows: [string, string][] = [];
    for (const [k, v] of Object.entries(c.body)) {
      if (v === null || (typeof v === 'object' && Object.keys(v as object).length === 0)) continue;
      if (c.type === 'assistant' && k in CREATE_DEFAULTS && value(v) === value(CREATE_DEFAULTS[k])) continue;
      if (k === 'instructions' && typeof v === 'string') {
        const count = v.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length;
        rows.push([k, `${JSON.stringify(shorten(v.split('\n')[0] ?? '', 70))}${count > 1 ? ` (${count} lines)` : ''}`]);
      } else if (k === 'tools' && Array.isArray(v)) {
        (v as Record<string, unknown>[]).forEach((t, i) => rows.push([`tools[${i}]`, toolSummary(t)]));
      } else {
        rows.push([k, shorten(value(v))]);
      }
    }
    // a store's files settings: the chunking when it is not the API's default, the attributes when there are any
    if (c.files?.chunking_strategy !== undefined && chunkKey(c.files.chunking_strategy) !== chunkKey(DEFAULTS.chunking)) {
      rows.push(['chunking_strategy', chunkingValue(c.files.chunking_strategy)]);
    }
    if (c.files?.attributes && Object.keys(c.files.attributes).length > 0) rows.push(['attributes', shorten(value(c.files.attributes))]);
    const width = Math.max(0, ...rows.map(([k]) => k.length));
    for (const [k, v] of rows) lines.push(`      ${paint('green', '+')} ${k.padEnd(width)} = ${v}`);
  }
  for (const f of c.field_changes) lines.push(...renderField(f, paint));
  if (c.files) {
    const settings = fileSettingChanges(c.files);
    for (const g of settings.slice(0, maxFiles)) lines.push(...renderField(g.change, paint, `  # ${g.files} ${g.files === 1 ? 'file' : 'files'}`));
    if (settings.length > maxFiles) lines.push(`      … and ${settings.length - maxFiles} more chunking and attribute changes (see --format json)`);
    const counts = fileCounts(c.files);
    lines.push(`      files: ${counts}`);
    const entries = fileLines(c.files);
    for (const e of entries.slice(0, maxFiles)) lines.push(`        ${paint(symbolColor(e.symbol), e.symbol)} ${e.text}`);
    if (entries.length > maxFiles) lines.push(`        … and ${entries.length - maxFiles} more file changes (see --format json)`);
  }
  lines.push('    }');
  return lines;
}

function renderField(f: FieldChange, paint: (color: Color, text: string) => string, extra = ''): string[] {
  const tilde = paint('yellow', '~');
  const note = causeLabel(f) + (f.forces_replacement ? '  # forces replacement' : '') + extra;
  if (typeof f.before === 'string' && typeof f.after === 'string' && (f.before.includes('\n') || f.after.includes('\n'))) {
    const patch = structuredPatch(f.path, f.path, f.before.endsWith('\n') ? f.before : `${f.before}\n`, f.after.endsWith('\n') ? f.after : `${f.after}\n`, '', '', { context: 2 });
    const out = [`      ${tilde} ${f.path} = <<-EOT${note}`];
    for (const h of patch.hunks) {
      out.push(`          @@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
      for (const l of h.lines) {
        if (l.startsWith('\\')) continue;
        const mark = l[0];
        const body = `          ${l}`;
        out.push(mark === '+' ? paint('green', body) : mark === '-' ? paint('red', body) : body);
      }
    }
    out.push('        EOT');
    return out;
  }
  if (f.before === null) return [`      ${paint('green', '+')} ${f.path} = ${shorten(value(f.after))}${note}`];
  if (f.after === null) return [`      ${paint('red', '-')} ${f.path} = ${shorten(value(f.before))} -> null${note}`];
  return [`      ${tilde} ${f.path} = ${shorten(value(f.before), 60)} -> ${shorten(value(f.after), 60)}${note}`];
}
