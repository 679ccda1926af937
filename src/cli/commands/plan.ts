/**
 * `plan`: read the live account, diff it against the manifest, show exactly what would change.
 * Exit 0 (with --detailed-exitcode: 0 no changes, 2 changes pending), 1 on any error, a plan's
 * errors included (an assistant whose model the target does not serve: the plan is still shown).
 */
import { writeFile } from 'node:fs/promises';
import { renderMarkdown } from '../../render/plan-markdown.js';
import { renderText, resultLine, statusLine } from '../../render/plan-text.js';
import { hasChanges } from '../../plan/types.js';
import type { Plan } from '../../plan/types.js';
import { createIo } from '../io.js';
import type { Io } from '../io.js';
import type { CommandOptions } from '../main.js';
import { exitWithPlanErrors, loadAndRead, manifestArgument, planChecked } from '../session.js';

/** The plan in a format; text with --quiet is its result line alone (a JSON or markdown plan is a result whole). */
export function renderPlan(plan: Plan, format: string, io: Io): string {
  if (format === 'json') return `${JSON.stringify(plan, null, 2)}\n`;
  if (format === 'markdown') return renderMarkdown(plan);
  return io.quiet ? resultLine(plan) : renderText(plan, { color: io.color });
}

export async function run(_args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const { desired, target, live: read } = await loadAndRead(opts, io);
  try {
    const live = await read();
    const plan = await planChecked(desired, live, target, { prices: opts.prices, manifestFile: manifestArgument(opts) });
    const format = typeof opts.format === 'string' ? opts.format : 'text';
    io.info(statusLine(plan));
    io.out(renderPlan(plan, format, io));
    if (typeof opts.out === 'string') {
      await writeFile(opts.out, `${JSON.stringify(plan, null, 2)}\n`);
      io.info(`Saved the plan to ${opts.out}; apply exactly this plan with: assistants-deploy apply ${opts.out}`);
    }
    return exitWithPlanErrors(io, plan, opts.detailedExitcode === true && hasChanges(plan) ? 2 : 0);
  } finally {
    await target.close();
  }
}
