/**
 * Live resources -> a manifest folder (assistants.yaml, prompts/*.md, functions/*.json), the
 * inverse of planning: applying the result to the same account plans no change. Pure: returns
 * the files to write and notes for the user.
 *
 * A vector store's chunking and attributes live on its files, while the manifest sets them once
 * per store: pull writes what most of the store's files carry (the files it manages, or every file
 * of a store adopted with --ids), nothing for the API's default chunking, and says (in a note and a
 * comment in the manifest) how many files differ, which the next apply re-attaches or re-attributes.
 */
import { Document, isMap, isScalar } from 'yaml';
import { parseUploadName } from '../account/files-naming.js';
import type { LiveAssistant, LiveFile, LiveVectorStore } from '../account/live.js';
import { ATTR_PATH, isReservedKey, TAG_RESOURCE } from '../ownership.js';
import { chunkKey, equal, flatKey } from '../plan/canonical.js';
import { DEFAULTS, normalizeChunking, normalizeResponseFormat, normalizeTool, userMetadata } from '../plan/normalize.js';
import { decodeResourceTag } from '../plan/tags.js';

/** The live resource records `protect: true` (src/plan/tags.ts): the pulled block keeps it, or its first apply would lift it. */
const recordsProtect = (metadata: Record<string, string>) => decodeResourceTag(metadata[TAG_RESOURCE], [])?.protect === true;

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

/** The value most items have (ties: the smallest key, so pulls are stable), and how many have another. */
function mostCommon<T>(items: readonly T[], keyOf: (item: T) => string): { value: T; others: number } | undefined {
  const counts = new Map<string, { value: T; n: number }>();
  for (const item of items) {
    const k = keyOf(item);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { value: item, n: 1 });
  }
  let best: [string, { value: T; n: number }] | undefined;
  for (const entry of counts) {
    if (!best || entry[1].n > best[1].n || (entry[1].n === best[1].n && entry[0] < best[0])) best = entry;
  }
  return best && { value: best[1].value, others: items.length - best[1].n };
}

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
  const files = new Map<string, string>();
  const notes: string[] = [];
  /** Comments to put before keys of the manifest, by path. */
  const comments: { path: string[]; text: string }[] = [];
  const needed: { path: string; fileId: string }[] = [];
  const doc: Record<string, unknown> = { version: 1, deployment: input.deployment };

  const stores = uniqueKeys(input.stores);
  const storeKeyById = new Map(stores.map((s) => [s.live.id, s.key]));
  const vectorStores: Record<string, unknown> = {};
  for (const { key, live } of stores) {
    const entry: Record<string, unknown> = {};
    if (live.name !== key) entry.name = live.name;
    if (live.description) entry.description = live.description;
    const storeFiles = live.files ?? [];
    const managed = storeFiles.filter((f) => typeof f.attributes?.[ATTR_PATH] === 'string');
    const paths = managed.map((f) => f.attributes![ATTR_PATH] as string).sort();
    if (paths.length > 0) entry.files = paths;
    for (const f of managed) needed.push({ path: f.attributes![ATTR_PATH] as string, fileId: f.id });
    const unmanaged = storeFiles.filter((f) => typeof f.attributes?.[ATTR_PATH] !== 'string');
    if (unmanaged.length > 0) {
      const names = unmanaged.map((f) => input.uploads.get(f.id)?.filename ?? f.id);
      notes.push(
        `vector_stores.${key}: ${unmanaged.length} file(s) were not deployed by assistants-deploy (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}); add them under files: to keep them (the next apply attaches managed copies)`,
      );
    }
    // chunking and attributes are per file in the API and per store in the manifest: what most files carry
    // a store adopted with --ids has no managed files yet: its files are what it holds (the next apply attaches managed copies)
    const adopting = managed.length === 0;
    const settingsFrom = adopting ? storeFiles : managed;
    const n = settingsFrom.length;
    const userAttrs = settingsFrom.map((f) => Object.fromEntries(Object.entries(f.attributes ?? {}).filter(([k]) => !isReservedKey(k))));
    const attrs = mostCommon(userAttrs, (a) => flatKey(a));
    if (attrs && Object.keys(attrs.value).length > 0) entry.attributes = attrs.value;
    if (attrs && attrs.others > 0) {
      const o = attrs.others;
      const which = entry.attributes ? 'whose attributes these are' : 'which have none (so none are written)';
      const text = `${o} of ${n} files ${o === 1 ? 'carries' : 'carry'} other attributes than the other ${n - o}, ${which}; the manifest sets one set per store, so ${adopting ? `the managed copies the next apply attaches all get ${entry.attributes ? 'these' : 'none'}` : `the next apply re-attributes ${o === 1 ? 'it' : 'them'}`}`;
      notes.push(`vector_stores.${key}: ${text}`);
      comments.push({ path: entry.attributes ? ['vector_stores', key, 'attributes'] : ['vector_stores', key], text });
    }
    const chunking = mostCommon(
      settingsFrom.map((f) => normalizeChunking(f.chunking_strategy)),
      (c) => chunkKey(c),
    );
    if (chunking && !equal(chunking.value, DEFAULTS.chunking)) {
      const c = chunking.value as { type: string; static?: { max_chunk_size_tokens: number; chunk_overlap_tokens: number } };
      entry.chunking_strategy = c.static
        ? { type: c.type, static: { max_chunk_size_tokens: c.static.max_chunk_size_tokens, chunk_overlap_tokens: c.static.chunk_overlap_tokens } }
        : c;
    }
    if (chunking && chunking.others > 0) {
      const o = chunking.others;
      const which = entry.chunking_strategy ? 'whose chunking this is' : "which have the API's default chunking (so none is written)";
      const text = `${o} of ${n} files ${o === 1 ? 'is' : 'are'} chunked otherwise than the other ${n - o}, ${which}; the manifest sets one chunking per store, so ${adopting ? 'the managed copies the next apply attaches all get' : `the next apply attaches ${o === 1 ? 'it' : 'them'} again with`} ${entry.chunking_strategy ? 'this one' : 'the default'}`;
      notes.push(`vector_stores.${key}: ${text}`);
      comments.push({ path: entry.chunking_strategy ? ['vector_stores', key, 'chunking_strategy'] : ['vector_stores', key], text });
    }
    if (live.expires_after) entry.expires_after = { anchor: live.expires_after.anchor, days: live.expires_after.days };
    const metadata = userMetadata(live.metadata);
    if (Object.keys(metadata).length > 0) entry.metadata = metadata;
    if (recordsProtect(live.metadata)) entry.protect = true;
    vectorStores[key] = entry;
  }
  if (Object.keys(vectorStores).length > 0) doc.vector_stores = vectorStores;

  const fileSets: Record<string, unknown> = {};
  const assistants: Record<string, unknown> = {};
  for (const { key, live } of uniqueKeys(input.assistants)) {
    const entry: Record<string, unknown> = { model: live.model };
    if (live.name !== null && live.name !== key) entry.name = live.name;
    if (live.description) entry.description = live.description;
    if (live.instructions !== null) {
      if (live.instructions.includes('\n') || live.instructions.length > 200) {
        const file = `prompts/${key}.md`;
        files.set(file, live.instructions);
        entry.instructions = { file };
      } else {
        entry.instructions = live.instructions;
      }
    }
    if (live.reasoning_effort) entry.reasoning_effort = live.reasoning_effort;
    const tools = live.tools.map((t) => normalizeTool(t) as Record<string, unknown>);
    if (tools.length > 0) {
      entry.tools = tools.map((t) => {
        if (t.type !== 'function') return t;
        const fn = { ...(t.function as Record<string, unknown>) };
        if (fn.parameters && Object.keys(fn.parameters as object).length > 0) {
          const file = `functions/${key}.${String(fn.name)}.json`;
          files.set(file, `${JSON.stringify(fn.parameters, null, 2)}\n`);
          fn.parameters = { file };
        }
        return { type: 'function', function: fn };
      });
    }
    const resources: Record<string, unknown> = {};
    const storeIds = live.tool_resources?.file_search?.vector_store_ids ?? [];
    const storeKeys = storeIds.map((id) => storeKeyById.get(id));
    if (storeKeys.some((k) => k === undefined)) {
      notes.push(`assistants.${key}: uses vector store(s) ${storeIds.filter((_, i) => storeKeys[i] === undefined).join(', ')} that were not pulled; pull them too, or the next plan detaches them`);
    }
    const known = storeKeys.filter((k): k is string => k !== undefined);
    if (known.length > 0) resources.file_search = { vector_stores: known };
    const fileIds = live.tool_resources?.code_interpreter?.file_ids ?? [];
    if (fileIds.length > 0) {
      const setKey = `${key}-files`;
      let protect = false;
      const names = fileIds.map((id) => {
        const upload = input.uploads.get(id);
        const owned = upload ? parseUploadName(upload.filename) : undefined;
        if (owned?.protected) protect = true; // uploaded for a protected file set (adp~ name)
        const name = owned?.basename ?? upload?.filename ?? `${id}.bin`;
        needed.push({ path: name, fileId: id });
        return name;
      });
      fileSets[setKey] = { files: [...new Set(names)].sort(), ...(protect ? { protect: true } : {}) };
      resources.code_interpreter = { file_sets: [setKey] };
    }
    if (Object.keys(resources).length > 0) entry.tool_resources = resources;
    const metadata = userMetadata(live.metadata);
    if (Object.keys(metadata).length > 0) entry.metadata = metadata;
    if (live.temperature !== null && live.temperature !== DEFAULTS.temperature) entry.temperature = live.temperature;
    if (live.top_p !== null && live.top_p !== DEFAULTS.top_p) entry.top_p = live.top_p;
    const rf = normalizeResponseFormat(live.response_format);
    if (rf !== DEFAULTS.response_format) entry.response_format = rf;
    if (recordsProtect(live.metadata)) entry.protect = true;
    assistants[key] = entry;
  }
  if (Object.keys(fileSets).length > 0) doc.file_sets = fileSets;
  if (Object.keys(assistants).length > 0) doc.assistants = assistants;
  if (!input.assistantsApi) notes.push('the target does not serve the Assistants API: no assistants were pulled');

  const yaml = new Document(doc);
  for (const c of comments) addComment(yaml, c.path, c.text);
  yaml.commentBefore = [
    ' yaml-language-server: $schema=https://raw.githubusercontent.com/assistants-deploy/assistants-deploy/main/schemas/manifest.schema.json',
    ` Pulled by assistants-deploy from ${input.source} (deployment "${input.deployment}").`,
    ' Review it, put the files it names beside it, then run `assistants-deploy plan`.',
  ].join('\n');
  files.set('assistants.yaml', yaml.toString({ lineWidth: 0 }));
  return { files, notes, needed };
}
