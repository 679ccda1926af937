/**
 * The Plan: what apply will do, in order, and why. This is exactly what `plan --format json`
 * prints and `plan --out` saves (schemas/plan.schema.json describes it); the text and markdown
 * renderers read only this, so the three formats cannot disagree.
 */
import type { ReadStats } from '../account/live.js';
import type { PlanCost } from '../cost/types.js';

export const PLAN_FORMAT_VERSION = '1.0';

export type Action = 'create' | 'update' | 'delete';
export type ResourceType = 'assistant' | 'vector_store';

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

/** A reference resolved by apply: `vector_store.<key>` or `file:<sha256>`. */
export interface Ref {
  $ref: string;
}

export interface AssistantBody {
  name: string;
  description: string | null;
  model: string;
  instructions: string | null;
  tools: unknown[];
  tool_resources: {
    file_search?: { vector_store_ids: (string | Ref)[] };
    code_interpreter?: { file_ids: (string | Ref)[] };
  };
  /** The user's metadata; apply adds the ownership tags. */
  metadata: Record<string, string>;
  temperature: number;
  top_p: number;
  response_format: unknown;
  reasoning_effort: string | null;
}

export interface VectorStoreBody {
  name: string;
  description: string | null;
  expires_after: { anchor: string; days: number } | null;
  metadata: Record<string, string>;
}

export type AttachReason = 'new' | 'content_changed' | 'chunking_changed' | 'retry_failed';
export type DetachReason = 'removed' | 'content_changed' | 'chunking_changed' | 'duplicate' | 'unmanaged' | 'failed';

export interface FileAttach {
  path: string;
  sha256: string;
  size: number;
  /** Every attribute, the reserved path and hash included. */
  attributes: Record<string, string | number | boolean>;
  chunking_strategy: unknown;
  reason: AttachReason;
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
}

export interface VectorStoreFiles {
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
  /** The manifest protects this resource: apply refuses to delete or replace it. */
  protect: boolean;
  field_changes: FieldChange[];
  /** What apply sends on create or update; null for a delete. */
  body: AssistantBody | VectorStoreBody | null;
  /** Vector stores: the file-level changes. */
  files?: VectorStoreFiles;
}

export interface Upload {
  sha256: string;
  /** Relative to the manifest root, `/`-separated. */
  path: string;
  size: number;
  /** Name given to the upload (carries the ownership, see src/account/files-naming.ts). */
  filename: string;
}

export interface FileDeletion {
  file_id: string;
  filename: string;
  reason: 'unreferenced' | 'orphan' | 'duplicate';
}

export interface NotDeployable {
  address: string;
  key: string;
  reason: string;
}

/**
 * A deletion or replacement that would harm a resource outside the deployment: an assistant of
 * another deployment (or one no deployment manages) uses the vector store or upload. Apply refuses
 * the plan unless told otherwise (--allow-conflicts).
 */
export interface Conflict {
  /** The deployment's resource the plan deletes or replaces. */
  address: string;
  id: string;
  /** The assistant outside the deployment that uses it. */
  used_by: string;
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
  target: { base_url: string; local: boolean; assistants_api: boolean };
  /** SHA-256 of the deployment's live state the plan was made against (apply checks it). */
  live_fingerprint: string;
  resource_changes: ResourceChange[];
  uploads: Upload[];
  file_deletions: FileDeletion[];
  /** Content already in the account that the plan refers to: sha256 -> file id. */
  existing_files: Record<string, string>;
  not_deployable: NotDeployable[];
  conflicts: Conflict[];
  warnings: string[];
  summary: PlanSummary;
  read: ReadStats | null;
  /** Storage cost before and after, from a price table (src/cost); absent when not estimated. */
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
