/**
 * Test reports on disk: checked against schemas/test-report.schema.json (the JSON format's
 * contract), for `test --baseline FILE` and for the tests.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { loadAjv2020 } from '../ajv.js';
import { packageFile } from '../package-root.js';
import type { TestReport } from './types.js';

export const REPORT_SCHEMA_FILE = packageFile('schemas', 'test-report.schema.json');

export async function reportValidator(): Promise<(data: unknown) => string[]> {
  const Ajv2020 = await loadAjv2020();
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(JSON.parse(await readFile(REPORT_SCHEMA_FILE, 'utf8')) as object);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword}`));
}

const HINT = 'give the JSON report of an earlier run: assistants-deploy test --format json --out FILE';

export async function readReport(file: string): Promise<TestReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, HINT);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`the baseline ${file} is not JSON: ${(error as Error).message}`, HINT);
  }
  const version = (data as { format_version?: unknown } | null)?.format_version;
  if (version !== '1') {
    throw new UserError(`the baseline ${file} is not a test report this version understands (format_version ${JSON.stringify(version)}, expected "1")`, HINT);
  }
  const problems = (await reportValidator())(data);
  if (problems.length > 0) throw new UserError(`the baseline ${file} is not a valid test report: ${problems.slice(0, 5).join('; ')}`, HINT);
  return data as TestReport;
}
