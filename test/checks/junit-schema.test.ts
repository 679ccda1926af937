/**
 * `test --format junit` against the JUnit XML schema CI tools read (vendor/junit/junit-10.xsd, the
 * Jenkins xUnit plugin's), validated by libxml2's XML Schema validator (lxml, in the environment
 * scripts/python-env-junit.sh makes): a passing suite, a failing one, one whose searches fail
 * (errors), and names that need escaping. A document the schema must refuse is refused, so the
 * validator is known to look.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { copyExample, startAccount } from '../helpers/deploy.js';
import type { Account } from '../helpers/deploy.js';

const XSD = path.join(REPO, 'vendor', 'junit', 'junit-10.xsd');
const CHECK = `
import sys
from lxml import etree
schema = etree.XMLSchema(etree.parse(sys.argv[1]))
doc = etree.parse(sys.stdin.buffer)
if schema.validate(doc):
    print("valid")
else:
    print("invalid: " + "; ".join(str(e) for e in schema.error_log))
`;

let python: string;
let account: Account;
beforeAll(async () => {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'python-env-junit.sh')], { encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'inherit'] });
  python = out.trim().split(' ')[1]!;
  account = await startAccount();
}, 600_000);
afterAll(async () => account.close());

function validate(xml: string): string {
  const r = spawnSync(python, ['-c', CHECK, XSD], { input: xml, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('test --format junit', () => {
  it('is accepted by the JUnit schema: passing, failing, in error, with names to escape', async () => {
    const dir = copyExample('support-bot');
    const file = path.join(dir, 'assistants.yaml');
    // a name with every character XML escapes
    writeFileSync(file, readFileSync(file, 'utf8').replace('      - name: refunds\n', '      - name: "refunds <annual> & \\"monthly\\" \'plans\'"\n'));
    expect((await account.cli(['apply', '--auto-approve', '-q'], { cwd: dir })).code).toBe(0);

    const passing = await account.cli(['test', '--format', 'junit'], { cwd: dir });
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('<testcase name="refunds &lt;annual&gt; &amp; &quot;monthly&quot; &apos;plans&apos;" classname="support-bot.product-docs">');
    expect(validate(passing.stdout)).toBe('valid');

    writeFileSync(file, readFileSync(file, 'utf8').replace('expect: [docs/troubleshooting/login.md]', 'expect: [docs/troubleshooting/sync.md]'));
    const failing = await account.cli(['test', '--format', 'junit', '--out', 'junit.xml'], { cwd: dir });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toBe('Test failed: 1 of 4 checks failed; hit rate at k 0.75 is below 1 (hit rate at k 0.75, MRR 0.75).\n');
    const written = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(written).toContain('<failure type="retrieval" message="docs/troubleshooting/sync.md is not within the top 3">');
    expect(validate(written)).toBe('valid');

    account.emu.setFaults('500=1,routes=/v1/vector_stores/*/search');
    try {
      const errored = await account.cli(['test', '--format', 'junit'], { cwd: dir });
      expect(errored.code).toBe(1);
      expect(errored.stdout.match(/<error type="search"/g)).toHaveLength(4);
      expect(validate(errored.stdout)).toBe('valid');
    } finally {
      account.emu.setFaults('');
    }

    // the validator refuses what the schema does not allow: a testsuite without its counts
    expect(validate(passing.stdout.replace(/<testsuite name="thresholds" tests="2" failures="0" errors="0"/, '<testsuite name="thresholds"'))).toMatch(/^invalid: .*The attribute 'tests' is required/);
  }, 120_000);
});
