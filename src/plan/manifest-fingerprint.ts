/**
 * What a plan was made from, as a fingerprint: the resolved manifest (Desired) of each resource,
 * with the content hash and size of every file it names. A saved plan records it
 * (`manifest.fingerprint`); `apply PLANFILE` loads the manifest again and refuses the plan when the
 * fingerprint differs, naming the resources that differ (src/cli/commands/apply.ts).
 *
 * Resolved, not raw: comments, key order, formatting and which file of a folder holds a block do
 * not count; a changed value, an instruction or schema file's text, a file added to or removed from
 * a glob's matches, a content file's bytes, `--var` values and `${env:…}` values all do.
 */
import type { Desired, LocalFile } from '../manifest/desired.js';
import { canonical, sha256 } from '../canonical.js';

export interface ManifestFingerprint {
  /** SHA-256 over the deployment, the environment and every resource's hash. */
  sha256: string;
  /** Per resource (`assistant.<key>`, `vector_store.<key>`, `file_set.<key>`): a short hash. */
  resources: Record<string, string>;
}

const files = (list: LocalFile[]) => list.map((f) => [f.path, f.sha256 ?? null, f.size]);

export function manifestFingerprint(d: Desired): ManifestFingerprint {
  const resources: Record<string, string> = {};
  const put = (address: string, value: unknown) => {
    resources[address] = sha256(canonical(value)).slice(0, 16);
  };
  for (const v of d.vectorStores) {
    const { loc: _loc, files: list, ...rest } = v;
    put(`vector_store.${v.key}`, { ...rest, files: files(list) });
  }
  for (const f of d.fileSets) {
    const { loc: _loc, files: list, ...rest } = f;
    put(`file_set.${f.key}`, { ...rest, files: files(list) });
  }
  for (const a of d.assistants) {
    // where its tools are written is not what it is (like loc)
    const { loc: _loc, toolLocs: _toolLocs, ...rest } = a;
    put(`assistant.${a.key}`, rest);
  }
  const sorted = Object.fromEntries(Object.entries(resources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { sha256: sha256(canonical({ deployment: d.deployment, environment: d.environment ?? null, resources: sorted })), resources: sorted };
}

/** The addresses whose hash differs between two fingerprints (added, removed or changed), sorted. */
export function changedResources(before: ManifestFingerprint, now: ManifestFingerprint): { changed: string[]; added: string[]; removed: string[] } {
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const [a, h] of Object.entries(now.resources)) {
    if (!(a in before.resources)) added.push(a);
    else if (before.resources[a] !== h) changed.push(a);
  }
  for (const a of Object.keys(before.resources)) if (!(a in now.resources)) removed.push(a);
  return { changed: changed.sort(), added: added.sort(), removed: removed.sort() };
}
