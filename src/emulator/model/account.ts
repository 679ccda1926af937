/**
 * The account: every object the API holds, the ordered indexes that make lists O(page), and the
 * derived counters (vector store file_counts, usage_bytes) kept right at every moment. Every change
 * goes through put()/del(), which journal it when the account is persisted. The domain rules that
 * read and write it are the other modules of model/.
 */
import { MinHeap } from '../heap.js';
import { OrderedIndex, type PageQuery } from './ordered-index.js';
import { MemoryPersistence, type BlobRef, type JournalRecord, type Persistence } from './persistence.js';
import { COLLS, nowSec, type CollName, type ListResult, type Rec } from './records.js';

interface VsRuntime {
  files: OrderedIndex;
  /** The store's file records by file id, the same objects as in the vsf collection (a list page looks each up without building its `store/file` key). */
  recs: Map<string, Rec>;
  counts: { in_progress: number; completed: number; failed: number; cancelled: number };
  usage: number;
  pending: MinHeap<string>;
}

export interface AccountOptions {
  indexingDelayMs: number;
  runDelayMs: number;
}

export class Account {
  readonly cols = Object.fromEntries(COLLS.map((c) => [c, new Map()])) as Record<CollName, Map<string, Rec>>;
  readonly assistantIndex = new OrderedIndex();
  readonly fileIndex = new OrderedIndex();
  readonly vsIndex = new OrderedIndex();
  readonly threadIndex = new OrderedIndex();
  private readonly vsRuntime = new Map<string, VsRuntime>();
  readonly fileToVs = new Map<string, Set<string>>();
  readonly batchFiles = new Map<string, OrderedIndex>();
  readonly threadMessages = new Map<string, OrderedIndex>();
  readonly threadRuns = new Map<string, OrderedIndex>();
  readonly runSteps = new Map<string, OrderedIndex>();
  /** Items of each conversation (Responses API), in the order they were added. */
  readonly conversationItems = new Map<string, OrderedIndex>();
  /** A Foundry project's agents (creation order) and each agent's versions (model/agents.ts). */
  readonly agentIndex = new OrderedIndex();
  readonly agentVersions = new Map<string, OrderedIndex>();
  /** Runs waiting to advance (queued -> in_progress -> completed / requires_action), by due time. */
  readonly runQueue = new MinHeap<string>();
  private seq = 0;
  private lastCreated = 0;
  private loading = false;
  /** Called when a run is due; set by the run engine. */
  advanceRun: (run: Rec) => void = () => {};

  constructor(
    readonly persistence: Persistence = new MemoryPersistence(),
    readonly options: AccountOptions = { indexingDelayMs: 50, runDelayMs: 10 },
  ) {}

  load(): void {
    this.loading = true;
    const seen: JournalRecord[] = [];
    this.persistence.load((r) => seen.push(r));
    // Replay into the maps first (last write wins), then build indexes in seq order.
    for (const r of seen) {
      const map = this.cols[r.c as CollName];
      if (!map) continue;
      if (r.op === 'put' && r.v) map.set(r.id, r.v as Rec);
      else if (r.op === 'del') map.delete(r.id);
    }
    for (const [c, , v] of this.bySeq()) {
      this.seq = Math.max(this.seq, v._seq);
      this.lastCreated = Math.max(this.lastCreated, typeof v.created_at === 'number' ? v.created_at : 0);
      this.indexAdd(c, v);
    }
    this.loading = false;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** A creation timestamp that never goes backwards (so (created_at, seq) order is insertion order). */
  createdAt(): number {
    this.lastCreated = Math.max(this.lastCreated, nowSec());
    return this.lastCreated;
  }

  private key(c: CollName, rec: Rec): string {
    return c === 'vsf' ? `${String(rec.vector_store_id)}/${rec.id}` : rec.id;
  }

  get(c: CollName, id: string): Rec | undefined {
    return this.cols[c].get(id);
  }

  /** Create or replace a record, journaled. */
  put(c: CollName, rec: Rec): Rec {
    const k = this.key(c, rec);
    const existed = this.cols[c].has(k);
    this.cols[c].set(k, rec);
    if (!existed) this.indexAdd(c, rec);
    else if (c === 'vsf') this.vsRuntime.get(String(rec.vector_store_id))?.recs.set(rec.id, rec);
    if (!this.loading) this.persistence.append({ op: 'put', c, id: k, v: rec });
    return rec;
  }

  del(c: CollName, k: string): void {
    const rec = this.cols[c].get(k);
    if (!rec) return;
    this.indexRemove(c, rec);
    this.cols[c].delete(k);
    this.persistence.append({ op: 'del', c, id: k });
  }

  private indexAdd(c: CollName, rec: Rec): void {
    switch (c) {
      case 'assistant':
        this.assistantIndex.add(rec.id, rec._seq);
        break;
      case 'file':
        this.fileIndex.add(rec.id, rec._seq);
        break;
      case 'vs':
        this.vsIndex.add(rec.id, rec._seq);
        this.runtime(rec.id);
        break;
      case 'vsf': {
        const vsId = String(rec.vector_store_id);
        const rt = this.runtime(vsId);
        rt.files.add(rec.id, rec._seq);
        rt.recs.set(rec.id, rec);
        this.countIn(rt, rec);
        let set = this.fileToVs.get(rec.id);
        if (!set) this.fileToVs.set(rec.id, (set = new Set()));
        set.add(vsId);
        if (typeof rec._batch === 'string') this.sub(this.batchFiles, rec._batch).add(rec.id, rec._seq);
        break;
      }
      case 'batch':
        this.sub(this.batchFiles, rec.id);
        break;
      case 'thread':
        this.threadIndex.add(rec.id, rec._seq);
        break;
      case 'message':
        this.sub(this.threadMessages, String(rec.thread_id)).add(rec.id, rec._seq);
        break;
      case 'run':
        this.sub(this.threadRuns, String(rec.thread_id)).add(rec.id, rec._seq);
        if (rec.status === 'queued' || rec.status === 'in_progress') this.runQueue.push(Number(rec._due_at ?? 0), rec.id);
        break;
      case 'step':
        this.sub(this.runSteps, String(rec.run_id)).add(rec.id, rec._seq);
        break;
      case 'conv_item':
        this.sub(this.conversationItems, String(rec._conversation)).add(rec.id, rec._seq);
        break;
      case 'agent':
        this.agentIndex.add(rec.id, rec._seq);
        break;
      case 'agent_version':
        this.sub(this.agentVersions, String(rec._agent)).add(rec.id, rec._seq);
        break;
    }
  }

  private indexRemove(c: CollName, rec: Rec): void {
    switch (c) {
      case 'assistant':
        this.assistantIndex.remove(rec.id);
        break;
      case 'file':
        this.fileIndex.remove(rec.id);
        break;
      case 'vs':
        this.vsIndex.remove(rec.id);
        this.vsRuntime.delete(rec.id);
        break;
      case 'vsf': {
        const vsId = String(rec.vector_store_id);
        const rt = this.vsRuntime.get(vsId);
        if (rt) {
          this.settleVs(vsId);
          rt.files.remove(rec.id);
          rt.recs.delete(rec.id);
          this.countOut(rt, rec);
        }
        this.fileToVs.get(rec.id)?.delete(vsId);
        if (this.fileToVs.get(rec.id)?.size === 0) this.fileToVs.delete(rec.id);
        if (typeof rec._batch === 'string') this.batchFiles.get(rec._batch)?.remove(rec.id);
        break;
      }
      case 'batch':
        this.batchFiles.delete(rec.id);
        break;
      case 'thread':
        this.threadIndex.remove(rec.id);
        this.threadMessages.delete(rec.id);
        this.threadRuns.delete(rec.id);
        break;
      case 'message':
        this.threadMessages.get(String(rec.thread_id))?.remove(rec.id);
        break;
      case 'run':
        this.threadRuns.get(String(rec.thread_id))?.remove(rec.id);
        this.runSteps.delete(rec.id);
        break;
      case 'step':
        this.runSteps.get(String(rec.run_id))?.remove(rec.id);
        break;
      case 'conversation':
        this.conversationItems.delete(rec.id);
        break;
      case 'conv_item':
        this.conversationItems.get(String(rec._conversation))?.remove(rec.id);
        break;
      case 'agent':
        this.agentIndex.remove(rec.id);
        this.agentVersions.delete(rec.id);
        break;
      case 'agent_version':
        this.agentVersions.get(String(rec._agent))?.remove(rec.id);
        break;
    }
  }

  private sub(map: Map<string, OrderedIndex>, key: string): OrderedIndex {
    let idx = map.get(key);
    if (!idx) map.set(key, (idx = new OrderedIndex()));
    return idx;
  }

  private runtime(vsId: string): VsRuntime {
    let rt = this.vsRuntime.get(vsId);
    if (!rt) {
      rt = {
        files: new OrderedIndex(),
        recs: new Map(),
        counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0 },
        usage: 0,
        pending: new MinHeap(),
      };
      this.vsRuntime.set(vsId, rt);
    }
    return rt;
  }

  private countIn(rt: VsRuntime, rec: Rec): void {
    const status = rec.status as keyof VsRuntime['counts'];
    rt.counts[status]++;
    if (status === 'completed') rt.usage += Number(rec._bytes ?? 0);
    if (status === 'in_progress') rt.pending.push(Number(rec._ready_at ?? 0), rec.id);
  }

  private countOut(rt: VsRuntime, rec: Rec): void {
    const status = rec.status as keyof VsRuntime['counts'];
    rt.counts[status]--;
    if (status === 'completed') rt.usage -= Number(rec._bytes ?? 0);
  }

  /** Store files whose indexing time has come become `completed`, or `failed` with the last_error of `_fail` (derived, not journaled). */
  settleVs(vsId: string, now = Date.now()): void {
    const rt = this.vsRuntime.get(vsId);
    if (!rt) return;
    while (rt.pending.size && rt.pending.peekKey()! <= now) {
      const fileId = rt.pending.pop()!;
      const rec = rt.recs.get(fileId);
      if (!rec || rec.status !== 'in_progress' || Number(rec._ready_at) > now) continue;
      this.countOut(rt, rec);
      if (rec._fail) {
        rec.status = 'failed';
        rec.last_error = rec._fail;
      } else rec.status = 'completed';
      this.countIn(rt, rec);
    }
  }

  /** Change a vector store file's status, keeping the counters right. */
  setVsfStatus(rec: Rec, status: string, extra: Record<string, unknown> = {}): void {
    const rt = this.runtime(String(rec.vector_store_id));
    this.countOut(rt, rec);
    const next = { ...rec, ...extra, status } as Rec;
    this.cols.vsf.set(this.key('vsf', rec), next);
    rt.recs.set(next.id, next);
    this.countIn(rt, next);
    this.persistence.append({ op: 'put', c: 'vsf', id: this.key('vsf', next), v: next });
  }

  replaceVsf(next: Rec): void {
    // Same status and bytes: counters unchanged.
    this.cols.vsf.set(this.key('vsf', next), next);
    this.vsRuntime.get(String(next.vector_store_id))?.recs.set(next.id, next);
    this.persistence.append({ op: 'put', c: 'vsf', id: this.key('vsf', next), v: next });
  }

  /** A store's file record: get('vsf', `${vsId}/${fileId}`), from the store's own map. */
  vsf(vsId: string, fileId: string): Rec | undefined {
    return this.vsRuntime.get(vsId)?.recs.get(fileId) ?? this.cols.vsf.get(`${vsId}/${fileId}`);
  }

  vsCounts(vsId: string): { counts: VsRuntime['counts']; usage: number; files: OrderedIndex } {
    this.settleVs(vsId);
    const rt = this.runtime(vsId);
    return { counts: rt.counts, usage: rt.usage, files: rt.files };
  }

  /** Advance every run whose time has come. */
  settleRuns(now = Date.now()): void {
    let guard = 0;
    while (this.runQueue.size && this.runQueue.peekKey()! <= now && guard++ < 10_000) {
      const id = this.runQueue.pop()!;
      const run = this.cols.run.get(id);
      if (!run || (run.status !== 'queued' && run.status !== 'in_progress')) continue;
      this.advanceRun(run);
    }
  }

  blob(ref: BlobRef): Buffer {
    return this.persistence.readBlob(ref);
  }

  /** Compact the journal into a snapshot once it has grown past twice the live records (and 20k lines). */
  maybeCompact(): void {
    let live = 0;
    for (const c of COLLS) live += this.cols[c].size;
    const min = Number(process.env.ASSISTANTS_DEPLOY_EMULATOR_COMPACT_LINES) || 20_000;
    if (this.persistence.journalLines < Math.max(min, live * 2)) return;
    this.persistence.compact(() => this.allRecords());
  }

  *allRecords(): IterableIterator<{ c: string; id: string; v: Record<string, unknown> }> {
    // Snapshot in seq order so a reload rebuilds indexes in creation order.
    for (const [c, id, v] of this.bySeq()) yield { c, id, v };
  }

  /** Every record with its collection and key, in creation (seq) order. */
  private bySeq(): [CollName, string, Rec][] {
    const all: [CollName, string, Rec][] = [];
    for (const c of COLLS) for (const [k, v] of this.cols[c]) all.push([c, k, v]);
    return all.sort((a, b) => a[2]._seq - b[2]._seq);
  }

  /** A list page in the API's shape. */
  list<T>(index: OrderedIndex | undefined, q: PageQuery, view: (id: string) => T | undefined, accept?: (id: string) => boolean): ListResult<T> {
    const page = index ? index.page(q, accept) : { ids: [], hasMore: false };
    const data: T[] = [];
    for (const id of page.ids) {
      const v = view(id);
      if (v !== undefined) data.push(v);
    }
    return { object: 'list', data, first_id: page.ids[0] ?? null, last_id: page.ids.at(-1) ?? null, has_more: page.hasMore };
  }
}
