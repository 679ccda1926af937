/**
 * The test report as a pull-request comment: the result and the figures first, the regressions
 * since the baseline, a table of the checks (failed ones first), then each check's results in a
 * collapsible block. Pure: reads only the report.
 */
import type { CheckReport, TestReport } from '../checks/types.js';
import { checkText, fmt, gateText, pendingText, testResultLine } from './test-text.js';

const ICON: Record<CheckReport['status'], string> = { pass: '✅', fail: '❌', error: '⚠️' };
const ORDER: Record<CheckReport['status'], number> = { error: 0, fail: 1, pass: 2 };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/`/g, "'");
}

const code = (s: string) => `\`${cell(s)}\``;

function row(c: CheckReport): string {
  const top = c.results[0];
  const topText = top ? `${top.path ? code(top.path) : cell(top.filename)} ${top.score.toFixed(2)}` : c.status === 'error' ? cell(c.error ?? '') : 'nothing';
  const expected = [...c.expect.map(code), ...c.forbid.map((f) => `not ${code(f)}`)].join(', ');
  return `| ${ICON[c.status]} | ${code(c.id)} | ${cell(c.query)} | ${expected} | ${c.rank ?? '–'} | ${topText} |`;
}

export function renderTestMarkdown(r: TestReport): string {
  const env = r.environment ? ` (environment \`${r.environment}\`)` : '';
  const out: string[] = [`### assistants-deploy test for \`${r.deployment}\`${env}`, ''];
  out.push(`**${testResultLine(r)}**`, '');
  for (const g of r.gates) out.push(`- ${g.ok ? '✅' : '❌'} ${gateText(g, r)}`);
  out.push('', `Target: ${r.target.local ? 'local emulator' : r.target.base_url}. ${r.requests.search} search request${r.requests.search === 1 ? '' : 's'}, ${r.requests.read} to read the account.`);
  const pending = pendingText(r);
  if (pending) out.push('', `> [!WARNING]\n> ${pending.replace(/^Note: /, '')}`);
  const b = r.baseline;
  if (b) {
    out.push('', `**Compared with the baseline** (${code(b.file)}, ${b.created_at}): hit rate at k ${fmt(b.figures.hit_rate.before)} → ${fmt(b.figures.hit_rate.after)}, MRR ${fmt(b.figures.mrr.before)} → ${fmt(b.figures.mrr.after)}.`, '');
    out.push(b.regressed.length ? `❌ **${b.regressed.length} regressed:** ${b.regressed.map(code).join(', ')}` : '✅ **No check regressed.**');
    if (b.fixed.length) out.push('', `✅ ${b.fixed.length} fixed: ${b.fixed.map(code).join(', ')}`);
    if (b.added.length) out.push('', `🆕 ${b.added.length} new: ${b.added.map(code).join(', ')}`);
    if (b.removed.length) out.push('', `➖ ${b.removed.length} no longer declared: ${b.removed.map(code).join(', ')}`);
  }
  const sorted = [...r.checks].sort((x, y) => ORDER[x.status] - ORDER[y.status]);
  out.push('', '| | check | query | expected | rank | top result |', '|---|---|---|---|---|---|', ...sorted.map(row));
  const text = r.checks.flatMap(checkText).join('\n').replace(/```/g, "'''");
  out.push('', '<details><summary>Results of every check</summary>', '', '```text', text, '```', '', '</details>');
  return `${out.join('\n')}\n`;
}
