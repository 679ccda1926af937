/**
 * `init` scaffolds a project that validates and deploys as it stands; `completion` prints shell
 * scripts that complete commands, flags and flag values (bash is run for real).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO, runCli, tempProject } from '../helpers/cli.js';
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
  const dir = tempProject({});
  const script = path.join(dir, 'completion.bash');
  beforeAll(() => {
    const r = runCli(['completion', 'bash']);
    expect(r.code).toBe(0);
    writeFileSync(script, r.stdout);
  });

  /** What bash offers after typing `words` (the last is the word being completed), through the function `complete -p` names for words[0]. */
  function complete(words: string[], before = ''): string[] {
    const program = [
      before,
      `source ${JSON.stringify(script)}`,
      // as bash looks it up: the compspec of the command word, else of its last path component
      `w0=${JSON.stringify(words[0])}; spec=$(complete -p "$w0" 2>/dev/null || complete -p "\${w0##*/}")`,
      `[[ $spec =~ -F[[:space:]]+([^[:space:]]+) ]]; fn=\${BASH_REMATCH[1]}`,
      `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}`,
      '"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
      `printf '%s\\n' "\${COMPREPLY[@]}"`,
    ].join('\n');
    const r = spawnSync('bash', ['--norc', '-c', program], { encoding: 'utf8', cwd: dir });
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
    mkdirSync(path.join(dir, 'manifests'), { recursive: true });
    expect(complete(['assistants-deploy', 'plan', '-f', 'man'])).toEqual(['manifests']);
    // the installed bin called by its path: bash falls back from the path to its last part
    expect(complete(['node_modules/.bin/assistants-deploy', 'val'])).toEqual(['validate']);
  });

  it('bash: npx assistants-deploy completes the same, after npx options; other npx commands keep their completion', () => {
    const r = spawnSync('bash', ['--norc', '-c', `source ${JSON.stringify(script)}; complete -p assistants-deploy npx`], { encoding: 'utf8' });
    expect(r.stdout).toBe('complete -o default -F _assistants_deploy assistants-deploy\ncomplete -o default -F _assistants_deploy_npx npx\n');
    expect(complete(['npx', 'assistants-deploy', 'pl'])).toEqual(['plan']);
    expect(complete(['npx', '--yes', 'assistants-deploy', 'plan', '--format', ''])).toEqual(['text', 'json', 'markdown']);
    expect(complete(['npx', '-p', 'assistants-deploy', 'assistants-deploy', 'apply', '--auto'])).toEqual(['--auto-approve']);
    expect(complete(['npx', 'assistants-deploy@latest', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(complete(['npx', 'eslint', '--fi'])).toEqual([]);
    // a completion npx had before is kept for other commands, also when the script is loaded twice
    const previous = `_theirs() { COMPREPLY=(theirs); }; complete -F _theirs npx; source ${JSON.stringify(script)}`;
    expect(complete(['npx', 'eslint', '--fi'], previous)).toEqual(['theirs']);
    expect(complete(['npx', 'assistants-deploy', 'pl'], previous)).toEqual(['plan']);
  });

  it('each script says how to load it now and in every new shell, and README.md says the same', () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const lines = {
      bash: [
        '# assistants-deploy completion for bash: completes `assistants-deploy …` and `npx assistants-deploy …`.',
        '# Load it in this shell:  source <(npx assistants-deploy completion bash)',
        '# Load it in every new shell (run once):',
        "#   npx assistants-deploy completion bash > ~/.assistants-deploy-completion.bash && echo 'source ~/.assistants-deploy-completion.bash' >> ~/.bashrc",
      ],
      zsh: [
        '#compdef assistants-deploy npx',
        '# assistants-deploy completion for zsh: completes `assistants-deploy …` and `npx assistants-deploy …`.',
        '# Load it in this shell:  source <(npx assistants-deploy completion zsh)',
        '# Load it in every new shell (run once):',
        "#   npx assistants-deploy completion zsh > ~/.assistants-deploy-completion.zsh && echo 'source ~/.assistants-deploy-completion.zsh' >> ~/.zshrc",
      ],
      fish: [
        '# assistants-deploy completion for fish: completes `assistants-deploy …` and `npx assistants-deploy …`.',
        '# Load it in this shell:  npx assistants-deploy completion fish | source',
        '# Load it in every new shell (run once):',
        '#   npx assistants-deploy completion fish > ~/.config/fish/conf.d/assistants-deploy.fish',
      ],
    };
    for (const [shell, want] of Object.entries(lines)) {
      const text = runCli(['completion', shell]).stdout;
      expect(text.split('\n').slice(0, want.length)).toEqual(want);
      // the README's CLI section shows the permanent line of each shell
      expect(readme).toContain(want.at(-1)!.replace(/^#\s+/, ''));
    }
  });

  it('zsh and fish scripts name every command and flag, and register for npx', () => {
    const help = runCli(['--help']).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    const zsh = runCli(['completion', 'zsh']).stdout;
    const fish = runCli(['completion', 'fish']).stdout;
    expect(zsh.startsWith('#compdef assistants-deploy npx\n')).toBe(true);
    for (const c of commands) {
      expect(zsh).toContain(`    '${c}:`);
      expect(fish).toContain(`complete -c assistants-deploy -n '__fish_use_subcommand' -a ${c} `);
    }
    expect(zsh).toContain("'--format[output format]:value:(text json markdown)'");
    expect(zsh).toContain('  compdef _assistants-deploy assistants-deploy npx\n');
    expect(fish).toContain("complete -c assistants-deploy -n '__fish_seen_subcommand_from plan' -l format -xa 'text json markdown'");
    expect(fish).toContain("complete -c assistants-deploy -n '__fish_seen_subcommand_from apply' -l auto-approve");
    expect(fish).toContain("complete -c npx -n '__assistants_deploy_npx_words >/dev/null' -f -a '(__assistants_deploy_npx_complete)'\n");
  });

  /** The shell's path, or undefined when it is not installed (then only the script text is checked, above). */
  const shell = (name: string) => {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };

  it('fish, when installed: `complete -C` offers the same for assistants-deploy and npx assistants-deploy', () => {
    const fish = shell('fish');
    if (!fish) {
      console.log('fish is not installed: its script was checked as text only');
      return;
    }
    const file = path.join(dir, 'completion.fish');
    writeFileSync(file, runCli(['completion', 'fish']).stdout);
    const offered = (line: string) => {
      const r = spawnSync(fish, ['-N', '-c', `source ${JSON.stringify(file)}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8', cwd: dir });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
    };
    for (const prefix of ['assistants-deploy', 'npx assistants-deploy', 'npx -y assistants-deploy']) {
      expect(offered(`${prefix} pl`)).toEqual(['plan']);
      expect(offered(`${prefix} plan --format `)).toEqual(['json', 'markdown', 'text']);
      expect(offered(`${prefix} completion `)).toEqual(['bash', 'fish', 'zsh']);
      expect(offered(`${prefix} apply --auto`)).toEqual(['--auto-approve']);
    }
  });

  it('zsh, when installed: an interactive zsh completes assistants-deploy and npx assistants-deploy with this script, sourced or from $fpath', () => {
    const zsh = shell('zsh');
    if (!zsh) {
      console.log('zsh is not installed: its script was checked as text only');
      return;
    }
    const fpathDir = path.join(dir, 'zfunc');
    mkdirSync(fpathDir, { recursive: true });
    writeFileSync(path.join(fpathDir, '_assistants-deploy'), runCli(['completion', 'zsh']).stdout);
    // drives an interactive zsh in a pseudo-terminal: types the line and a TAB, and reads until the
    // expected completion shows (escape sequences removed) or 15 s have passed
    const drive = (setup: string, line: string, expected: string) => {
      const program = `
setopt extendedglob
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z ${zq(`PS1='> '; unsetopt beep; ${setup}; zstyle ':completion:*' list-prompt ''; print READY`)}
out=''; SECONDS=0
while (( SECONDS < 15 )) && [[ $out != *READY*'> '* ]]; do zpty -r -t z chunk && out+=$chunk || sleep 0.05; done
zpty -w -n z ${zq(`${line}\t`)}
out=''; SECONDS=0
while (( SECONDS < 15 )); do
  zpty -r -t z chunk && out+=$chunk || sleep 0.05
  clean=\${out//$'\\e'\\[[0-9;?]#[a-zA-Z]/}
  [[ $clean == *${zq(expected)}* ]] && { print -r -- FOUND; break }
done
print -r -- "\${clean//$'\\r'/}"
zpty -d z
`;
      const r = spawnSync(zsh, ['-f', '-c', program], { encoding: 'utf8', cwd: dir, timeout: 40_000 });
      expect(r.stdout.split('\n')[0], `${line} -> ${expected}:\n${r.stdout}${r.stderr}`).toBe('FOUND');
    };
    const sourced = `autoload -Uz compinit; compinit -u -D; source ${JSON.stringify(path.join(fpathDir, '_assistants-deploy'))}`;
    const autoloaded = `fpath=(${JSON.stringify(fpathDir)} $fpath); autoload -Uz compinit; compinit -u -D`;
    for (const setup of [sourced, autoloaded]) {
      drive(setup, 'npx assistants-deploy pl', 'npx assistants-deploy plan ');
      drive(setup, 'assistants-deploy pl', 'assistants-deploy plan ');
      drive(setup, 'npx -y assistants-deploy apply --auto', 'npx -y assistants-deploy apply --auto-approve ');
      drive(setup, 'npx assistants-deploy plan --format ', 'markdown');
      drive(setup, 'assistants-deploy completion ', 'fish');
    }
  }, 120_000);

  it('an unknown shell is refused', () => {
    const r = runCli(['completion', 'tcsh']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });
});

/** A zsh single-quoted word. */
function zq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
