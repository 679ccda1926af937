/**
 * `validate`: offline checks of the manifest and the files it names (their contents are read once
 * and their hashes cached, as plan does). Exit 0 with a one-line summary, or exit 1 with every
 * problem located as file:line:col.
 */
import { formatProblem, ManifestError } from '../../errors.js';
import type { Problem } from '../../errors.js';
import { countFiles } from '../../manifest/desired.js';
import type { Desired, Warning } from '../../manifest/desired.js';
import { hashDesired } from '../../manifest/hash.js';
import { agentProblems } from '../../kinds/index.js';
import { validateManifest } from '../../manifest/load.js';
import { createIo } from '../io.js';
import type { CommandOptions } from '../main.js';
import { loadOptions } from '../options.js';
import { isFoundryChoice } from '../../targets/target.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summarize(d: Desired): string {
  return [
    plural(d.assistants.length, 'assistant'),
    plural(d.vectorStores.length, 'vector store'),
    plural(d.fileSets.length, 'file set'),
    plural(countFiles(d), 'file'),
  ].join(', ');
}

function jsonProblem(p: Problem | Warning) {
  return { file: p.loc?.file ?? null, line: p.loc?.line ?? null, col: p.loc?.col ?? null, path: p.path ?? null, message: p.message };
}

export async function run(_args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const options = loadOptions(opts);
  const results = await validateManifest(options);
  // the files' contents too (hashed once, then cached): a binary file under a text name is refused here
  for (const r of results) {
    if (!r.desired || r.problems.length > 0) continue;
    try {
      await hashDesired(r.desired, { cacheRoot: process.cwd() });
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      r.problems.push(...error.problems);
    }
  }
  // --target foundry: what a Foundry project has no place for, too (offline, src/kinds/agent-checks.ts)
  if (isFoundryChoice(opts.target)) {
    for (const r of results) if (r.desired && r.problems.length === 0) r.problems.push(...agentProblems(r.desired, r.desired.locate ?? (() => undefined)));
  }
  const valid = results.every((r) => r.problems.length === 0);

  if (opts.format === 'json') {
    io.out(
      JSON.stringify(
        {
          valid,
          environments: results.map((r) => ({
            environment: r.environment ?? null,
            deployment: r.desired?.deployment ?? null,
            counts: r.desired
              ? {
                  assistants: r.desired.assistants.length,
                  vector_stores: r.desired.vectorStores.length,
                  file_sets: r.desired.fileSets.length,
                  files: countFiles(r.desired),
                }
              : null,
            warnings: r.warnings.map(jsonProblem),
            problems: r.problems.map(jsonProblem),
          })),
        },
        null,
        2,
      ),
    );
    return valid ? 0 : 1;
  }

  const shown = new Set<string>();
  for (const r of results) {
    const tag = r.environment !== undefined && options.env === undefined ? ` [environment ${r.environment}]` : '';
    for (const w of r.warnings) {
      const line = `${formatProblem({ ...w, message: `warning: ${w.message}` })}${tag}`;
      if (!shown.has(line)) io.err(line);
      shown.add(line);
    }
    for (const p of r.problems) {
      const line = `${formatProblem(p)}${tag}`;
      if (!shown.has(line)) io.err(line);
      shown.add(line);
    }
  }
  if (!valid) {
    const count = results.reduce((n, r) => n + r.problems.length, 0);
    io.err(`${plural(count, 'problem')} found; nothing was sent to the API.`);
    return 1;
  }
  const base = results[0]!;
  const d = base.desired!;
  const envs = results.slice(1).map((r) => r.environment);
  const scope = options.env !== undefined ? ` with environment "${options.env}"` : '';
  const extra = envs.length > 0 ? `; environments ${envs.join(', ')} also valid` : '';
  io.out(`Valid${scope}: deployment "${d.deployment}", ${summarize(d)}${extra}.`);
  return 0;
}
