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

const SHA16 = /^[0-9a-f]{16}$/;
const DEPLOYMENT = /^[a-z0-9][a-z0-9._-]*$/;

/** The parts of an upload's name, or undefined when the name is not one of ours (read for every upload of an account: no split). */
export function parseUploadName(filename: string): OwnedFileName | undefined {
  const a = filename.indexOf(SEPARATOR);
  const prefix = a === PREFIX.length || a === PROTECTED_PREFIX.length ? filename.slice(0, a) : undefined;
  if (prefix !== PREFIX && prefix !== PROTECTED_PREFIX) return undefined;
  const b = filename.indexOf(SEPARATOR, a + 1);
  const c = b < 0 ? -1 : filename.indexOf(SEPARATOR, b + 1);
  if (c < 0) return undefined;
  const deployment = filename.slice(a + 1, b);
  const sha16 = filename.slice(b + 1, c);
  if (!SHA16.test(sha16) || !DEPLOYMENT.test(deployment)) return undefined;
  return { deployment, sha16, basename: filename.slice(c + 1), protected: prefix === PROTECTED_PREFIX };
}
