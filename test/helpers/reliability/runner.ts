/**
 * Runs the built CLI in-process inside one long-lived child (cli-runner.mjs), thousands of times
 * cheaply: the same entry code, argv and exit-code logic as bin/assistants-deploy.js, output
 * captured. A run that does not answer within its time limit is reported as a hang, and the child
 * is killed and replaced (this catches synchronous infinite loops too, which an in-process timer
 * could not).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnv } from '../cli.js';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli-runner.mjs');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** No answer within the limit: the child was killed. */
  hang?: boolean;
  /** The child died during the run (for example process.exit from an unhandled rejection). */
  died?: string;
  /** main() itself threw (it never should: it turns every error into an exit code). */
  threw?: string;
  /** The run added keys to Object.prototype (or another built-in prototype); the child then exits. */
  polluted?: string;
}

interface Pending {
  resolve: (r: RunResult) => void;
  timer: NodeJS.Timeout;
  started: number;
  child: ChildProcess;
}

export class InProcessCli {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private stray = '';
  /** How many children were started (1 + replacements after hangs or deaths). */
  starts = 0;

  constructor(private readonly env: Record<string, string | undefined>) {}

  private start(): Promise<void> {
    this.starts++;
    const child = fork(RUNNER, [], { env: cliEnv(this.env), stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
    this.child = child;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.stray += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stray += d));
    const ready = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.on('message', (msg: { ready?: boolean; id?: number } & RunResult) => {
        if (msg.ready) return resolve();
        const p = this.pending.get(msg.id!);
        if (!p) return;
        clearTimeout(p.timer);
        this.pending.delete(msg.id!);
        p.resolve({ code: msg.code, stdout: msg.stdout, stderr: msg.stderr, ms: msg.ms, ...(msg.threw ? { threw: msg.threw } : {}), ...(msg.polluted ? { polluted: msg.polluted } : {}) });
        if (msg.polluted && this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
        const why = `runner exited (code ${code}, signal ${signal}) ${this.stray.slice(-2000)}`;
        for (const [id, p] of this.pending) {
          if (p.child !== child) continue;
          clearTimeout(p.timer);
          this.pending.delete(id);
          p.resolve({ code: -1, stdout: '', stderr: '', ms: performance.now() - p.started, died: why });
        }
        reject(new Error(why));
      });
    });
    return ready;
  }

  /** Output the child wrote outside a run (should stay empty). */
  get strayOutput(): string {
    return this.stray;
  }

  async run(args: string[], cwd: string, timeoutMs = 20_000): Promise<RunResult> {
    this.ready ??= this.start();
    await this.ready;
    const child = this.child!;
    const id = this.nextId++;
    return new Promise<RunResult>((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // the next run gets a fresh child at once, whatever this one does while it dies
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
        child.kill('SIGKILL');
        resolve({ code: -1, stdout: '', stderr: '', ms: performance.now() - started, hang: true });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer, started, child });
      child.send({ id, args, cwd });
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
  }
}
