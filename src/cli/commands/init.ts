/**
 * `init [DIR]`: scaffold a project that runs as it stands, from any installed copy of this tool:
 * - package.json: private, with assistants-deploy as a devDependency spelled the way the running
 *   copy was installed (the rule is in src/install-source.ts: the spec of the project that holds
 *   this copy, else its lock's `resolved`, else the repository URL; relative `file:` paths re-based
 *   to DIR), `allowScripts` for it when npm builds it from git, and scripts validate/plan/apply.
 *   An existing package.json is kept; when it does not list assistants-deploy, that one devDependency
 *   (and its allowScripts entry) is added, nothing else changed.
 * - assistants.yaml (its yaml-language-server comment points at the schema in
 *   node_modules/assistants-deploy, the version the project installs), prompts/helper.md,
 *   knowledge/welcome.md;
 * - `.assistants-deploy/` and `node_modules/` in .gitignore;
 * - a CI workflow copied from the package's examples/ci/: GitHub (`npm ci`, then the project's own
 *   bin and its action, ./node_modules/assistants-deploy) or GitLab.
 * Never overwrites a file; says what it wrote and what to do next (paths quoted for the shell).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { installSource, PACKAGE_NAME } from '../../install-source.js';
import type { InstallSource } from '../../install-source.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { createIo } from '../io.js';
import type { CommandOptions } from '../main.js';

const SCHEMA = `./node_modules/${PACKAGE_NAME}/schemas/manifest.schema.json`;
const BIN = `npx --no-install ${PACKAGE_NAME}`;

function slug(dir: string): string {
  return path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
}

/** A word for a POSIX shell: as it is when safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function manifest(deployment: string): string {
  return `# yaml-language-server: $schema=${SCHEMA}
# The assistants, vector stores and files of this project. Check it with
#   ${BIN} validate
# see what would change with \`${BIN} plan\`, and deploy with \`${BIN} apply\`.
version: 1
deployment: ${deployment}

vector_stores:
  knowledge:
    name: Knowledge base
    files: ["knowledge/**/*.md"]

assistants:
  helper:
    name: Helper
    model: gpt-4.1-mini
    instructions: { file: prompts/helper.md }
    temperature: 0.3
    tools:
      - type: file_search
    tool_resources:
      file_search: { vector_stores: [knowledge] }
`;
}

const PROMPT = `You are a helpful assistant for our team.

Answer from the knowledge base you can search, cite the document you used, and say plainly when
the knowledge base does not cover the question.
`;

const KNOWLEDGE = `# Welcome

Put the documents your assistant should search in this folder (Markdown, PDF, Word, text and code
files). Every file matching \`knowledge/**/*.md\` is uploaded to the vector store "knowledge".
`;

function packageFile(rel: string): string {
  const file = path.join(PACKAGE_ROOT, ...rel.split('/'));
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `this copy of assistants-deploy (${PACKAGE_ROOT}) lacks ${rel}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      'reinstall it (npm install --save-dev with the git URL or a tarball made by npm pack), or pass --ci none',
    );
  }
}

function workflow(manifestPath: string): string {
  return packageFile('examples/ci/github-actions.yml').replace(/^ {2}MANIFEST: assistants\.yaml$/m, `  MANIFEST: ${manifestPath}`);
}

type Json = Record<string, unknown>;

function newPackageJson(name: string, deployment: string, source: InstallSource): string {
  const pkg: Json = {
    name: name || 'my-assistants',
    version: '0.0.0',
    private: true,
    description: `Assistants, vector stores and files of the deployment "${deployment}", deployed with assistants-deploy`,
    scripts: {
      validate: `${PACKAGE_NAME} validate`,
      plan: `${PACKAGE_NAME} plan`,
      apply: `${PACKAGE_NAME} apply`,
    },
    devDependencies: { [PACKAGE_NAME]: source.spec },
    ...(source.allowScriptsKey ? { allowScripts: { [source.allowScriptsKey]: true } } : {}),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** The existing package.json with this tool added, or undefined when it already lists it. */
function addedTo(text: string, file: string, source: InstallSource): string | undefined {
  let pkg: Json;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    pkg = parsed as Json;
  } catch (error) {
    throw new UserError(`${file} is not valid JSON (${(error as Error).message})`, 'fix it, or run init in another folder');
  }
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const deps = pkg[field] as Json | undefined;
    if (deps && typeof deps === 'object' && PACKAGE_NAME in deps) return undefined;
  }
  pkg.devDependencies = { ...((pkg.devDependencies as Json | undefined) ?? {}), [PACKAGE_NAME]: source.spec };
  if (source.allowScriptsKey) pkg.allowScripts = { ...((pkg.allowScripts as Json | undefined) ?? {}), [source.allowScriptsKey]: true };
  const indent = /^[{[]\r?\n([ \t]+)/.exec(text)?.[1] ?? '  ';
  return `${JSON.stringify(pkg, null, indent)}\n`;
}

const IGNORED: [string, string[]][] = [
  ['.assistants-deploy/', ['.assistants-deploy', '.assistants-deploy/', '/.assistants-deploy', '/.assistants-deploy/']],
  ['node_modules/', ['node_modules', 'node_modules/', '/node_modules', '/node_modules/']],
];

export async function run(args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const dir = path.resolve(args[0] ?? '.');
  const ci = typeof opts.ci === 'string' ? opts.ci : 'github';
  const deployment = typeof opts.deployment === 'string' ? opts.deployment : slug(dir) || 'my-assistants';
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(deployment) || deployment.length > 64) {
    throw new UserError(`--deployment ${JSON.stringify(deployment)} is not a deployment name`, 'use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit');
  }
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UserError(`${dir} is a file, not a folder`, 'give init a folder to create the project in');
  }
  const files = projectFiles(deployment, ci);
  const existing = files.filter(([rel]) => existsSync(path.join(dir, rel))).map(([rel]) => rel);
  if (existing.length > 0) {
    throw new UserError(`init would overwrite ${existing.join(', ')} in ${dir}`, 'run it in an empty folder, or move those files away first');
  }

  const pkg = await packageJson(dir, deployment);
  if (pkg.content !== undefined) files.push(['package.json', pkg.content]);
  const written: string[] = [];
  for (const [rel, content] of files) {
    const abs = path.join(dir, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
    written.push(rel);
  }
  if (await ignoreLocalState(dir)) written.push('.gitignore');

  const shown = path.relative(process.cwd(), dir) || '.';
  io.out(`Created ${written.map((f) => path.join(shown, f)).join(', ')} (deployment "${deployment}").`);
  io.info(nextSteps(shown, pkg.note, pkg.needsInstall, ci));
  return 0;
}

/** The files of a new project (package.json aside), relative path -> content. */
function projectFiles(deployment: string, ci: string): [string, string][] {
  const files: [string, string][] = [
    ['assistants.yaml', manifest(deployment)],
    ['prompts/helper.md', PROMPT],
    ['knowledge/welcome.md', KNOWLEDGE],
  ];
  if (ci === 'github') files.push(['.github/workflows/assistants-deploy.yml', workflow('assistants.yaml')]);
  if (ci === 'gitlab') files.push(['.gitlab/assistants-deploy.gitlab-ci.yml', packageFile('examples/ci/gitlab-ci.yml')]);
  return files;
}

/** package.json to write (none when the existing one lists this tool), what to say of it, and whether `npm install` is due. */
async function packageJson(dir: string, deployment: string): Promise<{ content?: string; note: string; needsInstall: boolean }> {
  const source = installSource({ packageRoot: PACKAGE_ROOT, cwd: process.cwd(), projectDir: dir });
  const pkgFile = path.join(dir, 'package.json');
  if (!existsSync(pkgFile)) {
    return { content: newPackageJson(slug(dir), deployment, source), note: `package.json: devDependency assistants-deploy "${source.spec}" (from ${source.from})`, needsInstall: true };
  }
  const updated = addedTo(await readFile(pkgFile, 'utf8'), pkgFile, source);
  if (updated === undefined) {
    return { note: 'package.json already lists assistants-deploy: kept as it is', needsInstall: !existsSync(path.join(dir, 'package-lock.json')) };
  }
  return { content: updated, note: `package.json: added the devDependency assistants-deploy "${source.spec}" (from ${source.from})`, needsInstall: true };
}

/** Adds `.assistants-deploy/` and `node_modules/` to .gitignore where it lacks them; true when it wrote. */
async function ignoreLocalState(dir: string): Promise<boolean> {
  const gitignore = path.join(dir, '.gitignore');
  const current = existsSync(gitignore) ? await readFile(gitignore, 'utf8') : '';
  const lines = current.split(/\r?\n/).map((l) => l.trim());
  const missing = IGNORED.filter(([, forms]) => !lines.some((l) => forms.includes(l))).map(([entry]) => entry);
  if (missing.length === 0) return false;
  const block = [
    ...(missing.includes('.assistants-deploy/') ? ['# local state of assistants-deploy (hash cache, local target)', '.assistants-deploy/'] : []),
    ...(missing.includes('node_modules/') ? ['node_modules/'] : []),
  ];
  await appendFile(gitignore, `${current === '' || current.endsWith('\n') ? '' : '\n'}${block.join('\n')}\n`);
  return true;
}

/** What init says after the files: the package.json note, then the commands to run next. */
function nextSteps(shown: string, pkgNote: string, needsInstall: boolean, ci: string): string {
  const steps: [string, string][] = [
    ...(shown === '.' ? [] : ([[`cd ${shellQuote(shown)}`, '']] as [string, string][])),
    ...(needsInstall ? ([['npm install', 'installs assistants-deploy; commit package-lock.json (the workflow runs npm ci)']] as [string, string][]) : []),
    [`${BIN} validate`, 'offline checks'],
    [`${BIN} plan`, 'against the local emulator until OPENAI_API_KEY is set'],
    [`${BIN} apply`, ''],
  ];
  const width = Math.max(...steps.map(([c]) => c.length));
  return [
    pkgNote,
    'Next:',
    ...steps.map(([c, why]) => (why ? `  ${c.padEnd(width)}  # ${why}` : `  ${c}`)),
    ci === 'github' ? '  then add the repository secret OPENAI_API_KEY for .github/workflows/assistants-deploy.yml' : '',
    ci === 'gitlab' ? '  then include .gitlab/assistants-deploy.gitlab-ci.yml from .gitlab-ci.yml and set the CI/CD variable OPENAI_API_KEY' : '',
  ]
    .filter(Boolean)
    .join('\n');
}
