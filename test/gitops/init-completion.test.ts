/**
 * `init` scaffolds a project that validates and deploys as it stands; `completion` prints shell
 * scripts that complete commands, flags and flag values (bash is run for real).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, tempProject } from '../helpers/cli.js';
import { startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

describe('init', () => {
  let account: Account;
  beforeAll(async () => {
    account = await startAccount();
  });
  afterAll(async () => account.close());

  it('scaffolds a manifest, a prompt, knowledge, .gitignore and a workflow that validate and deploy', async () => {
    const dir = tempProject({ '.gitignore': 'node_modules/' });
    const r = runCli(['init', 'acme-bots'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const project = path.join(dir, 'acme-bots');
    expect(r.stdout).toContain('(deployment "acme-bots")');
    for (const f of ['assistants.yaml', 'prompts/helper.md', 'knowledge/welcome.md', '.github/workflows/assistants-deploy.yml', '.gitignore']) {
      expect(existsSync(path.join(project, f)), f).toBe(true);
    }
    const manifest = readFileSync(path.join(project, 'assistants.yaml'), 'utf8');
    expect(manifest.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*schemas\/manifest\.schema\.json$/);
    expect(readFileSync(path.join(project, '.gitignore'), 'utf8')).toContain('.assistants-deploy/\n');
    const workflow = parse(readFileSync(path.join(project, '.github/workflows/assistants-deploy.yml'), 'utf8')) as { env: Record<string, string> };
    expect(workflow.env.MANIFEST).toBe('assistants.yaml');

    const validate = runCli(['validate'], { cwd: project });
    expect(validate.stdout).toBe('Valid: deployment "acme-bots", 1 assistant, 1 vector store, 0 file sets, 1 file.\n');
    const applied = await account.cli(['apply', '--auto-approve'], { cwd: project });
    expect(applied.code, applied.stderr).toBe(0);
    const plan = await account.cli(['plan', '--detailed-exitcode'], { cwd: project });
    expect(plan.code).toBe(0);
  });

  it('keeps an existing .gitignore entry and never overwrites files', () => {
    const dir = tempProject({ '.gitignore': '.assistants-deploy/\n', 'assistants.yaml': 'mine' });
    const r = runCli(['init', '.', '--ci', 'none'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: init would overwrite assistants.yaml');
    expect(readFileSync(path.join(dir, 'assistants.yaml'), 'utf8')).toBe('mine');

    const fresh = tempProject({ '.gitignore': '.assistants-deploy/\n' });
    expect(runCli(['init', '--ci', 'gitlab', '--deployment', 'team-x'], { cwd: fresh }).code).toBe(0);
    expect(readFileSync(path.join(fresh, '.gitignore'), 'utf8')).toBe('.assistants-deploy/\nnode_modules/\n');
    expect(existsSync(path.join(fresh, '.gitlab/assistants-deploy.gitlab-ci.yml'))).toBe(true);
    expect(readFileSync(path.join(fresh, 'assistants.yaml'), 'utf8')).toContain('deployment: team-x\n');
    expect(runCli(['init', 'x', '--deployment', 'Bad Name'], { cwd: fresh }).stderr).toContain('is not a deployment name');
  });
});

describe('completion', () => {
  const script = path.join(tempProject({}), 'completion.bash');
  beforeAll(() => {
    const r = runCli(['completion', 'bash']);
    expect(r.code).toBe(0);
    writeFileSync(script, r.stdout);
  });

  /** What bash offers after typing `words` (the last is the word being completed). */
  function complete(words: string[]): string[] {
    const program = `source ${JSON.stringify(script)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; _assistants_deploy; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['--norc', '-c', program], { encoding: 'utf8', cwd: path.dirname(script) });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  }

  it('bash: commands, flags of the command, values of choice flags, files', () => {
    expect(complete(['assistants-deploy', 'pl'])).toEqual(['plan']);
    expect(complete(['assistants-deploy', 'plan', '--fo'])).toEqual(['--format']);
    expect(complete(['assistants-deploy', 'plan', '--format', ''])).toEqual(['text', 'json', 'markdown']);
    expect(complete(['assistants-deploy', 'validate', '--format', ''])).toEqual(['text', 'json']);
    expect(complete(['assistants-deploy', '--env', 'prod', 'apply', '--auto'])).toEqual(['--auto-approve']);
    expect(complete(['assistants-deploy', 'codegen', 'py'])).toEqual(['python']);
    expect(complete(['assistants-deploy', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    mkdirSync(path.join(path.dirname(script), 'manifests'), { recursive: true });
    expect(complete(['assistants-deploy', 'plan', '-f', 'man'])).toEqual(['manifests']);
  });

  it('zsh and fish scripts name every command and flag', () => {
    const help = runCli(['--help']).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    const zsh = runCli(['completion', 'zsh']).stdout;
    const fish = runCli(['completion', 'fish']).stdout;
    expect(zsh.startsWith('#compdef assistants-deploy\n')).toBe(true);
    for (const c of commands) {
      expect(zsh).toContain(`    '${c}:`);
      expect(fish).toContain(`complete -c assistants-deploy -n '__fish_use_subcommand' -a ${c} `);
    }
    expect(zsh).toContain("'--format[output format]:value:(text json markdown)'");
    expect(fish).toContain("complete -c assistants-deploy -n '__fish_seen_subcommand_from plan' -l format -xa 'text json markdown'");
    expect(fish).toContain("complete -c assistants-deploy -n '__fish_seen_subcommand_from apply' -l auto-approve");
  });

  it('an unknown shell is refused', () => {
    const r = runCli(['completion', 'tcsh']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });
});
