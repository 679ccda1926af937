/**
 * The cost part of a plan, as text lines and as markdown. Pure: reads only PlanCost. The header
 * names the price table; every figure below it comes from that table.
 */
import { formatBytes, formatDelta, formatMoney } from '../format.js';
import { describePrices, describeRate } from './prices.js';
import type { PlanCost, StoreCost } from '../plan/cost/types.js';

const CHANGE_WORD: Record<StoreCost['change'], string> = { create: 'new', update: 'changed', replace: 'replaced', delete: 'deleted', none: 'unchanged' };

function basis(s: StoreCost): string {
  const { live_bytes, local_bytes } = s.after_from;
  if (s.change === 'delete') return '';
  if (local_bytes === 0) return 'live usage_bytes';
  if (live_bytes === 0) return 'local file sizes';
  return `${formatBytes(live_bytes)} live + ${formatBytes(local_bytes)} local`;
}

export function costHeader(cost: PlanCost): string {
  const c = cost.prices.currency;
  return `Storage cost (prices: ${describePrices(cost.prices)}; vector storage ${describeRate(cost.vector_storage.rate, c)}; a month is ${cost.prices.month_days} days):`;
}

/** One line for the change the plan makes to the bill (the account's, free allowance applied). */
export function costSummaryLine(cost: PlanCost): string {
  const c = cost.prices.currency;
  const a = cost.vector_storage.account;
  if (a) {
    return `Cost: ${formatDelta(a.delta.per_month, c)}/month for the account's vector storage (${formatMoney(a.before.per_month, c)} -> ${formatMoney(a.after.per_month, c)}/month after the free ${formatBytes(a.free_bytes)}; prices: ${cost.prices.file}, read ${cost.prices.read_at}).`;
  }
  const d = cost.vector_storage.deployment;
  return `Cost: ${formatDelta(d.delta.per_month, c)}/month for this deployment's vector storage, before any free allowance (prices: ${cost.prices.file}, read ${cost.prices.read_at}).`;
}

/**
 * The cost of a plan that changes nothing, in one line: what the deployment's vector storage holds
 * and costs, and what the account pays after its free allowance.
 */
export function costUnchangedLine(cost: PlanCost): string {
  const c = cost.prices.currency;
  const d = cost.vector_storage.deployment;
  const a = cost.vector_storage.account;
  const account = a ? `; the account's: ${formatBytes(a.total_after_bytes)}, ${formatMoney(a.after.per_month, c)}/month after the free ${formatBytes(a.free_bytes)}` : '';
  return (
    `Cost: no change. This deployment's vector storage: ${formatBytes(d.after.bytes)}, ${formatMoney(d.after.per_month, c)}/month before ${a ? 'the' : 'any'} free allowance${account} ` +
    `(prices: ${cost.prices.file}, read ${cost.prices.read_at}).`
  );
}

export function renderCostText(cost: PlanCost): string[] {
  const c = cost.prices.currency;
  const out = [costHeader(cost)];
  const stores = cost.vector_storage.stores;
  const width = Math.max(0, ...stores.map((s) => s.address.length));
  for (const s of stores) {
    const from = basis(s);
    out.push(
      `  ${s.address.padEnd(width)}  ${CHANGE_WORD[s.change]}: ${formatBytes(s.before.bytes)} -> ${formatBytes(s.after.bytes)}${from ? ` (${from})` : ''}, ` +
        `${formatMoney(s.after.per_day, c)}/day, ${formatMoney(s.after.per_month, c)}/month (${formatDelta(s.delta.per_month, c)}/month)`,
    );
  }
  const d = cost.vector_storage.deployment;
  if (stores.length === 0) out.push('  no vector stores in this deployment');
  else {
    out.push(
      `  This deployment's vector storage: ${formatBytes(d.before.bytes)} -> ${formatBytes(d.after.bytes)}, ${formatMoney(d.before.per_month, c)} -> ${formatMoney(d.after.per_month, c)}/month ` +
        `(${formatDelta(d.delta.per_month, c)}/month) before the free allowance.`,
    );
  }
  const a = cost.vector_storage.account;
  if (a) {
    const within = a.total_after_bytes <= a.free_bytes && a.total_before_bytes <= a.free_bytes ? `, within the free ${formatBytes(a.free_bytes)}` : '';
    out.push(
      `  The account's vector storage (every store, free ${formatBytes(a.free_bytes)} per account applied): ${formatBytes(a.total_before_bytes)} -> ${formatBytes(a.total_after_bytes)}${within}: ` +
        `${formatMoney(a.before.per_month, c)} -> ${formatMoney(a.after.per_month, c)}/month (${formatDelta(a.delta.per_month, c)}/month, ${formatDelta(a.delta.per_day, c)}/day).`,
    );
  }
  const f = cost.file_storage;
  out.push(
    `  Uploaded files of this deployment: ${formatBytes(f.deployment.before.bytes)} -> ${formatBytes(f.deployment.after.bytes)}, ` +
      `${formatMoney(f.deployment.after.per_month, c)}/month (file storage ${formatMoney(f.rate.price, c)} per ${f.rate.unit} in this table).`,
  );
  out.push(`  Not included: ${cost.not_included.map((n) => n.replace(/ \(.*\)$/, '')).join('; ')} (see docs/COST.md).`);
  return out;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderCostMarkdown(cost: PlanCost): string[] {
  const c = cost.prices.currency;
  const out: string[] = [];
  out.push(
    `**Storage cost** (prices: \`${cost.prices.file}\`, ${cell(cost.prices.title)}, read ${cost.prices.read_at}; vector storage ${describeRate(cost.vector_storage.rate, c)}; a month is ${cost.prices.month_days} days)`,
    '',
  );
  const stores = cost.vector_storage.stores;
  if (stores.length > 0) {
    out.push('| vector store | change | bytes before | bytes after | per day after | per month after | change per month |', '|---|---|---|---|---|---|---|');
    for (const s of stores) {
      out.push(
        `| \`${s.address}\` | ${CHANGE_WORD[s.change]} | ${formatBytes(s.before.bytes)} | ${formatBytes(s.after.bytes)} | ${formatMoney(s.after.per_day, c)} | ${formatMoney(s.after.per_month, c)} | ${formatDelta(s.delta.per_month, c)} |`,
      );
    }
    const d = cost.vector_storage.deployment;
    out.push(
      `| **this deployment** (no allowance) | | ${formatBytes(d.before.bytes)} | ${formatBytes(d.after.bytes)} | ${formatMoney(d.after.per_day, c)} | ${formatMoney(d.after.per_month, c)} | ${formatDelta(d.delta.per_month, c)} |`,
    );
    const a = cost.vector_storage.account;
    if (a) {
      out.push(
        `| **the account** (free ${formatBytes(a.free_bytes)} applied) | | ${formatBytes(a.total_before_bytes)} | ${formatBytes(a.total_after_bytes)} | ${formatMoney(a.after.per_day, c)} | ${formatMoney(a.after.per_month, c)} | ${formatDelta(a.delta.per_month, c)} |`,
      );
    }
    out.push('');
  } else {
    out.push('No vector stores in this deployment.', '');
  }
  const f = cost.file_storage;
  out.push(
    `Uploaded files of this deployment: ${formatBytes(f.deployment.before.bytes)} -> ${formatBytes(f.deployment.after.bytes)}, ${formatMoney(f.deployment.after.per_month, c)}/month (file storage ${formatMoney(f.rate.price, c)} per ${f.rate.unit}).`,
    '',
    `_Not included: ${cost.not_included.map((n) => n.replace(/ \(.*\)$/, '')).join('; ')}. See docs/COST.md._`,
  );
  return out;
}
