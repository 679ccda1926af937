/**
 * Announced model shutdowns: the dated table in models/deprecations.json (read from OpenAI's
 * deprecations page on the date it records, with its sources), and the lookup plan uses to warn
 * about a manifest model, where the target's own model list wins when it states a date.
 */
import { readFileSync } from 'node:fs';
import type { LiveModels } from '../targets/live.js';
import { packageFile } from '../package-root.js';

export const DEPRECATIONS_FILE = packageFile('models', 'deprecations.json');

export interface ModelShutdown {
  model: string;
  /** YYYY-MM-DD */
  shutdown: string;
  announced?: string;
  replacement?: string;
}

export interface DeprecationTable {
  source: string;
  read_at: string;
  models: ModelShutdown[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The table, checked: every row a model id and a YYYY-MM-DD shutdown date. */
export function parseDeprecations(data: unknown, label: string): DeprecationTable {
  const d = data as Partial<DeprecationTable> | null;
  if (!d || typeof d.source !== 'string' || typeof d.read_at !== 'string' || !Array.isArray(d.models)) {
    throw new Error(`${label}: expected { source, read_at, models: [...] }`);
  }
  for (const [i, m] of d.models.entries()) {
    if (typeof m?.model !== 'string' || typeof m.shutdown !== 'string' || !DAY.test(m.shutdown)) {
      throw new Error(`${label}: models[${i}] needs a model id and a YYYY-MM-DD shutdown date`);
    }
  }
  return d as DeprecationTable;
}

let builtIn: DeprecationTable | undefined;

/** The table shipped in models/deprecations.json. */
export function loadDeprecations(): DeprecationTable {
  builtIn ??= parseDeprecations(JSON.parse(readFileSync(DEPRECATIONS_FILE, 'utf8')), 'models/deprecations.json');
  return builtIn;
}

export interface ShutdownNotice {
  shutdown: string;
  /** Where the date comes from, for the warning. */
  source: string;
  announced?: string;
  replacement?: string;
}

/** The announced shutdown of a model: the target's model list when it says, else the table. */
export function shutdownOf(model: string, models: LiveModels | undefined, table: DeprecationTable | undefined): ShutdownNotice | undefined {
  const fromTarget = models?.shutdowns[model];
  if (fromTarget) return { shutdown: fromTarget, source: "the target's model list" };
  const row = table?.models.find((m) => m.model === model);
  if (!row) return undefined;
  return {
    shutdown: row.shutdown,
    source: `${table!.source}, read ${table!.read_at}`,
    ...(row.announced ? { announced: row.announced } : {}),
    ...(row.replacement ? { replacement: row.replacement } : {}),
  };
}
