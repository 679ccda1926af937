/**
 * A small stand-in for the GitHub Actions runner, enough to run this repository's workflows and its
 * composite action (action.yml) as GitHub does:
 * - jobs are chosen by their `if:`; steps run in order, a step's `if:` is evaluated with the
 *   runner's status functions (success() by default, always(), failure()) and contexts (github,
 *   env, inputs, steps, secrets, vars);
 * - a `run:` step is written to a file and run by `bash --noprofile --norc -eo pipefail FILE` (the
 *   runner's bash), in the workspace or the step's working-directory, with the runner's variables
 *   (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_REF, GITHUB_REPOSITORY, GITHUB_RUN_ID,
 *   GITHUB_WORKFLOW_REF, GITHUB_WORKSPACE, GITHUB_ACTIONS, RUNNER_TEMP, CI, …), its own
 *   GITHUB_OUTPUT file (parsed into steps.<id>.outputs, `k=v` and `k<<EOF` forms) and
 *   GITHUB_STEP_SUMMARY file (collected into the job summary);
 * - `uses: ./path` loads a local composite action (a path can be mapped, e.g. to this checkout) and
 *   runs its steps the same way, with GITHUB_ACTION_PATH, its inputs (defaults included) and its
 *   outputs' `value` expressions;
 * - any other `uses:` (checkout, setup-node, upload-artifact, a comment action) is recorded with its
 *   evaluated `with:` and handed to `onUses`, which may stand in for it (or do nothing).
 * Expressions support what these files use: literals, property paths, ==, !=, !, &&, ||, (), and
 * the status functions. Anything else throws, so a workflow cannot silently outgrow the stand-in.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

export interface Step {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
}

export interface Workflow {
  name?: string;
  on: unknown;
  permissions?: Record<string, string>;
  env?: Record<string, unknown>;
  jobs: Record<string, { if?: string; steps: Step[]; env?: Record<string, unknown>; 'runs-on'?: string }>;
}

export interface ActionFile {
  name: string;
  inputs: Record<string, { description?: string; default?: unknown; required?: boolean }>;
  outputs: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

export interface StepRecord {
  /** name, else uses, else the first line of run */
  label: string;
  id?: string;
  uses?: string;
  run?: string;
  /** the action's steps this step ran, for a local composite action */
  inner?: StepRecord[];
  with: Record<string, string>;
  outcome: 'success' | 'failure' | 'skipped';
  code?: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface UsesCall {
  uses: string;
  with: Record<string, string>;
  env: Record<string, string>;
  cwd: string;
}

export interface Runner {
  workspace: string;
  /** RUNNER_TEMP */
  temp: string;
  /** github.event_name and the payload written to GITHUB_EVENT_PATH */
  event: { name: string; payload: Record<string, unknown> };
  /** more of the github context: sha, ref, ref_name, repository, run_id, workflow_ref, token … */
  github: Record<string, string>;
  /** the process environment every step starts from (PATH, HOME, OPENAI_*, …) */
  env: Record<string, string>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** `uses: ./x` → folder holding action.yml (else resolved against the workspace) */
  localActions?: Record<string, string>;
  /** stands in for a remote action; returns its outputs */
  onUses?: (call: UsesCall) => Record<string, string> | void | Promise<Record<string, string> | void>;
  /** stands in for a `run:` step when it returns a result (e.g. `npm ci` where links stand for the install) */
  onRun?: (step: Step, cwd: string) => { code: number; stdout: string; stderr: string } | undefined;
  timeoutMs?: number;
}

export interface JobResult {
  ok: boolean;
  steps: StepRecord[];
  summary: string;
}

export interface ActionResult extends JobResult {
  outputs: Record<string, string>;
}

// ---------------------------------------------------------------- expressions

type Value = string | number | boolean | null | Record<string, unknown> | unknown[];
interface Contexts {
  [name: string]: unknown;
}
interface Status {
  failed: boolean;
}

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||!|\(|\)|,)|([A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w-]*)*)|(-?\d+(?:\.\d+)?))/y;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new Error(`expression not understood by the test runner at ${JSON.stringify(src.slice(i))} in ${JSON.stringify(src)}`);
    tokens.push(m[0].trim());
    i = re.lastIndex;
  }
  return tokens;
}

function truthy(v: unknown): boolean {
  return !(v === null || v === undefined || v === false || v === '' || v === 0);
}

function loose(v: unknown): unknown {
  if (typeof v === 'string') return v.toLowerCase();
  return v;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === null && b === null) return true;
  if (a !== null && b !== null && typeof a === typeof b) return loose(a) === loose(b);
  // GitHub coerces to numbers when the types differ
  const n = (x: unknown) => (typeof x === 'boolean' ? Number(x) : x === null ? 0 : typeof x === 'string' ? (x.trim() === '' ? 0 : Number(x)) : NaN);
  return n(a) === n(b);
}

export function evaluate(src: string, ctx: Contexts, status: Status = { failed: false }): Value {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (want?: string) => {
    const t = tokens[pos++];
    if (want !== undefined && t !== want) throw new Error(`expected ${want} in ${JSON.stringify(src)}`);
    return t;
  };
  const primary = (): Value => {
    const t = take();
    if (t === undefined) throw new Error(`unexpected end of ${JSON.stringify(src)}`);
    if (t === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^-?\d/.test(t)) return Number(t);
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (t === 'null') return null;
    if (peek() === '(') {
      take('(');
      take(')');
      if (t === 'success') return !status.failed;
      if (t === 'failure') return status.failed;
      if (t === 'always') return true;
      if (t === 'cancelled') return false;
      throw new Error(`function ${t}() is not known to the test runner`);
    }
    const [head, ...rest] = t.split('.');
    if (!(head! in ctx)) throw new Error(`context ${head} is not known to the test runner (in ${JSON.stringify(src)})`);
    let v: unknown = ctx[head!];
    for (const key of rest) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    return (v ?? null) as Value;
  };
  const comparison = (): Value => {
    let left = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = take();
      const right = primary();
      left = op === '==' ? equal(left, right) : !equal(left, right);
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (peek() === '&&') {
      take();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (peek() === '||') {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const v = or();
  if (pos !== tokens.length) throw new Error(`unexpected ${tokens[pos]} in ${JSON.stringify(src)}`);
  return v;
}

function asString(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `${{ … }}` in a string, replaced by the values. */
export function interpolate(text: unknown, ctx: Contexts): string {
  if (text === null || text === undefined) return '';
  return String(text).replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => asString(evaluate(expr, ctx)));
}

function condition(expr: string | boolean | undefined, ctx: Contexts, status: Status): boolean {
  if (expr === undefined) return !status.failed;
  if (typeof expr === 'boolean') return expr && !status.failed;
  const src = expr.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const usesStatus = /\b(success|failure|always|cancelled)\s*\(/.test(src);
  const v = evaluate(src, ctx, status);
  return usesStatus ? truthy(v) : !status.failed && truthy(v);
}

// ---------------------------------------------------------------- files the runner gives a step

function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) body.push(lines[i]!);
      out[name!] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`GITHUB_OUTPUT line without "=": ${JSON.stringify(line)}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

let counter = 0;

function runBash(script: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = path.join(env.RUNNER_TEMP!, `step-${process.pid}-${++counter}.sh`);
  writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------- the runner

function githubContext(r: Runner): Record<string, unknown> {
  return { event_name: r.event.name, event: r.event.payload, workspace: r.workspace, ...r.github };
}

function runnerEnv(r: Runner, eventPath: string): Record<string, string> {
  const g = r.github;
  return {
    ...r.env,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: r.event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: r.workspace,
    RUNNER_TEMP: r.temp,
    RUNNER_OS: 'Linux',
    ...(g.sha ? { GITHUB_SHA: g.sha } : {}),
    ...(g.ref ? { GITHUB_REF: g.ref } : {}),
    ...(g.ref_name ? { GITHUB_REF_NAME: g.ref_name } : {}),
    ...(g.repository ? { GITHUB_REPOSITORY: g.repository } : {}),
    ...(g.run_id ? { GITHUB_RUN_ID: g.run_id } : {}),
    ...(g.workflow ? { GITHUB_WORKFLOW: g.workflow } : {}),
    ...(g.workflow_ref ? { GITHUB_WORKFLOW_REF: g.workflow_ref } : {}),
    GITHUB_SERVER_URL: g.server_url ?? 'https://github.com',
  };
}

function evalMap(map: Record<string, unknown> | undefined, ctx: Contexts): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, interpolate(v, ctx)]));
}

interface Scope {
  /** contexts other than steps and env */
  contexts: Contexts;
  env: Record<string, string>;
  /** GITHUB_ACTION_PATH for a composite action's steps */
  actionPath?: string;
}

async function runSteps(r: Runner, steps: Step[], scope: Scope, base: Record<string, string>): Promise<JobResult & { stepsCtx: Record<string, { outputs: Record<string, string>; outcome: string }> }> {
  const records: StepRecord[] = [];
  const stepsCtx: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  const status: Status = { failed: false };
  let summary = '';
  for (const step of steps) {
    const label = step.name ?? step.uses ?? (step.run ?? '').split('\n')[0]!;
    const ctx: Contexts = { ...scope.contexts, steps: stepsCtx, env: scope.env };
    const record: StepRecord = { label, id: step.id, uses: step.uses, run: step.run, with: {}, outcome: 'skipped', stdout: '', stderr: '', outputs: {} };
    records.push(record);
    if (!condition(step.if, ctx, status)) {
      if (step.id) stepsCtx[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const env = { ...base, ...scope.env, ...evalMap(step.env, ctx), ...(scope.actionPath ? { GITHUB_ACTION_PATH: scope.actionPath } : {}) };
    const cwd = step['working-directory'] ? path.resolve(r.workspace, interpolate(step['working-directory'], ctx)) : r.workspace;
    if (step.run !== undefined) {
      if (scope.actionPath && step.shell === undefined) throw new Error(`composite step "${label}" has no shell`);
      if (step.shell !== undefined && step.shell !== 'bash') throw new Error(`shell ${step.shell} is not known to the test runner`);
      const output = path.join(r.temp, `output-${process.pid}-${++counter}`);
      const stepSummary = path.join(r.temp, `summary-${process.pid}-${counter}`);
      writeFileSync(output, '');
      writeFileSync(stepSummary, '');
      const res =
        r.onRun?.(step, cwd) ??
        (await runBash(interpolate(step.run, ctx), cwd, { ...env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: stepSummary, GITHUB_ENV: path.join(r.temp, 'env'), GITHUB_PATH: path.join(r.temp, 'path') }, r.timeoutMs ?? 300_000));
      Object.assign(record, { code: res.code, stdout: res.stdout, stderr: res.stderr, outputs: parseOutputFile(readFileSync(output, 'utf8')) });
      summary += readFileSync(stepSummary, 'utf8');
      record.outcome = res.code === 0 ? 'success' : 'failure';
    } else if (step.uses !== undefined) {
      record.with = evalMap(step.with, ctx);
      if (step.uses.startsWith('./')) {
        const dir = r.localActions?.[step.uses.replace(/\/$/, '')] ?? path.resolve(r.workspace, step.uses);
        const res = await runAction(r, dir, record.with, { ...scope.env }, base);
        Object.assign(record, { inner: res.steps, outputs: res.outputs, outcome: res.ok ? 'success' : 'failure' });
        summary += res.summary;
      } else {
        const outputs = (await r.onUses?.({ uses: step.uses, with: record.with, env, cwd })) ?? {};
        Object.assign(record, { outputs, outcome: 'success' });
      }
    } else {
      throw new Error(`step "${label}" has neither run nor uses`);
    }
    if (record.outcome === 'failure') status.failed = true;
    if (step.id) stepsCtx[step.id] = { outputs: record.outputs, outcome: record.outcome, conclusion: record.outcome };
  }
  return { ok: !status.failed, steps: records, summary, stepsCtx };
}

function prepare(r: Runner): Record<string, string> {
  mkdirSync(r.temp, { recursive: true });
  const eventPath = path.join(r.temp, `event-${process.pid}-${++counter}.json`);
  writeFileSync(eventPath, JSON.stringify(r.event.payload));
  return runnerEnv(r, eventPath);
}

/** Runs a local composite action with these inputs (strings, as `with:` gives them). */
export async function runAction(r: Runner, dir: string, inputs: Record<string, string>, env: Record<string, string> = {}, base?: Record<string, string>): Promise<ActionResult> {
  const action = parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as ActionFile;
  if (action.runs.using !== 'composite') throw new Error(`${dir}/action.yml is not a composite action`);
  const outer: Contexts = { github: githubContext(r), env, secrets: r.secrets ?? {}, vars: r.vars ?? {}, runner: { temp: r.temp, os: 'Linux' } };
  for (const name of Object.keys(inputs)) if (!(name in (action.inputs ?? {}))) throw new Error(`${dir}/action.yml has no input ${name}`);
  const resolved: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    resolved[name] = name in inputs ? inputs[name]! : interpolate(spec.default ?? '', outer);
  }
  const scope: Scope = { contexts: { ...outer, inputs: resolved }, env, actionPath: dir };
  const res = await runSteps(r, action.runs.steps, scope, base ?? prepare(r));
  const ctx: Contexts = { ...scope.contexts, steps: res.stepsCtx };
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([k, o]) => [k, interpolate(o.value, ctx)]));
  return { ok: res.ok, steps: res.steps, summary: res.summary, outputs };
}

/** Runs one job of a workflow; undefined when the job's `if:` leaves it out for this event. */
export async function runJob(r: Runner, workflow: Workflow, job: string): Promise<JobResult | undefined> {
  const spec = workflow.jobs[job];
  if (!spec) throw new Error(`no job ${job}`);
  const top: Contexts = { github: githubContext(r), secrets: r.secrets ?? {}, vars: r.vars ?? {}, env: {}, runner: { temp: r.temp, os: 'Linux' } };
  if (!condition(spec.if, top, { failed: false })) return undefined;
  const env = { ...evalMap(workflow.env, top) };
  Object.assign(env, evalMap(spec.env, { ...top, env }));
  const res = await runSteps(r, spec.steps, { contexts: top, env }, prepare(r));
  return { ok: res.ok, steps: res.steps, summary: res.summary };
}

export function loadWorkflow(file: string): Workflow {
  return parse(readFileSync(file, 'utf8')) as Workflow;
}

export function loadAction(dir: string): ActionFile {
  return parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as ActionFile;
}

/** A fresh RUNNER_TEMP. */
export function runnerTemp(): string {
  return mkdtempSync(path.join(tmpdir(), 'ad-runner-'));
}

/** Every step record, the composite action's inner steps included, depth first. */
export function allSteps(steps: StepRecord[]): StepRecord[] {
  return steps.flatMap((s) => [s, ...allSteps(s.inner ?? [])]);
}
