/**
 * Text the manifest reads from files reaches the API as the text, not as the bytes: a UTF-8
 * byte-order mark (as Windows editors write it) at the start of a manifest, an instructions file or
 * a JSON Schema file is dropped, and the plan (what apply sends) holds no U+FEFF.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const withBom = (text: string) => Buffer.concat([BOM, Buffer.from(text)]);

describe('byte-order marks', () => {
  it('are dropped from the manifest, instructions and JSON Schema files before anything is planned', () => {
    const dir = tempProject({
      'assistants.yaml': withBom(
        'version: 1\ndeployment: bom\nassistants:\n  a:\n    name: A\n    model: gpt-4o\n    instructions: { file: prompt.md }\n    tools:\n      - type: function\n        function: { name: f, parameters: { file: f.json } }\n',
      ),
      'prompt.md': withBom('You are helpful.'),
      'f.json': withBom('{ "type": "object", "properties": { "q": { "type": "string" } } }'),
    });
    const r = runCli(['plan', '--target', 'local', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\ufeff');
    const plan = JSON.parse(r.stdout) as { resource_changes: { address: string; body: { instructions: string; tools: { function: { parameters: unknown } }[] } }[] };
    const a = plan.resource_changes.find((c) => c.address === 'assistant.a')!;
    expect(a.body.instructions).toBe('You are helpful.');
    expect(a.body.tools[0]!.function.parameters).toEqual({ type: 'object', properties: { q: { type: 'string' } } });
  });
});
