#!/usr/bin/env node
import { main } from '../dist/bundle/main.js';

process.exitCode = await main(process.argv);
if (process.env.ASSISTANTS_DEPLOY_TIMINGS) process.stderr.write(`timing: end ${performance.now().toFixed(0)} ms\n`);
