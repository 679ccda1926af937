/**
 * The price table: read from prices/openai.json (built in) or the file `--prices` names, checked
 * field by field, and turned into figures. No price lives in code: every number comes from a table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../errors.js';
import { packageFile } from '../../package-root.js';
import type { Figures, Price, PriceTable, PricesRef, RateRef, StoragePrice } from './types.js';

export const BUILT_IN_PRICES = packageFile('prices', 'openai.json');
export const BUILT_IN_LABEL = 'prices/openai.json (built in)';

export interface LoadedPrices {
  table: PriceTable;
  ref: PricesRef;
}

/** The table `--prices` names (relative to cwd), or the built-in one. */
export function loadPrices(file: unknown, cwd: string = process.cwd()): LoadedPrices {
  const given = typeof file === 'string' && file !== '';
  const abs = given ? path.resolve(cwd, file) : BUILT_IN_PRICES;
  const label = given ? file : BUILT_IN_LABEL;
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the price table ${label}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'pass a JSON price table with --prices FILE (see prices/openai.json)');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`the price table ${label} is not JSON: ${(error as Error).message}`);
  }
  const problems = checkPriceTable(data);
  if (problems.length > 0) {
    throw new UserError(`the price table ${label} is not valid: ${problems.slice(0, 5).join('; ')}`, 'compare it with prices/openai.json');
  }
  const table = data as PriceTable;
  return {
    table,
    ref: { file: label, name: table.name, title: table.title, currency: table.currency, read_at: table.read_at, month_days: table.month_days },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown) => typeof v === 'string' && v.trim() !== '';
const isAmount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Every problem of a price table, as `field: what is wrong`. */
export function checkPriceTable(data: unknown): string[] {
  const out: string[] = [];
  if (!isObject(data)) return ['the table must be a JSON object'];
  for (const k of ['name', 'title', 'read_at'] as const) if (!isText(data[k])) out.push(`${k} must be a non-empty string`);
  if (typeof data.currency !== 'string' || !/^[A-Z]{3}$/.test(data.currency)) out.push('currency must be an ISO 4217 code such as USD');
  if (typeof data.month_days !== 'number' || !(data.month_days > 0 && data.month_days <= 31)) out.push('month_days must be a number of days from 1 to 31');
  if (!isObject(data.prices)) {
    out.push('prices must be an object of named prices');
    return out;
  }
  for (const [name, p] of Object.entries(data.prices)) {
    const at = `prices.${name}`;
    if (!isObject(p)) {
      out.push(`${at} must be an object`);
      continue;
    }
    if (!isAmount(p.price)) out.push(`${at}.price must be a number >= 0`);
    for (const k of ['unit', 'source', 'read_at'] as const) if (!isText(p[k])) out.push(`${at}.${k} must be a non-empty string (every price names its unit, source and the date it was read)`);
    if (typeof p.estimated !== 'boolean') out.push(`${at}.estimated must be true or false`);
    if (p.unit_bytes !== undefined && !(typeof p.unit_bytes === 'number' && Number.isInteger(p.unit_bytes) && p.unit_bytes > 0)) {
      out.push(`${at}.unit_bytes must be a whole number of bytes > 0`);
    }
    const free = p.free_allowance;
    if (free !== undefined && free !== null) {
      if (!isObject(free)) out.push(`${at}.free_allowance must be an object or null`);
      else {
        if (!isAmount(free.bytes)) out.push(`${at}.free_allowance.bytes must be a number >= 0`);
        if (free.per !== 'account') out.push(`${at}.free_allowance.per must be "account" (the only scope the tool can apply)`);
        if (!isText(free.description)) out.push(`${at}.free_allowance.description must be a non-empty string`);
      }
    }
  }
  for (const name of ['vector_store_storage', 'file_storage']) {
    const p = data.prices[name];
    if (p === undefined) out.push(`prices.${name} is required`);
    else if (isObject(p) && p.unit_bytes === undefined) out.push(`prices.${name}.unit_bytes is required (a storage price is per a number of bytes)`);
  }
  return out;
}

export function rateOf(price: StoragePrice): RateRef {
  return {
    price: price.price,
    unit: price.unit,
    unit_bytes: price.unit_bytes,
    free_bytes: price.free_allowance?.bytes ?? 0,
    free_per: price.free_allowance ? price.free_allowance.per : null,
    source: price.source,
    read_at: price.read_at,
  };
}

/** What `bytes` cost to keep at `rate`, with no allowance. */
export function figures(bytes: number, rate: RateRef, monthDays: number): Figures {
  const perDay = (bytes / rate.unit_bytes) * rate.price;
  return { bytes, per_day: perDay, per_month: perDay * monthDays };
}

/** Bytes billed once the account's free allowance is used up. */
export function billableBytes(totalBytes: number, rate: RateRef): number {
  return Math.max(0, totalBytes - rate.free_bytes);
}

export function difference(before: Figures, after: Figures): Figures {
  return { bytes: after.bytes - before.bytes, per_day: after.per_day - before.per_day, per_month: after.per_month - before.per_month };
}

export function isStoragePrice(p: Price | undefined): p is StoragePrice {
  return p !== undefined && typeof p.unit_bytes === 'number';
}
