#!/usr/bin/env node
import { main } from '../dist/bundle/main.js';

process.exitCode = await main(process.argv);
if (process.env.ASSISTANTS_DEPLOY_TIMINGS) {
  const c = process.threadCpuUsage();
  process.stderr.write(`timing: end ${performance.now().toFixed(0)} ms [cpu ${((c.user + c.system) / 1000).toFixed(0)} ms]\n`);
}
