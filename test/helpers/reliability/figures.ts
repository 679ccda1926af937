/**
 * Where the reliability tests leave their figures (tables printed in the test output are also
 * written here as JSON), for docs/RELIABILITY.md: $RELIABILITY_FIGURES_DIR, or a folder in the
 * system's temporary directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const FIGURES_DIR = process.env.RELIABILITY_FIGURES_DIR ?? path.join(tmpdir(), 'assistants-deploy-reliability');

export function recordFigures(name: string, figures: unknown): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(path.join(FIGURES_DIR, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

/** A plain text table (columns padded), for console output. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
