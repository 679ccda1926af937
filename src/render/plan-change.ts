/**
 * One resource change of a text plan: its header (`# address verb (reason)`), the body of a create
 * (defaults left out, instructions and tools summarised), its field changes (multi-line strings as a
 * patch), and a vector store's file changes, listed up to a limit. Pure.
 */
import { agentHeading, agentVerb, retentionNote } from './agent-text.js';
import { structuredPatch } from 'diff';
import { chunkKey } from '../canonical.js';
import { DEFAULTS } from '../kinds/index.js';
import type { FieldChange, ResourceChange } from '../plan/types.js';
import { impactOf, removes } from '../plan/impact.js';
import { fileCounts, fileLines, fileSettingChanges } from './plan-files.js';
import { causeLabel, reasonFor, shorten, symbolFor, value, verbFor, type Color, type Paint } from './plan-words.js';

/** A chunking strategy in the manifest's order of keys. */
function chunkingValue(c: unknown): string {
  const s = (c as { type?: unknown; static?: { max_chunk_size_tokens?: unknown; chunk_overlap_tokens?: unknown } } | null) ?? null;
  if (s?.type === 'static' && s.static) {
    return value({ type: 'static', static: { max_chunk_size_tokens: s.static.max_chunk_size_tokens, chunk_overlap_tokens: s.static.chunk_overlap_tokens } });
  }
  return value(c);
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

export function renderChange(
  c: ResourceChange,
  paint: Paint,
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

function renderField(f: FieldChange, paint: Paint, extra = ''): string[] {
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
