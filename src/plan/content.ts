/**
 * The plan's content: which local files are uploaded already (found by the content hash in the
 * upload's name, src/ownership/upload-name.ts), which must be uploaded (one upload per content,
 * named as protected when a protected file set holds it), and, once every resource is planned,
 * which of the deployment's uploads nothing keeps any more (the file deletions).
 */
import { protectedContent } from '../kinds/index.js';
import type { DesiredFileSet, LiveAssistant, LiveFile, LocalFile, Ref } from '../kinds/index.js';
import { parseUploadName, uploadContent, uploadName } from '../ownership/index.js';
import type { Live } from '../targets/live.js';
import type { FileDeletion, ResourceChange, Upload } from './types.js';

export class Content {
  /** Content of a protected file set: every use of it shares the protected upload. */
  readonly protectedShas: Set<string>;
  /** Upload ids something of the deployment keeps (attached and staying, or referred to). */
  readonly kept = new Set<string>();
  readonly uploads = new Map<string, Upload>();
  private readonly existing = new Map<string, string>();
  private readonly liveBySha16 = new Map<string, LiveFile[]>();
  /** The live uploads named `adp~` (src/ownership/upload-name.ts), each name parsed once. */
  private readonly protectedIds = new Set<string>();
  private attached: Set<string> | undefined;

  constructor(
    private readonly deployment: string,
    fileSets: readonly DesiredFileSet[],
    private readonly live: Live,
  ) {
    this.protectedShas = protectedContent({ fileSets });
    for (const f of live.files) {
      const n = uploadContent(f.filename);
      if (!n) continue;
      if (n.protected) this.protectedIds.add(f.id);
      const same = this.liveBySha16.get(n.sha16);
      if (same) same.push(f);
      else this.liveBySha16.set(n.sha16, [f]);
    }
  }

  /**
   * Uploads attached to a store or an assistant of the deployment before the plan: gathered when
   * first needed (a content uploaded twice, a deletion), which a plan with nothing to do never is.
   */
  private get attachedIds(): Set<string> {
    if (!this.attached) {
      this.attached = new Set<string>();
      for (const v of this.live.vectorStores) for (const f of v.files ?? []) this.attached.add(f.id);
      for (const a of this.live.assistants) for (const id of a.tool_resources?.code_interpreter?.file_ids ?? []) this.attached.add(id);
    }
    return this.attached;
  }

  private protectedUpload(c: LiveFile): boolean {
    return this.protectedIds.size > 0 && this.protectedIds.has(c.id);
  }

  /** The first live upload of this content (and protection) attached to something, else the first one. */
  private existingFor(f: LocalFile): LiveFile | undefined {
    const same = this.liveBySha16.get(f.sha256!.slice(0, 16));
    if (same === undefined) return undefined;
    const wantProtected = this.protectedShas.size > 0 && this.protectedShas.has(f.sha256!);
    // one upload of this content (the usual case): whether it is attached changes nothing
    if (same.length === 1) {
      const c = same[0]!;
      return c.bytes === f.size && this.protectedUpload(c) === wantProtected ? c : undefined;
    }
    let first: LiveFile | undefined;
    for (const c of same) {
      if (c.bytes !== f.size || this.protectedUpload(c) !== wantProtected) continue;
      if (this.attachedIds.has(c.id)) return c;
      first ??= c;
    }
    return first;
  }

  /** The upload's id when the content is there, else a reference to the upload the plan makes. */
  ref(f: LocalFile): string | Ref {
    const sha = f.sha256!;
    const found = this.existingFor(f);
    if (found) {
      this.existing.set(sha, found.id);
      return found.id;
    }
    if (!this.uploads.has(sha)) this.uploads.set(sha, { sha256: sha, path: f.path, size: f.size, filename: uploadName(this.deployment, sha, f.path, { protect: this.protectedShas.has(sha) }) });
    return { $ref: `file:${sha}` };
  }

  /** `ref`, and what it names is kept. */
  keep(f: LocalFile): string | Ref {
    const r = this.ref(f);
    if (typeof r === 'string') this.kept.add(r);
    return r;
  }

  /** The uploads, by path. */
  sortedUploads(): Upload[] {
    return [...this.uploads.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** The existing content the plan's attaches refer to (sha256 -> file id), in order. */
  referenced(changes: readonly ResourceChange[]): Record<string, string> {
    const used = new Set<string>();
    for (const c of changes) for (const a of c.files?.attach ?? []) if (this.existing.has(a.sha256)) used.add(a.sha256);
    return Object.fromEntries([...used].sort().map((sha) => [sha, this.existing.get(sha)!]));
  }

  /**
   * The deployment's uploads nothing keeps once the plan is applied, by name. A protected upload
   * goes only when the manifest names its content in a file set with protect: false (that apply
   * moves every use to an unprotected copy first); otherwise apply and destroy refuse to delete it,
   * whether its file set was changed, emptied or removed.
   */
  deletions(live: Live, keptByAssistants: ReadonlySet<string>, fileSets: readonly DesiredFileSet[]): FileDeletion[] {
    const unprotecting = new Set<string>();
    for (const fs of fileSets) {
      if (fs.protect) continue;
      for (const f of fs.files) if (!this.protectedShas.has(f.sha256!)) unprotecting.add(`${f.sha256!.slice(0, 16)}\t${f.size}`);
    }
    const out: FileDeletion[] = [];
    // the kept ones (all of them in a plan with nothing to do) are left out before sorting by name
    const unkept = live.files.filter((f) => !this.kept.has(f.id) && !keptByAssistants.has(f.id));
    for (const f of unkept.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))) {
      const name = parseUploadName(f.filename)!;
      const protect = name.protected && !unprotecting.has(`${name.sha16}\t${f.bytes}`);
      const dupOfKept = (this.liveBySha16.get(name.sha16) ?? []).some((c) => c.id !== f.id && this.kept.has(c.id));
      const reason = name.protected && !protect ? 'unprotected' : dupOfKept ? 'duplicate' : this.attachedIds.has(f.id) ? 'unreferenced' : 'orphan';
      out.push({ file_id: f.id, filename: f.filename, reason, protect });
    }
    return out;
  }
}

/**
 * The code_interpreter uploads live assistants keep: those of assistants the plan leaves alone
 * (an updated one's come from the manifest, a deleted one's go); on a target without the
 * Assistants API, every live assistant's (the plan does not touch them).
 */
export function keptByAssistants(live: Live, changes: readonly ResourceChange[], deletions: readonly ResourceChange[]): Set<string> {
  const out = new Set<string>();
  const keep = (a: LiveAssistant) => {
    for (const id of a.tool_resources?.code_interpreter?.file_ids ?? []) out.add(id);
  };
  if (!live.assistantsApi) {
    live.assistants.forEach(keep);
    return out;
  }
  const updated = new Set(changes.filter((c) => c.type === 'assistant').map((c) => c.id));
  const deleted = new Set(deletions.map((d) => d.id));
  for (const a of live.assistants) if (!updated.has(a.id) && !deleted.has(a.id)) keep(a);
  return out;
}
