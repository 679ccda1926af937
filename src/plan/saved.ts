/**
 * Saved plans (`plan --out FILE`, `apply FILE`): read and checked against schemas/plan.schema.json,
 * and the local files they upload or attach checked against the hashes the plan recorded.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { sha256OfFile } from '../manifest/hash.js';
import { loadAjv2020 } from '../ajv.js';
import { packageFile } from '../package-root.js';
import type { Plan } from './types.js';

export const PLAN_SCHEMA_FILE = packageFile('schemas', 'plan.schema.json');

export async function planValidator(): Promise<(data: unknown) => string[]> {
  const Ajv2020 = await loadAjv2020();
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(JSON.parse(await readFile(PLAN_SCHEMA_FILE, 'utf8')) as object);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`));
}

export async function readSavedPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the saved plan ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'make one with `assistants-deploy plan --out FILE`');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file} is not a saved plan: ${(error as Error).message}`, 'make one with `assistants-deploy plan --out FILE`');
  }
  const version = (data as { format_version?: unknown } | null)?.format_version;
  if (typeof version !== 'string' || !version.startsWith('1.')) {
    throw new UserError(`${file} is not a saved plan this version understands (format_version ${JSON.stringify(version)}, expected 1.x)`, 'make a new plan with this version of assistants-deploy');
  }
  const problems = (await planValidator())(data);
  if (problems.length > 0) {
    throw new UserError(`${file} is not a valid saved plan: ${problems.slice(0, 5).join('; ')}`, 'make a new plan; a saved plan must not be edited by hand');
  }
  return data as Plan;
}

/** Every local file the plan sends must still have the content it had when the plan was made. */
export async function verifyLocalFiles(plan: Plan, root: string): Promise<void> {
  const wanted = new Map<string, string>();
  for (const u of plan.uploads) wanted.set(u.path, u.sha256);
  const changed: string[] = [];
  await Promise.all(
    [...wanted].map(async ([rel, sha]) => {
      try {
        if ((await sha256OfFile(path.join(root, ...rel.split('/')))) !== sha) changed.push(`${rel} (content changed)`);
      } catch {
        changed.push(`${rel} (missing)`);
      }
    }),
  );
  if (changed.length > 0) {
    throw new UserError(
      `the saved plan is stale: ${changed.length} local file(s) differ from when it was made: ${changed.sort().slice(0, 10).join(', ')}${changed.length > 10 ? ', …' : ''}`,
      'run apply from the same checkout the plan was made in, or make a new plan',
    );
  }
}
