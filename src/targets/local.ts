/**
 * The local target: the embedded emulator (src/emulator), loaded only when it is used, so no other
 * command pays for loading it. `startLocal` serves the account in `.assistants-deploy/local/` to
 * the tool itself (`--target local`); `serveEmulator` is the `emulator` command's server. Either
 * locks its data folder, so two processes never serve one account at once.
 */
import path from 'node:path';
import { UserError } from '../errors.js';

export type EmulatorOptions = NonNullable<Parameters<(typeof import('../emulator/index.js'))['startEmulator']>[0]>;
export type FaultSpec = NonNullable<EmulatorOptions['faults']>;

export const LOCAL_DIR = path.join('.assistants-deploy', 'local');
/** The local Foundry project's data (`--target local-foundry`), apart from the local OpenAI account's. */
export const LOCAL_FOUNDRY_DIR = path.join('.assistants-deploy', 'local-foundry');
/** The project the local Foundry target serves. */
export const LOCAL_FOUNDRY_PROJECT = 'local';

/**
 * Models the local target serves beyond the emulator's catalogue (fine-tunes, newer models):
 * `ASSISTANTS_DEPLOY_LOCAL_MODELS=ft:gpt-4o-mini:acme::x1,my-model`, comma- or space-separated.
 */
export function localModels(env: NodeJS.ProcessEnv): string[] {
  return (env.ASSISTANTS_DEPLOY_LOCAL_MODELS ?? '').split(/[\s,]+/).filter(Boolean);
}

/** Locks a data folder; `busy` words the refusal when another process holds it. */
async function lock(dir: string, busy: (pid: number) => UserError): Promise<() => void> {
  const { lockDataDir, DataDirBusy } = await import('../emulator/lock.js');
  try {
    return lockDataDir(dir);
  } catch (error) {
    if (error instanceof DataDirBusy) throw busy(error.pid);
    throw error;
  }
}

/**
 * The emulator serving the local account of `cwd`, for the tool's own requests; with `foundry`, the
 * local Foundry project (its own data folder), whose endpoint is then `projectEndpoint`.
 */
export async function startLocal(cwd: string, env: NodeJS.ProcessEnv, foundry = false): Promise<{ url: string; dir: string; projectEndpoint?: string; close(): Promise<void> }> {
  const dir = path.resolve(cwd, foundry ? LOCAL_FOUNDRY_DIR : LOCAL_DIR);
  const flag = foundry ? ` --foundry --project ${LOCAL_FOUNDRY_PROJECT}` : '';
  const pointAt = foundry
    ? `AZURE_AI_PROJECT_ENDPOINT=http://127.0.0.1:8787/api/projects/${LOCAL_FOUNDRY_PROJECT} AZURE_AI_PROJECT_TOKEN=local with --target foundry`
    : 'OPENAI_BASE_URL=http://127.0.0.1:8787/v1 OPENAI_API_KEY=local';
  const unlock = await lock(
    dir,
    (pid) =>
      new UserError(
        `the local target (${dir}) is in use by another process (pid ${pid})`,
        `if it is \`assistants-deploy emulator --data ${foundry ? LOCAL_FOUNDRY_DIR : LOCAL_DIR}${flag}\`, point the tool at it instead: ${pointAt}`,
      ),
  );
  try {
    const { startEmulator } = await import('../emulator/index.js');
    const emulator = await startEmulator({ dataDir: dir, indexingDelayMs: 0, quiet: true, models: localModels(env), ...(foundry ? { foundry: { project: LOCAL_FOUNDRY_PROJECT } } : {}) });
    return {
      url: emulator.url,
      dir,
      ...(emulator.projectEndpoint ? { projectEndpoint: emulator.projectEndpoint } : {}),
      close: async () => {
        await emulator.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** The `--faults` grammar (src/emulator/README.md), read by the emulator. */
export async function parseFaults(spec: string): Promise<FaultSpec> {
  const { parseFaultSpec } = await import('../emulator/index.js');
  try {
    return parseFaultSpec(spec);
  } catch (e) {
    throw new UserError((e as Error).message, 'see src/emulator/README.md for the --faults grammar');
  }
}

/** The `emulator` command's server: its data folder locked, the errors of listening said plainly. */
export async function serveEmulator(options: EmulatorOptions): Promise<{ url: string; projectEndpoint?: string; close(): Promise<void> }> {
  const unlock = options.dataDir
    ? await lock(options.dataDir, (pid) => new UserError(`${options.dataDir} is in use by another process (pid ${pid})`, 'stop it first, or serve another --data folder'))
    : () => {};
  try {
    const { startEmulator } = await import('../emulator/index.js');
    const emu = await startEmulator(options);
    return {
      url: emu.url,
      ...(emu.projectEndpoint ? { projectEndpoint: emu.projectEndpoint } : {}),
      close: async () => {
        await emu.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${String(options.port)} on ${String(options.host)} is already in use`, 'pass another --port (or --port 0 for any free one)');
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${String(options.host)}:${String(options.port)} (${code})`);
    if (options.tls && /^ERR_OSSL|^ERR_SSL/.test(String(code))) throw new UserError(`--tls-cert / --tls-key: ${(error as Error).message}`, 'give a PEM certificate and its PEM private key');
    throw error;
  }
}
