/**
 * Expected figures, computed here from sizes and a price table (never read back from the tool's
 * output), and written the way the tool prints them: money with two decimals, two significant
 * digits under a cent; sizes in binary units with at most one decimal.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/cli.js';

export interface Table {
  currency: string;
  month_days: number;
  read_at: string;
  prices: Record<string, { price: number; unit_bytes?: number; free_allowance?: { bytes: number } | null }>;
}

export const BUILT_IN: Table = JSON.parse(readFileSync(path.join(REPO, 'prices', 'openai.json'), 'utf8')) as Table;

export function perDay(bytes: number, table: Table, price = 'vector_store_storage'): number {
  const p = table.prices[price]!;
  return (bytes / p.unit_bytes!) * p.price;
}

export function perMonth(bytes: number, table: Table, price = 'vector_store_storage'): number {
  return perDay(bytes, table, price) * table.month_days;
}

export function freeBytes(table: Table): number {
  return table.prices.vector_store_storage!.free_allowance?.bytes ?? 0;
}

/** $1,234.57, $0.05, $0.0000047 (two significant digits under a cent), -$0.30. */
export function money(amount: number, currency = 'USD'): string {
  const abs = Math.abs(amount);
  let text: string;
  if (abs === 0 || abs >= 0.01) {
    text = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(abs);
  } else {
    // two significant digits, written out in full, no trailing zeros
    const rounded = Number(abs.toPrecision(2));
    const decimals = 1 - Math.floor(Math.log10(rounded));
    const digits = rounded.toFixed(decimals).replace(/0+$/, '');
    const [whole, fraction = ''] = digits.split('.');
    text = `$${whole}.${fraction.padEnd(2, '0')}`;
  }
  return amount < 0 ? `-${text}` : text;
}

export function delta(amount: number): string {
  return amount === 0 ? money(0) : amount > 0 ? `+${money(amount)}` : money(amount);
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Math.round(n * 10) / 10} ${units[i]}`;
}
