/**
 * diff(Desired, Live) -> Plan. A pure function: the same inputs give the same plan.
 * Resources are matched by their ownership tags, fields compared in canonical form (normalize.ts),
 * and each difference labelled by its cause using the fingerprint the last apply recorded.
 */
import { createHash } from 'node:crypto';
import { canonical, chunkKey, equal, flatKey, shortHash } from '../canonical.js';
import {
  ASSISTANT_FIELDS,
  assistantBody,
  desiredAssistantSpec,
  desiredVectorStoreSpec,
  liveAssistantSpec,
  liveVectorStoreSpec,
  protectedContent,
  VECTOR_STORE_CREATE_ONLY,
  VECTOR_STORE_FIELDS,
  vectorStoreBody,
} from '../kinds/index.js';
import type { AssistantBody, AssistantSpec, DesiredAssistant, DesiredVectorStore, LiveAssistant, LiveFile, LiveVectorStore, LocalFile, RefResolver, VectorStoreSpec } from '../kinds/index.js';
import type { Desired } from '../manifest/desired.js';
import { decodeResourceTag, parseUploadName, TAG_RESOURCE, uploadName } from '../ownership/index.js';
import type { ResourceTag } from '../ownership/index.js';
import type { ForeignHolding, ForeignUse, Live } from '../targets/live.js';
import { diffPaths } from './field-diff.js';
import { allNew, diffStoreFiles, wantedFiles } from './files-diff.js';
import { shutdownOf, type DeprecationTable } from './deprecations.js';
import { PLAN_FORMAT_VERSION } from './types.js';
import type { Cause, Conflict, FieldChange, FileDeletion, Plan, PlanError, PlanSummary, Ref, ResourceChange, Upload, VectorStoreFiles } from './types.js';

export interface DiffOptions {
  toolVersion: string;
  createdAt: string;
  target: { base_url: string; local: boolean };
  /** Manifest root relative to the working folder, as recorded in the plan. */
  manifestRoot: string;
  /** Announced model shutdowns (models/deprecations.json): a manifest model found there is warned about. */
  deprecations?: DeprecationTable;
}

export const placeholder = (address: string) => `(known after apply: ${address})`;

interface Matched<L> {
  live: L;
  tag: ResourceTag;
}

/** Groups owned resources by key; the oldest of several with one key is kept, the rest are duplicates. */
function matchByKey<L extends { id: string; created_at: number; metadata: Record<string, string> }>(
  items: L[],
  fields: readonly string[],
): { byKey: Map<string, Matched<L>>; duplicates: Matched<L>[]; untagged: L[] } {
  const byKey = new Map<string, Matched<L>>();
  const duplicates: Matched<L>[] = [];
  const untagged: L[] = [];
  const sorted = [...items].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
  for (const live of sorted) {
    const tag = decodeResourceTag(live.metadata[TAG_RESOURCE], fields);
    if (!tag) untagged.push(live);
    else if (byKey.has(tag.key)) duplicates.push({ live, tag });
    else byKey.set(tag.key, { live, tag });
  }
  return { byKey, duplicates, untagged };
}

/** Why a field differs, from the hash the last apply recorded for it. */
function causeOf(tag: ResourceTag, field: string, desiredValue: unknown, liveValue: unknown): Cause {
  const recorded = tag.recorded.get(field);
  if (recorded === undefined) return 'unknown';
  const liveMoved = shortHash(liveValue) !== recorded;
  const manifestMoved = shortHash(desiredValue) !== recorded;
  if (liveMoved && manifestMoved) return 'manifest_and_drift';
  if (liveMoved) return 'drift';
  return 'manifest';
}

function fieldChanges<S extends object>(
  desired: S,
  live: S,
  fields: readonly (keyof S & string)[],
  tag: ResourceTag,
  createOnly: ReadonlySet<string> = new Set(),
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const d = desired[field];
    const l = live[field];
    if (l === undefined) {
      // the target does not return this field: only the recorded fingerprint can tell a change
      const recorded = tag.recorded.get(field);
      if (recorded === undefined || recorded === shortHash(d)) continue;
      out.push({ field, path: field, before: '(not readable; changed since the last apply)', after: d ?? null, cause: 'manifest', ...(createOnly.has(field) ? { forces_replacement: true } : {}) });
      continue;
    }
    if (equal(d, l)) continue;
    const cause = causeOf(tag, field, d, l);
    for (const p of diffPaths(l ?? null, d ?? null, field)) {
      out.push({ field, path: p.path, before: p.before, after: p.after, cause, ...(createOnly.has(field) ? { forces_replacement: true } : {}) });
    }
  }
  return out;
}

export function liveFingerprint(live: Live): string {
  // streamed into the hash, file by file: a store of 100,000 files is never one big string
  const hash = createHash('sha256');
  const put = (v: unknown) => hash.update(`${canonical(v)}\n`);
  const byId = <T extends { id: string }>(list: readonly T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  put({ assistants_api: live.assistantsApi });
  for (const v of byId(live.vectorStores)) {
    put({ id: v.id, spec: liveVectorStoreSpec(v), tag: v.metadata[TAG_RESOURCE] ?? null });
    for (const f of byId(v.files ?? [])) {
      const failed = f.status === 'failed' || f.status === 'cancelled' ? 1 : 0;
      hash.update(`${f.id}\t${flatKey(f.attributes)}\t${chunkKey(f.chunking_strategy)}\t${failed}\n`);
    }
  }
  for (const a of byId(live.assistants)) put({ id: a.id, spec: liveAssistantSpec(a), tag: a.metadata[TAG_RESOURCE] ?? null });
  for (const f of byId(live.files)) hash.update(`${f.id}\t${f.filename}\n`);
  // who outside the deployment uses its resources: a saved plan that would now harm one is stale
  for (const u of [...(live.foreignUses ?? [])].sort((a, b) => (a.assistant_id < b.assistant_id ? -1 : 1))) put({ foreign: u });
  // and which stores it does not own hold the uploads the plan deletes (src/targets/foreign.ts)
  for (const h of [...(live.foreignHoldings ?? [])].sort((a, b) => (a.vector_store_id < b.vector_store_id ? -1 : 1))) put({ held: h });
  return hash.digest('hex');
}

export function diff(desired: Desired, live: Live, options: DiffOptions): Plan {
  const changes: ResourceChange[] = [];
  const deletions: ResourceChange[] = [];
  const warnings: string[] = [];

  // --- content: which local files are already uploaded (by hash in the file name) ---
  // content of a protected file set lives in uploads named as protected (src/ownership/upload-name.ts), and
  // every use of that content shares them; other content uses unprotected uploads
  const protectedShas = protectedContent(desired);
  const isProtectedUpload = (f: LiveFile) => parseUploadName(f.filename)?.protected === true;
  const liveBySha16 = new Map<string, LiveFile[]>();
  for (const f of live.files) {
    const n = parseUploadName(f.filename);
    if (!n) continue;
    const same = liveBySha16.get(n.sha16);
    if (same) same.push(f);
    else liveBySha16.set(n.sha16, [f]);
  }
  const attachedIds = new Set<string>();
  for (const v of live.vectorStores) for (const f of v.files ?? []) attachedIds.add(f.id);
  for (const a of live.assistants) for (const id of a.tool_resources?.code_interpreter?.file_ids ?? []) attachedIds.add(id);
  const existingFor = (f: LocalFile): LiveFile | undefined => {
    const wantProtected = protectedShas.has(f.sha256!);
    const candidates = (liveBySha16.get(f.sha256!.slice(0, 16)) ?? []).filter((c) => c.bytes === f.size && isProtectedUpload(c) === wantProtected);
    return candidates.find((c) => attachedIds.has(c.id)) ?? candidates[0];
  };
  const uploads = new Map<string, Upload>();
  const existing_files = new Map<string, string>();
  const fileRef = (f: LocalFile): string | Ref => {
    const sha = f.sha256!;
    const found = existingFor(f);
    if (found) {
      existing_files.set(sha, found.id);
      return found.id;
    }
    if (!uploads.has(sha)) uploads.set(sha, { sha256: sha, path: f.path, size: f.size, filename: uploadName(desired.deployment, sha, f.path, { protect: protectedShas.has(sha) }) });
    return { $ref: `file:${sha}` };
  };

  // --- vector stores ---
  const stores = matchByKey(live.vectorStores, VECTOR_STORE_FIELDS);
  const storeIds = new Map<string, string | Ref>();
  const keptFileIds = new Set<string>();
  for (const d of desired.vectorStores) {
    const address = `vector_store.${d.key}`;
    const { wanted, duplicates, settings } = wantedFiles(d);
    for (const dup of duplicates) warnings.push(`${address}: ${dup.path} has the same content as ${dup.same_as}; the store holds it once`);
    const spec = desiredVectorStoreSpec(d);
    const matched = stores.byKey.get(d.key);
    for (const w of wanted) {
      const r = fileRef(w.file);
      if (typeof r === 'string') keptFileIds.add(r);
    }
    if (!matched) {
      storeIds.set(d.key, { $ref: address });
      changes.push(storeChange(d, null, ['create'], 'create_because_missing', [], spec, allNew(wanted, duplicates, settings)));
      continue;
    }
    const liveSpec = liveVectorStoreSpec(matched.live);
    const fields = [...fieldChanges(spec, liveSpec as VectorStoreSpec, VECTOR_STORE_FIELDS, matched.tag, VECTOR_STORE_CREATE_ONLY), ...protectChange(d.protect, matched.tag)];
    const replace = fields.some((f) => f.forces_replacement);
    if (replace) {
      storeIds.set(d.key, { $ref: address });
      // protected when the manifest or the live resource says so: either refuses the replacement
      changes.push(storeChange(d, matched.live.id, ['create', 'delete'], 'replace_because_cannot_update', fields, spec, allNew(wanted, duplicates, settings), d.protect || matched.tag.protect));
      continue;
    }
    storeIds.set(d.key, matched.live.id);
    const files = diffStoreFiles(wanted, matched.live.files ?? [], duplicates, settings);
    for (const f of matched.live.files ?? []) {
      if (!files.detach.some((x) => x.file_id === f.id)) keptFileIds.add(f.id);
    }
    const filesChanged = files.attach.length + files.detach.length + files.update_attributes.length > 0;
    if (fields.length === 0 && !filesChanged) continue;
    const reason = fields.length === 0 ? 'update_because_files_changed' : fields.every((f) => f.cause === 'drift') ? 'update_because_drift' : 'update_because_manifest_changed';
    changes.push(storeChange(d, matched.live.id, ['update'], reason, fields, spec, files));
  }
  const desiredStoreKeys = new Set(desired.vectorStores.map((v) => v.key));
  const protectsStore = new Set(desired.vectorStores.filter((v) => v.protect).map((v) => v.key));
  for (const [key, m] of stores.byKey) {
    // the block is gone, but the resource still says it is protected: refused until an apply with protect: false
    if (!desiredStoreKeys.has(key)) deletions.push(deleteChange('vector_store', key, m.live.id, 'delete_because_no_resource_config', m.tag.protect));
  }
  // a second copy an interrupted create left under a key is protected by the manifest's block only
  for (const m of stores.duplicates) deletions.push(deleteChange('vector_store', m.tag.key, m.live.id, 'delete_because_duplicate', protectsStore.has(m.tag.key)));
  for (const v of stores.untagged) deletions.push(deleteChange('vector_store', v.name || v.id, v.id, 'delete_because_no_resource_config'));

  // --- file sets (code_interpreter files) ---
  const fileSetRefs = new Map<string, (string | Ref)[]>();
  for (const fs of desired.fileSets) {
    const refs = fs.files.map((f) => fileRef(f));
    for (const r of refs) if (typeof r === 'string') keptFileIds.add(r);
    fileSetRefs.set(fs.key, refs);
  }

  // --- assistants ---
  const not_deployable = [];
  // a model the target does not serve: nothing is sent for that assistant, the rest goes ahead
  const errors = modelErrors(desired, live);
  const refused = new Set(errors.map((e) => e.key));
  warnings.push(...shutdownWarnings(desired, live, options));
  const assistants = matchByKey(live.assistants, ASSISTANT_FIELDS);
  if (!live.assistantsApi) {
    for (const a of desired.assistants) {
      not_deployable.push({
        address: `assistant.${a.key}`,
        key: a.key,
        reason: 'not deployable on this target (Assistants API not served); run `assistants-deploy codegen python --api responses` to call it through the Responses API',
      });
    }
  } else {
    const show = (r: string | Ref) => (typeof r === 'string' ? r : placeholder(r.$ref.startsWith('file:') ? `file ${r.$ref.slice(5, 17)}` : r.$ref));
    const resolver: RefResolver = {
      vectorStore: (k) => show(storeIds.get(k) ?? { $ref: `vector_store.${k}` }),
      fileSet: (k) => (fileSetRefs.get(k) ?? []).map(show),
    };
    for (const d of desired.assistants) {
      if (refused.has(d.key)) continue;
      const spec = desiredAssistantSpec(d, resolver);
      const body = assistantBody(d, spec, {
        vs: (k) => storeIds.get(k) ?? { $ref: `vector_store.${k}` },
        files: (k) => fileSetRefs.get(k) ?? [],
      });
      const matched = assistants.byKey.get(d.key);
      if (!matched) {
        changes.push(assistantChange(d, null, ['create'], 'create_because_missing', [], body));
        continue;
      }
      const fields = [...fieldChanges(spec, liveAssistantSpec(matched.live), ASSISTANT_FIELDS, matched.tag), ...protectChange(d.protect, matched.tag)];
      if (fields.length === 0) continue;
      const reason = fields.every((f) => f.cause === 'drift') ? 'update_because_drift' : 'update_because_manifest_changed';
      changes.push(assistantChange(d, matched.live.id, ['update'], reason, fields, body));
    }
    const desiredKeys = new Set(desired.assistants.map((a) => a.key));
    const protectsAssistant = new Set(desired.assistants.filter((a) => a.protect).map((a) => a.key));
    for (const [key, m] of assistants.byKey) {
      if (!desiredKeys.has(key)) deletions.unshift(deleteChange('assistant', key, m.live.id, 'delete_because_no_resource_config', m.tag.protect));
    }
    for (const m of assistants.duplicates) deletions.unshift(deleteChange('assistant', m.tag.key, m.live.id, 'delete_because_duplicate', protectsAssistant.has(m.tag.key)));
    for (const a of assistants.untagged) deletions.unshift(deleteChange('assistant', a.name ?? a.id, a.id, 'delete_because_no_resource_config'));
  }

  // --- files no longer referenced by anything this deployment keeps ---
  const assistantsKept = new Set<string>();
  if (live.assistantsApi) {
    const keptAssistants = new Set(changes.filter((c) => c.type === 'assistant').map((c) => c.id));
    for (const a of live.assistants) {
      if (keptAssistants.has(a.id)) continue; // updated: its file_ids come from the manifest
      if (deletions.some((d) => d.id === a.id)) continue;
      for (const id of a.tool_resources?.code_interpreter?.file_ids ?? []) assistantsKept.add(id);
    }
  } else {
    for (const a of live.assistants) for (const id of a.tool_resources?.code_interpreter?.file_ids ?? []) assistantsKept.add(id);
  }
  // a protected upload goes only when the manifest names its content in a file set with
  // protect: false (that apply moves every use to an unprotected copy first); otherwise apply and
  // destroy refuse to delete it, whether its file set was changed, emptied or removed
  const unprotecting = new Set<string>();
  for (const fs of desired.fileSets) {
    if (fs.protect) continue;
    for (const f of fs.files) if (!protectedShas.has(f.sha256!)) unprotecting.add(`${f.sha256!.slice(0, 16)}\t${f.size}`);
  }
  const file_deletions: FileDeletion[] = [];
  for (const f of [...live.files].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))) {
    if (keptFileIds.has(f.id) || assistantsKept.has(f.id)) continue;
    const name = parseUploadName(f.filename)!;
    const protect = name.protected && !unprotecting.has(`${name.sha16}\t${f.bytes}`);
    const wasAttached = attachedIds.has(f.id);
    const dupOfKept = (liveBySha16.get(name.sha16) ?? []).some((c) => c.id !== f.id && keptFileIds.has(c.id));
    const reason = name.protected && !protect ? 'unprotected' : dupOfKept ? 'duplicate' : wasAttached ? 'unreferenced' : 'orphan';
    file_deletions.push({ file_id: f.id, filename: f.filename, reason, protect });
  }

  const resource_changes = [...changes.filter((c) => c.type === 'vector_store'), ...changes.filter((c) => c.type === 'assistant'), ...deletions];
  const summary = summarize(resource_changes, [...uploads.values()], file_deletions);
  return {
    format_version: PLAN_FORMAT_VERSION,
    tool_version: options.toolVersion,
    created_at: options.createdAt,
    deployment: desired.deployment,
    environment: desired.environment ?? null,
    manifest: { root: options.manifestRoot, sources: desired.sources },
    target: { ...options.target, assistants_api: live.assistantsApi },
    live_fingerprint: liveFingerprint(live),
    resource_changes,
    uploads: [...uploads.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    file_deletions,
    existing_files: referencedExisting(resource_changes, existing_files),
    not_deployable,
    errors,
    conflicts: conflictsOf(resource_changes, file_deletions, live),
    warnings,
    summary,
    read: live.stats,
  };
}

/**
 * Assistants whose manifest model the target's model list does not name (when it serves one, and
 * serves the Assistants API): a located error each.
 */
function modelErrors(desired: Desired, live: Live): PlanError[] {
  const served = live.models ? new Set(live.models.ids) : undefined;
  if (!served || !live.assistantsApi) return [];
  return desired.assistants
    .filter((a) => !served.has(a.model))
    .map((a) => ({
      address: `assistant.${a.key}`,
      key: a.key,
      code: 'model_not_served' as const,
      path: `assistants.${a.key}.model`,
      loc: a.modelLoc ?? a.loc ?? null,
      message: `model "${a.model}" is not served by this target (its model list does not name it); nothing is sent for this assistant`,
    }));
}

/** A warning, with the date, for each manifest model whose shutdown is announced. */
function shutdownWarnings(desired: Desired, live: Live, options: DiffOptions): string[] {
  const today = options.createdAt.slice(0, 10);
  const out: string[] = [];
  for (const a of desired.assistants) {
    const n = shutdownOf(a.model, live.models, options.deprecations);
    if (!n) continue;
    const when = n.shutdown <= today ? `was shut down on ${n.shutdown}` : `shuts down on ${n.shutdown}`;
    const announced = n.announced ? `, announced ${n.announced}` : '';
    const instead = n.replacement ? `; recommended replacement: ${n.replacement}` : '';
    out.push(`assistant.${a.key}: model "${a.model}" ${when} (${n.source}${announced})${instead}`);
  }
  return out;
}

/**
 * The live state the plan was made against changed after it was made (a check that needs the plan
 * came in: src/targets/foreign.ts): the same plan, with its conflicts, fingerprint and read figures
 * taken from the new state. The changes themselves do not depend on what others own.
 */
export function withLive(plan: Plan, live: Live): Plan {
  return { ...plan, live_fingerprint: liveFingerprint(live), conflicts: conflictsOf(plan.resource_changes, plan.file_deletions, live), read: live.stats };
}

/**
 * The plan's deletions and replacements that would change what the deployment does not own: a
 * vector store or upload an assistant outside it uses, and an upload a vector store outside it
 * holds (deleting a file removes it from every store).
 */
export function conflictsOf(changes: ResourceChange[], fileDeletions: FileDeletion[], live: Live): Conflict[] {
  const uses = live.foreignUses ?? [];
  const holdings = live.foreignHoldings ?? [];
  if (uses.length + holdings.length === 0) return [];
  const out: Conflict[] = [];
  const owner = (u: ForeignUse) => (u.deployment === null ? 'an assistant no deployment manages' : `an assistant of deployment "${u.deployment}"`);
  const storeOwner = (h: ForeignHolding) => (h.deployment === null ? 'a vector store no deployment manages' : `a vector store of deployment "${h.deployment}"`);
  for (const c of changes) {
    if (c.type !== 'vector_store' || c.id === null || !c.actions.includes('delete')) continue;
    const replace = c.actions.includes('create');
    for (const u of uses) {
      if (!u.vector_store_ids.includes(c.id)) continue;
      out.push({
        address: c.address,
        id: c.id,
        used_by: u.assistant_id,
        used_by_type: 'assistant',
        used_by_deployment: u.deployment,
        message: replace
          ? `the plan replaces it, and ${owner(u)} would be left searching the deleted store`
          : `the plan deletes it, and ${owner(u)} searches it`,
      });
    }
  }
  for (const d of fileDeletions) {
    for (const u of uses) {
      if (!u.file_ids.includes(d.file_id)) continue;
      out.push({ address: `file ${d.filename}`, id: d.file_id, used_by: u.assistant_id, used_by_type: 'assistant', used_by_deployment: u.deployment, message: `the plan deletes it, and ${owner(u)} uses it with code_interpreter` });
    }
    for (const h of holdings) {
      if (!h.file_ids.includes(d.file_id)) continue;
      out.push({
        address: `file ${d.filename}`,
        id: d.file_id,
        used_by: h.vector_store_id,
        used_by_type: 'vector_store',
        used_by_deployment: h.deployment,
        message: `the plan deletes it, and ${storeOwner(h)} holds it (deleting a file removes it from every store)`,
      });
    }
  }
  const order = (c: Conflict) => `${c.address}\t${c.used_by}`;
  return out.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** The existing content the plan's attaches refer to (sha256 -> file id), in order. */
function referencedExisting(changes: ResourceChange[], existing: Map<string, string>): Record<string, string> {
  const used = new Set<string>();
  for (const c of changes) for (const a of c.files?.attach ?? []) if (existing.has(a.sha256)) used.add(a.sha256);
  return Object.fromEntries([...used].sort().map((sha) => [sha, existing.get(sha)!]));
}

function storeChange(
  d: DesiredVectorStore,
  id: string | null,
  actions: ResourceChange['actions'],
  reason: ResourceChange['action_reason'],
  fields: FieldChange[],
  spec: VectorStoreSpec,
  files: VectorStoreFiles,
  protect = d.protect,
): ResourceChange {
  return {
    address: `vector_store.${d.key}`,
    type: 'vector_store',
    key: d.key,
    id,
    actions,
    action_reason: reason,
    drift: fields.some((f) => f.cause === 'drift' || f.cause === 'manifest_and_drift'),
    protect,
    field_changes: fields,
    body: vectorStoreBody(spec),
    files,
  };
}

function assistantChange(
  d: DesiredAssistant,
  id: string | null,
  actions: ResourceChange['actions'],
  reason: ResourceChange['action_reason'],
  fields: FieldChange[],
  body: AssistantBody,
): ResourceChange {
  return {
    address: `assistant.${d.key}`,
    type: 'assistant',
    key: d.key,
    id,
    actions,
    action_reason: reason,
    drift: fields.some((f) => f.cause === 'drift' || f.cause === 'manifest_and_drift'),
    protect: d.protect,
    field_changes: fields,
    body,
  };
}

/** The manifest's `protect` differs from what the last apply recorded on the resource: the tag is rewritten. */
function protectChange(desired: boolean, tag: ResourceTag): FieldChange[] {
  return desired === tag.protect ? [] : [{ field: 'protect', path: 'protect', before: tag.protect, after: desired, cause: 'manifest' }];
}

function deleteChange(type: ResourceChange['type'], key: string, id: string, reason: ResourceChange['action_reason'], protect = false): ResourceChange {
  return {
    address: `${type}.${key}`,
    type,
    key,
    id,
    actions: ['delete'],
    action_reason: reason,
    drift: false,
    protect,
    field_changes: [],
    body: null,
  };
}

export function summarize(changes: ResourceChange[], uploads: Upload[], deletions: FileDeletion[]): PlanSummary {
  const s: PlanSummary = {
    add: 0,
    change: 0,
    destroy: 0,
    drifted: 0,
    files: { upload: uploads.length, attach: 0, detach: 0, update_attributes: 0, delete: deletions.length },
  };
  for (const c of changes) {
    if (c.actions.includes('create')) s.add++;
    if (c.actions.includes('delete')) s.destroy++;
    if (c.actions.length === 1 && c.actions[0] === 'update') s.change++;
    if (c.drift) s.drifted++;
    if (c.files) {
      s.files.attach += c.files.attach.length;
      s.files.detach += c.files.detach.length;
      s.files.update_attributes += c.files.update_attributes.length;
    }
  }
  return s;
}
