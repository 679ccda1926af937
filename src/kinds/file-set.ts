/**
 * File sets and uploads: the content a manifest's file sets (code_interpreter) and vector stores
 * name is uploaded once per content hash, under a name that carries the ownership
 * (src/ownership/upload-name.ts), since files have no metadata. A file set has no live object of
 * its own: its protection lives in its uploads' names.
 */
import type { SourceLoc } from '../errors.js';
import type { LocalFile } from './values.js';

export interface DesiredFileSet {
  key: string;
  files: LocalFile[];
  protect: boolean;
  loc?: SourceLoc;
}

export interface LiveFile {
  id: string;
  filename: string;
  bytes: number;
  created_at: number;
  purpose: string;
}

/**
 * The content (SHA-256) of every file a file set with `protect: true` holds: uploaded under a
 * protected name (src/ownership/upload-name.ts), whichever store or file set uses it.
 */
export function protectedContent(d: { fileSets: readonly DesiredFileSet[] }): Set<string> {
  const out = new Set<string>();
  for (const fs of d.fileSets) {
    if (!fs.protect) continue;
    for (const f of fs.files) if (f.sha256) out.add(f.sha256);
  }
  return out;
}
