/**
 * diff(Desired, Live) -> Plan. A pure function: the same inputs give the same plan.
 * Resources are matched by their ownership tags and compared in their kind's canonical form
 * (match.ts, src/kinds/), each difference labelled by its cause using the fingerprint the last
 * apply recorded; vector stores are planned with their files (files-diff.ts), then the assistants
 * that refer to them, then the deletions of every kind, then the uploads nothing keeps (content.ts).
 * The plan as the commands use it, with its cost and manifest fingerprint, is build.ts's.
 */
import { assistantBody, assistantKind, desiredAssistantSpec, desiredVectorStoreSpec, KINDS, vectorStoreBody, vectorStoreKind } from '../kinds/index.js';
import type { AnyKind, DesiredAssistant, DesiredVectorStore, Ref, RefResolver } from '../kinds/index.js';
import type { Desired } from '../manifest/desired.js';
import type { Live } from '../targets/live.js';
import { agentDrift, agentNameErrors, withAgents } from './agents.js';
import { conflictsOf } from './conflicts.js';
import { Content, keptByAssistants } from './content.js';
import type { DeprecationTable } from './deprecations.js';
import { allNew, diffStoreFiles, wantedFiles } from './files-diff.js';
import { fingerprintOnce } from './fingerprint.js';
import { deletionsOf, drifted, fieldChanges, matchByKey, updateReason } from './match.js';
import { modelErrors, notDeployable, shutdownWarnings } from './models.js';
import { summarize } from './summary.js';
import { toolErrors } from './tools.js';
import { PLAN_FORMAT_VERSION } from './types.js';
import type { FieldChange, Plan, ResourceChange, VectorStoreFiles } from './types.js';

export interface DiffOptions {
  toolVersion: string;
  createdAt: string;
  target: { base_url: string; local: boolean };
  /** Manifest root relative to the working folder, as recorded in the plan. */
  manifestRoot: string;
  /** Announced model shutdowns (models/deprecations.json): a manifest model found there is warned about. */
  deprecations?: DeprecationTable;
  /** Addresses protected whatever the manifest says (destroy: what its manifest protects). */
  alsoProtected?: ReadonlySet<string>;
}

export const placeholder = (address: string) => `(known after apply: ${address})`;

/** What planning the stores leaves for the assistants: each store's id, or a reference to the one the plan creates. */
type StoreIds = Map<string, string | Ref>;

function storeChange(d: DesiredVectorStore, id: string | null, actions: ResourceChange['actions'], reason: ResourceChange['action_reason'], fields: FieldChange[], files: VectorStoreFiles, protect = d.protect): ResourceChange {
  const body = vectorStoreBody(desiredVectorStoreSpec(d));
  return { address: `vector_store.${d.key}`, type: 'vector_store', key: d.key, id, actions, action_reason: reason, drift: drifted(fields), protect, field_changes: fields, body, files };
}

/** The vector stores: created, replaced (a create-only field changed), updated (fields or files), or left alone. */
function planStores(desired: Desired, live: Live, content: Content, warnings: string[]): { changes: ResourceChange[]; storeIds: StoreIds; matching: ReturnType<typeof matchByKey<Live['vectorStores'][number]>> } {
  const matching = matchByKey(live.vectorStores, vectorStoreKind.fields);
  const storeIds: StoreIds = new Map();
  const changes: ResourceChange[] = [];
  for (const d of desired.vectorStores) {
    const address = `vector_store.${d.key}`;
    const { wanted, duplicates, settings } = wantedFiles(d);
    for (const dup of duplicates) warnings.push(`${address}: ${dup.path} has the same content as ${dup.same_as}; the store holds it once`);
    for (const w of wanted) content.keep(w.file);
    const matched = matching.byKey.get(d.key);
    if (!matched) {
      storeIds.set(d.key, { $ref: address });
      changes.push(storeChange(d, null, ['create'], 'create_because_missing', [], allNew(wanted, duplicates, settings)));
      continue;
    }
    const fields = fieldChanges(vectorStoreKind, desiredVectorStoreSpec(d), vectorStoreKind.liveSpec(matched.live), matched.tag, d.protect);
    if (fields.some((f) => f.forces_replacement)) {
      storeIds.set(d.key, { $ref: address });
      // protected when the manifest or the live resource says so: either refuses the replacement
      changes.push(storeChange(d, matched.live.id, ['create', 'delete'], 'replace_because_cannot_update', fields, allNew(wanted, duplicates, settings), d.protect || matched.tag.protect));
      continue;
    }
    storeIds.set(d.key, matched.live.id);
    const files = diffStoreFiles(wanted, matched.live.files ?? [], duplicates, settings);
    const detached = new Set(files.detach.map((x) => x.file_id));
    for (const f of matched.live.files ?? []) if (!detached.has(f.id)) content.kept.add(f.id);
    const filesChanged = files.attach.length + files.detach.length + files.update_attributes.length > 0;
    if (fields.length === 0 && !filesChanged) continue;
    changes.push(storeChange(d, matched.live.id, ['update'], fields.length === 0 ? 'update_because_files_changed' : updateReason(fields), fields, files));
  }
  return { changes, storeIds, matching };
}

function assistantChange(d: DesiredAssistant, id: string | null, actions: ResourceChange['actions'], reason: ResourceChange['action_reason'], fields: FieldChange[], body: ResourceChange['body']): ResourceChange {
  return { address: `assistant.${d.key}`, type: 'assistant', key: d.key, id, actions, action_reason: reason, drift: drifted(fields), protect: d.protect, field_changes: fields, body };
}

/** The assistants (the target serves them): created or updated, each with the ids of what it refers to or references to what the plan makes. */
function planAssistants(desired: Desired, live: Live, storeIds: StoreIds, fileSetRefs: Map<string, (string | Ref)[]>, refused: ReadonlySet<string>): { changes: ResourceChange[]; matching: ReturnType<typeof matchByKey<Live['assistants'][number]>> } {
  const matching = matchByKey(live.assistants, assistantKind.fields);
  const show = (r: string | Ref) => (typeof r === 'string' ? r : placeholder(r.$ref.startsWith('file:') ? `file ${r.$ref.slice(5, 17)}` : r.$ref));
  const storeRef = (k: string) => storeIds.get(k) ?? { $ref: `vector_store.${k}` };
  const resolver: RefResolver = { vectorStore: (k) => show(storeRef(k)), fileSet: (k) => (fileSetRefs.get(k) ?? []).map(show) };
  const changes: ResourceChange[] = [];
  for (const d of desired.assistants) {
    if (refused.has(d.key)) continue;
    const spec = desiredAssistantSpec(d, resolver);
    const body = assistantBody(d, spec, { vs: storeRef, files: (k) => fileSetRefs.get(k) ?? [] });
    const matched = matching.byKey.get(d.key);
    if (!matched) {
      changes.push(assistantChange(d, null, ['create'], 'create_because_missing', [], body));
      continue;
    }
    const fields = [...fieldChanges(assistantKind, spec, assistantKind.liveSpec(matched.live), matched.tag, d.protect), ...agentDrift(matched.live)];
    if (fields.length > 0) changes.push(assistantChange(d, matched.live.id, ['update'], updateReason(fields), fields, body));
  }
  return { changes, matching };
}

export function diff(desired: Desired, live: Live, options: DiffOptions): Plan {
  const warnings: string[] = [];
  const content = new Content(desired.deployment, desired.fileSets, live);
  const stores = planStores(desired, live, content, warnings);
  // file sets (code_interpreter files): stores first, so a content's upload is named after its first store path
  const fileSetRefs = new Map(desired.fileSets.map((fs) => [fs.key, fs.files.map((f) => content.keep(f))]));
  // a model the target does not serve: nothing is sent for that assistant, the rest goes ahead
  // so is a tool of the Responses era on a target serving the Assistants API, and an agent name someone else's agent has (Foundry)
  const errors = [...modelErrors(desired, live), ...toolErrors(desired, live), ...agentNameErrors(desired, live)];
  warnings.push(...shutdownWarnings(desired, live, options));
  const assistants = live.assistantsApi ? planAssistants(desired, live, stores.storeIds, fileSetRefs, new Set(errors.map((e) => e.key))) : undefined;
  // deletions, kind by kind (none of a kind the target does not serve): KINDS lists what is
  // referred to first; the first kind's deletions in the order found, each later kind's (it refers
  // to those before it, as assistants search stores) in front of them, last found first
  const alsoProtected = options.alsoProtected ?? new Set<string>();
  const matchings: Record<AnyKind['collection'], Parameters<typeof deletionsOf>[1] | undefined> = { vectorStores: stores.matching, assistants: assistants?.matching };
  const deletions: ResourceChange[] = [];
  for (const kind of KINDS) {
    const matching = matchings[kind.collection];
    if (!matching) continue;
    const found = deletionsOf(kind, matching, desired[kind.collection], alsoProtected);
    if (kind === KINDS[0]) deletions.push(...found);
    else deletions.unshift(...found.reverse());
  }
  const changes = [...stores.changes, ...(assistants?.changes ?? [])];
  const file_deletions = content.deletions(live, keptByAssistants(live, changes, deletions.filter((d) => d.type === 'assistant')), desired.fileSets);
  const resource_changes = withAgents([...changes, ...deletions], desired, live);
  const uploads = content.sortedUploads();
  const fingerprint = fingerprintOnce(live);
  return {
    format_version: PLAN_FORMAT_VERSION,
    tool_version: options.toolVersion,
    created_at: options.createdAt,
    deployment: desired.deployment,
    environment: desired.environment ?? null,
    manifest: { root: options.manifestRoot, sources: desired.sources },
    target: { ...options.target, assistants_api: live.assistantsApi, ...(live.foundry ? { kind: 'foundry' as const } : {}) },
    // made when read (the plan's JSON, apply's check), not for a plan shown as text
    get live_fingerprint() {
      return fingerprint();
    },
    resource_changes,
    uploads,
    file_deletions,
    existing_files: content.referenced(resource_changes),
    not_deployable: live.assistantsApi ? [] : notDeployable(desired.assistants),
    errors,
    conflicts: conflictsOf(resource_changes, file_deletions, live),
    warnings,
    summary: summarize(resource_changes, uploads, file_deletions),
    read: live.stats,
  };
}
