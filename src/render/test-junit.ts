/**
 * The test report as JUnit XML, for CI test reports (GitLab's `artifacts:reports:junit`, Jenkins,
 * GitHub test-report actions): one `<testsuite>` per vector store with a `<testcase>` per check
 * (a failed check a `<failure>`, a search that could not be made an `<error>`, what came back in
 * `<system-out>`), and one `thresholds` suite with a case per threshold. It follows the Jenkins
 * xUnit plugin's junit-10.xsd (vendor/junit/, the schema CI tools accept; test/checks validates
 * against it). Pure: reads only the report.
 */
import type { CheckReport, TestReport } from '../checks/types.js';
import { checkText, gateText } from './test-text.js';

/** Text as XML 1.0 allows it: markup escaped, characters XML cannot hold dropped. */
export function xmlText(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attrs = (a: Record<string, string | number>) =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlText(String(v))}"`)
    .join('');

function testcase(c: CheckReport, classname: string): string[] {
  const out = [`    <testcase${attrs({ name: c.name, classname })}>`];
  if (c.status === 'fail') out.push(`      <failure${attrs({ type: 'retrieval', message: c.reasons.join('; ') })}>${xmlText(c.reasons.join('\n'))}</failure>`);
  if (c.status === 'error') out.push(`      <error${attrs({ type: 'search', message: c.error ?? '' })}>${xmlText(c.error ?? '')}</error>`);
  out.push(`      <system-out>${xmlText(checkText(c).join('\n'))}</system-out>`, '    </testcase>');
  return out;
}

export function renderTestJunit(r: TestReport): string {
  const stores = [...new Set(r.checks.map((c) => c.vector_store))];
  const count = (list: CheckReport[]) => ({
    tests: list.length,
    failures: list.filter((c) => c.status === 'fail').length,
    errors: list.filter((c) => c.status === 'error').length,
  });
  const gateFailures = r.gates.filter((g) => !g.ok).length;
  const all = count(r.checks);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: `assistants-deploy test ${r.deployment}`, tests: all.tests + r.gates.length, failures: all.failures + gateFailures, errors: all.errors })}>`,
  ];
  for (const store of stores) {
    const list = r.checks.filter((c) => c.vector_store === store);
    const c = count(list);
    out.push(`  <testsuite${attrs({ name: `vector_store.${store}`, ...c, skipped: 0, timestamp: r.created_at })}>`);
    const id = list[0]?.vector_store_id;
    if (id) out.push('    <properties>', `      <property${attrs({ name: 'vector_store_id', value: id })}/>`, '    </properties>');
    for (const check of list) out.push(...testcase(check, `${r.deployment}.${store}`));
    out.push('  </testsuite>');
  }
  out.push(`  <testsuite${attrs({ name: 'thresholds', tests: r.gates.length, failures: gateFailures, errors: 0, skipped: 0, timestamp: r.created_at })}>`);
  for (const g of r.gates) {
    out.push(`    <testcase${attrs({ name: `${g.figure} >= ${g.threshold}`, classname: `${r.deployment}.thresholds` })}>`);
    if (!g.ok) out.push(`      <failure${attrs({ type: 'threshold', message: gateText(g, r) })}>${xmlText(gateText(g, r))}</failure>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}
