/**
 * What a manifest asks of a Foundry project that the project has no place for (or refuses), found
 * before anything is sent: each a located problem (`file:line:col: path: what, and how to fix
 * it`), never a field dropped on the way. The Foundry name of each assistant (agent.ts) must keep
 * Foundry's rules (§6 of ../shared/azure-foundry/README.md) and be unique in the manifest; the
 * version's 16 metadata pairs hold the display name and the two ownership tags; a prompt agent has
 * no tool resources apart from its tools, no `max` reasoning effort, no `default_2024_08_21` ranker,
 * no web_search `external_web_access`.
 */
import type { Problem, SourceLoc } from '../errors.js';
import { FOUNDRY_USER_MAX_METADATA, foundryNameProblems } from '../ownership/index.js';
import type { DesiredAssistant } from './assistant.js';

/** Where a manifest path is written (the manifest's locations), when known. */
export type Locate = (path: readonly (string | number)[]) => SourceLoc | undefined;

/** Reasoning efforts a prompt agent takes (SW `OpenAI.ReasoningEffort`). */
const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
/** Rankers of a prompt agent's file_search (SW `OpenAI.RankingOptions.ranker`). */
const RANKERS = ['auto', 'default-2024-11-15'];

function display(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}


function assistantProblems(a: DesiredAssistant, add: (path: (string | number)[], message: string) => void): void {
  const base = ['assistants', a.key];
  const keys = Object.keys(a.metadata).length;
  if (keys > FOUNDRY_USER_MAX_METADATA) {
    add([...base, 'metadata'], `has ${keys} keys; on Foundry the limit is ${FOUNDRY_USER_MAX_METADATA} (a version holds 16, and assistants-deploy keeps the display name and 2 ownership tags there); remove ${keys - FOUNDRY_USER_MAX_METADATA}`);
  }
  if (a.reasoning_effort !== undefined && !EFFORTS.includes(a.reasoning_effort)) {
    add([...base, 'reasoning_effort'], `"${a.reasoning_effort}" is not a reasoning effort of a Foundry prompt agent (${EFFORTS.join(', ')}); choose one of those for this target`);
  }
  const types = new Set(a.tools.map((t) => t.type));
  if (a.vectorStores.length > 0 && !types.has('file_search')) {
    add([...base, 'tool_resources', 'file_search'], 'a Foundry agent keeps its vector stores in its file_search tool, and this assistant has none; add { type: file_search } to tools, or remove the vector stores');
  }
  if (a.fileSets.length > 0 && !types.has('code_interpreter')) {
    add([...base, 'tool_resources', 'code_interpreter'], 'a Foundry agent keeps its files in its code_interpreter tool, and this assistant has none; add { type: code_interpreter } to tools, or remove the file sets');
  }
  a.tools.forEach((t, i) => {
    // a prompt agent's web_search (SW OpenAI.WebSearchTool) has no external_web_access
    if (t.type === 'web_search' && t.external_web_access !== undefined) {
      add([...base, 'tools', i, 'external_web_access'], "a Foundry prompt agent's web_search has no external_web_access (it searches the live web); leave it out for this target");
    }
    if (t.type !== 'file_search') return;
    const ranker = t.file_search?.ranking_options?.ranker;
    if (ranker !== undefined && !RANKERS.includes(ranker)) {
      add([...base, 'tools', i, 'file_search', 'ranking_options', 'ranker'], `ranker "${ranker}" is not offered by Foundry's file_search (${RANKERS.join(', ')}); use auto, or leave ranker out`);
    }
  });
}

/** The problems of deploying these assistants as prompt agents of a Foundry project; empty when every field maps. */
export function agentProblems(desired: { deployment: string; assistants: readonly DesiredAssistant[] }, locate: Locate): Problem[] {
  const out: Problem[] = [];
  const add = (path: (string | number)[], message: string, loc?: SourceLoc) => {
    const at = loc ?? locate(path);
    out.push({ message, path: display(path), ...(at ? { loc: at } : {}) });
  };
  // the names: one rule with codegen --api foundry's (src/ownership/foundry-name.ts)
  const names = foundryNameProblems(desired.deployment, desired.assistants.map((a) => a.key));
  for (const a of desired.assistants) {
    const bad = names.get(a.key);
    if (bad) add(['assistants', a.key], bad, a.loc);
    assistantProblems(a, add);
  }
  // in the order people read the manifest: file, line, column (unlocated last)
  const at = (p: Problem) => (p.loc ? [p.loc.file, p.loc.line, p.loc.col] : ['\uffff', 0, 0]) as [string, number, number];
  return out.sort((x, y) => {
    const [fa, la, ca] = at(x);
    const [fb, lb, cb] = at(y);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
}
