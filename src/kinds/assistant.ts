/**
 * The assistant: what the manifest asks for (DesiredAssistant), what the account holds
 * (LiveAssistant), the canonical spec both compare in, the body a plan records and the request
 * apply sends, the ownership metadata, pull's manifest block and import's fingerprint.
 */
import type { SourceLoc } from '../errors.js';
import { canonical } from '../canonical.js';
import { fieldHashes, ownershipMetadata, parseUploadName, recordsProtect, userMetadata } from '../ownership/index.js';
import type { PullContext, TaggedKind } from './kind.js';
import { DEFAULTS, normalizeResponseFormat, normalizeTool } from './normalize.js';
import type { DesiredTool, ToolLocs } from './tools.js';
import type { Json, JsonObject, ReasoningEffort, Ref } from './values.js';

export type DesiredResponseFormat =
  | 'auto'
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: JsonObject; strict?: boolean } };

export interface DesiredAssistant {
  key: string;
  model: string;
  name: string;
  description?: string;
  instructions?: string;
  reasoning_effort?: ReasoningEffort;
  /** Its tools (src/kinds/tools.ts: the Assistants API's, and those of the Responses era). */
  tools: DesiredTool[];
  /** Where each of `tools` is written in the manifest (same order); absent when not known. */
  toolLocs?: ToolLocs;
  /** Keys into Desired.vectorStores (at most one). */
  vectorStores: string[];
  /** Keys into Desired.fileSets. */
  fileSets: string[];
  metadata: Record<string, string>;
  temperature?: number;
  top_p?: number;
  response_format?: DesiredResponseFormat;
  protect: boolean;
  loc?: SourceLoc;
  /** Where `model` is written (the overlay that set it, with --env). */
  modelLoc?: SourceLoc;
}

export interface LiveAssistant {
  id: string;
  created_at: number;
  name: string | null;
  description: string | null;
  model: string;
  instructions: string | null;
  tools: Json[];
  tool_resources: {
    code_interpreter?: { file_ids?: string[] };
    file_search?: { vector_store_ids?: string[] };
  } | null;
  metadata: Record<string, string>;
  temperature: number | null;
  top_p: number | null;
  response_format: Json;
  /** undefined when the target does not return it. */
  reasoning_effort?: string | null;
  /** On a Foundry project: the prompt agent this is, read from its latest version (src/kinds/agent.ts). */
  agent?: AgentInfo;
}

/** A Foundry prompt agent as a plan needs it: its name, its latest version, and what that version holds beyond the manifest. */
export interface AgentInfo {
  name: string;
  /** The latest version's number, as the service numbers them ("1", "2", …). */
  version: string;
  /** The latest version carries no tags of this deployment (made outside the tool): the tags are this older version's. */
  tagged_version?: string;
  /** What the latest version's definition holds that the manifest has no field for, by path (`definition.rai_config`). */
  unmapped?: Record<string, unknown>;
}

export interface AssistantSpec {
  name: string | null;
  description: string | null;
  model: string;
  instructions: string | null;
  tools: unknown[];
  tool_resources: { file_search?: { vector_store_ids: string[] }; code_interpreter?: { file_ids: string[] } };
  metadata: Record<string, string>;
  temperature: number;
  top_p: number;
  response_format: unknown;
  reasoning_effort: string | null;
}

/** Fields of an assistant in the order the ownership fingerprint records them. */
export const ASSISTANT_FIELDS = [
  'name',
  'description',
  'model',
  'instructions',
  'tools',
  'tool_resources',
  'metadata',
  'temperature',
  'top_p',
  'response_format',
  'reasoning_effort',
] as const satisfies readonly (keyof AssistantSpec)[];

/** What a plan records for apply to send on create or update (references not yet resolved). */
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

function toolResources(fileSearch: readonly string[], codeInterpreter: readonly string[]): AssistantSpec['tool_resources'] {
  const out: AssistantSpec['tool_resources'] = {};
  if (fileSearch.length > 0) out.file_search = { vector_store_ids: [...fileSearch] };
  if (codeInterpreter.length > 0) out.code_interpreter = { file_ids: [...codeInterpreter].sort() };
  return out;
}

/** Ids for the resources an assistant refers to, or placeholders for those not created yet. */
export interface RefResolver {
  vectorStore(key: string): string;
  fileSet(key: string): string[];
}

export function desiredAssistantSpec(a: DesiredAssistant, refs: RefResolver): AssistantSpec {
  const files = [...new Set(a.fileSets.flatMap((k) => refs.fileSet(k)))];
  return {
    name: a.name,
    description: a.description ?? null,
    model: a.model,
    instructions: a.instructions ?? null,
    tools: a.tools.map((t: DesiredTool) => normalizeTool(t)),
    tool_resources: toolResources(a.vectorStores.map((k) => refs.vectorStore(k)), files),
    metadata: userMetadata(a.metadata),
    temperature: a.temperature ?? DEFAULTS.temperature,
    top_p: a.top_p ?? DEFAULTS.top_p,
    response_format: normalizeResponseFormat(a.response_format),
    reasoning_effort: a.reasoning_effort ?? null,
  };
}

/** What both a live assistant and a resolved body are, as far as the canonical spec goes. */
type AssistantShape = Pick<LiveAssistant, 'name' | 'description' | 'model' | 'instructions' | 'metadata'> & {
  tools: readonly unknown[];
  tool_resources: { code_interpreter?: { file_ids?: readonly unknown[] }; file_search?: { vector_store_ids?: readonly unknown[] } } | null;
  temperature: number | null;
  top_p: number | null;
  response_format: unknown;
  reasoning_effort?: string | null;
};

function canonicalSpec(a: AssistantShape): AssistantSpec {
  const tr = a.tool_resources ?? {};
  return {
    name: a.name,
    description: a.description,
    model: a.model,
    instructions: a.instructions,
    tools: a.tools.map((t) => normalizeTool(t)),
    tool_resources: toolResources((tr.file_search?.vector_store_ids ?? []) as string[], (tr.code_interpreter?.file_ids ?? []) as string[]),
    metadata: userMetadata(a.metadata),
    temperature: a.temperature ?? DEFAULTS.temperature,
    top_p: a.top_p ?? DEFAULTS.top_p,
    response_format: normalizeResponseFormat(a.response_format),
    reasoning_effort: a.reasoning_effort ?? null,
  };
}

export function liveAssistantSpec(a: LiveAssistant): AssistantSpec {
  return canonicalSpec(a);
}

/** The body a plan records: the spec's values, the manifest's tools as written, references unresolved. */
export function assistantBody(a: DesiredAssistant, spec: AssistantSpec, refs: { vs: (k: string) => string | Ref; files: (k: string) => (string | Ref)[] }): AssistantBody {
  const tool_resources: AssistantBody['tool_resources'] = {};
  if (a.vectorStores.length > 0) tool_resources.file_search = { vector_store_ids: a.vectorStores.map(refs.vs) };
  const fileIds = a.fileSets.flatMap(refs.files);
  const unique = fileIds.filter((id, i) => fileIds.findIndex((x) => canonical(x) === canonical(id)) === i);
  if (unique.length > 0) tool_resources.code_interpreter = { file_ids: unique };
  return {
    name: spec.name ?? a.key,
    description: spec.description,
    model: spec.model,
    instructions: spec.instructions,
    tools: a.tools,
    tool_resources,
    metadata: spec.metadata,
    temperature: spec.temperature,
    top_p: spec.top_p,
    response_format: a.response_format ?? 'auto',
    reasoning_effort: spec.reasoning_effort,
  };
}

/**
 * The ownership metadata apply writes with a resolved body: the fingerprint is of the spec the
 * reader will see (the body in canonical form), so a plan after the apply is empty.
 */
export function assistantMetadata(deployment: string, key: string, body: AssistantBody, protect: boolean): Record<string, string> {
  return ownershipMetadata(body.metadata, deployment, key, fieldHashes(canonicalSpec(body), ASSISTANT_FIELDS), protect);
}

/** What to send: everything on create (`changed` null); on update the changed fields, plus the refreshed tags. */
export function assistantRequest(body: AssistantBody, metadata: Record<string, string>, changed: ReadonlySet<string> | null): Record<string, unknown> {
  const all: Record<string, unknown> = {
    model: body.model,
    name: body.name,
    description: body.description,
    instructions: body.instructions,
    tools: body.tools,
    tool_resources: body.tool_resources,
    temperature: body.temperature,
    top_p: body.top_p,
    response_format: body.response_format,
    reasoning_effort: body.reasoning_effort,
  };
  const out: Record<string, unknown> = { metadata };
  for (const [k, v] of Object.entries(all)) {
    if (changed === null ? v !== null || k === 'description' || k === 'instructions' : changed.has(k)) out[k] = v;
  }
  if (changed === null && out.reasoning_effort === null) delete out.reasoning_effort;
  if (changed !== null && changed.has('tool_resources')) {
    // an emptied resource must be sent as an empty list, or the API keeps the old one
    const tr = { ...(body.tool_resources as Record<string, unknown>) };
    tr.file_search ??= { vector_store_ids: [] };
    tr.code_interpreter ??= { file_ids: [] };
    out.tool_resources = tr;
  }
  return out;
}

/** pull: an assistant's manifest block; long instructions and parameter schemas go to their own files. */
function pullEntry(key: string, live: LiveAssistant, ctx: PullContext): Record<string, unknown> {
  const entry: Record<string, unknown> = { model: live.model };
  if (live.name !== null && live.name !== key) entry.name = live.name;
  if (live.description) entry.description = live.description;
  if (live.instructions !== null) {
    if (live.instructions.includes('\n') || live.instructions.length > 200) {
      const file = `prompts/${key}.md`;
      ctx.files.set(file, live.instructions);
      entry.instructions = { file };
    } else {
      entry.instructions = live.instructions;
    }
  }
  if (live.reasoning_effort) entry.reasoning_effort = live.reasoning_effort;
  const tools = pullTools(key, live, ctx);
  if (tools.length > 0) entry.tools = tools;
  const resources = pullResources(key, live, ctx);
  if (Object.keys(resources).length > 0) entry.tool_resources = resources;
  const metadata = userMetadata(live.metadata);
  if (Object.keys(metadata).length > 0) entry.metadata = metadata;
  if (live.temperature !== null && live.temperature !== DEFAULTS.temperature) entry.temperature = live.temperature;
  if (live.top_p !== null && live.top_p !== DEFAULTS.top_p) entry.top_p = live.top_p;
  const rf = normalizeResponseFormat(live.response_format);
  if (rf !== DEFAULTS.response_format) entry.response_format = rf;
  if (recordsProtect(live.metadata)) entry.protect = true;
  return entry;
}

function pullTools(key: string, live: LiveAssistant, ctx: PullContext): unknown[] {
  return live.tools
    .map((t) => normalizeTool(t) as Record<string, unknown>)
    .map((t) => {
      if (t.type !== 'function') return t;
      const fn = { ...(t.function as Record<string, unknown>) };
      if (fn.parameters && Object.keys(fn.parameters as object).length > 0) {
        const file = `functions/${key}.${String(fn.name)}.json`;
        ctx.files.set(file, `${JSON.stringify(fn.parameters, null, 2)}\n`);
        fn.parameters = { file };
      }
      return { type: 'function', function: fn };
    });
}

/** The stores it searches (by their pulled keys) and its code_interpreter files (as a file set of its own). */
function pullResources(key: string, live: LiveAssistant, ctx: PullContext): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  const storeIds = live.tool_resources?.file_search?.vector_store_ids ?? [];
  const storeKeys = storeIds.map((id) => ctx.storeKeyById.get(id));
  if (storeKeys.some((k) => k === undefined)) {
    ctx.notes.push(`assistants.${key}: uses vector store(s) ${storeIds.filter((_, i) => storeKeys[i] === undefined).join(', ')} that were not pulled; pull them too, or the next plan detaches them`);
  }
  const known = storeKeys.filter((k): k is string => k !== undefined);
  if (known.length > 0) resources.file_search = { vector_stores: known };
  const fileIds = live.tool_resources?.code_interpreter?.file_ids ?? [];
  if (fileIds.length > 0) {
    const setKey = `${key}-files`;
    let protect = false;
    const names = fileIds.map((id) => {
      const upload = ctx.uploads.get(id);
      const owned = upload ? parseUploadName(upload.filename) : undefined;
      if (owned?.protected) protect = true; // uploaded for a protected file set (adp~ name)
      const name = owned?.basename ?? upload?.filename ?? `${id}.bin`;
      ctx.needed.push({ path: name, fileId: id });
      return name;
    });
    ctx.fileSets[setKey] = { files: [...new Set(names)].sort(), ...(protect ? { protect: true } : {}) };
    resources.code_interpreter = { file_sets: [setKey] };
  }
  return resources;
}

export const assistantKind = {
  type: 'assistant',
  section: 'assistants',
  collection: 'assistants',
  noun: 'an assistant',
  label: 'assistant',
  idPrefix: 'asst_',
  fields: ASSISTANT_FIELDS,
  createOnly: new Set<string>(),
  liveSpec: liveAssistantSpec,
  importMetadata(live, deployment, key) {
    // a protection the resource records stays: only an apply with protect: false lifts it
    return ownershipMetadata(userMetadata(live.metadata), deployment, key, fieldHashes(liveAssistantSpec(live), ASSISTANT_FIELDS), recordsProtect(live.metadata));
  },
  pullEntry,
} as const satisfies TaggedKind<LiveAssistant, AssistantSpec>;
