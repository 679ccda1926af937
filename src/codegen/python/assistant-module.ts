/**
 * One module per assistant: its SPEC (what the runtime needs to find or build the assistant:
 * key, name, function handlers, and on the Responses API the model, instructions, tools and the
 * stores and files they use) and `connect()`.
 */
import { uploadName } from '../../ownership/upload-name.js';
import { protectedContent } from '../../manifest/desired.js';
import type { Desired, DesiredAssistant } from '../../manifest/desired.js';
import { header } from './header.js';
import { atom, docstring, entry, fromJson, importFrom, kwarg, layout, pyFloat, pyStr, seq, str, type Node } from './pysrc.js';
import type { FunctionDef, GenerateOptions } from './types.js';

/** The function tool definitions of one assistant as Responses API tools. */
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
    }
  }
  void d;
  return out;
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

export function assistantModule(a: DesiredAssistant, d: Desired, opts: GenerateOptions, fns: FunctionDef[]): string {
  const api = opts.api;
  const summary = `${a.name} (\`\`${a.key}\`\`), on the ${api === 'assistants' ? 'Assistants' : 'Responses'} API.`;
  const lines: string[] = [...header(summary, a.description), '', 'from __future__ import annotations', ''];
  const runtimeNames = ['Assistant', 'AssistantSpec'];
  const specArgs: Node[] = [kwarg('key', str(a.key)), kwarg('name', str(a.name))];
  const handlers = seq('{', '}', fns.map((f) => ({ kind: 'pair' as const, key: pyStr(f.name), sep: ': ', value: atom(`tools.${f.dispatcher}`) })));
  const body: string[] = [];
  if (api === 'assistants') {
    lines.push('from openai import OpenAI', '');
    if (fns.length) lines.push('from . import tools');
    specArgs.push(kwarg('handlers', handlers));
    const at = attachmentTool(a);
    if (at) specArgs.push(kwarg('attachment_tool', str(at)));
    const id = opts.resolved?.assistants[a.key];
    if (opts.resolved) specArgs.push(kwarg('assistant_id', str(id!)));
  } else {
    runtimeNames.push('Resources');
    const usesContainer = a.tools.some((t) => t.type === 'code_interpreter');
    if (usesContainer) runtimeNames.push('container');
    lines.push('from openai import OpenAI', 'from openai.types.responses import ToolParam', '');
    if (fns.length) lines.push('from . import tools');
    if (a.instructions !== undefined) {
      body.push('', ...layout(str(a.instructions), 0, 'INSTRUCTIONS = '));
    }
    const tools = responsesTools(a, d);
    const usesResources = a.tools.some((t) => t.type === 'file_search' || t.type === 'code_interpreter');
    body.push('', '', `def _tools(${usesResources ? 'resources' : '_resources'}: Resources) -> list[ToolParam]:`);
    body.push(...docstring('The tools sent with every request.', 1));
    body.push(...layout(seq('[', ']', tools), 1, 'return '));
    specArgs.push(kwarg('model', str(a.model)));
    specArgs.push(kwarg('instructions', atom(a.instructions !== undefined ? 'INSTRUCTIONS' : 'None')));
    specArgs.push(kwarg('tools', atom('_tools')));
    specArgs.push(kwarg('handlers', handlers));
    if (a.vectorStores.length) specArgs.push(kwarg('vector_stores', seq('(', ')', a.vectorStores.map(str), true)));
    const files = codeInterpreterFiles(a, d);
    if (files.length) specArgs.push(kwarg('code_interpreter_files', seq('(', ')', files.map(str), true)));
    const at = attachmentTool(a);
    if (at) specArgs.push(kwarg('attachment_tool', str(at)));
    if (a.temperature !== undefined) specArgs.push(kwarg('temperature', atom(pyFloat(a.temperature))));
    if (a.top_p !== undefined) specArgs.push(kwarg('top_p', atom(pyFloat(a.top_p))));
    if (a.reasoning_effort !== undefined) specArgs.push(kwarg('reasoning', seq('{', '}', [entry('effort', str(a.reasoning_effort))])));
    const rf = a.response_format;
    if (rf && rf !== 'auto' && rf.type !== 'text') {
      const format =
        rf.type === 'json_object'
          ? { type: 'json_object' }
          : {
              type: 'json_schema',
              name: rf.json_schema.name,
              ...(rf.json_schema.description ? { description: rf.json_schema.description } : {}),
              schema: rf.json_schema.schema ?? {},
              strict: rf.json_schema.strict ?? false,
            };
      specArgs.push(kwarg('text', seq('{', '}', [entry('format', fromJson(format))])));
    }
    if (opts.resolved) {
      const vs = a.vectorStores.map((k) => opts.resolved!.vectorStores[k]!);
      const fileIds = files.map((n) => opts.resolved!.files[n]!);
      specArgs.push(kwarg('resolved', seq('Resources(', ')', [kwarg('vector_store_ids', fromJson(vs)), kwarg('file_ids', fromJson(fileIds))])));
    }
  }
  lines.push('from ._common import ConversationStore', ...importFrom('._runtime', runtimeNames));
  lines.push(...body);
  lines.push(...(body.length ? ['', ''] : ['']), ...layout(seq('SPEC = AssistantSpec(', ')', specArgs), 0));
  lines.push(
    '',
    '',
    ...layout(seq('def connect(', ') -> Assistant:', [atom('client: OpenAI | None = None'), atom('store: ConversationStore | None = None')]), 0),
    ...docstring(`The ${a.key} assistant: \`\`connect().ask(conversation_id, question)\`\`.`, 1),
    '    return Assistant(SPEC, client, store)',
  );
  return `${lines.join('\n')}\n`;
}
