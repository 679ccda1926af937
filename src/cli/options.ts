/**
 * Flags shared by the commands that read a manifest, turned into loader options.
 */
import { UserError } from '../errors.js';
import type { LoadOptions } from '../manifest/load.js';
import type { CommandOptions } from './main.js';

export function parseVars(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (Array.isArray(list) ? list : []) as string[]) {
    const eq = item.indexOf('=');
    const name = eq > 0 ? item.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UserError(`--var ${JSON.stringify(item)}: write --var NAME=VALUE (NAME: letters, digits and _)`);
    }
    out[name] = item.slice(eq + 1);
  }
  return out;
}

export function loadOptions(opts: CommandOptions): LoadOptions {
  return {
    file: typeof opts.file === 'string' ? opts.file : 'assistants.yaml',
    cwd: process.cwd(),
    ...(typeof opts.env === 'string' ? { env: opts.env } : {}),
    vars: parseVars(opts.var),
    allowOutsideRoot: opts.allowOutsideRoot === true,
    // `test` keeps a check whose expected path left its store as that check's failure
    ...(opts.checksMode === 'report' ? { checks: 'report' as const } : {}),
  };
}
