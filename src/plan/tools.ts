/**
 * The tools of the Responses era on a target that serves the Assistants API: `web_search` and `mcp`
 * (src/kinds/tools.ts) have no place in an assistant there, so an assistant listing any is a
 * located error (at its first such tool) naming the targets that take them; nothing is sent for that assistant, the rest of the plan goes ahead (as
 * for a model the target does not serve, models.ts). A target whose assistants take more tool
 * types says so in `Live.toolTypes` (a Foundry project: prompt agents take them).
 */
import { ASSISTANTS_TOOL_TYPES, RESPONSES_ERA_TARGETS } from '../kinds/index.js';
import type { DesiredAssistant } from '../kinds/index.js';
import type { Live } from '../targets/live.js';
import type { PlanError } from './types.js';

export function toolErrors(desired: { assistants: readonly DesiredAssistant[] }, live: Pick<Live, 'assistantsApi' | 'toolTypes'>): PlanError[] {
  // a target without the Assistants API deploys no assistant at all (not_deployable), so no tool is wrong there
  if (!live.assistantsApi) return [];
  const taken = new Set<string>(live.toolTypes ?? ASSISTANTS_TOOL_TYPES);
  const out: PlanError[] = [];
  for (const a of desired.assistants) {
    const refused = a.tools.map((t, i) => ({ type: t.type, i })).filter((t) => !taken.has(t.type));
    if (refused.length === 0) continue;
    const first = refused[0]!.i;
    const which = refused.length === 1 ? `${refused[0]!.type} is a tool` : `${refused.map((t) => `${t.type} (tools[${t.i}])`).join(' and ')} are tools`;
    out.push({
      address: `assistant.${a.key}`,
      key: a.key,
      code: 'tool_not_supported',
      path: `assistants.${a.key}.tools[${first}]`,
      loc: a.toolLocs?.[first] ?? a.loc ?? null,
      message: `${which} of the Responses API, which this target's Assistants API does not have; ${refused.length === 1 ? 'it works' : 'they work'} with ${RESPONSES_ERA_TARGETS}; nothing is sent for this assistant`,
    });
  }
  return out;
}
