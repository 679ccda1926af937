/**
 * What the plan says about the manifest's models: an assistant whose model the target's model list
 * does not name is an error (nothing is sent for it, the rest goes ahead), a model whose shutdown
 * is announced a warning; and, on a target without the Assistants API, each assistant is not
 * deployable (reported once, never an error).
 */
import type { DesiredAssistant } from '../kinds/index.js';
import type { Live } from '../targets/live.js';
import { shutdownOf, type DeprecationTable } from './deprecations.js';
import type { NotDeployable, PlanError } from './types.js';

/**
 * Assistants whose manifest model the target's model list does not name (when it serves one, and
 * serves the Assistants API): a located error each.
 */
export function modelErrors(desired: { assistants: readonly DesiredAssistant[] }, live: Live): PlanError[] {
  const served = live.models ? new Set(live.models.ids) : undefined;
  if (!served || !live.assistantsApi) return [];
  return desired.assistants
    .filter((a) => !served.has(a.model))
    .map((a) => ({
      address: `assistant.${a.key}`,
      key: a.key,
      code: 'model_not_served' as const,
      path: `assistants.${a.key}.model`,
      loc: a.modelLoc ?? a.loc ?? null,
      message: `model "${a.model}" is not served by this target (its model list does not name it); nothing is sent for this assistant`,
    }));
}

/** A warning, with the date, for each manifest model whose shutdown is announced. */
export function shutdownWarnings(desired: { assistants: readonly DesiredAssistant[] }, live: Live, options: { createdAt: string; deprecations?: DeprecationTable }): string[] {
  const today = options.createdAt.slice(0, 10);
  const out: string[] = [];
  for (const a of desired.assistants) {
    const n = shutdownOf(a.model, live.models, options.deprecations);
    if (!n) continue;
    const when = n.shutdown <= today ? `was shut down on ${n.shutdown}` : `shuts down on ${n.shutdown}`;
    const announced = n.announced ? `, announced ${n.announced}` : '';
    const instead = n.replacement ? `; recommended replacement: ${n.replacement}` : '';
    out.push(`assistant.${a.key}: model "${a.model}" ${when} (${n.source}${announced})${instead}`);
  }
  return out;
}


export function notDeployable(assistants: readonly DesiredAssistant[]): NotDeployable[] {
  return assistants.map((a) => ({
    address: `assistant.${a.key}`,
    key: a.key,
    reason: 'not deployable on this target (Assistants API not served); run `assistants-deploy codegen python --api responses` to call it through the Responses API',
  }));
}
