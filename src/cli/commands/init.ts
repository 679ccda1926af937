/**
 * `init [DIR]`: scaffold a project: a manifest (with the yaml-language-server schema comment), a
 * prompt file, a knowledge file, `.assistants-deploy/` in .gitignore, and a CI workflow. Never
 * overwrites a file; says what it wrote and what to do next.
 */
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { createIo } from '../io.js';
import type { CommandOptions } from '../main.js';

const SCHEMA_ID = 'https://raw.githubusercontent.com/assistants-deploy/assistants-deploy/main/schemas/manifest.schema.json';

function deploymentName(dir: string): string {
  const slug = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
  return slug || 'my-assistants';
}

/** The schema path editors should use: the installed copy when it sits inside the project, else the published one. */
function schemaRef(dir: string): string {
  const local = path.join(PACKAGE_ROOT, 'schemas', 'manifest.schema.json');
  const rel = path.relative(dir, local);
  return !rel.startsWith('..') && !path.isAbsolute(rel) ? `./${rel.split(path.sep).join('/')}` : SCHEMA_ID;
}

function manifest(deployment: string, schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# The assistants, vector stores and files of this project. Check it with
#   npx assistants-deploy validate
# see what would change with \`npx assistants-deploy plan\`, and deploy with \`npx assistants-deploy apply\`.
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

function workflow(manifestPath: string): string {
  const source = readFileSync(path.join(PACKAGE_ROOT, 'examples', 'ci', 'github-actions.yml'), 'utf8');
  return source.replace(/^ {2}MANIFEST: assistants\.yaml$/m, `  MANIFEST: ${manifestPath}`);
}

export async function run(args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const dir = path.resolve(args[0] ?? '.');
  const ci = typeof opts.ci === 'string' ? opts.ci : 'github';
  const deployment = typeof opts.deployment === 'string' ? opts.deployment : deploymentName(dir);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(deployment) || deployment.length > 64) {
    throw new UserError(`--deployment ${JSON.stringify(deployment)} is not a deployment name`, 'use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit');
  }
  const files: [string, string][] = [
    ['assistants.yaml', manifest(deployment, schemaRef(dir))],
    ['prompts/helper.md', PROMPT],
    ['knowledge/welcome.md', KNOWLEDGE],
  ];
  if (ci === 'github') files.push(['.github/workflows/assistants-deploy.yml', workflow('assistants.yaml')]);
  if (ci === 'gitlab') files.push(['.gitlab/assistants-deploy.gitlab-ci.yml', readFileSync(path.join(PACKAGE_ROOT, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8')]);

  const existing = files.filter(([rel]) => existsSync(path.join(dir, rel))).map(([rel]) => rel);
  if (existing.length > 0) {
    throw new UserError(`init would overwrite ${existing.join(', ')} in ${dir}`, 'run it in an empty folder, or move those files away first');
  }
  const written: string[] = [];
  for (const [rel, content] of files) {
    const abs = path.join(dir, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
    written.push(rel);
  }
  const gitignore = path.join(dir, '.gitignore');
  const current = existsSync(gitignore) ? await readFile(gitignore, 'utf8') : '';
  if (!current.split('\n').some((l) => l.trim() === '.assistants-deploy/' || l.trim() === '.assistants-deploy')) {
    await appendFile(gitignore, `${current === '' || current.endsWith('\n') ? '' : '\n'}# local state of assistants-deploy (hash cache, local target)\n.assistants-deploy/\n`);
    written.push('.gitignore');
  }
  const shown = path.relative(process.cwd(), dir) || '.';
  io.out(`Created ${written.map((f) => path.join(shown, f)).join(', ')} (deployment "${deployment}").`);
  io.info(
    [
      'Next:',
      `  cd ${shown}`,
      '  npx assistants-deploy validate        # offline checks',
      '  npx assistants-deploy plan            # against the local emulator until OPENAI_API_KEY is set',
      '  npx assistants-deploy apply',
      ci === 'github' ? '  then add the repository secret OPENAI_API_KEY for .github/workflows/assistants-deploy.yml' : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return 0;
}
