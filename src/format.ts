/**
 * How figures read: money with two decimals, or two significant digits below one cent (storage of
 * a few files costs fractions of a cent, and "$0.00" would hide that it costs anything); sizes in
 * binary units, like the prices' GiB, with at most one decimal.
 */
const formatters = new Map<string, Intl.NumberFormat>();
/** Intl formatters are slow to make: one per currency and precision. */
function formatter(currency: string, cents: boolean): Intl.NumberFormat {
  const key = `${currency}:${cents}`;
  let f = formatters.get(key);
  if (!f) {
    const digits: Intl.NumberFormatOptions = cents ? { minimumFractionDigits: 2, maximumFractionDigits: 2 } : { maximumSignificantDigits: 2 };
    formatters.set(key, (f = new Intl.NumberFormat('en-US', { style: 'currency', currency, ...digits })));
  }
  return f;
}

/**
 * Makes the first Intl formatter (loading ICU's en-US data, about 10 ms) ahead of need: plan,
 * apply and destroy call this while they wait for the account's pages, not after.
 */
export function prepareFormats(): void {
  formatter('USD', true);
}

export function formatMoney(amount: number, currency: string): string {
  const abs = Math.abs(amount);
  const text = formatter(currency, abs === 0 || abs >= 0.01).format(abs);
  return amount < 0 ? `-${text}` : text;
}

/** `+$1.20`, `-$0.30`, or `$0.00` for no change. */
export function formatDelta(amount: number, currency: string): string {
  if (amount === 0) return formatMoney(0, currency);
  return amount > 0 ? `+${formatMoney(amount, currency)}` : formatMoney(amount, currency);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let n = Math.abs(bytes);
  if (n < 1024) return `${sign}${n} B`;
  let unit = 0;
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${sign}${Number(n.toFixed(1))} ${UNITS[unit]}`;
}

export function formatDeltaBytes(bytes: number): string {
  return bytes > 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes);
}
