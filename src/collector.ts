/**
 * V8's full garbage collection, reached through its own flag set at run time (no command line
 * needs --expose-gc); where that is refused, nothing. Used by the CLI between phases
 * (cli/memory.ts) and by the stat worker after a big job (manifest/stat-worker.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

export function fullCollection(): void {
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
