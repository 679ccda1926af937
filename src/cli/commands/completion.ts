/** `completion bash|zsh|fish`: print the shell completion script for this CLI. */
import { UserError } from '../../errors.js';
import { bashCompletion, fishCompletion, zshCompletion } from '../completion.js';
import { buildProgram } from '../main.js';
import type { CommandOptions } from '../main.js';

export async function run(args: string[], _opts: CommandOptions): Promise<number> {
  const program = buildProgram();
  const shell = args[0];
  const script = shell === 'bash' ? bashCompletion(program) : shell === 'zsh' ? zshCompletion(program) : shell === 'fish' ? fishCompletion(program) : undefined;
  if (script === undefined) throw new UserError(`no completion for ${String(shell)}: use bash, zsh or fish`);
  process.stdout.write(script);
  return 0;
}
