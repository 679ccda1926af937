/**
 * What the manifest asks that the chosen `--api` cannot do, as located problems (`file:line:col`):
 * the tools of the Responses era (web_search, mcp) with `--api assistants`, whose API has no such
 * tools (the same rule plan applies to a target serving the Assistants API, src/plan/tools.ts);
 * and with `--api foundry` an assistant whose Foundry agent name cannot be made
 * (src/ownership/foundry-name.ts: too long, or another key's too).
 */
import type { Problem } from '../../errors.js';
import { isResponsesEraTool } from '../../kinds/tools.js';
import type { Desired } from '../../manifest/desired.js';
import { foundryNameProblems } from '../../ownership/foundry-name.js';
import type { Api } from './versions.js';

export function apiProblems(d: Desired, api: Api): Problem[] {
  const out: Problem[] = [];
  if (api === 'assistants') {
    for (const a of d.assistants) {
      const refused = a.tools.map((t, i) => ({ t, i })).filter(({ t }) => isResponsesEraTool(t));
      if (refused.length === 0) continue;
      const first = refused[0]!.i;
      const which = refused.length === 1 ? `${refused[0]!.t.type} is a tool` : `${refused.map(({ t, i }) => `${t.type} (tools[${i}])`).join(' and ')} are tools`;
      const loc = a.toolLocs?.[first] ?? a.loc;
      out.push({
        path: `assistants.${a.key}.tools[${first}]`,
        ...(loc ? { loc } : {}),
        message: `${which} of the Responses API, which the Assistants API does not have: generate this client with --api responses or --api foundry (or leave the tools out)`,
      });
    }
  }
  if (api === 'foundry') {
    const names = foundryNameProblems(d.deployment, d.assistants.map((a) => a.key));
    for (const a of d.assistants) {
      const why = names.get(a.key);
      if (why) out.push({ path: `assistants.${a.key}`, ...(a.loc ? { loc: a.loc } : {}), message: why });
    }
  }
  return out;
}
