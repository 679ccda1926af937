/**
 * What apply reports while it works (the CLI turns these into progress bars or plain lines) and
 * what it returns.
 */

export type ApplyEvent =
  | { type: 'phase'; name: 'upload' | 'vector_stores' | 'attach' | 'index' | 'assistants' | 'prune' | 'retention'; total: number }
  | { type: 'progress'; phase: 'upload' | 'attach' | 'index'; done: number; total: number; item: string }
  | { type: 'done'; address: string; action: 'create' | 'update' | 'delete'; id: string }
  | { type: 'fail'; address: string; message: string }
  | { type: 'retry'; what: string; attempt: number; waitMs: number; reason: string }
  | { type: 'note'; message: string };

/** What a stopped run did not do: the plan's changes it did not make (or that failed). */
export interface NotDone {
  /** Addresses of resources not created, updated or deleted. */
  add: string[];
  change: string[];
  destroy: string[];
  files: {
    upload: number;
    attach: number;
    update_attributes: number;
    detach: number;
    delete: number;
    /** Attached, but the run stopped before it saw them indexed (indexing goes on on the server). */
    index: number;
  };
}

export interface ApplyResult {
  failures: { address: string; message: string }[];
  created: number;
  updated: number;
  deleted: number;
  files: {
    uploaded: number;
    attached: number;
    detached: number;
    reattributed: number;
    deleted: number;
    indexed: number;
    failed_indexing: number;
  };
  /** Set when the run was stopped (its signal aborted) before it had done everything. */
  stopped?: NotDone;
}
