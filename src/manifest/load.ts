/**
 * Reads a manifest (a file, or a directory of *.yaml/*.yml merged) into Desired: parse with
 * positions, merge, apply the environment overlay, interpolate, check the schema, resolve files
 * and references. Every problem found is reported at once, located, as a ManifestError.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { readTextFile } from './text-file.js';
import { breathe } from './breathe.js';
import { ManifestError, UserError } from '../errors.js';
import type { Problem } from '../errors.js';
import type { Desired, Warning } from './desired.js';
import { collectVars, interpolate } from './interpolate.js';
import type { LocMap } from './locations.js';
import { applyOverlay, isObject, mergeFiles } from './merge.js';
import type { SourceDoc } from './merge.js';
import { displayFile, makeRoot } from './paths.js';
import { resolveDesired, sortProblems } from './resolve.js';
import { validateSchema } from './schema.js';
import { warmStatWorker } from './stat-files.js';
import type { ManifestDoc } from './types.js';
import { ParseCache } from './parse-cache.js';
import { parseSource } from './yaml-source.js';

export interface LoadOptions {
  /** -f: a manifest file or a directory of them. */
  file: string;
  cwd?: string;
  /** --env: the environment overlay to apply. */
  env?: string;
  /** --var values. */
  vars?: Record<string, string>;
  /** Environment variables for ${env:NAME}; defaults to process.env. */
  processEnv?: Record<string, string | undefined>;
  allowOutsideRoot?: boolean;
  /** Folder of `.assistants-deploy/`: the parsed manifest files are cached there (parse-cache.ts), once the manifest is accepted; none when undefined. */
  cacheRoot?: string;
  /**
   * Called once the manifest's structure is valid (parsed, merged, overlaid, interpolated, and
   * through the schema: the deployment is known), before its files are resolved: a command may
   * start reading the account then. A manifest that then proves bad is still refused.
   */
  onStructure?: (structure: { deployment: string }) => void;
  /** How a check's expected path outside its store's files is reported (ResolveContext.checks). */
  checks?: 'strict' | 'report';
}

export interface Loaded {
  desired: Desired;
  warnings: Warning[];
}

interface Sources {
  docs: SourceDoc[];
  labels: string[];
  dirs: Map<string, string>;
  rootDir: string;
}

async function readSources(file: string, cwd: string, cache?: ParseCache): Promise<{ sources: Sources; problems: Problem[] }> {
  const target = path.resolve(cwd, file);
  let files: string[];
  let rootDir: string;
  try {
    const st = await stat(target);
    if (st.isDirectory()) {
      rootDir = target;
      files = (await readdir(target))
        .filter((f) => /\.ya?ml$/i.test(f))
        .sort()
        .map((f) => path.join(target, f));
      if (files.length === 0) {
        throw new UserError(`no manifest in ${displayFile(target, cwd)}: the folder has no *.yaml or *.yml files`);
      }
    } else {
      rootDir = path.dirname(target);
      files = [target];
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `manifest not found: ${displayFile(target, cwd)}`,
      file === 'assistants.yaml'
        ? 'create one with `assistants-deploy init`, or name it with -f PATH'
        : 'check the path given with -f (a manifest file, or a folder of *.yaml files)',
    );
  }
  const problems: Problem[] = [];
  const docs: SourceDoc[] = [];
  const labels: string[] = [];
  const dirs = new Map<string, string>();
  for (const f of files) {
    const label = displayFile(f, cwd);
    labels.push(label);
    dirs.set(label, path.dirname(f));
    const read = await readTextFile(f);
    if (!read.ok) {
      problems.push({ loc: { file: label, line: 1, col: 1 }, message: `this manifest ${read.why}` });
      continue;
    }
    let parsed = cache?.get(label, read.text);
    if (!parsed) {
      parsed = parseSource(read.text, label);
      cache?.put(label, read.text, parsed);
    }
    problems.push(...parsed.problems);
    const value = parsed.value ?? {};
    if (!isObject(value)) {
      problems.push({ loc: { file: label, line: 1, col: 1 }, message: 'a manifest is a map of sections (version, deployment, assistants, …), not a list or a single value' });
      continue;
    }
    docs.push({ value, locs: parsed.locs });
  }
  return { sources: { docs, labels, dirs, rootDir }, problems };
}

/** Builds one environment's final document: merged, overlaid and interpolated. */
function finalDocument(
  merged: SourceDoc,
  options: LoadOptions,
  env: string | undefined,
): { value: Record<string, unknown>; locs: LocMap; problems: Problem[] } {
  const problems: Problem[] = [];
  let doc = merged;
  if (env !== undefined) {
    const overlaid = applyOverlay(merged, env);
    problems.push(...overlaid.problems);
    doc = overlaid.doc;
  }
  const vars = collectVars(doc.value, options.vars ?? {});
  const result = interpolate(doc.value, doc.locs, { env: options.processEnv ?? process.env, vars });
  problems.push(...result.problems);
  return { value: result.value as Record<string, unknown>, locs: doc.locs, problems };
}

/** Loads the manifest for one environment (or the base with none) into Desired. */
export async function loadManifest(options: LoadOptions): Promise<Loaded> {
  const cwd = options.cwd ?? process.cwd();
  // the thread its globs are expanded on starts while the manifest is parsed
  if (options.onStructure) warmStatWorker();
  const cache = options.cacheRoot ? await ParseCache.open(options.cacheRoot) : undefined;
  const { sources, problems } = await readSources(options.file, cwd, cache);
  if (problems.length > 0) throw new ManifestError(sortProblems(problems));
  const merged = mergeFiles(sources.docs);
  if (merged.problems.length > 0) throw new ManifestError(sortProblems(merged.problems));
  const result = await loadEnvironment(merged.doc, sources, options, options.env, cwd);
  if (result.problems.length > 0) throw new ManifestError(result.problems);
  // only an accepted manifest leaves a file behind
  await cache?.save();
  return { desired: result.desired!, warnings: result.warnings };
}

async function loadEnvironment(
  merged: SourceDoc,
  sources: Sources,
  options: LoadOptions,
  env: string | undefined,
  cwd: string,
): Promise<{ desired?: Desired; warnings: Warning[]; problems: Problem[] }> {
  const final = finalDocument(merged, options, env);
  if (final.problems.length > 0) return { warnings: [], problems: sortProblems(final.problems) };
  const schemaProblems = await validateSchema(final.value, final.locs);
  if (schemaProblems.length > 0) return { warnings: [], problems: sortProblems(schemaProblems) };
  if (options.onStructure) {
    options.onStructure({ deployment: String(final.value.deployment) });
    // two turns of the event loop: the requests it starts are made and sent (a connection made,
    // the headers written) before the globs' first synchronous stretch
    await breathe();
    await breathe();
  }
  const root = makeRoot(sources.rootDir, options.allowOutsideRoot ?? false);
  const resolved = await resolveDesired(final.value as unknown as ManifestDoc, {
    root,
    cwd,
    locs: final.locs,
    dirOf: (label) => sources.dirs.get(label) ?? path.resolve(cwd, path.dirname(label)),
    ...(env !== undefined ? { environment: env } : {}),
    sources: sources.labels,
    ...(options.checks ? { checks: options.checks } : {}),
    ...(options.onStructure ? { offThread: true } : {}),
  });
  return { desired: resolved.desired, warnings: resolved.warnings, problems: resolved.problems };
}

export interface EnvironmentResult {
  /** undefined for the base manifest. */
  environment?: string;
  desired?: Desired;
  warnings: Warning[];
  problems: Problem[];
}

/**
 * What `validate` checks: the chosen environment, or with none the base manifest and every
 * environment it defines (so a mistake in an overlay is caught before it is deployed).
 */
export async function validateManifest(options: LoadOptions): Promise<EnvironmentResult[]> {
  const cwd = options.cwd ?? process.cwd();
  const { sources, problems } = await readSources(options.file, cwd);
  if (problems.length > 0) return [{ warnings: [], problems: sortProblems(problems) }];
  const merged = mergeFiles(sources.docs);
  if (merged.problems.length > 0) return [{ warnings: [], problems: sortProblems(merged.problems) }];
  if (options.env !== undefined) {
    return [{ environment: options.env, ...(await loadEnvironment(merged.doc, sources, options, options.env, cwd)) }];
  }
  const results: EnvironmentResult[] = [await loadEnvironment(merged.doc, sources, options, undefined, cwd)];
  const base = merged.doc.value;
  const envs = isObject(base) && isObject(base.environments) ? Object.keys(base.environments) : [];
  if (results[0]!.problems.length === 0) {
    for (const env of envs) results.push({ environment: env, ...(await loadEnvironment(merged.doc, sources, options, env, cwd)) });
  }
  return results;
}
