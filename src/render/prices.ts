/** How a price table and a rate read in reports: where the figures come from, and what they charge. */
import { formatBytes, formatMoney } from '../format.js';
import type { PricesRef, RateRef } from '../plan/cost/types.js';

/** `$0.10 per GiB-day, the first 1 GiB of vector storage free per account`. */
export function describeRate(rate: RateRef, currency: string, allowance?: string): string {
  const free = rate.free_bytes > 0 ? `, ${allowance ?? `the first ${formatBytes(rate.free_bytes)}`} free per ${rate.free_per ?? 'account'}` : ', no free allowance';
  return `${formatMoney(rate.price, currency)} per ${rate.unit}${free}`;
}

/** `prices/openai.json (built in): OpenAI API list prices, read 2026-11-25`. */
export function describePrices(prices: PricesRef): string {
  return `${prices.file}: ${prices.title}, read ${prices.read_at}`;
}
