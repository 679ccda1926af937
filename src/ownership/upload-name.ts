/**
 * Files have no metadata, so an uploaded file's name carries its ownership: the deployment and the
 * first 16 hex digits of its content's SHA-256, then the original base name:
 *   ad~<deployment>~<sha256[0:16]>~<basename>
 * A later run recognises its own uploads (to reuse content or clean up after a crash) from the name.
 *
 * The name is also where a file set's `protect: true` is recorded, since it is the only thing about
 * an upload that the tool writes and reads back: content of a protected file set is uploaded as
 *   adp~<deployment>~<sha256[0:16]>~<basename>
 * A plan never deletes such an upload, whatever the manifest has become, except in the apply whose
 * manifest names its content in a file set with `protect: false` (which uploads an `ad~` copy and
 * moves every reference to it first). A name cannot be changed, so setting or lifting the
 * protection costs one upload of each file. Versions before this one do not recognise `adp~`
 * names as their own, so they never delete them either.
 */

const SEPARATOR = '~';
const PREFIX = 'ad';
const PROTECTED_PREFIX = 'adp';

export interface OwnedFileName {
  deployment: string;
  sha16: string;
  basename: string;
  /** Named `adp~`: uploaded for a file set with `protect: true`. */
  protected: boolean;
}

export function uploadName(deployment: string, sha256: string, relativePath: string, options: { protect?: boolean } = {}): string {
  const basename = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  return [options.protect ? PROTECTED_PREFIX : PREFIX, deployment, sha256.slice(0, 16), basename].join(SEPARATOR);
}

const SHA16_AT = /[0-9a-f]{16}~/y;
const DEPLOYMENT_AT = /[a-z0-9][a-z0-9._-]*~/y;

/**
 * Where the separators of one of our upload names are (after the prefix, the deployment, the
 * content hash), or undefined when the name is not one of ours. Read for every upload of an
 * account: no split, no substring made to check a part.
 */
function separators(filename: string): [number, number, number] | undefined {
  const a = filename.indexOf(SEPARATOR);
  if (a === PREFIX.length ? !filename.startsWith(PREFIX) : a !== PROTECTED_PREFIX.length || !filename.startsWith(PROTECTED_PREFIX)) return undefined;
  DEPLOYMENT_AT.lastIndex = a + 1;
  if (!DEPLOYMENT_AT.test(filename)) return undefined;
  const b = DEPLOYMENT_AT.lastIndex - 1;
  SHA16_AT.lastIndex = b + 1;
  if (!SHA16_AT.test(filename)) return undefined;
  return [a, b, b + 17];
}

/** The parts of an upload's name, or undefined when the name is not one of ours. */
export function parseUploadName(filename: string): OwnedFileName | undefined {
  const at = separators(filename);
  if (!at) return undefined;
  const [a, b, c] = at;
  return { deployment: filename.slice(a + 1, b), sha16: filename.slice(b + 1, c), basename: filename.slice(c + 1), protected: a === PROTECTED_PREFIX.length };
}

/** parseUploadName's sha16 and protection alone (the plan reads them for each of 100,000 uploads). */
export function uploadContent(filename: string): { sha16: string; protected: boolean } | undefined {
  const at = separators(filename);
  return at ? { sha16: filename.slice(at[1] + 1, at[2]), protected: at[0] === PROTECTED_PREFIX.length } : undefined;
}
