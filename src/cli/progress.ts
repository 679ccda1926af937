/**
 * Apply's progress on the terminal: live bars for uploads, attaches and indexing on a TTY
 * (cli-progress), plain line-per-step logs otherwise (CI, pipes), nothing but failures with --quiet.
 */
import cliProgress from 'cli-progress';
import type { ApplyEvent } from '../apply/events.js';
import type { Io } from './io.js';

export interface Reporter {
  onEvent(event: ApplyEvent): void;
  stop(): void;
}

const SYMBOL = { create: '+', update: '~', delete: '-' } as const;
const VERB = { create: 'created', update: 'updated', delete: 'destroyed' } as const;
const PHASE_LABEL = { upload: 'Uploading', attach: 'Attaching', index: 'Indexing' } as const;

export function createReporter(io: Io): Reporter {
  if (io.interactive && !io.quiet) return barReporter(io);
  return lineReporter(io);
}

function line(event: ApplyEvent, verbose: boolean): string | undefined {
  switch (event.type) {
    case 'done':
      return `${SYMBOL[event.action]} ${event.address}: ${VERB[event.action]} (${event.id})`;
    case 'fail':
      return `! ${event.address}: ${event.message}`;
    case 'note':
      return `note: ${event.message}`;
    case 'retry':
      return verbose ? `  retry ${event.attempt} of ${event.what} in ${event.waitMs} ms (${event.reason})` : undefined;
    default:
      return undefined;
  }
}

function lineReporter(io: Io): Reporter {
  const lastShown = new Map<string, number>();
  return {
    onEvent(event) {
      if (event.type === 'fail') {
        io.err(line(event, io.verbose)!);
        return;
      }
      if (io.quiet) return;
      if (event.type === 'phase') {
        if (event.total > 0 && (event.name === 'upload' || event.name === 'attach' || event.name === 'index')) {
          io.info(`${PHASE_LABEL[event.name]} ${event.total} file${event.total === 1 ? '' : 's'}…`);
        }
        return;
      }
      if (event.type === 'progress') {
        // one line per 10% step (and the last), never a line per file for big trees
        const step = Math.max(1, Math.ceil(event.total / 10));
        const prev = lastShown.get(event.phase) ?? 0;
        if (event.done === event.total || event.done - prev >= step) {
          lastShown.set(event.phase, event.done);
          io.info(`  ${PHASE_LABEL[event.phase].toLowerCase()}: ${event.done}/${event.total}`);
        }
        return;
      }
      const text = line(event, io.verbose);
      if (text) (event.type === 'retry' ? io.debug : io.info)(text);
    },
    stop() {},
  };
}

function barReporter(io: Io): Reporter {
  const multi = new cliProgress.MultiBar(
    {
      format: ' {label} [{bar}] {value}/{total} {item}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      stream: process.stderr,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    onEvent(event) {
      if (event.type === 'phase' && (event.name === 'upload' || event.name === 'attach' || event.name === 'index') && event.total > 0) {
        bars.set(event.name, multi.create(event.total, 0, { label: PHASE_LABEL[event.name].padEnd(9), item: '' }));
        return;
      }
      if (event.type === 'progress') {
        bars.get(event.phase)?.update(event.done, { item: event.item.length > 40 ? `…${event.item.slice(-39)}` : event.item });
        return;
      }
      const text = line(event, io.verbose);
      if (text) multi.log(`${text}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}
