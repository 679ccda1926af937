/**
 * Files have no metadata, so an uploaded file's name carries its ownership: the deployment and the
 * first 16 hex digits of its content's SHA-256, then the original base name:
 *   ad~<deployment>~<sha256[0:16]>~<basename>
 * A later run recognises its own uploads (to reuse content or clean up after a crash) from the name.
 */

const SEPARATOR = '~';
const PREFIX = 'ad';

export interface OwnedFileName {
  deployment: string;
  sha16: string;
  basename: string;
}

export function uploadName(deployment: string, sha256: string, relativePath: string): string {
  const basename = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  return [PREFIX, deployment, sha256.slice(0, 16), basename].join(SEPARATOR);
}

export function parseUploadName(filename: string): OwnedFileName | undefined {
  const parts = filename.split(SEPARATOR);
  if (parts.length < 4 || parts[0] !== PREFIX) return undefined;
  const [, deployment, sha16] = parts as [string, string, string];
  if (!/^[0-9a-f]{16}$/.test(sha16) || !/^[a-z0-9][a-z0-9._-]*$/.test(deployment)) return undefined;
  return { deployment, sha16, basename: parts.slice(3).join(SEPARATOR) };
}
