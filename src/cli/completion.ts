/**
 * Shell completion scripts for bash, zsh and fish, generated from the commander program itself
 * (the same definitions `--help` prints), so they cannot fall behind the CLI. Each completes the
 * installed bin (`assistants-deploy …`, also as a path such as node_modules/.bin/assistants-deploy)
 * and `npx assistants-deploy …` (after npx's own options; other npx commands keep whatever
 * completion they had), and its first comment lines say how to load it now and for good.
 */
import type { Command, Option } from 'commander';

interface OptionInfo {
  flags: string[];
  description: string;
  takesValue: boolean;
  choices?: readonly string[];
  files: boolean;
}

interface CommandInfo {
  name: string;
  description: string;
  options: OptionInfo[];
  /** Choices for a first positional argument (codegen python, completion bash). */
  argChoices?: readonly string[];
}

const FILE_OPTIONS = new Set(['--file', '--out', '--output', '--data', '--prices', '--baseline', '--json']);

function optionInfo(o: Option): OptionInfo {
  const flags = [o.short, o.long].filter((f): f is string => typeof f === 'string');
  return {
    flags,
    description: o.description.replace(/\s+/g, ' '),
    takesValue: o.required || o.optional,
    ...(o.argChoices ? { choices: o.argChoices } : {}),
    files: flags.some((f) => FILE_OPTIONS.has(f)),
  };
}

export function describeProgram(program: Command): { name: string; global: OptionInfo[]; commands: CommandInfo[] } {
  const hidden = new Set(['help']);
  const commands = program.commands
    .filter((c) => !hidden.has(c.name()))
    .map((c) => {
      const first = c.registeredArguments[0];
      const info: CommandInfo = {
        name: c.name(),
        description: c.description().replace(/\s+/g, ' '),
        options: [...c.options.map(optionInfo), { flags: ['-h', '--help'], description: 'display help for command', takesValue: false, files: false }],
      };
      if (first?.argChoices) info.argChoices = first.argChoices;
      return info;
    });
  return {
    name: program.name(),
    global: [
      ...program.options.map(optionInfo),
      { flags: ['-h', '--help'], description: 'display help for command', takesValue: false, files: false },
    ],
    commands,
  };
}

/** A command's options and the global ones it also accepts, each flag once. */
function withGlobals(own: OptionInfo[], global: OptionInfo[]): OptionInfo[] {
  const seen = new Set(own.flatMap((o) => o.flags));
  return [...own, ...global.filter((o) => !o.flags.some((f) => seen.has(f)))];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** npx options that take a value as the next word (`-p pkg`, `-c 'cmd'`); any other `-…` word is a flag. */
const NPX_VALUE_OPTIONS = ['-p', '--package', '-c', '--call', '--workspace', '-w'];

/** How to load the script: in this shell, and for good (the comment at the top of each script, and README.md). */
export function loadingHelp(name: string, shell: 'bash' | 'zsh' | 'fish'): { now: string; permanent: string } {
  const gen = `npx ${name} completion ${shell}`;
  switch (shell) {
    case 'bash':
      return { now: `source <(${gen})`, permanent: `${gen} > ~/.${name}-completion.bash && echo 'source ~/.${name}-completion.bash' >> ~/.bashrc` };
    case 'zsh':
      return { now: `source <(${gen})`, permanent: `${gen} > ~/.${name}-completion.zsh && echo 'source ~/.${name}-completion.zsh' >> ~/.zshrc` };
    case 'fish':
      return { now: `${gen} | source`, permanent: `${gen} > ~/.config/fish/conf.d/${name}.fish` };
  }
}

function header(name: string, shell: 'bash' | 'zsh' | 'fish'): string {
  const h = loadingHelp(name, shell);
  return [
    `# ${name} completion for ${shell}: completes \`${name} …\` and \`npx ${name} …\`.`,
    `# Load it in this shell:  ${h.now}`,
    `# Load it in every new shell (run once):`,
    `#   ${h.permanent}`,
    `# (\`${name} completion ${shell}\` works the same where ${name} is on PATH.)`,
  ].join('\n');
}

export function bashCompletion(program: Command): string {
  const p = describeProgram(program);
  const fn = `_${p.name.replace(/[^A-Za-z0-9]/g, '_')}`;
  const words = (opts: OptionInfo[]) => opts.flatMap((o) => o.flags).join(' ');
  const valueCases = (opts: OptionInfo[], indent: string) =>
    opts
      .filter((o) => o.takesValue)
      .map((o) => {
        const action = o.choices ? `COMPREPLY=($(compgen -W ${quote(o.choices.join(' '))} -- "$cur"))` : o.files ? 'COMPREPLY=($(compgen -f -- "$cur"))' : 'COMPREPLY=()';
        return `${indent}${o.flags.join('|')}) ${action}; return ;;`;
      })
      .join('\n');
  const perCommand = p.commands
    .map((c) => {
      const args = c.argChoices ? c.argChoices.join(' ') : '';
      return `    ${c.name})\n      case "$prev" in\n${valueCases(c.options, '        ')}\n      esac\n      if [[ "$cur" == -* ]]; then opts=${quote(words(c.options))}; else opts=${quote(args)}; fi ;;`;
    })
    .join('\n');
  const npxValue = NPX_VALUE_OPTIONS.join('|');
  return `${header(p.name, 'bash')}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" opts="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${p.global.filter((o) => o.takesValue).flatMap((o) => o.flags).join('|')}) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
${valueCases(p.global, '    ')}
  esac
  case "$cmd" in
    "") if [[ "$cur" == -* ]]; then opts=${quote(words(p.global))}; else opts=${quote(p.commands.map((c) => c.name).join(' '))}; fi ;;
${perCommand}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
# npx ${p.name} …: skip npx and its options, then complete as ${p.name}; any other npx command
# gets the completion npx had before this script (if any), else file names
if [[ "$(complete -p npx 2>/dev/null)" =~ -F[[:space:]]+([^[:space:]]+) ]]; then
  [[ "\${BASH_REMATCH[1]}" == ${fn}_npx ]] || ${fn}_npx_previous="\${BASH_REMATCH[1]}"
else
  ${fn}_npx_previous=""
fi
${fn}_npx() {
  local i=1
  while ((i < COMP_CWORD)); do
    case "\${COMP_WORDS[i]}" in
      ${npxValue}) ((i += 2)) ;;
      -*) ((i++)) ;;
      *) break ;;
    esac
  done
  if ((i < COMP_CWORD)) && [[ "\${COMP_WORDS[i]}" == ${p.name} || "\${COMP_WORDS[i]}" == ${p.name}@* ]]; then
    COMP_WORDS=("\${COMP_WORDS[@]:i}")
    COMP_CWORD=$((COMP_CWORD - i))
    ${fn}
    return
  fi
  COMPREPLY=()
  if [[ -n "$${fn}_npx_previous" ]]; then "$${fn}_npx_previous" "$@"; fi
}
complete -o default -F ${fn} ${p.name}
complete -o default -F ${fn}_npx npx
`;
}

export function zshCompletion(program: Command): string {
  const p = describeProgram(program);
  const spec = (o: OptionInfo) => {
    const desc = o.description.replace(/[[\]:'\\]/g, ' ').trim();
    const value = o.takesValue ? (o.choices ? `:value:(${o.choices.join(' ')})` : o.files ? ':file:_files' : ':value:') : '';
    if (o.flags.length === 2) return `'(${o.flags.join(' ')})'{${o.flags.join(',')}}'[${desc}]${value}'`;
    return `'${o.flags[0]}[${desc}]${value}'`;
  };
  const cmds = p.commands.map((c) => `    '${c.name}:${c.description.replace(/[':\\]/g, ' ')}'`).join('\n');
  const cases = p.commands
    .map((c) => {
      const args = c.argChoices ? ` '1:${c.name} argument:(${c.argChoices.join(' ')})'` : '';
      return `    ${c.name})\n      _arguments -s ${withGlobals(c.options, p.global).map(spec).join(' \\\n        ')}${args} '*:file:_files' ;;`;
    })
    .join('\n');
  const fn = `_${p.name.replace(/[^A-Za-z0-9]/g, '_')}`;
  const npxValue = NPX_VALUE_OPTIONS.map((o) => o).join('|');
  return `#compdef ${p.name} npx
${header(p.name, 'zsh')}
${fn}() {
  local -a commands
  commands=(
${cmds}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  # from the command on, as if it were the program: _arguments counts positions after words[1]
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  case "$cmd" in
${cases}
  esac
}
# npx ${p.name} …: skip npx and its options, then complete as ${p.name}; any other npx command
# gets the completion npx had before this script (if any), else file names
${fn}_npx() {
  local i=2
  while (( i < CURRENT )); do
    case $words[i] in
      (${npxValue}) (( i += 2 )) ;;
      (-*) (( i++ )) ;;
      (*) break ;;
    esac
  done
  if (( i < CURRENT )) && [[ $words[i] == ${p.name} || $words[i] == ${p.name}@* ]]; then
    shift $(( i - 1 )) words
    (( CURRENT -= i - 1 ))
    ${fn}
    return
  fi
  (( i == CURRENT )) && compadd -- ${p.name}
  if [[ -n $${fn}_npx_previous ]] && (( $+functions[$${fn}_npx_previous] )); then
    $${fn}_npx_previous "$@"
  else
    _files
  fi
}
_${p.name}() {
  if [[ \${words[1]:t} == npx ]]; then ${fn}_npx "$@"; else ${fn} "$@"; fi
}
if [[ $funcstack[1] == _${p.name} ]]; then
  # autoloaded from a folder on $fpath (the file is named _${p.name})
  _${p.name} "$@"
else
  (( $+functions[compdef] )) || { autoload -Uz compinit && compinit }
  if [[ -n \${_comps[npx]} && \${_comps[npx]} != _${p.name} ]]; then ${fn}_npx_previous=\${_comps[npx]}; fi
  compdef _${p.name} ${p.name} npx
fi
`;
}

export function fishCompletion(program: Command): string {
  const p = describeProgram(program);
  const lines = [header(p.name, 'fish'), `complete -c ${p.name} -f`];
  const opt = (o: OptionInfo, condition: string) => {
    const parts = [`complete -c ${p.name} -n '${condition}'`];
    for (const f of o.flags) parts.push(f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`);
    if (o.takesValue) parts.push(o.choices ? `-xa ${quote(o.choices.join(' '))}` : o.files ? '-rF' : '-x');
    parts.push(`-d ${quote(o.description.slice(0, 80))}`);
    return parts.join(' ');
  };
  for (const c of p.commands) lines.push(`complete -c ${p.name} -n '__fish_use_subcommand' -a ${c.name} -d ${quote(c.description.slice(0, 80))}`);
  for (const o of p.global) lines.push(opt(o, '__fish_use_subcommand'));
  for (const c of p.commands) {
    const cond = `__fish_seen_subcommand_from ${c.name}`;
    if (c.argChoices) lines.push(`complete -c ${p.name} -n '${cond}' -a ${quote(c.argChoices.join(' '))}`);
    for (const o of withGlobals(c.options, p.global)) lines.push(opt(o, cond));
  }
  const fn = `__${p.name.replace(/[^A-Za-z0-9]/g, '_')}_npx`;
  lines.push(
    `# npx ${p.name} …: the words from ${p.name} on (npx and its options skipped), completed as ${p.name}`,
    `function ${fn}_words`,
    '    set -l words (commandline -opc)',
    '    set -l skip 0',
    '    for i in (seq 2 (count $words))',
    '        if test $skip = 1',
    '            set skip 0',
    '            continue',
    '        end',
    '        switch $words[$i]',
    `            case ${p.name} '${p.name}@*'`,
    `                printf '%s\\n' ${p.name} $words[(math $i + 1)..-1]`,
    '                return 0',
    `            case ${NPX_VALUE_OPTIONS.join(' ')}`,
    '                set skip 1',
    "            case '-*'",
    "            case '*'",
    '                return 1',
    '        end',
    '    end',
    '    return 1',
    'end',
    `function ${fn}_complete`,
    `    complete -C (string join -- ' ' (string escape -- (${fn}_words)) (commandline -ct))`,
    'end',
    `complete -c npx -n '${fn}_words >/dev/null' -f -a '(${fn}_complete)'`,
  );
  return `${lines.join('\n')}\n`;
}
