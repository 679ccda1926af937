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

export function parseUploadName(filename: string): OwnedFileName | undefined {
  const parts = filename.split(SEPARATOR);
  if (parts.length < 4 || (parts[0] !== PREFIX && parts[0] !== PROTECTED_PREFIX)) return undefined;
  const [, deployment, sha16] = parts as [string, string, string];
  if (!/^[0-9a-f]{16}$/.test(sha16) || !/^[a-z0-9][a-z0-9._-]*$/.test(deployment)) return undefined;
  return { deployment, sha16, basename: parts.slice(3).join(SEPARATOR), protected: parts[0] === PROTECTED_PREFIX };
}
