/**
 * Errors the program expects (bad input, refused plans, API failures) versus bugs.
 * Only src/cli turns these into output and exit codes.
 */

/** A position in a source file, 1-based line and column. */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

/** One thing wrong with the input, located where possible. */
export interface Problem {
  message: string;
  /** JSON path into the merged manifest, for example `assistants.support.tools[1].function.name`. */
  path?: string;
  loc?: SourceLoc;
}

/** An error the user can fix: printed without a stack trace, exit code 1. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** One or more problems in the manifest or the files it names. */
export class ManifestError extends UserError {
  constructor(readonly problems: Problem[]) {
    super(problems.length === 1 ? formatProblem(problems[0]!) : `${problems.length} problems in the manifest`);
    this.name = 'ManifestError';
  }
}

/** A failed API call, keeping what the API said about it. */
export class ApiError extends UserError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | null | undefined,
    readonly requestId: string | null | undefined,
    hint?: string,
  ) {
    super(message, hint);
    this.name = 'ApiError';
  }
}

export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** `file:line:col: path: message`, leaving out the parts a problem does not have. */
export function formatProblem(p: Problem): string {
  const where = p.loc ? `${formatLoc(p.loc)}: ` : '';
  const path = p.path ? `${p.path}: ` : '';
  return `${where}${path}${p.message}`;
}
