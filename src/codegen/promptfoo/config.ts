/**
 * Desired -> a promptfoo configuration (`codegen promptfoo`): one provider per assistant on the
 * Responses API (`openai:responses:<model>`, labelled with the assistant's key, with its
 * instructions, sampling, response format and tools, file_search searching the ids its vector
 * stores are deployed under), one prompt (`{{prompt}}`), and one test per entry of the manifest's
 * `evals`, run only against its assistant's provider (`providers: [key]`), with its assertions as
 * promptfoo takes them. Pure: the ids come resolved (src/cli/commands/codegen-promptfoo.ts reads them
 * by the ownership tags). The result validates against promptfoo's configuration schema
 * (vendor/promptfoo/config-schema.json; test/codegen/promptfoo.test.ts).
 */
import { stringify } from 'yaml';
import type { Desired, DesiredAssistant } from '../../manifest/desired.js';
import { protectedContent } from '../../manifest/desired.js';
import { uploadName } from '../../ownership/upload-name.js';
import { shownTool } from '../../kinds/tools.js';

export interface PromptfooIds {
  /** Deployed vector store id by manifest key. */
  vectorStores: Record<string, string>;
  /** Deployed upload id by upload name (code_interpreter files). */
  files: Record<string, string>;
}

export const PROMPT_ID = 'user-message';

type Obj = Record<string, unknown>;

function codeInterpreterFileIds(a: DesiredAssistant, d: Desired, ids: PromptfooIds): string[] {
  const out: string[] = [];
  const protectedShas = protectedContent(d);
  for (const key of a.fileSets) {
    for (const f of d.fileSets.find((s) => s.key === key)?.files ?? []) {
      const id = ids.files[uploadName(d.deployment, f.sha256!, f.path, { protect: protectedShas.has(f.sha256!) })];
      if (id && !out.includes(id)) out.push(id);
    }
  }
  return out;
}

/** An assistant's tools as the Responses API takes them. */
export function responsesTools(a: DesiredAssistant, d: Desired, ids: PromptfooIds): Obj[] {
  return a.tools.map((t): Obj => {
    if (t.type === 'function') {
      const fn = t.function;
      // the Responses API defaults `strict` to true, the Assistants API to false: say it
      return { type: 'function', name: fn.name, ...(fn.description ? { description: fn.description } : {}), parameters: fn.parameters ?? { type: 'object', properties: {} }, strict: fn.strict === true };
    }
    if (t.type === 'file_search') {
      const fs = t.file_search ?? {};
      return {
        type: 'file_search',
        vector_store_ids: a.vectorStores.map((k) => ids.vectorStores[k]!),
        ...(fs.max_num_results !== undefined ? { max_num_results: fs.max_num_results } : {}),
        // the Assistants API's ranker default_2024_08_21 has no equal on the Responses API: auto
        ...(fs.ranking_options ? { ranking_options: { ranker: 'auto', score_threshold: fs.ranking_options.score_threshold } } : {}),
      };
    }
    if (t.type === 'code_interpreter') return { type: 'code_interpreter', container: { type: 'auto', file_ids: codeInterpreterFileIds(a, d, ids) } };
    // a tool of the Responses era (web_search, mcp) as the manifest has it: an MCP secret as its
    // template (`Bearer ${env:TOKEN}`), never its value (src/kinds/tools.ts)
    return shownTool(t);
  });
}

function providerOf(a: DesiredAssistant, d: Desired, ids: PromptfooIds): Obj {
  const rf = a.response_format;
  const responseFormat =
    rf && typeof rf === 'object' && rf.type === 'json_schema'
      ? { type: 'json_schema', json_schema: { name: rf.json_schema.name, ...(rf.json_schema.schema ? { schema: rf.json_schema.schema } : {}), strict: rf.json_schema.strict === true } }
      : rf && typeof rf === 'object' && rf.type === 'json_object'
        ? { type: 'json_object' }
        : undefined;
  const tools = responsesTools(a, d, ids);
  const config: Obj = {
    ...(a.instructions !== undefined ? { instructions: a.instructions } : {}),
    ...(a.temperature !== undefined ? { temperature: a.temperature } : {}),
    ...(a.top_p !== undefined ? { top_p: a.top_p } : {}),
    ...(a.reasoning_effort !== undefined ? { reasoning_effort: a.reasoning_effort } : {}),
    ...(responseFormat ? { response_format: responseFormat } : {}),
    ...(tools.length ? { tools } : {}),
  };
  return { id: `openai:responses:${a.model}`, label: a.key, ...(Object.keys(config).length ? { config } : {}) };
}

/** The configuration as an object (what the YAML file holds). */
export function promptfooConfig(d: Desired, ids: PromptfooIds): Obj {
  const tests = (d.evals ?? []).map((e) => ({
    description: e.description,
    vars: { prompt: e.prompt },
    providers: [e.assistant],
    assert: e.assert.map((x) => ({ ...x })),
  }));
  return {
    description: `Evals of deployment "${d.deployment}"${d.environment ? ` (environment ${d.environment})` : ''}, from its manifest`,
    prompts: [{ id: PROMPT_ID, label: 'user message', raw: '{{prompt}}' }],
    providers: d.assistants.map((a) => providerOf(a, d, ids)),
    tests,
  };
}

/** The YAML file: what it is and how to run it, then the configuration. */
export function promptfooYaml(d: Desired, ids: PromptfooIds, manifest: string): string {
  const head = [
    '# yaml-language-server: $schema=https://promptfoo.dev/config-schema.json',
    `# Generated by \`assistants-deploy codegen promptfoo\` from ${manifest} (deployment "${d.deployment}"): one`,
    '# provider per assistant (Responses API) with the ids of its deployed vector stores, one test per',
    '# entry of the manifest\'s evals. Regenerate it after an apply rather than edit it.',
    '# Run it with promptfoo: npx promptfoo@latest eval -c THIS_FILE (OPENAI_API_KEY, OPENAI_BASE_URL as for the tool).',
  ];
  return `${head.join('\n')}\n${stringify(promptfooConfig(d, ids), { lineWidth: 0 })}`;
}
