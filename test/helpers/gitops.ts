/**
 * What the GitOps tests share: a project folder that has this checkout "installed" (node_modules/
 * assistants-deploy and node_modules/.bin/assistants-deploy link to it, as `npm ci` would leave a
 * copy), the fake `gh` on PATH, the runner's environment around them, and stand-ins for the
 * remote actions the workflows use (upload-artifact keeps the files, the sticky comment keeps one
 * comment per header).
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Runner, UsesCall } from './actions-runner.js';
import { runnerTemp } from './actions-runner.js';
import { BIN, REPO } from './cli.js';

export const NODE_DIR = path.dirname(process.execPath);
const FAKE_GH = path.join(REPO, 'test', 'helpers', 'fake-gh.mjs');

/** node_modules/assistants-deploy → this checkout, and its bin, as an install would leave them. */
export function linkTool(project: string, root = REPO): void {
  mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
  if (!existsSync(path.join(project, 'node_modules', 'assistants-deploy'))) symlinkSync(root, path.join(project, 'node_modules', 'assistants-deploy'));
  const bin = path.join(project, 'node_modules', '.bin', 'assistants-deploy');
  if (!existsSync(bin)) symlinkSync(root === REPO ? BIN : path.join(root, 'bin', 'assistants-deploy.js'), bin);
}

export interface FakeGitHub {
  /** folder to put first on PATH: holds `gh` */
  bin: string;
  stateFile: string;
  logFile: string;
  state: Record<string, unknown>;
  save(): void;
  calls(): string[][];
}

export function fakeGitHub(state: Record<string, unknown>): FakeGitHub {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-gh-'));
  const gh = path.join(dir, 'gh');
  writeFileSync(gh, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_GH}" "$@"\n`);
  chmodSync(gh, 0o755);
  const fake: FakeGitHub = {
    bin: dir,
    stateFile: path.join(dir, 'state.json'),
    logFile: path.join(dir, 'calls.log'),
    state,
    save: () => writeFileSync(fake.stateFile, JSON.stringify(fake.state)),
    calls: () =>
      existsSync(fake.logFile)
        ? readFileSync(fake.logFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as string[])
        : [],
  };
  fake.save();
  return fake;
}

/** What the remote actions did, as far as the tests care. */
export interface RemoteActions {
  calls: UsesCall[];
  /** run id → artifact name → folder holding its files */
  artifacts: Record<string, Record<string, string>>;
  /** sticky comments by header: the text as last written */
  comments: Record<string, string>;
  /** how often each header's comment was written */
  commentWrites: Record<string, number>;
  onUses: NonNullable<Runner['onUses']>;
}

export function remoteActions(runId: () => string): RemoteActions {
  const remote: RemoteActions = {
    calls: [],
    artifacts: {},
    comments: {},
    commentWrites: {},
    onUses: (call) => {
      remote.calls.push(call);
      const name = call.uses.split('@')[0];
      if (name === 'actions/upload-artifact') {
        const file = path.resolve(call.cwd, call.with.path!);
        const keep = mkdtempSync(path.join(tmpdir(), 'ad-artifact-'));
        cpSync(file, path.join(keep, path.basename(file)));
        (remote.artifacts[runId()] ??= {})[call.with.name!] = keep;
      }
      if (name === 'marocchino/sticky-pull-request-comment') {
        const header = call.with.header ?? '';
        remote.comments[header] = readFileSync(path.resolve(call.cwd, call.with.path!), 'utf8');
        remote.commentWrites[header] = (remote.commentWrites[header] ?? 0) + 1;
      }
    },
  };
  return remote;
}

/** The environment every step starts from: node 24 and the fake gh first on PATH, the account's variables. */
export function baseEnv(extra: Record<string, string>, ghBin?: string): Record<string, string> {
  return {
    PATH: [ghBin, NODE_DIR, process.env.PATH ?? ''].filter(Boolean).join(':'),
    HOME: process.env.HOME ?? tmpdir(),
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
    ...extra,
  };
}

export function newRunner(options: Omit<Runner, 'temp'> & { temp?: string }): Runner {
  return { temp: options.temp ?? runnerTemp(), ...options };
}
