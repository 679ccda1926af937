/**
 * `audit`: read-only by default. Lists the account's vector stores and files that cost money and
 * look unused (src/plan/cost/audit.ts says when), each with its owner, size and cost from the price
 * table. `--delete ID...` deletes exactly those ids, each of which this audit must list, after
 * confirmation (a TTY) or --auto-approve, with apply's retry rules; it reports what it freed.
 */
import { deleteFile, deleteVectorStore, readAccountForAudit } from '../../targets/audit.js';
import { describeApiError } from '../../targets/errors.js';
import { isNotFound, mapLimit } from '../../targets/read.js';
import type { Target } from '../../targets/target.js';
import { withRetry } from '../../targets/retry.js';
import { audit, deletable, freedBy } from '../../plan/cost/audit.js';
import type { AuditedFile, AuditedStore, AuditReport } from '../../plan/cost/audit.js';
import { formatBytes, formatMoney } from '../../format.js';
import { describePrices } from '../../render/prices.js';
import { loadPrices } from '../../plan/cost/prices.js';
import { auditStatusLine, renderAuditMarkdown, renderAuditText } from '../../render/audit.js';
import { UserError } from '../../errors.js';
import { createIo } from '../io.js';
import type { Io } from '../io.js';
import type { CommandOptions } from '../main.js';
import { connect } from '../session.js';
import { approve } from '../confirm.js';

function wholeNumber(value: unknown, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`${flag} must be a whole number from ${min} to ${max}, not ${String(value)}`);
  return n;
}

/** Ids as given: exact ids only, never a pattern. */
function idsOf(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = [...new Set((Array.isArray(value) ? value : [value]).map(String))];
  for (const id of ids) {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) {
      throw new UserError(`audit --delete takes exact ids, and ${JSON.stringify(id)} is not one (patterns are never accepted)`, 'copy the ids from the audit listing');
    }
  }
  return ids;
}

export function renderAudit(report: AuditReport, format: string): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'markdown') return renderAuditMarkdown(report);
  return renderAuditText(report);
}

export async function run(_args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const idleDays = wholeNumber(opts.idleDays ?? 30, '--idle-days', 0, 36_500);
  const concurrency = wholeNumber(opts.concurrency ?? 8, '--concurrency', 1, 64);
  const format = typeof opts.format === 'string' ? opts.format : 'text';
  const prices = loadPrices(opts.prices);
  const ids = idsOf(opts.delete);
  if (ids === undefined && opts.autoApprove === true) throw new UserError('--auto-approve goes with --delete ID...; audit alone deletes nothing');

  const target = await connect(opts, io, { maxRetries: 0 });
  try {
    let account;
    try {
      account = await readAccountForAudit(target.client, { concurrency: 16, ...(target.auditAssistants ? { assistants: target.auditAssistants } : {}) });
    } catch (error) {
      throw describeApiError(error, 'reading the account', target.baseUrl) ?? error;
    }
    const report = audit(account, { now: Date.now(), idleDays, prices, target: { base_url: target.baseUrl, local: target.local } });
    io.info(auditStatusLine(report));
    if (ids === undefined) {
      io.out(renderAudit(report, format));
      return 0;
    }
    return await deleteListed(report, ids, target, { concurrency, format, opts, io });
  } finally {
    await target.close();
  }
}

type Listed = AuditedStore | AuditedFile;

function label(r: Listed): string {
  return r.kind === 'vector_store' ? `vector store ${JSON.stringify(r.name)}` : `file ${JSON.stringify(r.filename)}`;
}

async function deleteListed(
  report: AuditReport,
  ids: string[],
  target: Target,
  ctx: { concurrency: number; format: string; opts: CommandOptions; io: Io },
): Promise<number> {
  const { io, format } = ctx;
  const chosen = chosenFor(report, ids);
  const say = (text: string) => (format === 'json' ? io.err(text) : io.out(text));
  say(deletionNotice(report, chosen));
  if (!(await approve(io, ctx.opts, 'Do you really want to delete these? There is no undo.', 'audit --delete'))) return 1;

  const { deleted, failed } = await deleteChosen(chosen, target, ctx.concurrency, io);
  const order = new Map(ids.map((id, i) => [id, i]));
  deleted.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  reportDeleted(report, deleted, failed, format, io);
  if (failed.length > 0) {
    io.err(`${failed.length} deletion${failed.length === 1 ? '' : 's'} failed:`);
    for (const f of failed) io.err(`  ${f.id}: ${f.message}`);
    io.err('What was deleted stays deleted; run audit again and delete the rest by id.');
    return 1;
  }
  return 0;
}

/** The listed resources the ids name; refuses (nothing deleted) an id the audit does not list as unused, or a protected one. */
function chosenFor(report: AuditReport, ids: string[]): Listed[] {
  const allowed = deletable(report);
  const refused = ids.filter((id) => !allowed.has(id));
  if (refused.length > 0) {
    const referenced = new Set(report.referenced_idle.map((s) => s.id));
    const leases = new Map(report.leases.map((l) => [l.id, l.deployment]));
    const threads = new Set(report.thread_stores.map((s) => s.id));
    const why = refused.map((id) =>
      leases.has(id)
        ? `${id} (the lease of deployment ${JSON.stringify(leases.get(id))}: the lock of an apply or destroy, which audit never deletes)`
        : referenced.has(id)
          ? `${id} (an assistant references it)`
          : threads.has(id)
            ? `${id} (made for a thread: it expires on its own)`
            : id,
    );
    throw new UserError(
      `audit --delete deletes only ids this audit lists as unused, and ${refused.length === 1 ? 'this one is' : 'these are'} not listed: ${why.join(', ')}. Nothing was deleted.`,
      'run `assistants-deploy audit` to see what it lists',
    );
  }
  const chosen = ids.map((id) => allowed.get(id)!);
  // protection is recorded on the resource (src/ownership/resource-tag.ts, src/ownership/upload-name.ts): no command deletes it
  const guarded = chosen.filter((r) => r.protected);
  if (guarded.length > 0) {
    throw new UserError(
      `audit --delete does not delete protected resources, and ${guarded.length === 1 ? 'this one is' : 'these are'} protected: ${guarded.map((r) => `${r.id} (${r.owner === null ? 'untagged' : `deployment ${r.owner}`})`).join(', ')}. Nothing was deleted.`,
      'set `protect: false` in the deployment\'s manifest and apply it; then its next apply prunes what it no longer names',
    );
  }
  return chosen;
}

/** What will be deleted and what it frees, said before asking. */
function deletionNotice(report: AuditReport, chosen: Listed[]): string {
  const c = report.prices.currency;
  const planned = freedBy(report, chosen);
  return [
    `audit will delete ${chosen.length} resource${chosen.length === 1 ? '' : 's'} (prices: ${describePrices(report.prices)}):`,
    ...chosen.map((r) => `  - ${r.id}: ${label(r)}, ${r.owner === null ? 'untagged' : `owner ${r.owner}`}, ${formatBytes(r.cost.bytes)}, ${formatMoney(r.cost.per_month, c)}/month`),
    `Freeing ${formatBytes(planned.bytes)}: ${formatMoney(planned.cost.per_month, c)}/month of storage, ${formatMoney(planned.bill.per_month, c)}/month off the bill after the free allowance.`,
  ].join('\n');
}

type Deleted = Listed & { already_gone: boolean };
type Failed = { id: string; kind: string; message: string };

/** Deletes each with apply's retry rules; a 404 counts as deleted (gone already). */
async function deleteChosen(chosen: Listed[], target: Target, concurrency: number, io: Io): Promise<{ deleted: Deleted[]; failed: Failed[] }> {
  const deleted: Deleted[] = [];
  const failed: Failed[] = [];
  await mapLimit(chosen, concurrency, async (r) => {
    let attempts = 0;
    try {
      const outcome = await withRetry(
        async () => {
          attempts++;
          try {
            if (r.kind === 'vector_store') await deleteVectorStore(target.client, r.id);
            else await deleteFile(target.client, r.id);
            return 'deleted' as const;
          } catch (error) {
            // gone already: by our own earlier attempt whose answer was lost, or by someone else
            if (isNotFound(error)) return 'gone' as const;
            throw error;
          }
        },
        { hooks: { onRetry: ({ attempt, waitMs, failure }) => io.debug(`retry ${attempt} of delete ${r.id} in ${waitMs} ms (${failure.retry ? failure.kind : 'error'})`) } },
      );
      deleted.push({ ...r, already_gone: outcome === 'gone' && attempts === 1 });
    } catch (error) {
      const described = describeApiError(error, `deleting ${r.id}`, target.baseUrl);
      failed.push({ id: r.id, kind: r.kind, message: described?.message ?? (error instanceof Error ? error.message : String(error)) });
    }
  });
  return { deleted, failed };
}

function reportDeleted(report: AuditReport, deleted: Deleted[], failed: Failed[], format: string, io: Io): void {
  const c = report.prices.currency;
  const freed = freedBy(report, deleted);
  if (format === 'json') {
    io.out(
      `${JSON.stringify(
        {
          prices: report.prices,
          deleted: deleted.map((d) => ({ id: d.id, kind: d.kind, bytes: d.cost.bytes, already_gone: d.already_gone })),
          failed,
          freed,
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  for (const d of deleted) io.out(`Deleted ${d.id} (${label(d)}, ${formatBytes(d.cost.bytes)})${d.already_gone ? ': it was already gone' : ''}.`);
  const stores = deleted.filter((d) => d.kind === 'vector_store').length;
  io.out(
    `Audit delete ${failed.length ? 'finished' : 'complete'}: ${stores} vector store${stores === 1 ? '' : 's'} and ${deleted.length - stores} file${deleted.length - stores === 1 ? '' : 's'} deleted; ` +
      `freed ${formatBytes(freed.bytes)}: ${formatMoney(freed.cost.per_month, c)}/month of storage, ${formatMoney(freed.bill.per_month, c)}/month off the bill after the free allowance (prices: ${describePrices(report.prices)}).`,
  );
}
