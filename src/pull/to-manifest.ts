/**
 * Live resources -> a manifest folder (assistants.yaml, prompts/*.md, functions/*.json), the
 * inverse of planning: applying the result to the same account plans no change. Pure: returns
 * the files to write and notes for the user. Each kind writes its own block (`pullEntry`,
 * src/kinds/); this module gives them keys, puts the blocks in order and writes the YAML.
 */
import { Document, isMap, isScalar } from 'yaml';
import { KINDS } from '../kinds/index.js';
import type { LiveAssistant, LiveFile, LiveVectorStore, PullContext } from '../kinds/index.js';

export interface PullInput {
  deployment: string;
  source: string;
  assistants: { key: string; live: LiveAssistant }[];
  stores: { key: string; live: LiveVectorStore }[];
  /** Uploaded files by id (names tell the content's basename). */
  uploads: Map<string, LiveFile>;
  /** Assistants the target does not serve. */
  assistantsApi: boolean;
}

export interface PullOutput {
  files: Map<string, string>;
  notes: string[];
  /** Local files the manifest names, which the user must provide (pull cannot download them). */
  needed: { path: string; fileId: string }[];
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A manifest key from a name: lowercase words joined by dashes. */
export function keyFrom(name: string | null | undefined, fallback: string): string {
  const slug = (name ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return slug && KEY.test(slug) ? slug : fallback.replace(/[^A-Za-z0-9_.-]/g, '-');
}

function uniqueKeys<T extends { key: string }>(items: T[]): T[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const n = seen.get(item.key) ?? 0;
    seen.set(item.key, n + 1);
    return n === 0 ? item : { ...item, key: `${item.key}-${n + 1}` };
  });
}

/** A comment line before the key at `path`. */
function addComment(doc: Document, path: string[], text: string): void {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path.at(-1));
  if (!pair || !isScalar(pair.key)) return;
  pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}\n ${text}` : ` ${text}`;
}

export function toManifest(input: PullInput): PullOutput {
  const stores = uniqueKeys(input.stores);
  const ctx: PullContext = { files: new Map(), notes: [], comments: [], needed: [], storeKeyById: new Map(stores.map((s) => [s.live.id, s.key])), uploads: input.uploads, fileSets: {} };
  const doc: Record<string, unknown> = { version: 1, deployment: input.deployment };
  const blocks: Record<string, Record<string, unknown>> = {};
  const pulled = { vector_stores: stores, assistants: uniqueKeys(input.assistants) };
  for (const kind of KINDS) {
    const section: Record<string, unknown> = {};
    for (const { key, live } of pulled[kind.section]) section[key] = (kind.pullEntry as (k: string, l: typeof live, c: PullContext) => Record<string, unknown>)(key, live, ctx);
    blocks[kind.section] = section;
  }
  // the sections in the manifest's order: stores, the file sets pull made for assistants, assistants
  if (Object.keys(blocks.vector_stores!).length > 0) doc.vector_stores = blocks.vector_stores;
  if (Object.keys(ctx.fileSets).length > 0) doc.file_sets = ctx.fileSets;
  if (Object.keys(blocks.assistants!).length > 0) doc.assistants = blocks.assistants;
  if (!input.assistantsApi) ctx.notes.push('the target does not serve the Assistants API: no assistants were pulled');

  const yaml = new Document(doc);
  for (const c of ctx.comments) addComment(yaml, c.path, c.text);
  yaml.commentBefore = [
    ' yaml-language-server: $schema=https://raw.githubusercontent.com/assistants-deploy/assistants-deploy/main/schemas/manifest.schema.json',
    ` Pulled by assistants-deploy from ${input.source} (deployment "${input.deployment}").`,
    ' Review it, put the files it names beside it, then run `assistants-deploy plan`.',
  ].join('\n');
  ctx.files.set('assistants.yaml', yaml.toString({ lineWidth: 0 }));
  return { files: ctx.files, notes: ctx.notes, needed: ctx.needed };
}
