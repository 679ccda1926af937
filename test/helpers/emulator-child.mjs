// Runs the `emulator` CLI command from a compiled build: node emulator-child.mjs BUILD_DIR 'OPTIONS_JSON'
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , buildDir, optionsJson] = process.argv;
const { run } = await import(pathToFileURL(path.join(buildDir, 'cli', 'commands', 'emulator.js')).href);
process.exitCode = await run([], JSON.parse(optionsJson ?? '{}'));
