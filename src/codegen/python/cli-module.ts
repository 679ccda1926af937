/**
 * `__main__.py`: the command line of the generated package (`python -m PKG [--assistant KEY]
 * [--conversation ID] QUESTION`), which asks one of the deployment's assistants and prints the
 * answer, streamed or polled, and the files it cited.
 */
import type { Desired } from '../../manifest/desired.js';
import { header } from './header.js';
import { atom, docstring, importFrom, kwarg, layout, pyStr, seq, str, type Node } from './pysrc.js';
import type { GenerateOptions } from './types.js';

/** Whether an assistant has an MCP tool (its calls may wait for approval). */
function mcp(d: Desired): boolean {
  return d.assistants.some((a) => a.tools.some((t) => t.type === 'mcp'));
}

export function mainModule(d: Desired, opts: GenerateOptions, modules: Map<string, string>): string {
  const pkg = opts.packageName;
  const example = d.assistants.length > 1 ? `    python -m ${pkg} --assistant ${d.assistants[1]!.key} --conversation alice "Hello"` : `    python -m ${pkg} --conversation alice "Hello"`;
  const lines = [
    ...header(
      `Ask an assistant of deployment \`\`${d.deployment}\`\` from the command line.`,
      `    python -m ${pkg} "Hello"\n${example}\n\nThe ${opts.api === 'assistants' ? 'thread' : 'conversation'} of each --conversation id is kept in a JSON file (--store), so the next question continues it.${mcp(d) ? ' The MCP tool calls that wait for approval are refused unless --approve is given.' : ''}`,
    ),
    '',
    'from __future__ import annotations',
    '',
    'import argparse',
    'import sys',
    'from collections.abc import Callable',
    '',
    ...(opts.api === 'foundry' ? ['import openai', 'from azure.core.exceptions import AzureError', ''] : ['import openai', '']),
  ];
  const mods = d.assistants.map((a) => modules.get(a.key)!).sort();
  lines.push(...importFrom('.', mods));
  lines.push('from ._common import FileStore');
  lines.push(...importFrom('._runtime', opts.api === 'assistants' ? ['Assistant', 'AssistantsApiUnavailableError'] : ['Assistant']));
  if (mcp(d)) lines.push('from ._turns import allow');
  lines.push(
    '',
    ...layout(
      seq(
        '{',
        '}',
        d.assistants.map((a) => ({ kind: 'pair' as const, key: pyStr(a.key), sep: ': ', value: atom(`${modules.get(a.key)}.connect`) })),
      ),
      0,
      'ASSISTANTS: dict[str, Callable[..., Assistant]] = ',
    ),
    '',
    '',
    'def _write(text: str) -> None:',
    '    sys.stdout.write(text)',
    '    sys.stdout.flush()',
    '',
    '',
    'def _event(name: str) -> None:',
    '    print(f"event: {name}", file=sys.stderr)',
    '',
    '',
    ...mainFunction(d, opts),
    '',
    '',
    'if __name__ == "__main__":',
    '    sys.exit(main())',
  );
  return `${lines.join('\n')}\n`;
}

/** `def main(argv)`: parse the arguments, ask, print the reply and its citations. */
function mainFunction(d: Desired, opts: GenerateOptions): string[] {
  return [
    'def main(argv: list[str] | None = None) -> int:',
    ...docstring('Run the command line; returns the exit status.', 1),
    ...argumentParser(d, opts),
    '    args = parser.parse_args(argv)',
    '',
    '    stream = not args.poll',
    '    try:',
    '        assistant = ASSISTANTS[args.assistant](store=FileStore(args.store))',
    ...(mcp(d) ? ['        if args.approve:', '            assistant.approve = allow'] : []),
    '        reply = assistant.ask(',
    '            args.conversation,',
    '            args.question,',
    '            attachments=args.attach,',
    '            stream=stream,',
    '            on_text=_write if stream else None,',
    '            on_event=_event if args.events else None,',
    '        )',
    ...(opts.api === 'assistants' ? ['    except AssistantsApiUnavailableError as exc:', '        print(f"error: {exc}", file=sys.stderr)', '        return 1'] : []),
    `    except (openai.OpenAIError, ${opts.api === 'foundry' ? 'AzureError, ' : ''}LookupError, RuntimeError) as exc:`,
    '        print(f"error: {exc}", file=sys.stderr)',
    '        return 1',
    '    if stream:',
    '        print()',
    '    else:',
    '        print(reply.text)',
    '    for citation in reply.citations:',
    '        print(f"cited: {citation.marker} {citation.path}")',
    '    return 0',
  ];
}

/** The argparse parser of `main`, one `add_argument` per option. */
function argumentParser(d: Desired, opts: GenerateOptions): string[] {
  const pkg = opts.packageName;
  const first = d.assistants[0]!;
  const argument = (items: Node[]) => layout(seq('parser.add_argument(', ')', items), 1);
  return [
    ...layout(seq('parser = argparse.ArgumentParser(', ')', [kwarg('prog', str(`python -m ${pkg}`)), kwarg('description', str(`Ask an assistant of deployment ${d.deployment}.`))]), 1),
    '    parser.add_argument("question")',
    ...argument([str('--assistant'), kwarg('choices', atom('list(ASSISTANTS)')), kwarg('default', str(first.key))]),
    ...argument([
      str('--conversation'),
      kwarg('default', str('cli')),
      kwarg('help', str(`the same id continues the same ${opts.api === 'assistants' ? 'thread' : 'conversation'}`)),
    ]),
    ...argument([
      str('--store'),
      kwarg('default', str(`.${pkg}-conversations.json`)),
      kwarg('help', str(`JSON file of the ${opts.api === 'assistants' ? 'threads' : 'conversations'} by conversation id`)),
    ]),
    ...argument([
      str('--attach'),
      kwarg('action', str('append')),
      kwarg('default', atom('[]')),
      kwarg('metavar', str('FILE')),
      kwarg('help', str('upload FILE and attach it to the message (repeatable)')),
    ]),
    ...argument([str('--poll'), kwarg('action', str('store_true')), kwarg('help', str('wait for the whole answer instead of streaming it'))]),
    ...argument([str('--events'), kwarg('action', str('store_true')), kwarg('help', str('print the name of every stream event on stderr'))]),
    ...(mcp(d) ? argument([str('--approve'), kwarg('action', str('store_true')), kwarg('help', str('run the MCP tool calls that wait for approval (default: refuse them)'))]) : []),
  ];
}
