/**
 * Secrets (issue 9). The API key, set in the environment as users set it, must never appear in any
 * output, log, saved plan, generated code, pulled manifest, cache, scaffolded project, or error:
 * checked across every command (audit and audit --delete, init and completion too), every format
 * (text, json, markdown), --verbose and --quiet, and failing commands (401,
 * 5xx, unreachable target, credentials in OPENAI_BASE_URL). A manifest can not copy it in with
 * ${env:…}. --verbose logs each request without its authorization header. And a manifest can not
 * read a file outside its folder (by path, glob or symlink) unless --allow-outside-root says so.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { BIN, cliEnv, hasStackTrace, runCliAsync, tempProject } from '../helpers/cli.js';
import type { CliResult } from '../helpers/cli.js';
import { copyExample } from '../helpers/deploy.js';
import { recordFigures } from '../helpers/reliability/figures.js';

const KEY = 'sk-proj-CANARY0123456789abcdefghijklmnopqrstuvwxyzABCDEF';

/** The key, or any 12 characters of it in a row (a masked key may show its last 4, as OpenAI's own errors do). */
function leaksKey(text: string): string | undefined {
  if (text.includes(KEY)) return 'the whole key';
  for (let i = 0; i + 12 <= KEY.length; i++) if (text.includes(KEY.slice(i, i + 12))) return `"${KEY.slice(i, i + 12)}"`;
  return undefined;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

let emu: Emulator;
let checked = 0;
const outputs: { what: string; text: string }[] = [];

beforeAll(async () => {
  emu = await startEmulator({ quiet: true, indexingDelayMs: 10 });
});

afterAll(async () => {
  await emu?.close();
  recordFigures('secrets', { outputs_checked: checked });
});

/** `helpText`: a phrase of help text the output may hold (the emulator's "--api-key: accept only this bearer key"), skipped by the authorization/bearer scan. */
async function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}, helpText?: string): Promise<CliResult> {
  const r = await runCliAsync(args, { cwd, env: { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: KEY, CI: '1', ...env } });
  const what = `${args.join(' ')} (exit ${r.code})`;
  outputs.push({ what, text: `${r.stdout}\n${r.stderr}` });
  checked++;
  const leak = leaksKey(`${r.stdout}\n${r.stderr}`);
  expect(leak, `${what} printed ${leak}:\n${r.stdout}\n${r.stderr}`).toBeUndefined();
  expect(helpText === undefined ? `${r.stdout}\n${r.stderr}` : `${r.stdout}\n${r.stderr}`.replaceAll(helpText, ''), what).not.toMatch(/authorization|bearer/i);
  expect(hasStackTrace(r.stderr), `${what}:\n${r.stderr}`).toBe(false);
  return r;
}

describe('the API key never appears', () => {
  it('in any command, format or verbosity, nor in saved plans, generated code, pulled manifests or caches', async () => {
    const dir = copyExample('support-bot');
    const expectOk = (r: CliResult) => expect(r.code, r.stderr).toBe(0);
    for (const v of [[], ['--verbose'], ['--quiet']]) {
      for (const format of ['text', 'json']) expectOk(await cli(['validate', '--format', format, ...v], dir));
      for (const format of ['text', 'json', 'markdown']) expectOk(await cli(['plan', '--format', format, ...v], dir));
    }
    const verbose = await cli(['plan', '--verbose'], dir);
    // --verbose logs every request: method, route, status, time, and nothing of the headers
    expect(verbose.stderr).toMatch(/^api: GET \/v1\/assistants\?limit=100 -> 200 \(\d+ ms\)$/m);
    expect(verbose.stderr).toMatch(/^api: GET \/v1\/vector_stores\?limit=100 -> 200 \(\d+ ms\)$/m);
    expectOk(await cli(['plan', '--out', 'plan.json', '--verbose'], dir));
    expectOk(await cli(['apply', 'plan.json', '--auto-approve', '--verbose'], dir));
    expectOk(await cli(['plan', '--detailed-exitcode', '--format', 'markdown'], dir));
    writeFileSync(path.join(dir, 'docs/new.md'), '# New\n');
    expectOk(await cli(['apply', '--auto-approve', '--verbose'], dir));
    expectOk(await cli(['apply', '--auto-approve', '--quiet'], dir));
    for (const api of ['assistants', 'responses']) {
      expectOk(await cli(['codegen', 'python', '--api', api, '-o', `gen-${api}`, '--verbose'], dir));
      expectOk(await cli(['codegen', 'python', '--api', api, '--resolve-ids', '-o', `gen-ids-${api}`, '--verbose'], dir));
    }
    expectOk(await cli(['pull', '--deployment', 'support-bot', '-o', 'pulled', '--verbose'], dir));
    const id = (await (await fetch(`${emu.url}/assistants?limit=100`, { headers: { authorization: `Bearer ${KEY}`, 'openai-beta': 'assistants=v2' } })).json()) as { data: { id: string }[] };
    await cli(['import', 'assistant.support', id.data[0]!.id, '--verbose'], dir);
    expectOk(await cli(['destroy', '--auto-approve', '--verbose'], dir));
    expectOk(await cli(['destroy', '--auto-approve'], dir));

    // every file the commands wrote: saved plan, generated packages, pulled manifest, hash cache
    const written = filesUnder(dir);
    expect(written.some((f) => f.endsWith('plan.json'))).toBe(true);
    expect(written.filter((f) => f.includes(`${path.sep}gen-`)).length).toBeGreaterThan(4);
    for (const f of written) {
      checked++;
      expect(leaksKey(readFileSync(f).toString('latin1')), f).toBeUndefined();
    }
    // nor in what the account keeps (the request log is what --verbose of the emulator shows)
    expect(leaksKey(JSON.stringify(emu.log))).toBeUndefined();
  }, 300_000);

  it('in audit (every format and verbosity), audit --delete, init and completion, nor in the files init writes', async () => {
    const dir = tempProject({});
    const expectOk = (r: CliResult) => expect(r.code, r.stderr).toBe(0);
    // an unused store and a loose file for audit to list, made as a user would, with the SDK and the key
    const sdk = new OpenAI({ apiKey: KEY, baseURL: emu.url, maxRetries: 0 });
    const store = await sdk.vectorStores.create({ name: 'Forgotten' });
    const file = await sdk.files.create({ file: await toFile(Buffer.from('an old export\n'), 'old-export.txt'), purpose: 'assistants' });
    for (const v of [[], ['--verbose'], ['--quiet']]) {
      for (const format of ['text', 'json', 'markdown']) {
        const r = await cli(['audit', '--format', format, ...v], dir);
        expectOk(r);
        expect(r.stdout, `audit --format ${format} ${v.join(' ')}`).toContain(store.id);
        expect(r.stdout, `audit --format ${format} ${v.join(' ')}`).toContain(file.id);
      }
    }
    const verbose = await cli(['audit', '--verbose'], dir);
    expect(verbose.stderr).toMatch(/^api: GET \/v1\/vector_stores\?limit=100 -> 200 \(\d+ ms\)$/m);
    expect(verbose.stderr).toMatch(/^api: GET \/v1\/files\S* -> 200 \(\d+ ms\)$/m);
    const deleted = await cli(['audit', '--delete', store.id, file.id, '--auto-approve', '--verbose'], dir);
    expectOk(deleted);
    expect(deleted.stderr).toMatch(new RegExp(`^api: DELETE /v1/vector_stores/${store.id} -> 200 \\(\\d+ ms\\)$`, 'm'));
    await expect(sdk.vectorStores.retrieve(store.id)).rejects.toMatchObject({ status: 404 });
    await expect(sdk.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });

    expectOk(await cli(['init', 'project'], dir));
    expectOk(await cli(['init', 'other', '--ci', 'gitlab', '--deployment', 'team-x', '--verbose'], dir));
    for (const shell of ['bash', 'zsh', 'fish']) {
      // zsh and fish describe each flag, so the emulator's --api-key help names a bearer key: that phrase, and nothing else
      const r = await cli(['completion', shell], dir, {}, 'accept only this bearer key');
      expectOk(r);
      expect(r.stdout, shell).toContain('audit');
      expect(r.stdout, shell).toContain('api-key');
    }
    // every file written: the two scaffolded projects (manifest, prompt, knowledge, .gitignore, CI workflow), and anything audit left
    const written = filesUnder(dir);
    expect(written.map((f) => path.relative(dir, f).split(path.sep).join('/'))).toEqual(
      expect.arrayContaining(['project/assistants.yaml', 'project/.gitignore', 'project/.github/workflows/assistants-deploy.yml', 'other/.gitlab/assistants-deploy.gitlab-ci.yml']),
    );
    for (const f of written) {
      checked++;
      expect(leaksKey(readFileSync(f).toString('latin1')), f).toBeUndefined();
    }
    expect(leaksKey(JSON.stringify(emu.log))).toBeUndefined();
  }, 120_000);

  it('in failing commands: a 401, server errors, an unreachable target, credentials in OPENAI_BASE_URL', async () => {
    const dir = copyExample('data-analyst');
    const locked = await startEmulator({ quiet: true, apiKey: 'sk-the-only-key-this-server-takes-0000' });
    const broken = await startEmulator({ quiet: true, faults: '500=1' });
    try {
      const cases: [string, Record<string, string>, RegExp][] = [
        ['401', { OPENAI_BASE_URL: locked.url }, /the API answered 401: Incorrect API key provided: sk-\*+WXYZ|the API answered 401/],
        ['500', { OPENAI_BASE_URL: broken.url }, /the API answered 500/],
        ['unreachable', { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }, /cannot reach http:\/\/127\.0\.0\.1:9\/v1/],
        ['credentials in the URL', { OPENAI_BASE_URL: emu.url.replace('http://', 'http://deploy-bot:Pa55-url-secret@') }, /cannot reach/],
      ];
      // reads are retried with backoff (about 40 s against a target that keeps failing): run them side by side
      const all = [
        'plan --verbose',
        'apply --auto-approve --verbose',
        'destroy --auto-approve',
        'codegen python --resolve-ids -o gen',
        'pull --deployment x -o p --verbose',
        'plan --format json --quiet',
        'audit --verbose',
        'audit --format json --quiet',
        'audit --delete vs_unlisted --auto-approve --verbose',
      ];
      const quick = ['plan --verbose', 'apply --auto-approve --verbose', 'codegen python --resolve-ids -o gen', 'audit --verbose'];
      await Promise.all(
        cases.flatMap(([name, env, message]) =>
          (name === '401' ? all : quick).map(async (command) => {
            const args = command.split(' ');
            const r = await cli(args, dir, env);
            expect(r.code, `${name}: ${command}`).toBe(1);
            expect(r.stderr, `${name}: ${command}`).toMatch(args[0] === 'pull' ? /error: / : message);
            expect(r.stderr, name).not.toContain('Pa55-url-secret');
            expect(r.stderr).not.toContain('internal error');
          }),
        ),
      );
    } finally {
      await locked.close();
      await broken.close();
    }
  }, 300_000);

  it('in the emulator command, even when the key is its own --api-key', async () => {
    const dir = tempProject({});
    const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--api-key', KEY], { cwd: dir, env: cliEnv({ OPENAI_API_KEY: KEY }) });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    for (let i = 0; i < 100 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    await new Promise((r) => child.once('close', r));
    expect(out).toContain('emulator listening on http://127.0.0.1:');
    expect(leaksKey(out)).toBeUndefined();
    checked++;
  });

  it('a manifest can not copy it in: ${env:OPENAI_API_KEY}, or another variable holding the same value, is refused', async () => {
    const dir = tempProject({
      'assistants.yaml': 'version: 1\ndeployment: s\nassistants:\n  a:\n    model: gpt-4o\n    instructions: "Use ${env:OPENAI_API_KEY} to call us"\n    metadata: { copy: "${env:MY_COPY}" }\n',
    });
    for (const args of [['validate'], ['plan', '--format', 'json'], ['apply', '--auto-approve'], ['codegen', 'python', '-o', 'gen']]) {
      const r = await cli(args, dir, { MY_COPY: KEY });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('assistants.yaml:6:19: assistants.a.instructions: ${env:OPENAI_API_KEY} would copy the API key into the manifest');
      expect(r.stderr).toContain('assistants.yaml:7:23: assistants.a.metadata.copy: ${env:MY_COPY} would copy the API key into the manifest');
    }
    expect(filesUnder(dir).map((f) => path.basename(f))).toEqual(['assistants.yaml']);
  });
});

describe('a manifest reads nothing outside its folder unless --allow-outside-root', () => {
  const SECRET = 'OUTSIDE-SECRET-9b1f';
  const schema = JSON.stringify({ type: 'object', properties: { x: { type: 'string', description: SECRET } }, required: ['x'], additionalProperties: false });
  const cases: { name: string; body: string; setup?: (root: string, proj: string) => void; allowed: boolean }[] = [
    { name: 'instructions file with ..', body: 'assistants:\n  a: { model: gpt-4o, instructions: { file: ../outside/prompt.md } }\n', allowed: true },
    { name: 'instructions file by absolute path', body: 'assistants:\n  a: { model: gpt-4o, instructions: { file: ROOT/outside/prompt.md } }\n', allowed: true },
    { name: 'function parameters file with ..', body: 'assistants:\n  a:\n    model: gpt-4o\n    tools: [{ type: function, function: { name: f, parameters: { file: ../outside/schema.json } } }]\n', allowed: true },
    { name: 'response_format schema file with ..', body: 'assistants:\n  a:\n    model: gpt-4o\n    response_format: { type: json_schema, json_schema: { name: r, schema: { file: ../outside/schema.json } } }\n', allowed: true },
    { name: 'a glob reaching up', body: 'vector_stores:\n  kb: { files: ["../outside/*.md"] }\n', allowed: true },
    { name: 'a file_sets glob by absolute path', body: 'file_sets:\n  d: { files: ["ROOT/outside/*.csv"] }\n', allowed: true },
    { name: 'a symlinked file inside a globbed folder', body: 'vector_stores:\n  kb: { files: ["docs/*.md"] }\n', setup: (root, proj) => symlinkSync(path.join(root, 'outside/prompt.md'), path.join(proj, 'docs/leak.md')), allowed: true },
    { name: 'a symlinked folder inside a globbed folder', body: 'vector_stores:\n  kb: { files: ["docs/**/*.md"] }\n', setup: (root, proj) => symlinkSync(path.join(root, 'outside'), path.join(proj, 'docs/linked')), allowed: true },
    { name: 'an instructions file through a symlink', body: 'assistants:\n  a: { model: gpt-4o, instructions: { file: link.md } }\n', setup: (root, proj) => symlinkSync(path.join(root, 'outside/prompt.md'), path.join(proj, 'link.md')), allowed: true },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s: refused with a located error, allowed with the flag', async (_name, c) => {
    const root = tempProject({ 'outside/prompt.md': `# ${SECRET}\n`, 'outside/schema.json': schema, 'outside/data.csv': `a\n${SECRET}\n`, 'project/docs/a.md': '# A\n' });
    const proj = path.join(root, 'project');
    writeFileSync(path.join(proj, 'assistants.yaml'), `version: 1\ndeployment: o\n${c.body.replaceAll('ROOT', root)}`);
    c.setup?.(root, proj);
    for (const args of [['validate'], ['plan', '--format', 'json']]) {
      const r = await cli(args, proj);
      expect(r.code, `${args[0]}:\n${r.stdout}\n${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^assistants\.yaml:\d+:\d+: .*outside/m);
      expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
    }
    const allowed = await cli(['plan', '--format', 'json', '--allow-outside-root'], proj);
    expect(allowed.code, allowed.stderr).toBe(c.allowed ? 0 : 1);
  });

  it('the checks hold for folders that exist only as symlinks, and for a symlink loop', async () => {
    const root = tempProject({ 'outside/a.md': `# ${SECRET}\n`, 'project/docs/a.md': '# A\n' });
    const proj = path.join(root, 'project');
    mkdirSync(path.join(proj, 'docs/deep'), { recursive: true });
    symlinkSync('..', path.join(proj, 'docs/deep/loop'));
    writeFileSync(path.join(proj, 'assistants.yaml'), 'version: 1\ndeployment: o\nvector_stores:\n  kb: { files: ["docs/**/*.md"] }\n');
    const r = await cli(['validate'], proj);
    expect(statSync(path.join(proj, 'docs/deep/loop')).isDirectory()).toBe(true);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
  });
});
