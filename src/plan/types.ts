/**
 * The Plan: what apply will do, in order, and why. This is exactly what `plan --format json`
 * prints and `plan --out` saves (schemas/plan.schema.json describes it); the text and markdown
 * renderers read only this, so the three formats cannot disagree.
 */
import type { ReadStats } from '../targets/live.js';
import type { PlanCost } from './cost/types.js';

/**
 * Minor versions add optional fields (a reader of 1.x reads every earlier 1.x); 1.1 added the
 * stores' file settings (`files.chunking_strategy`, `files.attributes`) and the live file's values
 * (`before`) on file attaches and re-attributions; 1.2 added `errors` (an assistant whose model the
 * target does not serve) and `read.pages.models`; 1.3 the Foundry target (`target.kind`, each
 * assistant change's `agent`, the `agent_name_taken` error; `tool_not_supported` came with it).
 */
export const PLAN_FORMAT_VERSION = '1.3';

export type Action = 'create' | 'update' | 'delete';

export type ActionReason =
  | 'create_because_missing'
  | 'update_because_manifest_changed'
  | 'update_because_drift'
  | 'update_because_files_changed'
  | 'replace_because_cannot_update'
  | 'delete_because_no_resource_config'
  | 'delete_because_duplicate';

/** Why a field differs: the manifest changed, the account was edited outside it, or both. */
export type Cause = 'manifest' | 'drift' | 'manifest_and_drift' | 'unknown';

export interface FieldChange {
  /** Top-level field, e.g. `instructions`, `tools`. */
  field: string;
  /** Where inside it, e.g. `tools[lookup_order].function.parameters.properties.id.type`. */
  path: string;
  /** null when absent on that side. */
  before: unknown;
  after: unknown;
  cause: Cause;
  /** The API cannot change this field in place: the resource is replaced. */
  forces_replacement?: boolean;
}

// what apply sends for each kind is the kind's (src/kinds/); the plan's readers find it here too
export type { AssistantBody, Ref, VectorStoreBody } from '../kinds/index.js';
import type { AssistantBody, ResourceType, VectorStoreBody } from '../kinds/index.js';
export type { ResourceType };

export type AttachReason = 'new' | 'content_changed' | 'chunking_changed' | 'retry_failed';
export type DetachReason = 'removed' | 'content_changed' | 'chunking_changed' | 'duplicate' | 'unmanaged' | 'failed';

/** A live vector store file as it is before the plan: what an attach replaces or a re-attribution edits. */
export interface FileBefore {
  file_id: string;
  /** Every attribute, the reserved path and hash included. */
  attributes: Record<string, string | number | boolean>;
  /** In the canonical form of the attach's `chunking_strategy` (the API's `auto` as what it means). */
  chunking_strategy: unknown;
}

export interface FileAttach {
  path: string;
  sha256: string;
  size: number;
  /** Every attribute, the reserved path and hash included. */
  attributes: Record<string, string | number | boolean>;
  chunking_strategy: unknown;
  reason: AttachReason;
  /** The live file this attach replaces (every reason but `new`); absent in plans before 1.1. */
  before?: FileBefore;
}

export interface FileDetach {
  file_id: string;
  path: string | null;
  reason: DetachReason;
}

export interface FileReattribute {
  file_id: string;
  path: string;
  from_path: string | null;
  attributes: Record<string, string | number | boolean>;
  reason: 'renamed' | 'attributes_changed';
  /** The live file's values; absent in plans before 1.1. */
  before?: FileBefore;
}

export interface VectorStoreFiles {
  /** The chunking every file of the store has once the plan is applied (canonical form); absent before 1.1. */
  chunking_strategy?: unknown;
  /** The user's attributes every file of the store carries once the plan is applied; absent before 1.1. */
  attributes?: Record<string, string | number | boolean>;
  attach: FileAttach[];
  detach: FileDetach[];
  update_attributes: FileReattribute[];
  unchanged: number;
  /** Files in the store once the plan is applied. */
  total_after: number;
  /** Paths whose content duplicates another path of the same store (attached once). */
  duplicates: { path: string; same_as: string }[];
}

export interface ResourceChange {
  /** `assistant.<key>` or `vector_store.<key>`. */
  address: string;
  type: ResourceType;
  key: string;
  /** The live id; null for a create. */
  id: string | null;
  /** `["create"]`, `["update"]`, `["delete"]`, or `["create","delete"]` for a replace (new first). */
  actions: Action[];
  action_reason: ActionReason;
  /** Some field differs because the account was edited outside the manifest. */
  drift: boolean;
  /**
   * Apply and destroy refuse to delete or replace this resource: the manifest says `protect: true`,
   * or (for a deletion or a replacement) the live resource carries the protection an earlier apply
   * recorded. For a create or an update it is also what apply records on the resource.
   */
  protect: boolean;
  field_changes: FieldChange[];
  /** What apply sends on create or update; null for a delete. */
  body: AssistantBody | VectorStoreBody | null;
  /** Vector stores: the file-level changes. */
  files?: VectorStoreFiles;
  /** An assistant on a Foundry project: the prompt agent (absent elsewhere, and in plans before 1.3). */
  agent?: AgentChange;
}

/** What a change does to a Foundry prompt agent: which agent, its latest version, and the version apply makes. */
export interface AgentChange {
  name: string;
  /** The latest version before the plan; null for a create. */
  live_version: string | null;
  /** The version apply makes (the latest plus one, as the service numbers them); null for a delete. */
  next_version: number | null;
  /** Retention: the newest versions of the agent this deployment made that apply keeps (`foundry.keep_versions`). */
  keep_versions?: number;
}

export interface Upload {
  sha256: string;
  /** Relative to the manifest root, `/`-separated. */
  path: string;
  size: number;
  /** Name given to the upload (carries the ownership, see src/ownership/upload-name.ts). */
  filename: string;
}

export interface FileDeletion {
  file_id: string;
  filename: string;
  /** `unprotected`: a protected upload whose content the manifest now names with `protect: false` (replaced by an unprotected copy). */
  reason: 'unreferenced' | 'orphan' | 'duplicate' | 'unprotected';
  /**
   * A protected upload (uploaded for a file set with `protect: true`, src/ownership/upload-name.ts):
   * apply and destroy refuse to delete it. Absent in plans saved by earlier versions: false.
   */
  protect?: boolean;
}

export interface NotDeployable {
  address: string;
  key: string;
  reason: string;
}

/**
 * Something in the manifest the target refuses, found by the plan: nothing is sent for that
 * resource (it is left out of `resource_changes`) while the rest of the plan goes ahead; plan and
 * apply then exit 1. Today: an assistant whose model the target's model list does not name.
 */
export interface PlanError {
  /** `assistant.<key>` */
  address: string;
  key: string;
  /** model_not_served: plan/models.ts; tool_not_supported: plan/tools.ts; agent_name_taken: plan/agents.ts (on a Foundry project, the agent name the assistant would get belongs to an agent the deployment does not own). */
  code: 'model_not_served' | 'tool_not_supported' | 'agent_name_taken';
  /** The manifest field, as people read it: `assistants.support.model`. */
  path: string;
  /** Where the field is written; null when not known. */
  loc: { file: string; line: number; col: number } | null;
  message: string;
}

/**
 * A deletion or replacement that would harm a resource outside the deployment: an assistant of
 * another deployment (or one no deployment manages) uses the vector store or upload, or a vector
 * store outside the deployment holds the upload. Apply and destroy refuse the plan unless told
 * otherwise (--allow-conflicts).
 */
export interface Conflict {
  /** The deployment's resource the plan deletes or replaces. */
  address: string;
  id: string;
  /** The assistant or vector store outside the deployment that uses it. */
  used_by: string;
  /** What `used_by` is (absent in plans saved by earlier versions: an assistant). */
  used_by_type?: 'assistant' | 'vector_store';
  /** That assistant's deployment, or null when no assistants-deploy deployment manages it. */
  used_by_deployment: string | null;
  message: string;
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
  /** Resources with at least one change made outside the manifest. */
  drifted: number;
  files: { upload: number; attach: number; detach: number; update_attributes: number; delete: number };
}

export interface Plan {
  format_version: string;
  tool_version: string;
  created_at: string;
  deployment: string;
  environment: string | null;
  manifest: {
    /** Manifest root relative to the folder the plan was made in. */
    root: string;
    sources: string[];
    /** The -f argument (file or folder), relative to the folder the plan was made in. */
    file?: string;
    /** What the resolved manifest was (src/plan/manifest-fingerprint.ts): `apply PLANFILE` refuses the plan when it differs. */
    fingerprint?: { sha256: string; resources: Record<string, string> };
  };
  /** `kind: 'foundry'`: a Microsoft Foundry project (absent: an OpenAI-compatible account). */
  target: { base_url: string; local: boolean; assistants_api: boolean; kind?: 'foundry' };
  /** SHA-256 of the deployment's live state the plan was made against (apply checks it). */
  live_fingerprint: string;
  resource_changes: ResourceChange[];
  uploads: Upload[];
  file_deletions: FileDeletion[];
  /** Content already in the account that the plan refers to: sha256 -> file id. */
  existing_files: Record<string, string>;
  not_deployable: NotDeployable[];
  /** Absent in plans saved by versions before 1.2: none. */
  errors?: PlanError[];
  conflicts: Conflict[];
  warnings: string[];
  summary: PlanSummary;
  read: ReadStats | null;
  /** Storage cost before and after, from a price table (src/plan/cost); absent when not estimated. */
  cost?: PlanCost;
}

export function hasChanges(plan: Plan): boolean {
  const f = plan.summary.files;
  return (
    plan.resource_changes.length > 0 ||
    plan.uploads.length > 0 ||
    plan.file_deletions.length > 0 ||
    f.attach + f.detach + f.update_attributes > 0
  );
}
