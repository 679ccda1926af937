/**
 * Shell completion scripts for bash, zsh and fish, generated from the commander program itself
 * (the same definitions `--help` prints), so they cannot fall behind the CLI.
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

const FILE_OPTIONS = new Set(['--file', '--out', '--output', '--data', '--prices']);

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
  return `# ${p.name} completion for bash. Load it with:  source <(${p.name} completion bash)
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
complete -o default -F ${fn} ${p.name}
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
  return `#compdef ${p.name}
# ${p.name} completion for zsh. Load it with:  source <(${p.name} completion zsh)
_${p.name.replace(/[^A-Za-z0-9]/g, '_')}() {
  local -a commands
  commands=(
${cmds}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _${p.name.replace(/[^A-Za-z0-9]/g, '_')} ${p.name}
`;
}

export function fishCompletion(program: Command): string {
  const p = describeProgram(program);
  const lines = [`# ${p.name} completion for fish. Load it with:  ${p.name} completion fish | source`, `complete -c ${p.name} -f`];
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
  return `${lines.join('\n')}\n`;
}
