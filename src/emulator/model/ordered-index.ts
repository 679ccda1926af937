/**
 * An insertion-ordered index of ids for cursor pagination in O(log n + page).
 * Objects are appended in (created_at, seq) order, which is the API's sort order, so the array stays
 * sorted; removal leaves a tombstone that is compacted away once tombstones are a quarter of the array.
 */
export interface PageQuery {
  limit: number;
  order: 'asc' | 'desc';
  after?: string | undefined;
  before?: string | undefined;
}

export interface Page {
  ids: string[];
  hasMore: boolean;
}

export class OrderedIndex {
  private seqs: number[] = [];
  private ids: (string | null)[] = [];
  private seqOf = new Map<string, number>();
  private live = 0;
  private dead = 0;

  get size(): number {
    return this.live;
  }

  has(id: string): boolean {
    const seq = this.seqOf.get(id);
    if (seq === undefined) return false;
    const i = this.find(seq);
    return i >= 0 && this.ids[i] === id;
  }

  /** Append; `seq` must be greater than every seq already added (true for creation order). */
  add(id: string, seq: number): void {
    const last = this.seqs.length ? this.seqs[this.seqs.length - 1]! : -Infinity;
    if (seq <= last) {
      // Out of order (a replayed journal never does this, but stay correct): insert in place.
      let lo = 0;
      let hi = this.seqs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.seqs[mid]! < seq) lo = mid + 1;
        else hi = mid;
      }
      this.seqs.splice(lo, 0, seq);
      this.ids.splice(lo, 0, id);
    } else {
      this.seqs.push(seq);
      this.ids.push(id);
    }
    this.seqOf.set(id, seq);
    this.live++;
  }

  remove(id: string): void {
    const seq = this.seqOf.get(id);
    if (seq === undefined) return;
    const i = this.find(seq);
    if (i < 0 || this.ids[i] !== id) return;
    this.ids[i] = null;
    this.live--;
    this.dead++;
    // Keep seqOf for the id: a client paging `after` a just-deleted object still gets the next page.
    if (this.dead > 64 && this.dead * 4 > this.ids.length) this.compact();
  }

  private compact(): void {
    const seqs: number[] = [];
    const ids: (string | null)[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (this.ids[i] !== null) {
        seqs.push(this.seqs[i]!);
        ids.push(this.ids[i]!);
      }
    }
    this.seqs = seqs;
    this.ids = ids;
    this.dead = 0;
  }

  /** Index of the first position whose seq is >= seq. */
  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private find(seq: number): number {
    const i = this.lowerBound(seq);
    return i < this.seqs.length && this.seqs[i] === seq ? i : -1;
  }

  /**
   * Ids of the page; `accept` filters (purpose, status, run_id) while scanning.
   * `after` gives the objects right after the cursor in list order; `before` (without `after`) the objects
   * right before it, still returned in list order, as cursor APIs do. Unknown cursors give an empty page.
   */
  page(q: PageQuery, accept?: (id: string) => boolean): Page {
    const n = this.seqs.length;
    const sa = q.after !== undefined ? this.seqOf.get(q.after) : undefined;
    const sb = q.before !== undefined ? this.seqOf.get(q.before) : undefined;
    if ((q.after !== undefined && sa === undefined) || (q.before !== undefined && sb === undefined)) return { ids: [], hasMore: false };
    let lo: number;
    let hi: number;
    if (q.order === 'asc') {
      lo = sa !== undefined ? this.lowerBound(sa + 1) : 0;
      hi = sb !== undefined ? this.lowerBound(sb) : n;
    } else {
      lo = sb !== undefined ? this.lowerBound(sb + 1) : 0;
      hi = sa !== undefined ? this.lowerBound(sa) : n;
    }
    // Walk away from `after` (list order), or towards the list's start from `before`.
    const fromBefore = sb !== undefined && sa === undefined;
    const forwardInArray = (q.order === 'asc') !== fromBefore;
    const ids: string[] = [];
    let hasMore = false;
    for (let i = forwardInArray ? lo : hi - 1; forwardInArray ? i < hi : i >= lo; i += forwardInArray ? 1 : -1) {
      const id = this.ids[i];
      if (id === null || id === undefined) continue;
      if (accept && !accept(id)) continue;
      if (ids.length === q.limit) {
        hasMore = true;
        break;
      }
      ids.push(id);
    }
    if (fromBefore) ids.reverse();
    return { ids, hasMore };
  }

  /** All live ids, oldest first. */
  *all(): IterableIterator<string> {
    for (const id of this.ids) if (id !== null) yield id;
  }
}
