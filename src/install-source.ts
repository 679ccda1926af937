/**
 * How the running copy of assistants-deploy was installed, spelled as a dependency for the
 * package.json of a new project (`init`). The rule, first match wins:
 *  1. The project that holds the running copy: this package's folder is PROJECT/node_modules/
 *     assistants-deploy, or a folder at or above the current one has a node_modules/assistants-deploy
 *     that is this copy (a symlink counts). Its package.json spells the dependency (dependencies,
 *     devDependencies, optionalDependencies): that spec, as written (`file:…tgz`, `git+https://…`,
 *     `github:owner/repo#tag`, a version).
 *  2. That project's lock (node_modules/.package-lock.json, then package-lock.json): the `resolved`
 *     of node_modules/assistants-deploy (`git+ssh://git@github.com/` becomes `git+https://github.com/`,
 *     which a CI runner can fetch without an SSH key).
 *  3. Otherwise (a clone of the repository, a global install, npx of a folder): the repository URL
 *     in this package's package.json (`git+https://github.com/assistants-deploy/assistants-deploy.git`).
 * A relative `file:` path is re-based from the project it came from to the new project's folder.
 * A git (or folder) spec is also what the new project's `allowScripts` approves: npm builds such a
 * dependency by running its `prepare`, which npm 11.16+ reports as an unreviewed install script and
 * npm 12 skips unless allowed. A tarball needs no entry: its package.json has no scripts
 * (scripts/pack-manifest.js).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

export const PACKAGE_NAME = 'assistants-deploy';

export interface InstallSource {
  /** The dependency spec for the new project's package.json. */
  spec: string;
  /** Where the spec came from, for the message: a file path or "the repository URL". */
  from: string;
  /** The key for `allowScripts` (git and folder specs, which npm builds with `prepare`), if any. */
  allowScriptsKey?: string;
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  repository?: string | { url?: string };
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The spec a package.json gives this package, if any. */
export function declaredSpec(pkg: PackageJson | undefined): string | undefined {
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
    const spec = pkg?.[field]?.[PACKAGE_NAME];
    if (typeof spec === 'string' && spec.trim() !== '') return spec.trim();
  }
  return undefined;
}

/** The folder of the project whose node_modules holds the running copy, if there is one. */
export function hostProject(packageRoot: string, cwd: string): string | undefined {
  const parent = path.dirname(packageRoot);
  if (path.basename(parent) === 'node_modules' && path.basename(packageRoot) === PACKAGE_NAME) return path.dirname(parent);
  const me = real(packageRoot);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', PACKAGE_NAME);
    if (existsSync(candidate) && real(candidate) === me) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const GIT = /^(git\+|git:|github:|gitlab:|bitbucket:|gist:)|^[\w.-]+\/[\w.-]+(#.*)?$|\.git(#.*)?$/;

export function isGitSpec(spec: string): boolean {
  return GIT.test(spec) && !spec.startsWith('file:');
}

function isPathSpec(spec: string): boolean {
  return spec.startsWith('file:') || /^(\.{1,2}\/|\/|~\/)/.test(spec);
}

/** A `file:` (or bare path) spec written relative to `fromDir`, re-written relative to `toDir`. */
export function rebase(spec: string, fromDir: string, toDir: string): string {
  if (!isPathSpec(spec)) return spec;
  const p = spec.startsWith('file:') ? spec.slice('file:'.length) : spec;
  if (p.startsWith('//') || p.startsWith('~/') || path.isAbsolute(p)) return `file:${p}`;
  const rel = path.relative(toDir, path.resolve(fromDir, p)).split(path.sep).join('/');
  return `file:${rel === '' ? '.' : rel}`;
}

function lockedSpec(host: string): string | undefined {
  for (const lock of [path.join(host, 'node_modules', '.package-lock.json'), path.join(host, 'package-lock.json')]) {
    const data = readJson<{ packages?: Record<string, { resolved?: string }> }>(lock);
    const resolved = data?.packages?.[`node_modules/${PACKAGE_NAME}`]?.resolved;
    if (typeof resolved === 'string' && resolved !== '') return resolved.replace(/^git\+ssh:\/\/git@github\.com\//, 'git+https://github.com/');
  }
  return undefined;
}

export function repositoryUrl(packageRoot: string): string | undefined {
  const repo = readJson<PackageJson>(path.join(packageRoot, 'package.json'))?.repository;
  const url = typeof repo === 'string' ? repo : repo?.url;
  if (!url) return undefined;
  if (/^[\w.-]+\/[\w.-]+$/.test(url)) return `git+https://github.com/${url}.git`;
  return url.startsWith('https://') ? `git+${url}` : url;
}

function withAllowKey(spec: string, from: string): InstallSource {
  if (isGitSpec(spec)) return { spec, from, allowScriptsKey: spec.split('#')[0]! };
  // a folder (not a tarball) is built in place with its `prepare` too
  if (spec.startsWith('file:') && !/\.(tgz|tar\.gz|tar)$/.test(spec)) return { spec, from, allowScriptsKey: spec };
  return { spec, from };
}

/**
 * The dependency spec for a new project in `projectDir`, following the rule in this file's header.
 */
export function installSource(options: { packageRoot: string; cwd: string; projectDir: string }): InstallSource {
  const { packageRoot, cwd, projectDir } = options;
  const host = hostProject(packageRoot, cwd);
  if (host) {
    const declared = declaredSpec(readJson<PackageJson>(path.join(host, 'package.json')));
    if (declared) return withAllowKey(rebase(declared, host, projectDir), path.join(host, 'package.json'));
    const locked = lockedSpec(host);
    if (locked) return withAllowKey(rebase(locked, host, projectDir), path.join(host, 'package-lock.json'));
  }
  const url = repositoryUrl(packageRoot);
  if (url) return withAllowKey(url, 'the repository URL in its package.json');
  // no repository field: the folder this copy runs from
  return withAllowKey(`file:${packageRoot}`, 'the folder it runs from');
}
