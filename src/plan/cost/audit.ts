/**
 * Audit: which of the account's vector stores and files cost money and look unused. Pure: reads
 * what src/targets/audit.ts read, a clock reading and a price table.
 *
 * A vector store is listed when no assistant references it (on a target that serves the Assistants
 * API), or when it has been idle longer than `idleDays`, or has expired. On a target without the
 * Assistants API references cannot be seen at all (code names stores in its own requests), so only
 * idleness and expiry count there, and stores are ranked by idleness. A store with no expiry policy
 * is never listed for that alone (an active store needs none) but is marked: it keeps costing until
 * someone deletes it. A store an assistant references is never listed; if it is idle it is shown
 * apart, as information, and cannot be deleted through audit.
 *
 * A store made for a thread (message attachments with file_search, a thread's `vector_stores`
 * helper: untagged, no name, expiring 7 days after it was last active, as the API makes them) is
 * not listed while it has not expired: no assistant references it, but a thread does (threads
 * cannot be listed), and it expires on its own; it is shown apart, with its expiry date.
 *
 * A file (purpose `assistants`) is listed when it is in no vector store and in no assistant's
 * code_interpreter resources.
 *
 * Deployment leases (empty vector stores tagged `assistants-deploy.lease`, the lock a running
 * apply or destroy holds; src/targets/lease.ts) are never listed, so never deleted: they cost
 * nothing, expire by themselves, and deleting a live one would let a second apply in while the
 * first still works. They are counted apart (`leases`).
 */
import type { AuditAccount } from '../../targets/audit.js';
import { isLeaseMetadata, LEASE_TAG } from '../../targets/lease.js';
import { parseUploadName } from '../../ownership/upload-name.js';
import type { ReadStats } from '../../targets/live.js';
import { deploymentOf, TAG_RESOURCE } from '../../ownership/index.js';
import { decodeResourceTag } from '../../ownership/resource-tag.js';
import { billableBytes, difference, figures, rateOf } from './prices.js';
import type { LoadedPrices } from './prices.js';
import type { Figures, PricesRef, RateRef } from './types.js';

export const AUDIT_FORMAT_VERSION = '1.0';

export type StoreReason = 'unreferenced' | 'idle' | 'expired';

export interface AuditedStore {
  kind: 'vector_store';
  id: string;
  name: string;
  /** The deployment named by its ownership tag; null when untagged. */
  owner: string | null;
  status: string;
  cost: Figures;
  files: number;
  created_at: number;
  last_active_at: number | null;
  /** Whole days since it was last active (or created, when never active). */
  idle_days: number;
  expires_after: { anchor: string; days: number } | null;
  expires_at: number | null;
  /** Why it is listed (empty for the referenced, idle ones shown apart). */
  reasons: StoreReason[];
  /** No expiry policy: it costs until deleted. */
  no_expiry: boolean;
  /** Assistants that reference it (only for the ones shown apart). */
  referenced_by: string[];
  /** Its tag records `protect: true` (src/ownership/resource-tag.ts): `--delete` refuses it. */
  protected: boolean;
}

export interface AuditedFile {
  kind: 'file';
  id: string;
  filename: string;
  /** The deployment its name marks it as uploaded by; null when not uploaded by this tool. */
  owner: string | null;
  cost: Figures;
  created_at: number;
  reasons: ['unattached'];
  /** Uploaded for a protected file set (an `adp~` name): `--delete` refuses it. */
  protected: boolean;
}

export interface AuditReport {
  format_version: string;
  created_at: string;
  target: { base_url: string; local: boolean; assistants_api: boolean };
  idle_days: number;
  prices: PricesRef;
  rates: { vector_storage: RateRef; file_storage: RateRef };
  /** Listed: look unused; these are the ids `--delete` accepts. */
  vector_stores: AuditedStore[];
  files: AuditedFile[];
  /** Idle, but an assistant references them: shown, not listed. */
  referenced_idle: AuditedStore[];
  /** Deployment leases found in the account: never listed, never deleted by audit. */
  leases: { id: string; deployment: string }[];
  /** Made for threads (message attachments, a thread's helper): shown with their expiry, not listed. */
  thread_stores: AuditedStore[];
  totals: {
    account: { vector_stores: number; files: number; vector_bytes: number; file_bytes: number };
    /** The account's vector storage now, free allowance applied. */
    account_cost: Figures;
    listed: { vector_stores: number; files: number; vector_bytes: number; file_bytes: number };
    /** What deleting everything listed frees: all its bytes, and the bill's change (free allowance applied). */
    savings: Figures;
    /** The same with no allowance: the listed resources' own cost. */
    listed_cost: Figures;
  };
  notes: string[];
  read: ReadStats;
}

export interface AuditOptions {
  now: number;
  idleDays: number;
  prices: LoadedPrices;
  target: { base_url: string; local: boolean };
}

const DAY = 86_400;

/**
 * A store the API made for a thread: untagged, no name, and the thread default expiry (7 days
 * after it was last active): what message attachments and a thread's `vector_stores` helper make.
 */
export function looksLikeThreadStore(v: { name: string; metadata: Record<string, string>; expires_after: { anchor: string; days: number } | null }): boolean {
  return v.name === '' && deploymentOf(v.metadata) === undefined && v.expires_after?.anchor === 'last_active_at' && v.expires_after.days === 7;
}

export function audit(account: AuditAccount, options: AuditOptions): AuditReport {
  const { table, ref } = options.prices;
  const days = table.month_days;
  const vsRate = rateOf(table.prices.vector_store_storage);
  const fileRate = rateOf(table.prices.file_storage);
  const leases = account.vectorStores.filter((v) => isLeaseMetadata(v.metadata));
  const stores = account.vectorStores.filter((v) => !isLeaseMetadata(v.metadata));
  const { listed, referencedIdle, threadStores } = auditStores(account, stores, options, vsRate, days);
  const files = auditFiles(account, fileRate, days);
  return {
    format_version: AUDIT_FORMAT_VERSION,
    created_at: new Date(options.now).toISOString(),
    target: { ...options.target, assistants_api: account.assistantsApi },
    idle_days: options.idleDays,
    prices: ref,
    rates: { vector_storage: vsRate, file_storage: fileRate },
    vector_stores: listed,
    files,
    referenced_idle: referencedIdle,
    leases: leases.map((l) => ({ id: l.id, deployment: l.metadata[LEASE_TAG]! })).sort((a, b) => byId(a, b)),
    thread_stores: threadStores,
    totals: auditTotals(account, stores, listed, files, { vsRate, fileRate, days }),
    notes: auditNotes(account, options.prices, vsRate, leases),
    read: account.stats,
  };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

type Store = AuditAccount['vectorStores'][number];

/** The stores that look unused (listed), the idle ones an assistant references, and those made for threads; leases left out. */
function auditStores(account: AuditAccount, stores: Store[], options: AuditOptions, vsRate: RateRef, days: number): { listed: AuditedStore[]; referencedIdle: AuditedStore[]; threadStores: AuditedStore[] } {
  const nowS = Math.floor(options.now / 1000);
  const referencedBy = new Map<string, string[]>();
  for (const a of account.assistants) {
    for (const id of a.vector_store_ids) referencedBy.set(id, [...(referencedBy.get(id) ?? []), a.id]);
  }
  const listed: AuditedStore[] = [];
  const referencedIdle: AuditedStore[] = [];
  const threadStores: AuditedStore[] = [];
  for (const v of stores) {
    const entry = storeEntry(v, nowS, vsRate, days);
    const idle = entry.idle_days > options.idleDays;
    const expired = v.status === 'expired';
    const users = referencedBy.get(v.id) ?? [];
    if (users.length > 0) {
      if (idle || expired) referencedIdle.push({ ...entry, referenced_by: users });
      continue;
    }
    if (!expired && looksLikeThreadStore(v)) {
      threadStores.push(entry);
      continue;
    }
    const reasons: StoreReason[] = [];
    if (account.assistantsApi) reasons.push('unreferenced');
    if (idle) reasons.push('idle');
    if (expired) reasons.push('expired');
    if (reasons.length === 0) continue;
    listed.push({ ...entry, reasons });
  }
  if (account.assistantsApi) listed.sort((a, b) => b.cost.bytes - a.cost.bytes || b.idle_days - a.idle_days || byId(a, b));
  else listed.sort((a, b) => b.idle_days - a.idle_days || b.cost.bytes - a.cost.bytes || byId(a, b));
  referencedIdle.sort((a, b) => b.idle_days - a.idle_days || byId(a, b));
  threadStores.sort((a, b) => (a.expires_at ?? 0) - (b.expires_at ?? 0) || byId(a, b));
  return { listed, referencedIdle, threadStores };
}

function storeEntry(v: Store, nowS: number, vsRate: RateRef, days: number): AuditedStore {
  const lastActive = v.last_active_at ?? v.created_at;
  const owner = deploymentOf(v.metadata) ?? null;
  return {
    kind: 'vector_store',
    id: v.id,
    name: v.name,
    owner,
    status: v.status,
    cost: figures(v.usage_bytes, vsRate, days),
    files: v.file_ids.length,
    created_at: v.created_at,
    last_active_at: v.last_active_at,
    idle_days: Math.max(0, Math.floor((nowS - lastActive) / DAY)),
    expires_after: v.expires_after,
    expires_at: v.expires_at,
    reasons: [],
    no_expiry: v.expires_after === null,
    referenced_by: [],
    protected: owner !== null && decodeResourceTag(v.metadata[TAG_RESOURCE], [])?.protect === true,
  };
}

/** Files (purpose `assistants`) in no vector store and in no assistant's code_interpreter resources, largest first. */
function auditFiles(account: AuditAccount, fileRate: RateRef, days: number): AuditedFile[] {
  const fileUsers = new Set(account.assistants.flatMap((a) => a.file_ids));
  const inStores = new Set(account.vectorStores.flatMap((v) => v.file_ids));
  return account.files
    .filter((f) => !inStores.has(f.id) && !fileUsers.has(f.id))
    .map((f) => ({
      kind: 'file' as const,
      id: f.id,
      filename: f.filename,
      owner: parseUploadName(f.filename)?.deployment ?? null,
      cost: figures(f.bytes, fileRate, days),
      created_at: f.created_at,
      reasons: ['unattached'] as ['unattached'],
      protected: parseUploadName(f.filename)?.protected === true,
    }))
    .sort((a, b) => b.cost.bytes - a.cost.bytes || byId(a, b));
}

function auditTotals(
  account: AuditAccount,
  stores: Store[],
  listed: AuditedStore[],
  files: AuditedFile[],
  { vsRate, fileRate, days }: { vsRate: RateRef; fileRate: RateRef; days: number },
): AuditReport['totals'] {
  const vectorBytes = stores.reduce((n, v) => n + v.usage_bytes, 0);
  const fileBytes = account.files.reduce((n, f) => n + f.bytes, 0);
  const listedVector = listed.reduce((n, s) => n + s.cost.bytes, 0);
  const listedFiles = files.reduce((n, f) => n + f.cost.bytes, 0);
  const accountCost = figures(billableBytes(vectorBytes, vsRate), vsRate, days);
  const afterCost = figures(billableBytes(vectorBytes - listedVector, vsRate), vsRate, days);
  const fileSavings = figures(listedFiles, fileRate, days);
  const vectorSavings = difference(afterCost, accountCost);
  const listedVectorCost = figures(listedVector, vsRate, days);
  return {
    account: { vector_stores: stores.length, files: account.files.length, vector_bytes: vectorBytes, file_bytes: fileBytes },
    account_cost: accountCost,
    listed: { vector_stores: listed.length, files: files.length, vector_bytes: listedVector, file_bytes: listedFiles },
    savings: {
      bytes: listedVector + listedFiles,
      per_day: vectorSavings.per_day + fileSavings.per_day,
      per_month: vectorSavings.per_month + fileSavings.per_month,
    },
    listed_cost: {
      bytes: listedVector + listedFiles,
      per_day: listedVectorCost.per_day + fileSavings.per_day,
      per_month: listedVectorCost.per_month + fileSavings.per_month,
    },
  };
}

function auditNotes(account: AuditAccount, prices: LoadedPrices, vsRate: RateRef, leases: Store[]): string[] {
  const notes: string[] = [];
  if (account.assistantsApi) {
    notes.push(
      'References are read from assistants only: a vector store named in a thread, or in code (Responses API requests), is not seen; check how recently a store was active before deleting it. Stores made for threads (no name, expiring 7 days after their last run) are shown apart and not listed: they expire on their own.',
    );
  } else {
    notes.push(
      'This target does not serve the Assistants API: references from code (Responses API requests) cannot be seen, so vector stores are listed by idleness (last active more than the idle days ago) and expiry instead, most idle first.',
    );
  }
  if (vsRate.free_bytes > 0) {
    notes.push(`The free allowance (${prices.table.prices.vector_store_storage.free_allowance?.description ?? `${vsRate.free_bytes} bytes`}) is applied once, to the whole account: savings are what the bill changes by.`);
  }
  notes.push('Deleting a vector store keeps its files; delete the files too to remove them. Deleting a file detaches it from every store.');
  if (leases.length > 0) {
    const names = [...new Set(leases.map((l) => l.metadata[LEASE_TAG]!))].sort().map((d) => JSON.stringify(d));
    notes.push(
      `${leases.length === 1 ? '1 deployment lease' : `${leases.length} deployment leases`} (of ${names.join(', ')}: the lock an apply or destroy holds while it runs, empty, free, expiring by itself) ${leases.length === 1 ? 'is' : 'are'} not listed: audit never deletes a lease.`,
    );
  }
  notes.push('Not included: token usage and tool calls (file search calls, code interpreter sessions).');
  return notes;
}

/** The ids `audit --delete` may delete: exactly the listed ones. */
export function deletable(report: AuditReport): Map<string, AuditedStore | AuditedFile> {
  return new Map<string, AuditedStore | AuditedFile>([...report.vector_stores.map((s) => [s.id, s] as const), ...report.files.map((f) => [f.id, f] as const)]);
}

/**
 * What deleting these listed resources freed: their bytes, their storage cost with no allowance,
 * and the bill's change (the account's vector storage with the free allowance applied).
 */
export function freedBy(report: AuditReport, deleted: (AuditedStore | AuditedFile)[]): { bytes: number; cost: Figures; bill: Figures } {
  const days = report.prices.month_days;
  const vsRate = report.rates.vector_storage;
  const vector = deleted.filter((d) => d.kind === 'vector_store').reduce((n, d) => n + d.cost.bytes, 0);
  const files = deleted.filter((d) => d.kind === 'file').reduce((n, d) => n + d.cost.bytes, 0);
  const total = report.totals.account.vector_bytes;
  const bill = difference(figures(billableBytes(total - vector, vsRate), vsRate, days), figures(billableBytes(total, vsRate), vsRate, days));
  const fileCost = figures(files, report.rates.file_storage, days);
  const vectorCost = figures(vector, vsRate, days);
  return {
    bytes: vector + files,
    cost: { bytes: vector + files, per_day: vectorCost.per_day + fileCost.per_day, per_month: vectorCost.per_month + fileCost.per_month },
    bill: { bytes: vector + files, per_day: bill.per_day + fileCost.per_day, per_month: bill.per_month + fileCost.per_month },
  };
}
