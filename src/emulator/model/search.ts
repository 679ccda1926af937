/**
 * Vector store search, lexically: the content is cut into chunks of the file's chunk size (words stand in
 * for tokens), each chunk scores the share of the query's distinct terms it contains, nudged by how
 * often they occur, in 0..1. Attribute filters follow ComparisonFilter / CompoundFilter.
 */
export interface Chunk {
  text: string;
  score: number;
}

/** Words too common to tell documents apart; a query made only of them still matches. */
const STOP = new Set(
  'a an and are as at be but by can do does for from get got has have how i if in into is it its me my no not of on or our so that the their them then there these they this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);

/** A crude stem: `refunds` and `refund` match. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem);
}

/** The words of a query that carry meaning (all of them if every one is a stop word). */
export function queryTerms(text: string): string[] {
  const all = terms(text);
  const meaningful = all.filter((t) => !STOP.has(t));
  return meaningful.length > 0 ? meaningful : all;
}

export function chunkText(text: string, maxTokens = 800, overlap = 400): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length <= maxTokens) return words.length ? [words.join(' ')] : [];
  const step = Math.max(1, maxTokens - Math.min(overlap, Math.floor(maxTokens / 2)));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += step) {
    out.push(words.slice(i, i + maxTokens).join(' '));
    if (i + maxTokens >= words.length) break;
  }
  return out;
}

export function scoreText(queryTerms: string[], text: string): number {
  const distinct = [...new Set(queryTerms)];
  if (!distinct.length) return 0;
  const counts = new Map<string, number>();
  for (const t of terms(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  let hit = 0;
  let tf = 0;
  for (const t of distinct) {
    const c = counts.get(t) ?? 0;
    if (c > 0) hit++;
    tf += c;
  }
  if (hit === 0) return 0;
  const coverage = hit / distinct.length;
  const density = tf / (tf + 3);
  return Math.round(Math.min(1, 0.8 * coverage + 0.2 * density) * 10000) / 10000;
}

export type Attributes = Record<string, string | number | boolean> | null | undefined;

export function matchesFilter(filter: unknown, attrs: Attributes): boolean {
  if (!filter || typeof filter !== 'object') return true;
  const f = filter as { type?: string; key?: string; value?: unknown; filters?: unknown[] };
  if (f.type === 'and') return (f.filters ?? []).every((x) => matchesFilter(x, attrs));
  if (f.type === 'or') return (f.filters ?? []).some((x) => matchesFilter(x, attrs));
  const v = attrs?.[f.key ?? ''];
  const want = f.value;
  switch (f.type ?? 'eq') {
    case 'eq':
      return v === want;
    case 'ne':
      return v !== want;
    case 'gt':
      return v !== undefined && typeof v === typeof want && (v as number) > (want as number);
    case 'gte':
      return v !== undefined && typeof v === typeof want && (v as number) >= (want as number);
    case 'lt':
      return v !== undefined && typeof v === typeof want && (v as number) < (want as number);
    case 'lte':
      return v !== undefined && typeof v === typeof want && (v as number) <= (want as number);
    case 'in':
      return Array.isArray(want) && v !== undefined && want.includes(v);
    case 'nin':
      return Array.isArray(want) && (v === undefined || !want.includes(v));
    default:
      return false;
  }
}
