/**
 * One module per assistant: its SPEC (what the runtime needs to find or build the assistant:
 * key, name, function handlers, and on the Responses API the model, instructions, tools and the
 * stores and files they use) and `connect()`.
 */
import { foundryAgentName } from '../../ownership/foundry-name.js';
import { uploadName } from '../../ownership/upload-name.js';
import { protectedContent } from '../../manifest/desired.js';
import type { Desired, DesiredAssistant, DesiredMcpTool, EnvTemplate } from '../../manifest/desired.js';
import { envTemplateParts } from '../../kinds/tools.js';
import { header } from './header.js';
import { atom, docstring, entry, fromJson, importFrom, kwarg, layout, pyFloat, pyStr, seq, str, type Node } from './pysrc.js';
import type { FunctionDef, GenerateOptions } from './types.js';

/** The tools of one assistant as Responses API tools. */
function responsesTools(a: DesiredAssistant, d: Desired): Node[] {
  const out: Node[] = [];
  for (const t of a.tools) {
    if (t.type === 'function') {
      const fn = t.function;
      const items: Node[] = [entry('type', str('function')), entry('name', str(fn.name))];
      if (fn.description) items.push(entry('description', str(fn.description)));
      items.push(entry('parameters', fromJson(fn.parameters ?? { type: 'object', properties: {} })));
      // The Responses API defaults `strict` to true, the Assistants API to false: say it.
      items.push(entry('strict', atom(fn.strict ? 'True' : 'False')));
      out.push(seq('{', '}', items));
    } else if (t.type === 'file_search') {
      const items: Node[] = [entry('type', str('file_search')), entry('vector_store_ids', atom('resources.vector_store_ids'))];
      const fs = t.file_search ?? {};
      if (fs.max_num_results !== undefined) items.push(entry('max_num_results', atom(String(fs.max_num_results))));
      if (fs.ranking_options) {
        // The Responses API knows rankers `auto` and `default-2024-11-15`; the Assistants API's
        // `default_2024_08_21` has no equal there, so it becomes `auto`.
        const ro: Node[] = [entry('ranker', str('auto'))];
        if (fs.ranking_options.score_threshold !== undefined) ro.push(entry('score_threshold', atom(pyFloat(fs.ranking_options.score_threshold))));
        items.push(entry('ranking_options', seq('{', '}', ro)));
      }
      out.push(seq('{', '}', items));
    } else if (t.type === 'code_interpreter') {
      out.push(seq('{', '}', [entry('type', str('code_interpreter')), entry('container', atom('container(resources.file_ids)'))]));
    } else if (t.type === 'web_search') {
      out.push(fromJson(t));
    } else if (t.type === 'mcp') {
      out.push(mcpTool(t));
    }
  }
  void d;
  return out;
}

/** A template's value in the code: the text, or `env_text("…")` reading its variables at run time (never their values). */
function secretValue(t: EnvTemplate): Node {
  if (t.env.length === 0) return str(envTemplateParts(t).map((p) => ('text' in p ? p.text : '')).join(''));
  return seq('env_text(', ')', [str(t.template)]);
}

/** An mcp tool as the Responses API takes it; its secrets read from the environment when the request is made. */
function mcpTool(t: DesiredMcpTool): Node {
  const items: Node[] = [entry('type', str('mcp')), entry('server_label', str(t.server_label)), entry('server_url', str(t.server_url))];
  if (t.server_description !== undefined) items.push(entry('server_description', str(t.server_description)));
  if (t.allowed_tools !== undefined) items.push(entry('allowed_tools', fromJson(t.allowed_tools)));
  if (t.require_approval !== undefined) items.push(entry('require_approval', fromJson(t.require_approval)));
  if (t.headers !== undefined) items.push(entry('headers', seq('{', '}', Object.entries(t.headers).map(([name, v]) => entry(name, secretValue(v))))));
  if (t.authorization !== undefined) items.push(entry('authorization', secretValue(t.authorization)));
  return seq('{', '}', items);
}

/** Whether the tools read an environment variable when sent (an MCP secret). */
export function readsEnv(a: DesiredAssistant): boolean {
  return a.tools.some((t) => t.type === 'mcp' && [...Object.values(t.headers ?? {}), ...(t.authorization ? [t.authorization] : [])].some((v) => v.env.length > 0));
}

function attachmentTool(a: DesiredAssistant): string | undefined {
  if (a.tools.some((t) => t.type === 'code_interpreter')) return 'code_interpreter';
  if (a.tools.some((t) => t.type === 'file_search')) return 'file_search';
  return undefined;
}

function codeInterpreterFiles(a: DesiredAssistant, d: Desired): string[] {
  if (!a.tools.some((t) => t.type === 'code_interpreter')) return [];
  const names: string[] = [];
  const protectedShas = protectedContent(d);
  for (const key of a.fileSets) {
    const set = d.fileSets.find((s) => s.key === key);
    for (const f of set?.files ?? []) {
      if (!f.sha256) throw new Error(`file ${f.path} has no sha256: hash the manifest before generating code`);
      const name = uploadName(d.deployment, f.sha256, f.path, { protect: protectedShas.has(f.sha256) });
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}

/** What one API's module holds besides the common parts: imports, module body, SPEC's arguments. */
interface ModuleParts {
  imports: string[];
  runtimeNames: string[];
  body: string[];
  specArgs: Node[];
  /** connect()'s parameters and the call that makes the Assistant. */
  connect: { params: string[]; call: string };
}

const API_NAMES = { assistants: 'the Assistants API', responses: 'the Responses API', foundry: 'a Foundry project' } as const;

function assistantsParts(a: DesiredAssistant, opts: GenerateOptions, handlers: Node): ModuleParts {
  const specArgs: Node[] = [kwarg('handlers', handlers)];
  const at = attachmentTool(a);
  if (at) specArgs.push(kwarg('attachment_tool', str(at)));
  if (opts.resolved) specArgs.push(kwarg('assistant_id', str(opts.resolved.assistants[a.key]!)));
  return { imports: ['from openai import OpenAI', ''], runtimeNames: [], body: [], specArgs, connect: openaiConnect() };
}

function openaiConnect(): ModuleParts['connect'] {
  return { params: ['client: OpenAI | None = None', 'store: ConversationStore | None = None'], call: 'Assistant(SPEC, client, store)' };
}

/** The Responses API: the model, instructions and tools go with every request. */
function responsesParts(a: DesiredAssistant, d: Desired, opts: GenerateOptions, handlers: Node): ModuleParts {
  const runtimeNames = ['Resources'];
  if (a.tools.some((t) => t.type === 'code_interpreter')) runtimeNames.push('container');
  if (readsEnv(a)) runtimeNames.push('env_text');
  const body: string[] = [];
  if (a.instructions !== undefined) body.push('', ...layout(str(a.instructions), 0, 'INSTRUCTIONS = '));
  const usesResources = a.tools.some((t) => t.type === 'file_search' || t.type === 'code_interpreter');
  body.push('', '', `def _tools(${usesResources ? 'resources' : '_resources'}: Resources) -> list[ToolParam]:`);
  body.push(...docstring('The tools sent with every request.', 1));
  body.push(...layout(seq('[', ']', responsesTools(a, d)), 1, 'return '));
  const specArgs: Node[] = [kwarg('model', str(a.model)), kwarg('instructions', atom(a.instructions !== undefined ? 'INSTRUCTIONS' : 'None')), kwarg('tools', atom('_tools')), kwarg('handlers', handlers)];
  if (a.vectorStores.length) specArgs.push(kwarg('vector_stores', seq('(', ')', a.vectorStores.map(str), true)));
  const files = codeInterpreterFiles(a, d);
  if (files.length) specArgs.push(kwarg('code_interpreter_files', seq('(', ')', files.map(str), true)));
  const at = attachmentTool(a);
  if (at) specArgs.push(kwarg('attachment_tool', str(at)));
  if (a.temperature !== undefined) specArgs.push(kwarg('temperature', atom(pyFloat(a.temperature))));
  if (a.top_p !== undefined) specArgs.push(kwarg('top_p', atom(pyFloat(a.top_p))));
  if (a.reasoning_effort !== undefined) specArgs.push(kwarg('reasoning', seq('{', '}', [entry('effort', str(a.reasoning_effort))])));
  const format = textFormat(a);
  if (format) specArgs.push(kwarg('text', seq('{', '}', [entry('format', fromJson(format))])));
  if (opts.resolved) {
    const vs = a.vectorStores.map((k) => opts.resolved!.vectorStores[k]!);
    const fileIds = files.map((n) => opts.resolved!.files[n]!);
    specArgs.push(kwarg('resolved', seq('Resources(', ')', [kwarg('vector_store_ids', fromJson(vs)), kwarg('file_ids', fromJson(fileIds))])));
  }
  const connect = openaiConnect();
  if (a.tools.some((t) => t.type === 'mcp')) approval(runtimeNames, connect);
  return { imports: ['from openai import OpenAI', 'from openai.types.responses import ToolParam', ''], runtimeNames, body, specArgs, connect };
}

/** connect() takes `approve` (the MCP calls that wait for approval; refused by default). */
function approval(runtimeNames: string[], connect: ModuleParts['connect']): void {
  runtimeNames.push('Approver', 'deny');
  connect.params.push('approve: Approver = deny');
  connect.call = connect.call.replace(/\)$/, ', approve)');
}

/** `text.format` of the Responses API for the assistant's response format (none for text). */
function textFormat(a: DesiredAssistant): Record<string, unknown> | undefined {
  const rf = a.response_format;
  if (!rf || rf === 'auto' || rf.type === 'text') return undefined;
  if (rf.type === 'json_object') return { type: 'json_object' };
  return {
    type: 'json_schema',
    name: rf.json_schema.name,
    ...(rf.json_schema.description ? { description: rf.json_schema.description } : {}),
    schema: rf.json_schema.schema ?? {},
    strict: rf.json_schema.strict ?? false,
  };
}

/** A Foundry project: the agent holds model, instructions and tools; the module names the agent. */
function foundryParts(a: DesiredAssistant, d: Desired, handlers: Node): ModuleParts {
  const specArgs: Node[] = [kwarg('agent_name', str(foundryAgentName(d.deployment, a.key))), kwarg('handlers', handlers)];
  if (a.tools.some((t) => t.type === 'file_search')) specArgs.push(kwarg('file_search', atom('True')));
  const runtimeNames: string[] = [];
  const connect = { params: ['project: AIProjectClient | None = None', 'store: ConversationStore | None = None'], call: 'Assistant(SPEC, project, store)' };
  if (a.tools.some((t) => t.type === 'mcp')) approval(runtimeNames, connect);
  return { imports: ['from azure.ai.projects import AIProjectClient', ''], runtimeNames, body: [], specArgs, connect };
}

export function assistantModule(a: DesiredAssistant, d: Desired, opts: GenerateOptions, fns: FunctionDef[]): string {
  const summary = `${a.name} (\`\`${a.key}\`\`), on ${API_NAMES[opts.api]}.`;
  const lines: string[] = [...header(summary, a.description), '', 'from __future__ import annotations', ''];
  const handlers = seq('{', '}', fns.map((f) => ({ kind: 'pair' as const, key: pyStr(f.name), sep: ': ', value: atom(`tools.${f.dispatcher}`) })));
  const parts = opts.api === 'assistants' ? assistantsParts(a, opts, handlers) : opts.api === 'responses' ? responsesParts(a, d, opts, handlers) : foundryParts(a, d, handlers);
  lines.push(...parts.imports);
  if (fns.length) lines.push('from . import tools');
  lines.push('from ._common import ConversationStore', ...importFrom('._runtime', ['Assistant', 'AssistantSpec', ...parts.runtimeNames]));
  lines.push(...parts.body);
  const specArgs = [kwarg('key', str(a.key)), kwarg('name', str(a.name)), ...parts.specArgs];
  lines.push(...(parts.body.length ? ['', ''] : ['']), ...layout(seq('SPEC = AssistantSpec(', ')', specArgs), 0));
  lines.push(
    '',
    '',
    ...layout(seq('def connect(', ') -> Assistant:', parts.connect.params.map(atom)), 0),
    ...docstring(`The ${a.key} assistant: \`\`connect().ask(conversation_id, question)\`\`.`, 1),
    `    return ${parts.connect.call}`,
  );
  return `${lines.join('\n')}\n`;
}
