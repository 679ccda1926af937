/**
 * Desired: what the manifest asks for, fully resolved. Files are expanded and measured, text and
 * JSON read from their files, references checked. Plan and codegen read only this.
 */
import type { SourceLoc } from '../errors.js';
import type { DesiredAssistant, DesiredCheck, DesiredEval, DesiredFileSet, DesiredSuite, DesiredVectorStore } from '../kinds/index.js';

// each kind's shapes live with the kind (src/kinds/); the manifest's own modules find them here too
export type { DesiredCheck, DesiredEval, DesiredSuite } from '../kinds/index.js';
export type { DesiredAssistant, DesiredFileSet, DesiredResponseFormat, DesiredTool, DesiredVectorStore, LocalFile } from '../kinds/index.js';
// the tools of the Responses era (web_search, mcp) and their secrets' templates: src/kinds/tools.ts
export type { DesiredMcpTool, DesiredWebSearchTool, EnvTemplate, McpToolFilter } from '../kinds/index.js';
export { protectedContent } from '../kinds/index.js';

export interface Desired {
  deployment: string;
  environment?: string;
  /** Absolute folder the manifest's relative paths start from. */
  root: string;
  /** The manifest files read, as shown in messages. */
  sources: string[];
  vectorStores: DesiredVectorStore[];
  fileSets: DesiredFileSet[];
  assistants: DesiredAssistant[];
  /** Where a manifest path (`['assistants', 'support', 'metadata']`) is written, for the checks a target makes (src/kinds/agent-checks.ts). */
  locate?: (path: readonly (string | number)[]) => SourceLoc | undefined;
  /** `foundry:` of the manifest: how a Foundry project keeps agent versions. */
  foundry?: { keepVersions?: number };
  /**
   * The vector stores' retrieval checks (`assistants-deploy test`), the suite's thresholds and the
   * evals for promptfoo: kept apart from the resources, so they never make a plan or its
   * fingerprint differ (nothing of them is deployed).
   */
  checks?: DesiredCheck[];
  suite?: DesiredSuite;
  evals?: DesiredEval[];
}

export interface Warning {
  message: string;
  path?: string;
  loc?: SourceLoc;
}

export function countFiles(d: Desired): number {
  const seen = new Set<string>();
  for (const vs of d.vectorStores) for (const f of vs.files) seen.add(f.path);
  for (const fs of d.fileSets) for (const f of fs.files) seen.add(f.path);
  return seen.size;
}
