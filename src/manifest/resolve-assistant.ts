/**
 * One assistant of the manifest -> Desired: its instructions (inline or read from a file), its
 * tools (each built-in tool once, function names and MCP server labels unique, parameter schemas
 * read and checked, the tools of the Responses era as resolve-tools.ts makes them), its
 * response format (a JSON schema read and checked the same way), and its tool resources (see
 * resolve-references.ts).
 */
import type { DesiredAssistant, DesiredResponseFormat, DesiredTool } from './desired.js';
import type { ToolLocs } from '../kinds/tools.js';
import { checkJsonSchema } from './json-schema-check.js';
import type { Path } from './locations.js';
import { checkToolResources } from './resolve-references.js';
import { mcpTool, webSearchTool } from './resolve-tools.js';
import type { ResolveScope } from './resolve-scope.js';
import type { AssistantSpec, FileRef, JsonObject, ManifestDoc, ResponseFormatSpec, ToolSpec } from './types.js';

export const MAX_INSTRUCTIONS = 256_000;

type FunctionSpec = Extract<ToolSpec, { type: 'function' }>['function'];
type JsonSchemaSpec = Extract<ResponseFormatSpec, { type: 'json_schema' }>['json_schema'];

export async function resolveAssistant(s: ResolveScope, doc: ManifestDoc, key: string, spec: AssistantSpec): Promise<DesiredAssistant> {
  const base: Path = ['assistants', key];
  const instructions = typeof spec.instructions === 'string' ? spec.instructions : spec.instructions ? await readInstructions(s, base, spec.instructions) : undefined;
  const { tools, toolLocs, types } = await resolveTools(s, base, spec.tools ?? []);
  const responseFormat = spec.response_format !== undefined ? await resolveResponseFormat(s, base, spec.response_format) : undefined;
  const { vectorStores, fileSets } = checkToolResources(s, doc, base, spec, types);

  const desired: DesiredAssistant = {
    key,
    model: spec.model,
    name: spec.name ?? key,
    tools,
    vectorStores,
    fileSets,
    metadata: s.metadata([...base, 'metadata'], spec.metadata),
    protect: spec.protect ?? false,
    loc: s.at(base, true).loc,
  };
  const modelLoc = s.at([...base, 'model']).loc;
  if (modelLoc) desired.modelLoc = modelLoc;
  if (tools.length > 0) desired.toolLocs = toolLocs;
  if (spec.description !== undefined) desired.description = spec.description;
  if (instructions !== undefined) desired.instructions = instructions;
  if (spec.reasoning_effort !== undefined) desired.reasoning_effort = spec.reasoning_effort;
  if (spec.temperature !== undefined) desired.temperature = spec.temperature;
  if (spec.top_p !== undefined) desired.top_p = spec.top_p;
  if (responseFormat !== undefined) desired.response_format = responseFormat;
  return desired;
}

/** Instructions read from their file (undefined when it cannot be read); too long is a problem. */
async function readInstructions(s: ResolveScope, base: Path, ref: FileRef): Promise<string | undefined> {
  const read = await s.readRef([...base, 'instructions'], ref.file);
  if (!read) return undefined;
  if (read.text.length > MAX_INSTRUCTIONS) {
    s.problems.push({
      ...s.at([...base, 'instructions', 'file']),
      message: `"${ref.file}" holds ${read.text.length.toLocaleString('en-US')} characters; instructions are limited to 256,000`,
    });
  }
  return read.text;
}

/** The tools as the API takes them, where each is written, and how many of each type the assistant lists. */
async function resolveTools(s: ResolveScope, base: Path, specs: ToolSpec[]): Promise<{ tools: DesiredTool[]; toolLocs: ToolLocs; types: Map<string, number> }> {
  const tools: DesiredTool[] = [];
  const toolLocs: ToolLocs = [];
  const functionNames = new Map<string, number>();
  const serverLabels = new Map<string, number>();
  const types = new Map<string, number>();
  for (const [i, tool] of specs.entries()) {
    const tp: Path = [...base, 'tools', i];
    types.set(tool.type, (types.get(tool.type) ?? 0) + 1);
    toolLocs.push(s.at(tp).loc ?? null);
    if (tool.type === 'function') {
      unique(s, functionNames, tool.function.name, i, [...tp, 'function', 'name'], (seenAt) => `function "${tool.function.name}" is already defined by tools[${seenAt}]; function names must be unique`);
      tools.push(await functionTool(s, tp, tool.function));
      continue;
    }
    if (tool.type === 'mcp') {
      unique(s, serverLabels, tool.server_label, i, [...tp, 'server_label'], (seenAt) => `server label "${tool.server_label}" is already used by tools[${seenAt}]; each MCP server needs a label of its own`);
      tools.push(mcpTool(s, tp, tool));
      continue;
    }
    if (types.get(tool.type)! > 1) {
      s.problems.push({ ...s.at([...tp, 'type']), message: `${tool.type} is listed twice; an assistant has at most one` });
    }
    tools.push(tool.type === 'web_search' ? webSearchTool(tool) : structuredClone(tool));
  }
  return { tools, toolLocs, types };
}

/** `name` must not be taken yet in `seen` (name -> index of the tool that took it). */
function unique(s: ResolveScope, seen: Map<string, number>, name: string, i: number, p: Path, message: (seenAt: number) => string): void {
  const seenAt = seen.get(name);
  if (seenAt !== undefined) s.problems.push({ ...s.at(p), message: message(seenAt) });
  seen.set(name, i);
}

async function functionTool(s: ResolveScope, tp: Path, fn: FunctionSpec): Promise<DesiredTool> {
  const out: DesiredTool = { type: 'function', function: { name: fn.name } };
  if (fn.description !== undefined) out.function.description = fn.description;
  if (fn.parameters !== undefined) {
    const parameters = await readSchema(s, [...tp, 'function', 'parameters'], fn.parameters, fn.strict === true);
    if (parameters) out.function.parameters = parameters;
  } else if (fn.strict === true) {
    s.problems.push({ ...s.at([...tp, 'function']), message: 'strict: true needs parameters (a JSON Schema with type: object)' });
  }
  if (fn.strict !== undefined) out.function.strict = fn.strict;
  return out;
}

async function resolveResponseFormat(s: ResolveScope, base: Path, rf: ResponseFormatSpec): Promise<DesiredResponseFormat> {
  if (typeof rf === 'string' || rf.type !== 'json_schema') return structuredClone(rf) as DesiredResponseFormat;
  const js: JsonSchemaSpec = rf.json_schema;
  const outJs: { name: string; description?: string; schema?: JsonObject; strict?: boolean } = { name: js.name };
  if (js.description !== undefined) outJs.description = js.description;
  if (js.schema !== undefined) {
    const schema = await readSchema(s, [...base, 'response_format', 'json_schema', 'schema'], js.schema, js.strict === true);
    if (schema) outJs.schema = schema;
  } else if (js.strict === true) {
    s.problems.push({ ...s.at([...base, 'response_format', 'json_schema']), message: 'strict: true needs a schema' });
  }
  if (js.strict !== undefined) outJs.strict = js.strict;
  return { type: 'json_schema', json_schema: outJs };
}

/** A JSON Schema (inline or from its file) checked as JSON Schema and, with `strict`, for strict mode. */
async function readSchema(s: ResolveScope, p: Path, value: JsonObject | FileRef, strict: boolean): Promise<JsonObject | undefined> {
  const json = await s.readJson(p, value);
  if (!json) return undefined;
  s.problems.push(...(await checkJsonSchema(json.value, json.at, strict)));
  return json.value;
}
