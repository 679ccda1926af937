/**
 * SIGINT and SIGTERM during apply and destroy (the only code that touches process signals).
 *
 * Before the first change is sent (reading, planning, asking) a signal exits at once: there is
 * nothing to clean up. Once `arm()`ed (the command is about to take the lease and write), the first
 * signal aborts `signal`: the core starts nothing new, the requests in flight get `graceMs` to
 * finish (then they are cut off), the lease is released, and the command says what it did and did
 * not do and exits 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once, leaving the lease
 * to be broken as stale.
 */
import type { Io } from './io.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The shell's convention: 128 + the signal's number. */
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** Thrown (and used as the abort reason) when a command stops because of a signal; main exits with `exitCode`. */
export class Interrupted extends Error {
  constructor(readonly signalName: StopSignal) {
    super(`interrupted by ${signalName}`);
    this.name = 'Interrupted';
  }

  get exitCode(): number {
    return SIGNAL_EXIT[this.signalName];
  }
}

/** How long requests in flight may take after a stop before they are cut off (ASSISTANTS_DEPLOY_STOP_GRACE_MS). */
export function graceMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.ASSISTANTS_DEPLOY_STOP_GRACE_MS);
  return env.ASSISTANTS_DEPLOY_STOP_GRACE_MS !== undefined && env.ASSISTANTS_DEPLOY_STOP_GRACE_MS !== '' && Number.isFinite(n) && n >= 0 ? n : 10_000;
}

export class Stopper {
  private readonly soft = new AbortController();
  private readonly hard = new AbortController();
  private armed = false;
  private received: Interrupted | undefined;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly onSignal = (name: StopSignal) => this.handle(name);

  constructor(
    private readonly io: Io,
    /** `apply` or `destroy`, for the messages. */
    private readonly command: string,
    private readonly grace = graceMs(),
    private readonly exit: (code: number) => never = (code) => process.exit(code),
  ) {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Aborted by the first signal once armed: the core's stop. */
  get signal(): AbortSignal {
    return this.soft.signal;
  }

  /** The signal that stopped the command, if one did. */
  get interrupted(): Interrupted | undefined {
    return this.received;
  }

  /** From now on changes may be in flight: a signal stops the command in order instead of exiting. */
  arm(): void {
    this.armed = true;
  }

  /** True once the requests in flight were cut off (errors after that are the cut's, not the API's). */
  get cutOff(): boolean {
    return this.hard.signal.aborted;
  }

  /**
   * Wraps fetch to count the requests in flight and to cut them off `grace` ms after a stop; after
   * that nothing more is sent (an answer the SDK does not retry stands in). Put it outside the
   * lease's wrapper, so the lease's own requests (its release) are never cut off.
   */
  readonly wrapFetch = (fetch: typeof globalThis.fetch): typeof globalThis.fetch => {
    return async (input, init) => {
      if (this.hard.signal.aborted) {
        const message = `not sent: this ${this.command} is stopping (${this.received?.signalName ?? 'signal'})`;
        return new Response(JSON.stringify({ error: { message, type: 'stopped', code: 'stopped', param: null } }), {
          status: 499,
          headers: { 'content-type': 'application/json' },
        });
      }
      const signal = init?.signal ? AbortSignal.any([init.signal, this.hard.signal]) : this.hard.signal;
      this.inFlight++;
      try {
        return await fetch(input, { ...init, signal });
      } finally {
        this.inFlight--;
      }
    };
  };

  private handle(name: StopSignal): void {
    if (this.received) {
      this.io.err(
        `${name} again: exiting at once, without waiting for the requests in flight. If this ${this.command} held the deployment's lease, ` +
          'it stays behind: the next run on this machine breaks it at once, a run elsewhere once its heartbeat has stopped for 2 minutes.',
      );
      this.exit(SIGNAL_EXIT[name]);
      return;
    }
    this.received = new Interrupted(name);
    if (!this.armed) {
      this.io.err(`${name}: stopped before this ${this.command} changed anything.`);
      this.exit(SIGNAL_EXIT[name]);
      return;
    }
    const seconds = Math.round(this.grace / 100) / 10;
    this.io.err(
      `${name}: stopping this ${this.command}: starting nothing new, waiting up to ${seconds} s for the ${this.inFlight} request${this.inFlight === 1 ? '' : 's'} in flight, then releasing the lease. ` +
        `${name === 'SIGINT' ? 'Press Ctrl-C again' : 'Send it again'} to exit at once.`,
    );
    this.soft.abort(this.received);
    this.timer = setTimeout(() => {
      if (this.inFlight > 0) {
        this.io.err(`Cut off ${this.inFlight} request${this.inFlight === 1 ? '' : 's'} still in flight after ${seconds} s: each may or may not have been carried out; the next run finds out and finishes the job.`);
      }
      this.hard.abort(this.received);
    }, this.grace);
    this.timer.unref();
  }

  /**
   * Stops listening (the default handlers are back). After a stop, the process is given a moment to
   * exit by itself, then made to (a request cut off mid-body may hold a socket open).
   */
  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    if (this.timer) clearTimeout(this.timer);
    const why = this.received;
    if (why) setTimeout(() => this.exit(typeof process.exitCode === 'number' ? process.exitCode : why.exitCode), 2_000).unref();
  }
}
