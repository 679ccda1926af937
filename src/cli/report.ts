/**
 * How apply and destroy end on the terminal: what a run did (`Apply complete! Resources: …`), what
 * a stopped run did not do, the failures, a lost lease, and an account that does not match after
 * the run; and the ending of a command stopped before it changed anything.
 */
import type { ApplyResult, NotDone } from '../apply/events.js';
import type { Verified } from '../apply/workflow.js';
import type { Io } from './io.js';
import { Interrupted } from './stop.js';
import type { Stopper } from './stop.js';

const listed = (addresses: string[]) => (addresses.length > 4 ? `${addresses.slice(0, 4).join(', ')} and ${addresses.length - 4} more` : addresses.join(', '));

/** `2 to add (vector_store.docs, assistant.support). Files: 28 to upload, 40 to attach.` */
export function notDoneText(n: NotDone): string {
  const resources = [
    n.add.length && `${n.add.length} to add (${listed(n.add)})`,
    n.change.length && `${n.change.length} to change (${listed(n.change)})`,
    n.destroy.length && `${n.destroy.length} to destroy (${listed(n.destroy)})`,
  ].filter(Boolean);
  const f = n.files;
  const files = [
    f.upload && `${f.upload} to upload`,
    f.attach && `${f.attach} to attach`,
    f.update_attributes && `${f.update_attributes} to re-attribute`,
    f.detach && `${f.detach} to detach`,
    f.delete && `${f.delete} to delete`,
  ].filter(Boolean);
  const parts = [resources.length ? `${resources.join(', ')}.` : 'no resource changes.', files.length ? `Files: ${files.join(', ')}.` : ''];
  if (f.index) parts.push(`${f.index} attached file${f.index === 1 ? '' : 's'} still indexing (on the server; not waited for).`);
  return parts.filter(Boolean).join(' ');
}

export interface RunEnd {
  deployment: string;
  /** The lease was lost while the run held it (why). */
  lost?: string;
  verified?: Verified;
}

export function report(io: Io, result: ApplyResult, verb = 'Apply', interrupted?: Interrupted, end?: RunEnd): number {
  const f = result.files;
  const files = [
    f.uploaded && `${f.uploaded} uploaded`,
    f.attached && `${f.attached} attached`,
    f.reattributed && `${f.reattributed} re-attributed`,
    f.detached && `${f.detached} detached`,
    f.deleted && `${f.deleted} deleted`,
  ].filter(Boolean);
  const summary = `Resources: ${result.created} added, ${result.updated} changed, ${result.deleted} destroyed.${files.length ? ` Files: ${files.join(', ')}.` : ''}`;
  if (result.stopped && interrupted) {
    io.err(`${verb} stopped by ${interrupted.signalName}. Done: ${summary}`);
    io.err(`Not done: ${notDoneText(result.stopped)}`);
    if (result.failures.length > 0) io.err(`${result.failures.length} failure${result.failures.length === 1 ? '' : 's'}:`);
    for (const x of result.failures) io.err(`  ${x.address}: ${x.message}`);
    io.err('Everything done so far is kept; run the same command again to finish the job.');
    return interrupted.exitCode;
  }
  const lost = end?.lost ?? (end?.verified && !end.verified.ok ? end.verified.lost : undefined);
  if (lost !== undefined) {
    // another apply or destroy may have got in: what this one did is kept, nothing is claimed
    io.err(
      `error: ${verb.toLowerCase()} lost its lease on deployment "${end!.deployment}" while it ran (${lost}), so another apply or destroy may have been changing the deployment at the same time; it stopped sending requests`,
    );
    io.err(`Done: ${summary}`);
    if (result.stopped) io.err(`Not done: ${notDoneText(result.stopped)}`);
    if (result.failures.length > 0) io.err(`${result.failures.length} failure${result.failures.length === 1 ? '' : 's'}:`);
    for (const x of result.failures) io.err(`  ${x.address}: ${x.message}`);
    io.err('hint: run plan to see where the account stands (after any other apply has finished), then run the same command again');
    return 1;
  }
  if (interrupted) io.info(`(${interrupted.signalName} came after the last change was made: nothing was left undone.)`);
  if (result.failures.length === 0 && end?.verified && !end.verified.ok) {
    const v = end.verified;
    if (v.unread !== undefined) {
      io.err(`error: ${verb.toLowerCase()} made every change it planned (${summary}), but could not read the account again to check it: ${v.unread}`);
      io.err(`hint: run plan to see whether the account matches the manifest`);
    } else {
      io.err(`error: ${verb.toLowerCase()} made every change it planned (${summary}), but the account does not match the manifest now: ${v.differs ?? ''}`);
      io.err(
        `hint: something else changed deployment "${end.deployment}" while this ran (another apply or destroy, a lease deleted by hand, an edit in the dashboard); run plan to see the difference, then run the same command again`,
      );
    }
    return 1;
  }
  if (result.failures.length === 0) {
    io.out(`${verb} complete! ${summary}`);
    return 0;
  }
  io.err(`${verb} finished with ${result.failures.length} failure${result.failures.length === 1 ? '' : 's'}. ${summary}`);
  for (const x of result.failures) io.err(`  ${x.address}: ${x.message}`);
  io.err('Everything that succeeded is kept; run the same command again to finish the job.');
  return 1;
}

/**
 * A stopped command's ending when the stop came before any change (waiting for the lease, reading
 * the account again): the error it may have caused is shown, the exit code is the signal's.
 */
export function stoppedBeforeChanges(io: Io, stop: Stopper, verb: string, error: unknown): number {
  const why = stop.interrupted;
  if (!why) throw error;
  // an error of a request the stop cut off is the stop's doing, not news
  if (!(error instanceof Interrupted) && !stop.cutOff) io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
  io.err(`${verb} stopped by ${why.signalName} before it changed anything.`);
  return why.exitCode;
}
