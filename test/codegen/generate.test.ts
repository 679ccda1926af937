/**
 * The generator without Python: golden files written by hand (what a reviewer should see), the
 * templates copied as they are, byte-identical output for the same manifest, a README that names
 * exactly the files written, JSON Schema -> TypedDict, the writer's safety rules, and the openai
 * ranges agreeing with the setup script.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../src/codegen/python/generate.js';
import { TypedDictBuilder } from '../../src/codegen/python/typed-dict.js';
import { FOUNDRY_REQUIREMENTS, OPENAI_RANGES } from '../../src/codegen/python/versions.js';
import { REPO, runCliAsync, tempProject } from '../helpers/cli.js';

const GOLDEN = path.join(REPO, 'test', 'codegen', 'golden', 'order-desk');

async function generate(args: string[], cwd = REPO): Promise<string> {
  const out = mkdtempSync(path.join(tmpdir(), 'ad-codegen-gen-'));
  const r = await runCliAsync(['codegen', 'python', '-o', out, '-q', ...args], { cwd });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return out;
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const abs = path.join(dir, f);
    if (statSync(abs).isFile()) out[f] = readFileSync(abs, 'utf8');
  }
  return out;
}

describe('golden: examples/order-desk', () => {
  it('generates exactly the hand-written files', async () => {
    for (const api of ['assistants', 'responses', 'foundry'] as const) {
      const out = await generate(['-f', 'examples/order-desk', '--api', api]);
      const got = tree(out);
      expect(Object.keys(got).sort()).toEqual(
        [
          'README.md',
          'requirements.txt',
          'order_desk/__init__.py',
          'order_desk/__main__.py',
          'order_desk/_common.py',
          'order_desk/_config.py',
          'order_desk/_runtime.py',
          // the turns of a question on the Responses protocol (responses and foundry)
          ...(api === 'assistants' ? [] : ['order_desk/_turns.py']),
          'order_desk/billing.py',
          'order_desk/handlers.py',
          'order_desk/py.typed',
          'order_desk/shipping.py',
          'order_desk/tools.py',
          'order_desk/triage.py',
        ].sort(),
      );
      expect(got['requirements.txt']).toBe(readFileSync(path.join(GOLDEN, api, 'requirements.txt'), 'utf8'));
      expect(got['order_desk/tools.py']).toBe(readFileSync(path.join(GOLDEN, 'tools.py'), 'utf8'));
      expect(got['order_desk/handlers.py']).toBe(readFileSync(path.join(GOLDEN, 'handlers.py'), 'utf8'));
      expect(got['order_desk/billing.py']).toBe(readFileSync(path.join(GOLDEN, api, 'billing.py'), 'utf8'));
      if (api === 'responses') expect(got['order_desk/shipping.py']).toBe(readFileSync(path.join(GOLDEN, api, 'shipping.py'), 'utf8'));
      // the runtime is the templates as they are; the manifest's values are in _config.py
      expect(got['order_desk/_config.py']).toBe(readFileSync(path.join(GOLDEN, '_config.py'), 'utf8'));
      expect(got['order_desk/_common.py']).toBe(readFileSync(path.join(REPO, 'templates', 'python', '_common.py'), 'utf8'));
      expect(got['order_desk/_runtime.py']).toBe(readFileSync(path.join(REPO, 'templates', 'python', `_runtime_${api}.py`), 'utf8'));
      if (api !== 'assistants') expect(got['order_desk/_turns.py']).toBe(readFileSync(path.join(REPO, 'templates', 'python', '_turns.py'), 'utf8'));
      const readme = readFileSync(path.join(GOLDEN, 'assistants', 'README.md'), 'utf8');
      const turns = "| `order_desk/_turns.py` | one question's responses: function calls and MCP approvals answered, the stream passed on, the reply and its citations |\n";
      expect(got['README.md']).toBe(
        api === 'assistants'
          ? readme
          : api === 'foundry'
            ? readFileSync(path.join(GOLDEN, 'foundry', 'README.md'), 'utf8')
            : readme
                .replace('on the Assistants API.', 'on the Responses API.')
                .replace(
                  '| the client on the Assistants API: finds each assistant by its tags, one thread per conversation, runs |',
                  '| the client on the Responses API: finds the vector stores and files by their tags, one conversation per id |',
                )
                .replace('| `order_desk/_runtime.py` |', `${turns}| \`order_desk/_runtime.py\` |`),
      );
      expect(got['order_desk/__main__.py']).toContain('    parser.add_argument("--assistant", choices=list(ASSISTANTS), default="billing")\n');
    }
  }, 60_000);
});

describe('the templates', () => {
  it('each API takes _common.py and its own runtime from templates/python/, and every template there is used or is the _config.py stand-in', () => {
    expect(TEMPLATES).toEqual({
      assistants: { '_common.py': '_common.py', '_runtime.py': '_runtime_assistants.py' },
      responses: { '_common.py': '_common.py', '_turns.py': '_turns.py', '_runtime.py': '_runtime_responses.py' },
      foundry: { '_common.py': '_common.py', '_turns.py': '_turns.py', '_runtime.py': '_runtime_foundry.py' },
    });
    const used = new Set(Object.values(TEMPLATES).flatMap((t) => Object.values(t)));
    expect(readdirSync(path.join(REPO, 'templates', 'python')).sort()).toEqual([...used, '_config.py'].sort());
  });
});

describe('README.md of the generated folder', () => {
  it('names every file of the folder, and no file that is not there, for every example and every API', async () => {
    for (const [example, extra] of [['support-bot', []], ['data-analyst', []], ['order-desk', []], ['staged-rollout', ['--env', 'prod']]] as const) {
      for (const api of ['assistants', 'responses', 'foundry']) {
        const out = await generate(['-f', `examples/${example}`, '--api', api, ...extra]);
        const files = Object.keys(tree(out)).sort();
        const readme = readFileSync(path.join(out, 'README.md'), 'utf8');
        // every `quoted` thing that looks like a file name (a path ending in a file extension)
        const named = [...readme.matchAll(/`([\w.-]+(?:\/[\w.-]+)*\.(?:py|txt|md|typed|json|toml|cfg))`/g)].map((m) => m[1]!);
        expect(named.filter((f) => !files.includes(f)), `${example} --api ${api}: named but not written`).toEqual([]);
        expect(files.filter((f) => !named.includes(f)), `${example} --api ${api}: written but not named`).toEqual([]);
        expect(files.some((f) => f.endsWith('/handlers.py'))).toBe(example === 'order-desk');
      }
    }
  }, 120_000);
});

describe('determinism', () => {
  it('the same manifest gives byte-identical files, for every example and every API', async () => {
    for (const [example, extra] of [['support-bot', []], ['data-analyst', []], ['order-desk', []], ['staged-rollout', ['--env', 'prod']]] as const) {
      for (const api of ['assistants', 'responses', 'foundry']) {
        const a = tree(await generate(['-f', `examples/${example}`, '--api', api, ...extra]));
        const b = tree(await generate(['-f', `examples/${example}`, '--api', api, ...extra]));
        expect(Object.keys(a).length).toBeGreaterThan(5);
        expect(b).toEqual(a);
      }
    }
  }, 120_000);
});

describe('JSON Schema -> TypedDict', () => {
  it('nested objects, arrays, enums, consts, nullable and optional properties', () => {
    const b = new TypedDictBuilder();
    b.define(
      {
        type: 'object',
        properties: {
          customer: {
            type: 'object',
            description: 'Who orders.',
            properties: { name: { type: 'string' }, vip: { type: 'boolean' } },
            required: ['name'],
          },
          lines: {
            type: 'array',
            items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku', 'qty'] },
          },
          priority: { enum: ['low', 'high', null] },
          channel: { const: 'web' },
          note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          tags: { type: 'array', items: { type: 'string' } },
          extra: { type: 'object' },
          amount: { type: ['number', 'null'] },
        },
        required: ['customer', 'lines', 'priority', 'channel', 'note', 'amount'],
      },
      'CreateOrderArgs',
      'Create an order.',
      true,
    );
    expect(b.blocks.map((x) => x.join('\n')).join('\n\n\n')).toBe(
      [
        'class _CreateOrderCustomerRequired(TypedDict):',
        '    """The keys of CreateOrderCustomer that are always present."""',
        '',
        '    name: str',
        '',
        '',
        'class CreateOrderCustomer(_CreateOrderCustomerRequired, total=False):',
        '    """Who orders."""',
        '',
        '    vip: bool',
        '',
        '',
        'class CreateOrderLinesItem(TypedDict):',
        '    sku: str',
        '    qty: int',
        '',
        '',
        'class _CreateOrderArgsRequired(TypedDict):',
        '    """The keys of CreateOrderArgs that are always present."""',
        '',
        '    customer: CreateOrderCustomer',
        '    """Who orders."""',
        '    lines: list[CreateOrderLinesItem]',
        '    priority: Literal["low", "high"] | None',
        '    channel: Literal["web"]',
        '    note: str | None',
        '    amount: float | None',
        '',
        '',
        'class CreateOrderArgs(_CreateOrderArgsRequired, total=False):',
        '    """Create an order."""',
        '',
        '    tags: list[str]',
        '    extra: dict[str, Any]',
      ].join('\n'),
    );
    expect([...b.imports.typing].sort()).toEqual(['Any', 'Literal']);
  });

  it('an object without required properties is one total=False class', () => {
    const b = new TypedDictBuilder();
    b.define({ type: 'object', properties: { page: { type: 'integer' } } }, 'ListArgs', undefined, true);
    expect(b.blocks.map((x) => x.join('\n'))).toEqual(['class ListArgs(TypedDict, total=False):\n    page: int']);
  });

  it('keys that are not Python names use the functional syntax', () => {
    const b = new TypedDictBuilder();
    b.define({ type: 'object', properties: { 'order-id': { type: 'string' }, class: { type: 'integer' } }, required: ['order-id', 'class'] }, 'OddArgs', undefined, true);
    expect(b.blocks[0]!.join('\n')).toBe('OddArgs = TypedDict("OddArgs", {"order-id": str, "class": int})');
    const mixed = new TypedDictBuilder();
    mixed.define({ type: 'object', properties: { 'order-id': { type: 'string' }, 'dry-run': { type: 'boolean' } }, required: ['order-id'] }, 'MixedArgs', 'Mixed.', true);
    expect(mixed.blocks.map((x) => x.join('\n'))).toEqual([
      '_MixedArgsRequired = TypedDict("_MixedArgsRequired", {"order-id": str})\n"""The keys of MixedArgs that are always present."""',
      '_MixedArgsOptional = TypedDict("_MixedArgsOptional", {"dry-run": bool}, total=False)\n"""The keys of MixedArgs that may be absent."""',
      'class MixedArgs(_MixedArgsRequired, _MixedArgsOptional):\n    """Mixed."""',
    ]);
  });
});

describe('writing the package', () => {
  const manifest = (tools: string[]) =>
    [
      'version: 1',
      'deployment: shop',
      'assistants:',
      '  helper:',
      '    name: Helper',
      '    model: gpt-4.1',
      '    instructions: Help.',
      ...(tools.length ? ['    tools:'] : []),
      ...tools.map((t) => `      - { type: function, function: { name: ${t}, parameters: { type: object, properties: { id: { type: string } }, required: [id] } } }`),
      '',
    ].join('\n');

  it('keeps handlers.py (yours), appends stubs for new tools, removes modules of removed assistants, refuses foreign files', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest(['find_item']) });
    const out = path.join(dir, 'client');
    const run = (args: string[] = []) => runCliAsync(['codegen', 'python', '-o', 'client', '--api', 'responses', ...args], { cwd: dir });
    let r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Fill in the function tool handlers in client/shop/handlers.py.');
    const handlers = path.join(out, 'shop', 'handlers.py');
    const mine = readFileSync(handlers, 'utf8').replace('raise NotImplementedError("find_item: write this handler in handlers.py")', 'return "found " + args["id"]');
    writeFileSync(handlers, mine);
    // unchanged manifest: nothing written, the handler kept
    r = await run();
    expect(r.stdout).toContain('0 written, 11 unchanged');
    expect(readFileSync(handlers, 'utf8')).toBe(mine);
    // a new tool: its stub is appended, the developer's code untouched
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest(['find_item', 'drop_item']));
    r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Added handler stubs to client/shop/handlers.py: drop_item (your code there is untouched).');
    expect(readFileSync(handlers, 'utf8')).toBe(
      `${mine}\n\ndef drop_item(args: tools.DropItemArgs) -> str:\n    raise NotImplementedError("drop_item: write this handler in handlers.py")\n`,
    );
    // an assistant renamed: its old module goes, a file of the developer's stays
    writeFileSync(path.join(out, 'shop', 'extra.py'), 'x = 1\n');
    writeFileSync(path.join(dir, 'assistants.yaml'), manifest(['find_item']).replace('  helper:', '  aide:'));
    r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('removed (shop/helper.py)');
    expect(existsSync(path.join(out, 'shop', 'aide.py'))).toBe(true);
    expect(existsSync(path.join(out, 'shop', 'extra.py'))).toBe(true);
    // a file that is not ours is never overwritten
    writeFileSync(path.join(out, 'shop', 'tools.py'), '# my own\n');
    r = await run();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`refusing to overwrite ${path.join(out, 'shop', 'tools.py')}: it was not written by assistants-deploy codegen`);
    expect(readFileSync(path.join(out, 'shop', 'tools.py'), 'utf8')).toBe('# my own\n');
  }, 60_000);

  it('checks the package name and the language', async () => {
    const dir = tempProject({ 'assistants.yaml': manifest([]) });
    const bad = await runCliAsync(['codegen', 'python', '--package', 'class'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--package "class" is not a Python package name');
    const lang = await runCliAsync(['codegen', 'cobol'], { cwd: dir });
    expect(lang.code).toBe(1);
    expect(lang.stderr).toContain("error: command-argument value 'cobol' is invalid for argument 'language'. Allowed choices are python, promptfoo.");
    const named = await runCliAsync(['codegen', 'python', '--package', 'shop_client', '-o', 'out'], { cwd: dir });
    expect(named.code, named.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'out', 'shop_client', '__main__.py'))).toBe(true);
  }, 60_000);
});

describe('versions', () => {
  it('the setup script installs exactly the ranges generated code states', () => {
    const script = readFileSync(path.join(REPO, 'scripts', 'python-env-codegen.sh'), 'utf8');
    expect(script).toContain(`ASSISTANTS_SPEC='${OPENAI_RANGES.assistants}'`);
    expect(script).toContain(`RESPONSES_SPEC='${OPENAI_RANGES.responses}'`);
    expect(script).toContain(`FLOOR_SPEC='openai==${/>=([\d.]+)/.exec(OPENAI_RANGES.assistants)![1]}'`);
    // --api foundry: its requirements' floors are the versions .venv/foundry installs
    const foundry = readFileSync(path.join(REPO, 'scripts', 'python-env-foundry.sh'), 'utf8');
    const pinned = /FOUNDRY_SPEC='([^']+)'/.exec(foundry)![1]!.split(' ');
    expect(OPENAI_RANGES.foundry).toBe(OPENAI_RANGES.responses);
    for (const name of ['azure-ai-projects', 'azure-identity']) {
      const floor = FOUNDRY_REQUIREMENTS.find((r) => r.startsWith(`${name}>=`))!;
      expect(pinned).toContain(`${name}==${/>=([\d.]+)/.exec(floor)![1]}`);
    }
    // and its openai is in the range (>=3.3.1,<4)
    const [major, minor] = /openai==(\d+)\.(\d+)/.exec(pinned.join(' '))!.slice(1).map(Number) as [number, number];
    expect(OPENAI_RANGES.foundry).toBe('openai>=3.3.1,<4');
    expect(major === 3 && minor >= 3).toBe(true);
  });
});
