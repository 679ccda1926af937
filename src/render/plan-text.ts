/**
 * The plan as text, in the house style people know from Terraform: `+` create, `~` update in
 * place, `+/-` replace (new first), `-` destroy, a legend for the symbols used, and the result
 * line last (`Plan: …` or `No changes. …`: what `--quiet` prints). Which target was read, and how,
 * is a status line apart (`statusLine`), for stderr. Pure: reads only the Plan, returns a string.
 * One resource change is drawn by plan-change.ts, a store's files by plan-files.ts, the words
 * (symbols, reasons, values) come from plan-words.ts.
 */
import { formatBytes } from '../format.js';
import { costUnchangedLine, renderCostText } from './cost-plan.js';
import type { Plan } from '../plan/types.js';
import { renderChange } from './plan-change.js';
import { COLORS, symbolFor, type Color } from './plan-words.js';

export { value } from './plan-words.js';

export interface TextOptions {
  color: boolean;
  /** File entries listed per store before the rest is summarised. */
  maxFiles?: number;
  /** The command that would carry the plan out, for what it refuses (default `apply`). */
  command?: 'apply' | 'destroy';
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
