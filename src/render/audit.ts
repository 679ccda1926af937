/**
 * The audit as text and markdown. Pure: reads only the AuditReport. JSON is the report itself.
 */
import type { AuditedFile, AuditedStore, AuditReport } from '../plan/cost/audit.js';
import { formatBytes, formatMoney } from '../format.js';
import { describePrices, describeRate } from './prices.js';

function reasonText(s: AuditedStore): string {
  const parts: string[] = [];
  for (const r of s.reasons) {
    if (r === 'unreferenced') parts.push('no assistant references it');
    if (r === 'idle') parts.push(`idle ${s.idle_days} days`);
    if (r === 'expired') parts.push('expired');
  }
  if (!s.reasons.includes('idle')) parts.push(s.last_active_at === null ? `never active, created ${s.idle_days} days ago` : `last active ${s.idle_days} days ago`);
  parts.push(s.no_expiry ? 'no expiry policy' : `expires ${s.expires_after?.days ?? '?'} days after last activity`);
  return parts.join('; ');
}

function threadText(s: AuditedStore): string {
  return `${s.files} file${s.files === 1 ? '' : 's'}; ${s.expires_at === null ? 'no expiry date' : `expires ${new Date(s.expires_at * 1000).toISOString().slice(0, 10)}`}`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function ownerText(owner: string | null): string {
  return owner === null ? 'untagged' : `owner ${owner}`;
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`);
}

function pricesLine(report: AuditReport): string {
  const c = report.prices.currency;
  return (
    `Prices: ${describePrices(report.prices)}; vector storage ${describeRate(report.rates.vector_storage, c)}; ` +
    `file storage ${describeRate(report.rates.file_storage, c)}; a month is ${report.prices.month_days} days.`
  );
}

/** Which account was read, and how: a status line (the CLI prints it on stderr; the markdown report keeps it). */
export function auditStatusLine(report: AuditReport): string {
  const t = report.target;
  return `Target: ${t.local ? 'local (embedded emulator)' : t.base_url}${t.assistants_api ? '' : ' (Assistants API not served)'}; read the account with ${report.read.requests} list requests.`;
}

export function renderAuditText(report: AuditReport): string {
  const c = report.prices.currency;
  const t = report.totals;
  const out: string[] = [pricesLine(report), ''];
  const storeRows = (list: AuditedStore[], tail: (s: AuditedStore) => string) =>
    table(list.map((s) => [s.id, JSON.stringify(s.name), ownerText(s.owner), formatBytes(s.cost.bytes), `${formatMoney(s.cost.per_day, c)}/day`, `${formatMoney(s.cost.per_month, c)}/month`, tail(s)]));

  if (report.vector_stores.length === 0) out.push(`No vector store looks unused (of ${t.account.vector_stores}; idle means not active for more than ${report.idle_days} days).`);
  else {
    const order = report.target.assistants_api ? 'largest first' : 'most idle first';
    out.push(`Vector stores that look unused: ${report.vector_stores.length} of ${t.account.vector_stores} (idle means not active for more than ${report.idle_days} days; ${order}):`);
    out.push(...storeRows(report.vector_stores, reasonText));
  }
  out.push('');
  if (report.files.length === 0) out.push(`No file looks unused (of ${t.account.files}).`);
  else {
    out.push(`Files in no vector store and no assistant's tool resources: ${report.files.length} of ${t.account.files}:`);
    out.push(...table(report.files.map((f: AuditedFile) => [f.id, JSON.stringify(f.filename), ownerText(f.owner), formatBytes(f.cost.bytes), `${formatMoney(f.cost.per_month, c)}/month`])));
  }
  if (report.referenced_idle.length > 0) {
    out.push('', `Idle or expired, but an assistant references them (not listed: change or delete the assistant first):`);
    out.push(...storeRows(report.referenced_idle, (s) => `idle ${s.idle_days} days; referenced by ${s.referenced_by.join(', ')}`));
  }
  const threads = report.thread_stores ?? [];
  if (threads.length > 0) {
    out.push('', `Made for threads (message attachments, a thread's vector_stores helper; not listed: each expires on its own 7 days after its last run, and deleting one breaks file search on its thread):`);
    out.push(...storeRows(threads, threadText));
  }
  out.push(
    '',
    `Account: ${count(t.account.vector_stores, 'vector store')} holding ${formatBytes(t.account.vector_bytes)}: ${formatMoney(t.account_cost.per_month, c)}/month after the free allowance; ${count(t.account.files, 'file')}, ${formatBytes(t.account.file_bytes)}.`,
    `Deleting everything listed frees ${formatBytes(t.savings.bytes)} (${count(t.listed.vector_stores, 'vector store')}, ${count(t.listed.files, 'file')}): ` +
      `${formatMoney(t.savings.per_month, c)}/month (${formatMoney(t.savings.per_day, c)}/day) off the bill after the free allowance; ` +
      `their storage costs ${formatMoney(t.listed_cost.per_month, c)}/month before it.`,
  );
  for (const n of report.notes) out.push(`Note: ${n}`);
  if (report.vector_stores.length + report.files.length > 0) out.push('', 'Delete chosen ones, by id, with: assistants-deploy audit --delete ID [ID...]');
  return `${out.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderAuditMarkdown(report: AuditReport): string {
  const c = report.prices.currency;
  const t = report.totals;
  const out: string[] = ['### assistants-deploy audit', ''];
  out.push(`${auditStatusLine(report)}`, '', pricesLine(report), '');
  out.push(
    `**${count(t.listed.vector_stores, 'vector store')} and ${count(t.listed.files, 'file')} look unused**; deleting them frees ${formatBytes(t.savings.bytes)}: ` +
      `${formatMoney(t.savings.per_month, c)}/month off the bill after the free allowance (${formatMoney(t.listed_cost.per_month, c)}/month before it).`,
    '',
  );
  if (report.vector_stores.length > 0) {
    out.push('| vector store | name | owner | bytes | per day | per month | why |', '|---|---|---|---|---|---|---|');
    for (const s of report.vector_stores) {
      out.push(`| \`${s.id}\` | ${cell(s.name)} | ${s.owner ?? '(untagged)'} | ${formatBytes(s.cost.bytes)} | ${formatMoney(s.cost.per_day, c)} | ${formatMoney(s.cost.per_month, c)} | ${cell(reasonText(s))} |`);
    }
    out.push('');
  }
  if (report.files.length > 0) {
    out.push('| file | name | owner | bytes | per month |', '|---|---|---|---|---|');
    for (const f of report.files) out.push(`| \`${f.id}\` | ${cell(f.filename)} | ${f.owner ?? '(untagged)'} | ${formatBytes(f.cost.bytes)} | ${formatMoney(f.cost.per_month, c)} |`);
    out.push('');
  }
  if (report.referenced_idle.length > 0) {
    out.push('<details><summary>Idle, but referenced by an assistant (not listed)</summary>', '');
    for (const s of report.referenced_idle) out.push(`- \`${s.id}\` (${cell(s.name)}): idle ${s.idle_days} days, referenced by ${s.referenced_by.map((a) => `\`${a}\``).join(', ')}`);
    out.push('', '</details>', '');
  }
  const threads = report.thread_stores ?? [];
  if (threads.length > 0) {
    out.push(`<details><summary>Made for threads (${threads.length}; not listed: each expires on its own)</summary>`, '');
    for (const s of threads) out.push(`- \`${s.id}\`: ${formatBytes(s.cost.bytes)}, ${threadText(s)}`);
    out.push('', '</details>', '');
  }
  out.push(`Account: ${count(t.account.vector_stores, 'vector store')} holding ${formatBytes(t.account.vector_bytes)} (${formatMoney(t.account_cost.per_month, c)}/month after the free allowance); ${count(t.account.files, 'file')}, ${formatBytes(t.account.file_bytes)}.`, '');
  for (const n of report.notes) out.push(`- ${n}`);
  return `${out.join('\n')}\n`;
}
