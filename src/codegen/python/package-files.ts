/**
 * The package's small files: `__init__.py` (what the package exports), `_config.py` (the
 * manifest's values the templates import), requirements.txt and the README that describes every
 * file written.
 */
import type { Desired } from '../../manifest/desired.js';
import { foundryAgentName } from '../../ownership/foundry-name.js';
import { GENERATED_MARK, header } from './header.js';
import { layout, str } from './pysrc.js';
import type { GenerateOptions } from './types.js';
import { FOUNDRY_REQUIREMENTS, OPENAI_RANGES } from './versions.js';

const ON = { assistants: 'the Assistants API', responses: 'the Responses API', foundry: 'a Foundry project' } as const;

export function initModule(d: Desired, opts: GenerateOptions, modules: Map<string, string>): string {
  const first = d.assistants[0]!;
  const mod = modules.get(first.key)!;
  const list = d.assistants.map((a) => `${modules.get(a.key)} (${a.name})`).join(', ');
  const lines = [
    ...header(
      `Python client for deployment \`\`${d.deployment}\`\`, on ${ON[opts.api]}.`,
      `    from ${opts.packageName} import ${mod}\n\n    assistant = ${mod}.connect()\n    reply = assistant.ask("customer-42", "Hello")\n    print(reply.text)\n\nAssistants, one module each: ${list}.`,
    ),
    '',
    'from ._common import Citation, ConversationStore, FileStore, MemoryStore',
    'from ._runtime import Assistant, Reply',
    '',
    '__all__ = [',
    '    "Assistant",',
    '    "Citation",',
    '    "ConversationStore",',
    '    "FileStore",',
    '    "MemoryStore",',
    '    "Reply",',
    ']',
  ];
  return `${lines.join('\n')}\n`;
}

export function requirements(opts: GenerateOptions): string {
  const why =
    opts.api === 'assistants'
      ? [
          '# client.beta.assistants and client.beta.threads: in openai 3.3.1 to 3.57.0 (checked);',
          '# later releases may drop them. OpenAI itself no longer serves the Assistants API',
          '# (sunset 2026-08-26): for api.openai.com, regenerate with --api responses.',
        ]
      : opts.api === 'responses'
        ? ['# Responses and Conversations APIs: openai 3.3.1 and every later 3.x release.']
        : [
            "# the project's Responses and Conversations APIs: openai 3.3.1 and every later 3.x;",
            '# the agents through azure-ai-projects (2.10.0 checked), credentials azure-identity.',
          ];
  const extra = opts.api === 'foundry' ? FOUNDRY_REQUIREMENTS : [];
  return [`# ${GENERATED_MARK} (--api ${opts.api}); do not edit.`, ...why, ...extra, OPENAI_RANGES[opts.api], ''].join('\n');
}

/** `_config.py`: the manifest's values the templates import (the names of templates/python/_config.py). */
export function configModule(d: Desired): string {
  return [
    ...header(`The manifest's values the runtime uses, for deployment \`\`${d.deployment}\`\`.`),
    '',
    ...layout(str(d.deployment), 0, 'DEPLOYMENT = '),
    '"""The deployment whose resources this client uses (``deployment:`` in the manifest)."""',
    '',
  ].join('\n');
}

const RUNTIME_ABOUT = {
  assistants: 'the client on the Assistants API: finds each assistant by its tags, one thread per conversation, runs',
  responses: 'the client on the Responses API: finds the vector stores and files by their tags, one conversation per id',
  foundry: "the client on a Foundry project: finds each assistant's agent by its name and tags, one conversation per id",
} as const;

export function readme(d: Desired, opts: GenerateOptions, modules: Map<string, string>, files: string[]): string {
  const pkg = opts.packageName;
  const first = d.assistants[0]!;
  const hasHandlers = files.includes(`${pkg}/handlers.py`);
  const about: Record<string, string> = {
    'requirements.txt': 'the packages the code imports, with the versions it works with',
    'README.md': 'this file',
    [`${pkg}/__init__.py`]: 'the package: `Assistant`, `Reply`, `Citation` and the conversation stores',
    [`${pkg}/__main__.py`]: `the command line (\`python -m ${pkg} --help\`)`,
    [`${pkg}/_config.py`]: "the manifest's values the other modules use: the deployment's name",
    [`${pkg}/_common.py`]: 'conversation stores, the dispatch of function calls to handlers, citation numbering',
    [`${pkg}/_turns.py`]: "one question's responses: function calls and MCP approvals answered, the stream passed on, the reply and its citations",
    [`${pkg}/_runtime.py`]: RUNTIME_ABOUT[opts.api],
    [`${pkg}/py.typed`]: 'marks the package as typed (PEP 561)',
    [`${pkg}/tools.py`]: "the arguments of each function tool as a TypedDict, and the glue that calls its handler",
    [`${pkg}/handlers.py`]: 'yours: one function per function tool; written once, later runs only append stubs for new tools',
  };
  for (const a of d.assistants) about[`${pkg}/${modules.get(a.key)}.py`] = `assistant \`${a.key}\`: ${a.name}, ${opts.api === 'foundry' ? `agent \`${foundryAgentName(d.deployment, a.key)}\`` : a.model}`;
  const missing = files.filter((f) => about[f] === undefined);
  if (missing.length) throw new Error(`README: no description for ${missing.join(', ')}`);
  return [
    `# ${pkg}`,
    '',
    `Python client for the assistants of deployment \`${d.deployment}\` on ${ON[opts.api]}.`,
    `${GENERATED_MARK} from the manifest; regenerate rather than edit${hasHandlers ? `, except \`${pkg}/handlers.py\`, which is yours` : ''}.`,
    '',
    '```sh',
    'python -m pip install -r requirements.txt',
    `python -m ${pkg} "Hello"  # streams the answer of ${first.key}`,
    `python -m ${pkg} --assistant ${first.key} --conversation alice --poll "Hello"`,
    '```',
    '',
    'A reply that cites files of a vector store marks each with a number, `[1]`, and the',
    'command line prints `cited: [1] PATH` for each: the path of the file in the manifest.',
    '',
    ...(opts.api === 'foundry'
      ? [
          'Each assistant is the Foundry prompt agent `assistants-deploy apply --target foundry` deployed,',
          `found by its name (\`${foundryAgentName(d.deployment, first.key)}\` for ${first.key}) and its ownership tags. The project is`,
          '`AZURE_AI_PROJECT_ENDPOINT`; the credential `DefaultAzureCredential` (az login, managed identity,',
          'a service principal, workload identity), or the bearer token in `AZURE_AI_PROJECT_TOKEN` when set.',
          '',
        ]
      : []),
    '```python',
    `from ${pkg} import ${modules.get(first.key)}`,
    '',
    `assistant = ${modules.get(first.key)}.connect()  # ${opts.api === 'foundry' ? 'AZURE_AI_PROJECT_ENDPOINT, Entra ID' : 'OPENAI_API_KEY / OPENAI_BASE_URL'}`,
    'reply = assistant.ask("customer-42", "Hello")  # one conversation per id, reused',
    'print(reply.text)',
    'for citation in reply.citations:',
    '    print(citation.marker, citation.path)',
    '```',
    '',
    '| file | what it is |',
    '|---|---|',
    ...files.map((f) => `| \`${f}\` | ${about[f]} |`),
    '',
  ].join('\n');
}
