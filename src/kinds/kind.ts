/**
 * What a kind of tagged resource is (Grizzly's handler per kind, with a small interface): every
 * module in this folder exports one value `satisfies TaggedKind`, and diff, apply, import, pull
 * and codegen's id resolution loop over `KINDS` (index.ts) instead of branching on the kind.
 * Adding a kind of resource is adding a module here and listing it in index.ts.
 */
import type { LiveFile } from './file-set.js';

/** The kinds the tool tags with ownership metadata, as plan addresses name them (`assistant.KEY`). */
export type ResourceType = 'assistant' | 'vector_store';

/** A live resource that can carry the ownership tags. */
export interface Tagged {
  id: string;
  created_at: number;
  metadata: Record<string, string>;
}

/** What pull collects while it writes the manifest's blocks (src/pull/to-manifest.ts). */
export interface PullContext {
  /** Files the manifest refers to (prompts, parameter schemas), by path relative to it. */
  files: Map<string, string>;
  notes: string[];
  /** Comments to put before keys of the manifest, by path. */
  comments: { path: string[]; text: string }[];
  /** Local files the manifest names, which the user must provide (pull cannot download them). */
  needed: { path: string; fileId: string }[];
  /** The pulled vector stores' keys, by id (an assistant's file_search refers to them). */
  storeKeyById: Map<string, string>;
  /** Uploaded files by id (names tell the content's basename). */
  uploads: Map<string, LiveFile>;
  /** The file sets pull makes for assistants' code_interpreter files, by key. */
  fileSets: Record<string, unknown>;
}

export interface TaggedKind<L extends Tagged = Tagged, S extends object = object> {
  readonly type: ResourceType;
  /** The manifest's section (`assistants`), as messages name it. */
  readonly section: 'assistants' | 'vector_stores';
  /** The list of this kind in Desired and in Live. */
  readonly collection: 'assistants' | 'vectorStores';
  /** For messages: `an assistant`. */
  readonly noun: string;
  /** For messages, without the article: `vector store`. */
  readonly label: string;
  /** How the API's ids of this kind begin (`asst_`). */
  readonly idPrefix: string;
  /** Fields compared, in the order the ownership fingerprint records them. */
  readonly fields: readonly (keyof S & string)[];
  /** Fields the API cannot change after create: a change replaces the resource. */
  readonly createOnly: ReadonlySet<string>;
  /** The live resource in canonical form; a field is undefined when the target does not return it. */
  liveSpec(live: L): { [K in keyof S]: S[K] | undefined };
  /** The metadata `import` writes: the resource's current state fingerprinted under `key` (a recorded protection stays). */
  importMetadata(live: L, deployment: string, key: string): Record<string, string>;
  /** The manifest block pull writes for the live resource. */
  pullEntry(key: string, live: L, ctx: PullContext): Record<string, unknown>;
}
