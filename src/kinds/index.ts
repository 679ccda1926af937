/**
 * The kinds of resources the tool manages (one module each: assistant.ts, vector-store.ts; file
 * sets and uploads, which carry no metadata, in file-set.ts), and the list the rest of the tool
 * loops over, in the order plans list them: vector stores, then the assistants that search them.
 */
import { assistantKind } from './assistant.js';
import type { ResourceType } from './kind.js';
import { vectorStoreKind } from './vector-store.js';

export * from './agent.js';
export * from './agent-checks.js';
export * from './assistant.js';
export * from './checks.js';
export * from './file-set.js';
export * from './kind.js';
export * from './normalize.js';
export * from './tools.js';
export * from './values.js';
export * from './vector-store.js';

export const KINDS = [vectorStoreKind, assistantKind] as const;

export type AnyKind = (typeof KINDS)[number];

export function kindOf(type: ResourceType): AnyKind {
  return type === 'assistant' ? assistantKind : vectorStoreKind;
}
