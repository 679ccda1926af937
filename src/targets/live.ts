/**
 * Live: what the account holds, as read by src/targets/read.ts (each resource in its kind's
 * shape, src/kinds/). Plain data (the API's fields,
 * trimmed to what planning needs), so plans can be computed and tested without a network.
 */

// each kind's shapes live with the kind (src/kinds/); the targets' own modules find them here too
export type { Json, LiveAssistant, LiveFile, LiveVectorStore, LiveVectorStoreFile } from '../kinds/index.js';
import type { LiveAssistant, LiveFile, LiveVectorStore } from '../kinds/index.js';

/** The target's model list (`GET /v1/models`). */
export interface LiveModels {
  ids: string[];
  /** Shutdown dates (YYYY-MM-DD) the list itself states (`deprecation.inference`, as Azure OpenAI's list does), by id. */
  shutdowns: Record<string, string>;
}

/** An assistant outside the deployment, and which of the deployment's resources it uses. */
export interface ForeignUse {
  assistant_id: string;
  /** The deployment its tags name, or null when no assistants-deploy deployment manages it. */
  deployment: string | null;
  vector_store_ids: string[];
  file_ids: string[];
}

/** A vector store the deployment does not own that holds some of the deployment's uploads. */
export interface ForeignHolding {
  vector_store_id: string;
  /** The deployment its tags name, or null when no assistants-deploy deployment manages it. */
  deployment: string | null;
  /** Which of the uploads checked it holds. */
  file_ids: string[];
}

/** A vector store the deployment does not own, as the store list shows it. */
export interface ForeignStore {
  id: string;
  deployment: string | null;
  /** file_counts.total: how many files it holds, any status; null when the target does not say. */
  files: number | null;
}

/** What the check of the stores outside the deployment cost (src/targets/foreign.ts). */
export interface ForeignCheckStats {
  /** Uploads checked (those the plan deletes). */
  uploads: number;
  /** Stores outside the deployment that hold any file, and so were checked. */
  stores: number;
  /** `GET /vector_stores/{id}/files/{file_id}` requests (stores checked file by file). */
  lookups: number;
  /** `GET /vector_stores/{id}/files` pages (stores listed). */
  pages: number;
}

/** How many list pages each read took, to compare with the minimum. */
export interface ReadStats {
  /** Every request the read made, the check of foreign stores included. */
  requests: number;
  /** `models`: the model list, one request (absent in reads that do not list models). */
  pages: { assistants: number; vector_stores: number; files: number; vector_store_files: number; models?: number };
  /**
   * The least number of requests that could have read the same data: the list pages, plus the
   * foreign-store check at its chosen cost (per store, the cheaper of lookups and pages).
   */
  minimumPages: number;
  /** Present when the plan deletes uploads and the stores outside the deployment were checked for them. */
  foreign_check?: ForeignCheckStats;
}

export interface Live {
  /** false when the target answers the assistants endpoints with 404 (OpenAI since 2026-08-26). */
  assistantsApi: boolean;
  /**
   * The tool types this target's assistants take; absent: the Assistants API's (code_interpreter,
   * file_search, function). A target whose assistants take the tools of the Responses era as well
   * (a Foundry project's prompt agents: web_search, mcp) lists them, and plan stops refusing them.
   */
  toolTypes?: readonly string[];
  /** Assistants tagged with this deployment. */
  assistants: LiveAssistant[];
  /** Vector stores tagged with this deployment, with their files. */
  vectorStores: LiveVectorStore[];
  /** Files whose names mark them as this deployment's uploads. */
  files: LiveFile[];
  /** Resources tagged with other deployments, by kind: key -> deployment (for messages). */
  others: { assistants: number; vectorStores: number };
  /**
   * Assistants this deployment does not own that use its vector stores or uploads (read from the
   * same assistant pages): deleting what they use would harm them, so the plan shows a conflict.
   */
  foreignUses?: ForeignUse[];
  /** Every vector store the deployment does not own (any owner, hand-made ones included), from the same store pages. */
  foreignStores?: ForeignStore[];
  /**
   * Which of those stores hold the uploads a plan deletes: filled in, for just those uploads, by
   * src/targets/foreign.ts once the plan is known; absent when nothing was checked.
   */
  foreignHoldings?: ForeignHolding[];
  /** The models the target serves; absent when it serves no model list (404) or the key may not read it (403). */
  models?: LiveModels;
  /** Every vector store the account lists (any owner): their count and usage_bytes in all (for cost). */
  accountUsage?: { vectorStores: number; vectorStoreBytes: number };
  stats: ReadStats;
  /** A Foundry project (src/targets/foundry/): every agent's name, whoever owns it, so a plan can tell a name that is taken. */
  foundry?: { agentNames: string[] };
}
