#!/usr/bin/env node
// V8's compiled code for the CLI kept between runs (Node's own cache, in the system's temporary
// folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off): a plan's first request goes out ~60 ms sooner.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/bundle/main.js');

process.exitCode = await main(process.argv);
if (process.env.ASSISTANTS_DEPLOY_TIMINGS) {
  const c = process.threadCpuUsage();
  process.stderr.write(`timing: end ${performance.now().toFixed(0)} ms [cpu ${((c.user + c.system) / 1000).toFixed(0)} ms]\n`);
}
