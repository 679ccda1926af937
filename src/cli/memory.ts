/**
 * Peak memory of big runs. V8 grows its heap rather than collect the garbage that loading 100,000
 * files, reading their pages and uploading them leaves, so a plan or apply of a big tree would
 * hold several times what is alive. A full collection between phases, and during a long apply
 * whenever the heap has grown past what was alive, keeps the peak near the live size. The collector is reached through V8's
 * own flag (set at run time), so no command line needs --expose-gc; where that is refused, this
 * does nothing.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { fullCollection } from '../collector.js';

/** Below this much heap a collection is not worth its time (a small manifest never pays for one). */
const SMALL_HEAP = 64 * 2 ** 20;

export function collectGarbage(): void {
  if (process.memoryUsage().heapUsed < SMALL_HEAP) return;
  fullCollection();
}

/**
 * For the events of a long run (uploads, attaches): at most every `everyMs`, looks at the heap, and
 * collects when it holds a quarter more than what was alive after the last collection (and more
 * than 64 MB), so the heap stays near the live size at the cost of a collection per growth step.
 */
export function collectWhenGrown(everyMs = 200): () => void {
  let checked = 0;
  let live = 0;
  return () => {
    const now = performance.now();
    if (now - checked < everyMs) return;
    checked = now;
    const used = process.memoryUsage().heapUsed;
    if (used < SMALL_HEAP || used < live * 1.25) return;
    collectGarbage();
    live = process.memoryUsage().heapUsed;
  };
}

/** The young generation's size past which it stops growing (V8 counts both semi-spaces). */
const YOUNG_GENERATION = 32 * 2 ** 20;

/**
 * Keeps V8's young generation at 32 MB. Node 24's V8 lets it grow to 128 MB under a high
 * allocation rate (loading 100,000 files, reading their pages), which a big plan or apply then
 * holds for the rest of the run: about 100 MB of its peak, for no speed it could measure. The cap
 * (`--max-semi-space-size`) can only be given on node's command line, which a bin script does not
 * own; the growth factor can be set at run time, so after each collection the size is looked at
 * and, once at 32 MB, growth is stopped. Does nothing where V8 refuses the flag.
 */
let capped = false;

export function capYoungGeneration(): void {
  if (capped) return;
  capped = true;
  try {
    const observer = new PerformanceObserver(() => {
      const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      if (!young || young.space_size < YOUNG_GENERATION) return;
      setFlagsFromString('--semi-space-growth-factor=1');
      observer.disconnect();
    });
    observer.observe({ entryTypes: ['gc'] });
  } catch {
    // no observer, no cap: only memory is at stake
  }
}
