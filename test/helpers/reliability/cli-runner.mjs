/**
 * A long-lived child process that runs the built CLI in-process, once per message, the way
 * bin/assistants-deploy.js does (`process.exitCode = await main(process.argv)`): the same compiled
 * entry (the module bin/assistants-deploy.js imports), the same argv, the same exit-code logic, with stdout and stderr captured
 * and the working directory set per run. The parent (test/helpers/reliability/runner.ts) kills and
 * replaces it when a run does not answer in time, so even a synchronous hang is caught.
 *
 * Message in:  { id, args: string[], cwd: string }
 * Message out: { id, code: number, stdout, stderr, ms, threw?: string }
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// import exactly the module the bin imports (dist/cli/main.js, or a bundle of it), statically or with await import()
const BIN_URL = new URL('../../../bin/assistants-deploy.js', import.meta.url);
const BIN = fileURLToPath(BIN_URL);
const entry = /(?:import\s*\{\s*main\s*\}\s*from|\{\s*main\s*\}\s*=\s*await\s+import\()\s*['"]([^'"]+)['"]/.exec(readFileSync(BIN, 'utf8'));
if (!entry) throw new Error(`cannot find the entry module in ${BIN}`);
const { main } = await import(new URL(entry[1], BIN_URL).href);
const home = process.cwd();
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);

function capture() {
  let out = '';
  let err = '';
  const sink = (append) =>
    function write(chunk, encoding, callback) {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (typeof cb === 'function') queueMicrotask(() => cb());
      return true;
    };
  process.stdout.write = sink((s) => (out += s));
  process.stderr.write = sink((s) => (err += s));
  return () => {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    return { stdout: out, stderr: err };
  };
}

const protoKeys = () => [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) => Object.getOwnPropertyNames(p).join(',')).join('|');
const pristineProto = protoKeys();

let queue = Promise.resolve();
process.on('message', (msg) => {
  queue = queue.then(() => runOne(msg));
});

async function runOne({ id, args, cwd }) {
  const listeners = new Set(process.listeners('unhandledRejection'));
  process.exitCode = undefined;
  process.chdir(cwd);
  const restore = capture();
  const started = performance.now();
  let code;
  let threw;
  try {
    code = await main(['node', BIN, ...args]);
  } catch (error) {
    threw = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
    code = -2;
  }
  const ms = performance.now() - started;
  const { stdout, stderr } = restore();
  process.chdir(home);
  process.exitCode = undefined;
  // main() installs an unhandledRejection handler per call; a process runs main() once, so drop it
  for (const l of process.listeners('unhandledRejection')) if (!listeners.has(l)) process.off('unhandledRejection', l);
  // a manifest must never reach the prototypes of built-in objects (prototype pollution)
  const polluted = protoKeys() !== pristineProto ? 'Object/Array/Function/String.prototype gained keys during this run' : undefined;
  process.send({ id, code, stdout, stderr, ms, ...(threw ? { threw } : {}), ...(polluted ? { polluted } : {}) });
  if (polluted) process.exit(3);
}

process.send({ ready: true });
