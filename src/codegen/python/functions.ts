/**
 * The manifest's function tools in Python: one definition per distinct function (named for
 * Python, unique), tools.py (the arguments of each as a TypedDict, and the glue that decodes a
 * call and runs its handler) and handlers.py (the user's: a scaffold written once, a stub per
 * function).
 */
import type { Desired, DesiredTool } from '../../manifest/desired.js';
import type { JsonObject } from '../../manifest/types.js';
import { article, docstringBlock, header } from './header.js';
import { atom, docstring, importFrom, layout, seq, snakeName, str } from './pysrc.js';
import { TypedDictBuilder } from './typed-dict.js';
import type { FunctionDef } from './types.js';

export type FnTool = Extract<DesiredTool, { type: 'function' }>;

/** One definition per function name; a name whose definition differs between assistants gets one per assistant. */
export function functionDefs(d: Desired): { defs: FunctionDef[]; byAssistant: Map<string, FunctionDef[]>; schemas: Map<FunctionDef, FnTool['function']> } {
  const defs: FunctionDef[] = [];
  const schemas = new Map<FunctionDef, FnTool['function']>();
  const byAssistant = new Map<string, FunctionDef[]>();
  const seen = new Map<string, { json: string; def: FunctionDef }[]>();
  const usedPy = new Set<string>();
  for (const a of d.assistants) {
    const list: FunctionDef[] = [];
    for (const t of a.tools) {
      if (t.type !== 'function') continue;
      const fn = t.function;
      const json = JSON.stringify({ d: fn.description ?? null, p: fn.parameters ?? null });
      const variants = seen.get(fn.name) ?? [];
      let def = variants.find((v) => v.json === json)?.def;
      if (!def) {
        let py = snakeName(fn.name);
        if (usedPy.has(py)) py = snakeName(`${a.key}_${fn.name}`);
        for (let i = 2; usedPy.has(py); i++) py = `${snakeName(fn.name)}_${i}`;
        usedPy.add(py);
        const cls = `${py.split('_').filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Args`;
        def = { name: fn.name, handler: py, dispatcher: `call_${py}`, argsClass: cls, ...(fn.description ? { description: fn.description } : {}) };
        variants.push({ json, def });
        seen.set(fn.name, variants);
        defs.push(def);
        schemas.set(def, fn);
      }
      list.push(def);
    }
    byAssistant.set(a.key, list);
  }
  return { defs, byAssistant, schemas };
}

export function toolsModule(d: Desired, defs: FunctionDef[], schemas: Map<FunctionDef, FnTool['function']>): string {
  const b = new TypedDictBuilder(defs.map((f) => f.argsClass));
  const classes: string[][] = [];
  for (const def of defs) {
    const fn = schemas.get(def)!;
    const params = (fn.parameters ?? { type: 'object', properties: {} }) as JsonObject;
    const before = b.blocks.length;
    b.define(params as never, def.argsClass, def.description ?? (typeof params.description === 'string' ? params.description : undefined), true);
    classes.push(...b.blocks.slice(before));
  }
  const typing = [...b.imports.typing, 'TypedDict', 'cast'];
  const lines: string[] = [
    ...header(
      `Function tools of deployment \`\`${d.deployment}\`\`.`,
      "The arguments each function receives, typed from its JSON Schema, and the glue that decodes a call and runs your handler in handlers.py.",
    ),
    '',
    'from __future__ import annotations',
    '',
    'import json',
  ];
  lines.push(...importFrom('typing', typing));
  lines.push('', 'from . import handlers');
  for (const block of classes) lines.push('', '', ...block);
  for (const def of defs) {
    lines.push('', '');
    lines.push(`def ${def.dispatcher}(arguments: str) -> str:`);
    lines.push(...docstring(`Decode ${article(def.name)} ${def.name} call and run handlers.${def.handler}.`, 1));
    lines.push(...layout(seq(`return handlers.${def.handler}(`, ')', [seq(`cast(`, ')', [atom(def.argsClass), atom('json.loads(arguments)')])]), 1));
  }
  return `${lines.join('\n')}\n`;
}

export function handlerStub(def: FunctionDef): string {
  const lines = [`def ${def.handler}(args: tools.${def.argsClass}) -> str:`];
  if (def.description) lines.push(...docstring(def.description, 1));
  lines.push(...layout(seq('raise NotImplementedError(', ')', [str(`${def.name}: write this handler in handlers.py`)]), 1));
  return lines.join('\n');
}

export function handlersScaffold(d: Desired, defs: FunctionDef[]): string {
  const lines = [
    ...docstringBlock(
      `Your function tool handlers, for deployment \`\`${d.deployment}\`\`.\n\n` +
        "assistants-deploy codegen writes this file once and never overwrites it; when the manifest gains a function tool, it appends a stub for it here. A handler receives the call's arguments, typed from the tool's JSON Schema, and returns the text the model reads (JSON is a good choice). An exception is reported to the model as an error.",
    ),
    '',
    'from __future__ import annotations',
    '',
    'from typing import TYPE_CHECKING',
    '',
    'if TYPE_CHECKING:',
    '    from . import tools',
  ];
  for (const def of defs) lines.push('', '', handlerStub(def));
  return `${lines.join('\n')}\n`;
}
