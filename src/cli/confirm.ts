/**
 * Asking before apply or destroy writes: on a terminal, a question only `yes` answers; with
 * --auto-approve, no question; with no terminal to ask on (CI, a pipe), a refusal.
 */
import { createInterface } from 'node:readline/promises';
import { UserError } from '../errors.js';
import type { Io } from './io.js';
import type { CommandOptions } from './main.js';
import { Interrupted } from './stop.js';

export async function confirm(io: Io, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    // Ctrl-C at the prompt reaches readline (the terminal is in raw mode), not the process
    const interrupted = new Promise<never>((_, reject) => rl.once('SIGINT', () => reject(new Interrupted('SIGINT'))));
    const answer = await Promise.race([rl.question(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `), interrupted]);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** Asks, or refuses when nobody can answer. Returns false when the user declined. */
export async function approve(io: Io, opts: CommandOptions, question: string, verb: string): Promise<boolean> {
  if (opts.autoApprove === true) return true;
  if (!io.interactive) {
    throw new UserError(`${verb} needs confirmation, and there is no terminal to ask on (CI or a pipe)`, 'review the plan, then pass --auto-approve');
  }
  const cancelled = `${verb[0]!.toUpperCase()}${verb.slice(1)} cancelled.`;
  let ok: boolean;
  try {
    ok = await confirm(io, question);
  } catch (error) {
    if (error instanceof Interrupted) io.err(`${cancelled} (${error.signalName})`);
    throw error;
  }
  if (!ok) io.err(cancelled);
  return ok;
}
