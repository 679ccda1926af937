/**
 * What a plan does to the storage bill. Pure: reads the Plan, the Live state it was made against,
 * and a price table. Per vector store, the bytes it holds before and after (live usage_bytes for
 * what is there and stays, local file sizes for what the plan attaches) and their cost with no
 * allowance; then the account's whole vector storage with the table's free allowance applied, which
 * is what the bill changes by.
 */
import type { Live, LiveVectorStore } from '../../targets/live.js';
import { TAG_RESOURCE } from '../../ownership/metadata.js';
import { decodeResourceTag } from '../../ownership/resource-tag.js';
import type { Plan, ResourceChange } from '../types.js';
import { billableBytes, difference, figures, rateOf } from './prices.js';
import type { LoadedPrices } from './prices.js';
import type { AccountStorage, BeforeAfter, Figures, PlanCost, RateRef, StoreChange, StoreCost } from './types.js';
import { adds, impactOf } from '../impact.js';

export const NOT_INCLUDED = [
  'token usage (model input and output, including the file search results and code interpreter output the model reads)',
  'tool calls (file search calls made through the Responses API; code interpreter container sessions)',
  'files and vector stores of other deployments (they appear only in the account total)',
];

function changeOf(c: ResourceChange): StoreChange {
  const i = impactOf(c);
  return i === 'no-op' ? 'update' : i;
}

function storeBytes(store: LiveVectorStore | undefined): number {
  return store?.usage_bytes ?? 0;
}

/** Bytes after the plan: live usage kept (detached files' usage removed), plus local sizes attached. */
function afterBytes(c: ResourceChange, store: LiveVectorStore | undefined): { live_bytes: number; local_bytes: number } {
  const local = (c.files?.attach ?? []).reduce((n, f) => n + f.size, 0);
  if (impactOf(c) === 'delete') return { live_bytes: 0, local_bytes: 0 };
  // a create or a replace starts an empty store: only what it attaches
  if (adds(c)) return { live_bytes: 0, local_bytes: local };
  const detach = c.files?.detach ?? [];
  // the store's files by id only when some leave it
  const usage = detach.length > 0 ? new Map((store?.files ?? []).map((f) => [f.id, f.usage_bytes])) : undefined;
  const detached = detach.reduce((n, d) => n + (usage?.get(d.file_id) ?? 0), 0);
  return { live_bytes: Math.max(0, storeBytes(store) - detached), local_bytes: local };
}

function pair(before: number, after: number, rate: RateRef, monthDays: number): BeforeAfter {
  const b = figures(before, rate, monthDays);
  const a = figures(after, rate, monthDays);
  return { before: b, after: a, delta: difference(b, a) };
}

function sum(list: Figures[]): number {
  return list.reduce((n, f) => n + f.bytes, 0);
}

export function estimatePlanCost(plan: Plan, live: Live, prices: LoadedPrices): PlanCost {
  const { table, ref } = prices;
  const days = table.month_days;
  const vsRate = rateOf(table.prices.vector_store_storage);
  const fileRate = rateOf(table.prices.file_storage);
  const byId = new Map(live.vectorStores.map((v) => [v.id, v]));

  const stores: StoreCost[] = [];
  const seen = new Set<string>();
  for (const c of plan.resource_changes) {
    if (c.type !== 'vector_store') continue;
    const store = c.id ? byId.get(c.id) : undefined;
    if (c.id) seen.add(c.id);
    const from = afterBytes(c, store);
    const p = pair(storeBytes(store), from.live_bytes + from.local_bytes, vsRate, days);
    stores.push({ address: c.address, key: c.key, id: c.id, change: changeOf(c), ...p, after_from: from });
  }
  for (const v of live.vectorStores) {
    if (seen.has(v.id)) continue;
    const key = decodeResourceTag(v.metadata[TAG_RESOURCE], [])?.key ?? v.id;
    const p = pair(v.usage_bytes, v.usage_bytes, vsRate, days);
    stores.push({ address: `vector_store.${key}`, key, id: v.id, change: 'none', ...p, after_from: { live_bytes: v.usage_bytes, local_bytes: 0 } });
  }
  stores.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : (a.id ?? '') < (b.id ?? '') ? -1 : 1));

  const deployment = pair(sum(stores.map((s) => s.before)), sum(stores.map((s) => s.after)), vsRate, days);

  let account: AccountStorage | null = null;
  if (live.accountUsage) {
    const totalBefore = live.accountUsage.vectorStoreBytes;
    const other = Math.max(0, totalBefore - live.vectorStores.reduce((n, v) => n + v.usage_bytes, 0));
    const totalAfter = other + deployment.after.bytes;
    const p = pair(billableBytes(totalBefore, vsRate), billableBytes(totalAfter, vsRate), vsRate, days);
    account = { ...p, total_before_bytes: totalBefore, total_after_bytes: totalAfter, other_bytes: other, free_bytes: vsRate.free_bytes };
  }

  const filesBefore = live.files.reduce((n, f) => n + f.bytes, 0);
  const uploaded = plan.uploads.reduce((n, u) => n + u.size, 0);
  // the uploads by id only when some are deleted (a no-op plan of 100,000 files would build it for nothing)
  const liveFiles = plan.file_deletions.length > 0 ? new Map(live.files.map((f) => [f.id, f.bytes])) : undefined;
  const deleted = plan.file_deletions.reduce((n, d) => n + (liveFiles?.get(d.file_id) ?? 0), 0);
  const files = pair(filesBefore, filesBefore + uploaded - deleted, fileRate, days);

  return {
    prices: ref,
    vector_storage: { rate: vsRate, stores, deployment, account },
    file_storage: { rate: fileRate, deployment: files },
    not_included: NOT_INCLUDED,
  };
}
