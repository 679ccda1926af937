/**
 * The plan as a pull-request comment: the summary first, a table of the resources that change and
 * why, then the full text plan in a collapsible diff block. Pure: reads only the Plan.
 */
import { costSummaryLine, costUnchangedLine, renderCostMarkdown } from './cost-plan.js';
import { filesLine, renderText, summaryLine } from './plan-text.js';
import { fileCounts } from './plan-files.js';
import { reasonFor, symbolFor } from './plan-words.js';
import type { Plan } from '../plan/types.js';
import { removes } from '../plan/impact.js';

const ACTION_WORD: Record<string, string> = { '+': 'create', '~': 'update', '+/-': 'replace', '-/+': 'replace', '-': 'destroy' };
const ICON: Record<string, string> = { '+': '🟢', '~': '🟡', '+/-': '🟠', '-/+': '🟠', '-': '🔴' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** GitHub colours a diff block by each line's first character: move `+`/`-` markers there. */
function forDiffHighlighting(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^(\s+)([+-])(.*)$/.exec(line);
      if (m) return `${m[2]}${m[1]}${m[3]}`;
      return line.startsWith('+') || line.startsWith('-') ? ` ${line}` : line;
    })
    .join('\n');
}

export function renderMarkdown(plan: Plan): string {
  const out: string[] = [];
  const env = plan.environment ? ` (environment \`${plan.environment}\`)` : '';
  const target = plan.target.local ? 'local emulator' : plan.target.base_url;
  out.push(`### assistants-deploy plan for \`${plan.deployment}\`${env}`, '');
  const files = filesLine(plan);
  const changed = plan.resource_changes.length > 0 || plan.uploads.length > 0 || plan.file_deletions.length > 0;
  const except = plan.not_deployable.length > 0 ? ', apart from what this target cannot hold (below)' : '';
  const nErrors = (plan.errors ?? []).length;
  const errorsNote = nErrors > 0 ? ` ${nErrors} error${nErrors === 1 ? '' : 's'} (below).` : '';
  out.push(
    changed
      ? `**${summaryLine(plan)}**${files ? ` ${files}` : ''}${errorsNote}`
      : nErrors > 0
        ? `**No changes.**${errorsNote}`
        : `**No changes.** The account matches the manifest${except}.`,
  );
  out.push('', `Target: ${target}${plan.target.assistants_api ? '' : ' (Assistants API not served)'}.`);
  // a plan that changes nothing costs what it cost: one line, no table
  if (plan.cost) out.push('', changed ? costSummaryLine(plan.cost) : costUnchangedLine(plan.cost));
  if (plan.summary.drifted > 0) out.push('', `⚠️ ${plan.summary.drifted} resource(s) changed outside the manifest (drift); apply reverts them.`);
  const refused = [
    ...plan.resource_changes.filter((c) => c.protect && removes(c)).map((c) => c.address),
    ...plan.file_deletions.filter((d) => d.protect === true).map((d) => `file ${d.filename}`),
  ];
  if (refused.length > 0) out.push('', `⛔ Protected resources would be deleted or replaced: ${refused.map((a) => `\`${a}\``).join(', ')}. Apply will refuse.`);

  if (plan.resource_changes.length > 0) {
    out.push('', '| | resource | action | why | files |', '|---|---|---|---|---|');
    for (const c of plan.resource_changes) {
      const s = symbolFor(c);
      const why = reasonFor(c);
      out.push(`| ${ICON[s] ?? ''} | \`${c.address}\` | ${ACTION_WORD[s] ?? s} | ${cell(why)} | ${c.files ? cell(fileCounts(c.files)) : ''} |`);
    }
  }
  if (plan.not_deployable.length > 0) {
    out.push('', '**Not deployable on this target** (Assistants API not served):', '');
    for (const n of plan.not_deployable) out.push(`- \`${n.address}\`: ${n.reason}`);
  }
  const errors = plan.errors ?? [];
  if (errors.length > 0) {
    out.push('', `**Errors**: nothing is sent for ${errors.length === 1 ? 'this assistant' : 'these assistants'}; the rest of the plan goes ahead:`, '');
    for (const e of errors) out.push(`- ❌ \`${e.address}\`: ${e.loc ? `\`${e.loc.file}:${e.loc.line}:${e.loc.col}\` ` : ''}\`${e.path}\`: ${e.message}`);
  }
  if (plan.conflicts.length > 0) {
    out.push('', '**Conflicts**: apply refuses these without `--allow-conflicts`:', '');
    for (const c of plan.conflicts) out.push(`- \`${c.address}\` (\`${c.id}\`) is used by \`${c.used_by}\`: ${c.message}`);
  }
  if (plan.cost && changed) out.push('', ...renderCostMarkdown(plan.cost));
  if (plan.warnings.length > 0) {
    out.push('', '<details><summary>Warnings</summary>', '');
    for (const w of plan.warnings) out.push(`- ${w}`);
    out.push('', '</details>');
  }
  if (changed) {
    const text = renderText(plan, { color: false, maxFiles: 50 }).trimEnd().replace(/```/g, "'''");
    out.push('', '<details><summary>Full plan</summary>', '', '```diff', forDiffHighlighting(text), '```', '', '</details>');
  }
  return `${out.join('\n')}\n`;
}
