/**
 * `assistants-deploy emulator`: run the local OpenAI-compatible API server until SIGINT/SIGTERM.
 * Prints `emulator listening on http://HOST:PORT/v1` (stdout) once it accepts connections.
 *
 * `emulator [options] -- COMMAND [ARGS…]` runs COMMAND instead of waiting (as `firebase
 * emulators:exec` does): OPENAI_BASE_URL and OPENAI_API_KEY in its environment point at the
 * emulator, its stdio is the terminal's, Ctrl-C and SIGTERM reach it, and when it ends the emulator
 * stops and the exit code is the command's (128 + signal number when a signal ended it). Nothing is
 * left running, so scripts and the README's quickstart need no `kill`. The listening line goes to
 * stderr then: stdout is the command's.
 *
 * `--foundry [--project NAME]` plays a Microsoft Foundry project instead (src/emulator/README.md):
 * the listening line names the project endpoint (`http://HOST:PORT/api/projects/NAME`), and a
 * command gets AZURE_AI_PROJECT_ENDPOINT and AZURE_AI_PROJECT_TOKEN instead of the OpenAI variables
 * (which are taken out of its environment). `--tls-cert`/`--tls-key` serve https.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { UserError } from '../../errors.js';
import { parseFaults, serveEmulator, type EmulatorOptions } from '../../targets/local.js';

function intOption(name: string, value: unknown, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${name} must be an integer >= ${min}, got "${String(value)}"`);
  return n;
}

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  const command = args;
  const options: EmulatorOptions = {
    port: intOption('port', opts.port ?? (command.length > 0 ? 0 : 8787), 0),
    host: typeof opts.host === 'string' ? opts.host : '127.0.0.1',
    assistantsApi: opts.assistantsApi !== false,
    indexingDelayMs: intOption('indexing-delay', opts.indexingDelay ?? 200, 0),
    quiet: Boolean(opts.quiet),
  };
  if (typeof opts.data === 'string') options.dataDir = opts.data;
  foundryOptions(opts, options);
  if (typeof opts.apiKey === 'string') options.apiKey = opts.apiKey;
  if (typeof opts.models === 'string') {
    const ids = opts.models.split(',').map((m) => m.trim()).filter(Boolean);
    if (ids.length === 0) throw new UserError('--models needs at least one model id', 'for example --models ft:gpt-4o-mini:acme::abc123,gpt-6');
    options.models = ids;
  }
  if (typeof opts.faults === 'string') options.faults = await parseFaults(opts.faults);
  if (opts.rateLimits !== undefined && opts.rateLimits !== false) {
    const scale = opts.rateLimits === true ? 1 : Number(opts.rateLimits);
    if (!Number.isFinite(scale) || scale <= 0) throw new UserError(`--rate-limits scale must be a number > 0, got "${String(opts.rateLimits)}"`);
    options.rateLimits = { timeScale: scale };
  }
  const emu = await serveEmulator(options);
  const shown = emu.projectEndpoint ?? emu.url;
  if (command.length > 0) {
    if (!options.quiet) process.stderr.write(`emulator listening on ${shown}; running ${command.join(' ')}\n`);
    const key = typeof opts.apiKey === 'string' ? opts.apiKey : 'emulator';
    const env = emu.projectEndpoint
      ? { AZURE_AI_PROJECT_ENDPOINT: emu.projectEndpoint, AZURE_AI_PROJECT_TOKEN: key, OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined }
      : { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: key };
    try {
      return await runCommand(command, env);
    } finally {
      await emu.close();
    }
  }
  process.stdout.write(`emulator listening on ${shown}\n`);
  if (!options.quiet) {
    const notes = [
      options.foundry ? `Foundry project ${options.foundry.project}, OpenAI-compatible surface at ${emu.url}` : undefined,
      options.dataDir ? `data in ${options.dataDir}` : 'in memory',
      options.assistantsApi === false ? 'Assistants API not served' : undefined,
      options.faults ? 'faults on' : undefined,
      options.rateLimits ? 'rate limits on' : undefined,
    ].filter(Boolean);
    process.stderr.write(`(${notes.join(', ')}; Ctrl-C to stop)\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emu.close();
  return 0;
}

/** `--foundry`, `--project`, `--tls-cert`, `--tls-key`. */
function foundryOptions(opts: Record<string, unknown>, options: EmulatorOptions): void {
  if (opts.foundry === true) options.foundry = { project: String(opts.project ?? 'local-project') };
  else if (typeof opts.project === 'string' && opts.project !== 'local-project') throw new UserError('--project needs --foundry', 'for example --foundry --project my-project');
  if (options.foundry && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(options.foundry.project)) {
    throw new UserError(`--project must be 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit, got "${options.foundry.project}"`);
  }
  const cert = opts.tlsCert;
  const key = opts.tlsKey;
  if ((typeof cert === 'string') !== (typeof key === 'string')) throw new UserError('--tls-cert and --tls-key go together');
  if (typeof cert === 'string' && typeof key === 'string') {
    try {
      options.tls = { cert: readFileSync(cert), key: readFileSync(key) };
    } catch (error) {
      throw new UserError(`cannot read the TLS certificate or key: ${(error as Error).message}`);
    }
  }
}

/** Runs the command against the emulator; resolves with its exit code (128 + signal when killed). */
function runCommand(command: string[], vars: Record<string, string | undefined>): Promise<number> {
  const [file, ...rest] = command as [string, ...string[]];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(file, rest, { stdio: 'inherit', env });
  // the terminal's Ctrl-C reaches the child by itself (same process group); a SIGTERM sent to us alone is passed on
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise<number>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      if (error.code === 'ENOENT') reject(new UserError(`cannot run ${JSON.stringify(file)}: no such command`, 'check the command after --, or give its path'));
      else if (error.code === 'EACCES') reject(new UserError(`cannot run ${JSON.stringify(file)}: permission denied`));
      else reject(error);
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
  function cleanup(): void {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
