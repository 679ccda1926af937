/**
 * Peak memory of big runs. V8 grows its heap rather than collect the garbage that loading 100,000
 * files, reading their pages and uploading them leaves, so a plan or apply of a big tree would
 * hold several times what is alive. A full collection between phases, and during a long apply
 * whenever the heap has grown past what was alive, keeps the peak near the live size. The collector is reached through V8's
 * own flag (set at run time), so no command line needs --expose-gc; where that is refused, this
 * does nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/** Below this much heap a collection is not worth its time (a small manifest never pays for one). */
const SMALL_HEAP = 64 * 2 ** 20;

export function collectGarbage(): void {
  if (process.memoryUsage().heapUsed < SMALL_HEAP) return;
  if (gc === undefined) {
    try {
      const exposed = (globalThis as { gc?: () => void }).gc;
      if (exposed) gc = exposed;
      else {
        setFlagsFromString('--expose-gc');
        gc = runInNewContext('gc') as () => void;
      }
    } catch {
      gc = null;
    }
  }
  gc?.();
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
