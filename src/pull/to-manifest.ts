/**
 * Live resources -> a manifest folder (assistants.yaml, prompts/*.md, functions/*.json), the
 * inverse of planning: applying the result to the same account plans no change. Pure: returns
 * the files to write and notes for the user.
 */
import { Document } from 'yaml';
import { parseUploadName } from '../account/files-naming.js';
import type { LiveAssistant, LiveFile, LiveVectorStore } from '../account/live.js';
import { ATTR_PATH, isReservedKey, TAG_RESOURCE } from '../ownership.js';
import { equal } from '../plan/canonical.js';
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

export function toManifest(input: PullInput): PullOutput {
  const files = new Map<string, string>();
  const notes: string[] = [];
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
    // attributes the user set on every file
    const userAttrs = managed.map((f) => Object.fromEntries(Object.entries(f.attributes ?? {}).filter(([k]) => !isReservedKey(k))));
    if (userAttrs.length > 0 && userAttrs.every((a) => equal(a, userAttrs[0])) && Object.keys(userAttrs[0]!).length > 0) entry.attributes = userAttrs[0];
    const chunkings = managed.map((f) => normalizeChunking(f.chunking_strategy));
    if (chunkings.length > 0 && chunkings.every((c) => equal(c, chunkings[0])) && !equal(chunkings[0], DEFAULTS.chunking)) {
      const c = chunkings[0] as { type: string; static?: { max_chunk_size_tokens: number; chunk_overlap_tokens: number } };
      entry.chunking_strategy = c.static
        ? { type: c.type, static: { max_chunk_size_tokens: c.static.max_chunk_size_tokens, chunk_overlap_tokens: c.static.chunk_overlap_tokens } }
        : c;
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
  yaml.commentBefore = [
    ' yaml-language-server: $schema=https://raw.githubusercontent.com/assistants-deploy/assistants-deploy/main/schemas/manifest.schema.json',
    ` Pulled by assistants-deploy from ${input.source} (deployment "${input.deployment}").`,
    ' Review it, put the files it names beside it, then run `assistants-deploy plan`.',
  ].join('\n');
  files.set('assistants.yaml', yaml.toString({ lineWidth: 0 }));
  return { files, notes, needed };
}
