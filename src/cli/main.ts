/**
 * The program: declares every command and flag (cheap), loads a command's module only when it
 * runs (keeps `--help` fast), and is the one place that turns errors into exit codes.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { ManifestError, UserError, formatProblem } from '../errors.js';
import { redact } from './io.js';
import { Interrupted } from './stop.js';
import { VERSION } from '../package-root.js';


/** Options every command receives: its own merged with the global ones. */
export type CommandOptions = Record<string, unknown>;
type CommandModule = { run(args: string[], opts: CommandOptions): Promise<number> };

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function lazy(name: string) {
  return async function action(this: Command, ...received: unknown[]): Promise<void> {
    const cmd = received[received.length - 1] as Command;
    const args = cmd.args;
    const opts = cmd.optsWithGlobals() as CommandOptions;
    const mod = (await import(`./commands/${name}.js`)) as CommandModule;
    process.exitCode = await mod.run(args, opts);
  };
}

function manifestOption(): Option {
  return new Option('-f, --file <path>', 'manifest file, or a directory of *.yaml/*.yml files merged').default(
    'assistants.yaml',
  );
}

export function buildProgram(): Command {
  const program = new Command('assistants-deploy')
    .description("Config-as-code for OpenAI's Assistants platform: validate, plan, apply and codegen from a YAML manifest")
    .version(VERSION, '-V, --version', 'print the version')
    .option('--env <name>', 'apply the named environment overlay from the manifest')
    .option('--var <key=value>', 'set a ${var:KEY} value (repeatable)', collect)
    .option('--no-color', 'never colour output (also: NO_COLOR, CI, no TTY)')
    .option('-q, --quiet', 'print only results and errors')
    .option('-v, --verbose', 'log each API request (method, route, status, time; the key is never shown)')
    .addOption(
      new Option('--target <target>', 'the account: local (embedded emulator), env (OPENAI_API_KEY / OPENAI_BASE_URL), foundry (a Foundry project: AZURE_AI_PROJECT_ENDPOINT) or local-foundry (the embedded emulator playing a Foundry project); default: env when set, else local').choices([
        'local',
        'env',
        'foundry',
        'local-foundry',
      ]),
    )
    .option('--project-endpoint <url>', 'with --target foundry: the project endpoint (default: AZURE_AI_PROJECT_ENDPOINT)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) });
  // the order declared is the order `--help` lists them in
  declareManifestCommands(program);
  declareAccountAndProjectCommands(program);
  declareEmulatorCommand(program);
  return program;
}

/** The commands that read a manifest: validate, plan, apply, codegen, destroy, import. */
function declareManifestCommands(program: Command): void {
  program
    .command('validate')
    .description('check the manifest offline: parse, schema, references, limits, file globs; no network')
    .addOption(manifestOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--allow-outside-root', 'let file references and globs reach outside the manifest folder')
    .action(lazy('validate'));

  program
    .command('plan')
    .description('read the live account, diff it against the manifest, and show exactly what would change')
    .addOption(manifestOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--out <file>', 'save the plan (JSON) for `apply FILE`')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--allow-outside-root', 'let file references and globs reach outside the manifest folder')
    .option('--prices <file>', 'price table (JSON) for the storage cost estimate (default: the built-in prices/openai.json)')
    .action(lazy('plan'));

  program
    .command('apply')
    .argument('[planfile]', 'a plan saved with `plan --out` to apply exactly (refused if the account, the manifest or its files moved on)')
    .description('make the account match the manifest: create, update, and prune what this deployment owns')
    .addOption(manifestOption())
    .option('--auto-approve', 'do not ask for confirmation (needed without a TTY)')
    .option('--concurrency <n>', 'requests in flight at once', '32')
    .option('--allow-mass-delete', 'allow deleting more than 25% of the deployment\'s resources, or of a vector store\'s files')
    .option('--allow-conflicts', 'allow deleting or replacing what assistants or vector stores outside this deployment use')
    .option('--allow-outside-root', 'let file references and globs reach outside the manifest folder')
    .option('--prices <file>', 'price table (JSON) for the storage cost shown with the plan (default: the built-in prices/openai.json)')
    .action(lazy('apply'));

  program
    .command('test')
    .description('run the manifest\'s retrieval checks against the deployed vector stores (one search each) and gate on the suite\'s thresholds: exit 1 when one fails')
    .addOption(manifestOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown', 'junit']).default('text'))
    .option('--out <file>', 'write the report to this file (in --format) instead of stdout, which then gets the result line')
    .option('--json <file>', 'also write the JSON report to this file (a later run\'s --baseline)')
    .option('--baseline <file>', 'compare with an earlier JSON report and list the checks that regressed')
    .option('--concurrency <n>', 'searches in flight at once', '8')
    .option('--allow-outside-root', 'let file references and globs reach outside the manifest folder')
    .action(lazy('test'));

  program
    .command('codegen')
    .addArgument(new Argument('<language>', 'python: a client package; promptfoo: an eval configuration (its providers use the deployed ids)').choices(['python', 'promptfoo']))
    .description('emit a Python client package for the manifest\'s assistants (Assistants or Responses API, or a Foundry project), or a promptfoo configuration of its evals')
    .addOption(manifestOption())
    .option('-o, --out <dir>', 'output folder (python; default: the package name), or file (promptfoo; default promptfooconfig.yaml)')
    .addOption(new Option('--api <api>', 'the API the code calls: assistants (threads and runs), responses (conversations) or foundry (the deployed Foundry agents)').choices(['assistants', 'responses', 'foundry']).default('assistants'))
    .option('--package <name>', 'Python package name (default: the deployment name in snake_case)')
    .option('--resolve-ids', 'read the deployed ids from the target now and write them into the code (default: find them by tags at run time)')
    .option('--allow-outside-root', 'let file references and globs reach outside the manifest folder')
    .action(lazy('codegen'));

  program
    .command('destroy')
    .description('delete everything the deployment owns (assistants, vector stores, uploaded files); nothing else')
    .addOption(manifestOption())
    .option('--auto-approve', 'do not ask for confirmation (needed without a TTY)')
    .option('--concurrency <n>', 'requests in flight at once', '32')
    .option('--allow-conflicts', 'delete even what assistants or vector stores outside this deployment use')
    .option('--allow-outside-root', 'let file references and globs reach outside the manifest folder')
    .action(lazy('destroy'));

  program
    .command('import')
    .argument('<address>', 'the manifest key to import into: assistant.KEY or vector_store.KEY')
    .argument('<id>', 'the id of the existing resource (asst_… or vs_…)')
    .description('put an existing resource under a manifest key (writes the ownership tags)')
    .addOption(manifestOption())
    .option('--allow-takeover', 'import a resource another deployment owns')
    .option('--allow-outside-root', 'let file references and globs reach outside the manifest folder')
    .action(lazy('import'));
}

/** pull, init, completion and audit: no manifest read (pull and init write one). */
function declareAccountAndProjectCommands(program: Command): void {
  program
    .command('pull')
    .description('write a manifest from live resources: a deployment\'s, or untagged ones chosen by id')
    .option('--deployment <name>', 'the deployment to pull (or to adopt --ids into)')
    .option('--ids <ids...>', 'pull these untagged assistants / vector stores (asst_…, vs_…) instead')
    .option('-o, --output <dir>', 'folder to write assistants.yaml and its files into', '.')
    .option('--force', 'overwrite an existing assistants.yaml')
    .action(lazy('pull'));

  program
    .command('init')
    .argument('[dir]', 'folder to create the project in', '.')
    .description('scaffold a project: package.json (this tool as a devDependency, spelled as this copy was installed), manifest, prompt, knowledge folder, .gitignore entries and a CI workflow')
    .option('--deployment <name>', 'deployment name (default: the folder name)')
    .addOption(new Option('--ci <system>', 'CI workflow to add').choices(['github', 'gitlab', 'none']).default('github'))
    .action(lazy('init'));

  program
    .command('completion')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .description('print a shell completion script for assistants-deploy and npx assistants-deploy; its first lines say how to load it for good')
    .action(lazy('completion'));

  program
    .command('audit')
    .description('list the account\'s vector stores and files that cost money and look unused (owner, size, cost); --delete removes chosen ones')
    .option('--idle-days <n>', 'a vector store not active for more than this many days is idle', '30')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--prices <file>', 'price table (JSON) for the cost figures (default: the built-in prices/openai.json)')
    .option('--delete <ids...>', 'delete exactly these ids, each of which this audit lists (asks first, or --auto-approve)')
    .option('--auto-approve', 'with --delete: do not ask for confirmation (needed without a TTY)')
    .option('--concurrency <n>', 'with --delete: deletions in flight at once', '8')
    .action(lazy('audit'));
}

function declareEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .argument('[command...]', 'after --: run this command with OPENAI_BASE_URL and OPENAI_API_KEY pointing at the emulator, then stop it (exit code: the command\'s)')
    .description('run the local OpenAI-compatible API server (Assistants, Files, Vector stores, Responses), until Ctrl-C or, with -- COMMAND, until the command ends')
    .option('--port <n>', 'port to listen on (0: any free port; default 8787, with a command 0)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data <dir>', 'persist the account in this folder (default: in memory)')
    .option('--faults <spec>', 'inject faults, for example "seed=1,429=0.1,500=0.05,latency=50~20"')
    .option('--rate-limits [scale]', 'enforce the published rate limits; scale > 1 runs a minute faster')
    .option('--no-assistants-api', 'answer the assistants, threads and runs endpoints with 404, like OpenAI today')
    .option('--indexing-delay <ms>', 'how long a vector store file stays in_progress', '200')
    .option('--api-key <key>', 'accept only this bearer key (default: any non-empty key)')
    .option('--models <ids>', 'comma-separated model ids to serve beyond the built-in catalogue (fine-tunes, newer models)')
    .option('--foundry', 'play a Microsoft Foundry project: agents at /api/projects/NAME, files, vector stores and responses at /api/projects/NAME/openai/v1 (with a command: AZURE_AI_PROJECT_ENDPOINT and AZURE_AI_PROJECT_TOKEN instead of the OpenAI variables)')
    .option('--project <name>', 'with --foundry: the project name', 'local-project')
    .option('--tls-cert <file>', 'serve https with this PEM certificate (with --tls-key; the Azure JS SDK sends tokens over https only)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .action(lazy('emulator'));
}

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  process.on('unhandledRejection', (error) => {
    process.exitCode = handleError(error, verbose);
    process.exit();
  });
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return handleError(error, verbose);
  }
}

function handleError(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // help and version exit 0; usage errors were already printed by commander
    return error.exitCode === 0 ? 0 : 1;
  }
  if (error instanceof Interrupted) {
    // the command said what it did before it gave up
    return error.exitCode;
  }
  if (error instanceof UserError) {
    process.stderr.write(`${redact(renderUserError(error))}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`internal error: ${redact(message)}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${redact(error.stack)}\n`);
  else process.stderr.write('This is a bug in assistants-deploy; rerun with --verbose for details and please report it.\n');
  return 1;
}

function renderUserError(error: UserError): string {
  const lines: string[] = [];
  if (error instanceof ManifestError) {
    for (const p of error.problems) lines.push(formatProblem(p));
    if (error.problems.length > 1) lines.push(`${error.problems.length} problems found.`);
  } else {
    lines.push(`error: ${error.message}`);
  }
  if (error.hint) lines.push(`hint: ${error.hint}`);
  return lines.join('\n');
}
