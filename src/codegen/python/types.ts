/** The generator's inputs and output, shared by the modules that write each file. */
import type { Api } from './versions.js';

/** Ids read from the target at generation time (--resolve-ids). */
export interface ResolvedIds {
  assistants: Record<string, string>;
  vectorStores: Record<string, string>;
  /** Uploaded file name (ad~deployment~sha16~basename) -> file id. */
  files: Record<string, string>;
}

export interface GenerateOptions {
  api: Api;
  packageName: string;
  resolved?: ResolvedIds;
}

export interface FunctionDef {
  /** The name the model calls. */
  name: string;
  /** Python names: handler (in handlers.py), dispatcher (in tools.py), arguments class. */
  handler: string;
  dispatcher: string;
  argsClass: string;
  description?: string;
}

export interface GeneratedPackage {
  /** Paths relative to the output folder -> content. */
  files: Map<string, string>;
  /** handlers.py: the full scaffold (written only when absent) and the stub of each function. */
  handlers: { path: string; scaffold: string; stubs: { name: string; text: string }[] };
}
