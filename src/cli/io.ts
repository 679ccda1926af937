/**
 * The terminal: where output goes, whether it may be coloured or interactive.
 * Only src/cli uses this module.
 */
export interface GlobalFlags {
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export interface Io {
  /** stdout is a terminal, no CI: prompts and live progress are allowed. */
  interactive: boolean;
  color: boolean;
  quiet: boolean;
  verbose: boolean;
  /** Machine-readable or primary output (plans, JSON): stdout. */
  out(text: string): void;
  /** Progress and notes for people: stderr, silenced by --quiet. */
  info(text: string): void;
  /** Details shown only with --verbose: stderr. */
  debug(text: string): void;
  /** Errors and warnings: stderr, always. */
  err(text: string): void;
}

/**
 * Last line of defence for secrets in anything printed: the API key's value, and the credentials
 * of a URL (user:password@), are replaced wherever they would appear.
 */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(:[^\s/@]*)?@/gi, '$1***@');
  for (const name of ['OPENAI_API_KEY', 'OPENAI_ADMIN_KEY', 'AZURE_AI_PROJECT_TOKEN']) {
    const secret = env[name]?.trim();
    if (secret && secret.length >= 8) out = out.split(secret).join(`[${name}]`);
  }
  return out;
}

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export function createIo(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): Io {
  const tty = Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY);
  const interactive = tty && !isCi(env);
  const noColorEnv = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const color = interactive && flags.color !== false && !noColorEnv && env.TERM !== 'dumb';
  const quiet = Boolean(flags.quiet);
  const verbose = Boolean(flags.verbose) && !quiet;
  const write = (stream: NodeJS.WriteStream, text: string) => {
    const safe = redact(text, env);
    stream.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  };
  return {
    interactive,
    color,
    quiet,
    verbose,
    out: (text) => write(process.stdout, text),
    info: (text) => {
      if (!quiet) write(process.stderr, text);
    },
    debug: (text) => {
      if (verbose) write(process.stderr, text);
    },
    err: (text) => write(process.stderr, text),
  };
}
