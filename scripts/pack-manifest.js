#!/usr/bin/env node
// The package.json that goes into the tarball (`npm pack`, `npm publish`) has no `scripts` (and no
// `allowScripts`): they name files the package does not hold (scripts/, bench/), a tarball already
// holds dist/, and npm (11.16 and later) lists every non-registry dependency with a `prepare` as an
// unreviewed install script (npm 12 blocks it). A git install still builds: npm clones the
// repository, whose package.json keeps `prepare`, and runs it.
//   prepack:  node scripts/pack-manifest.js strip     (after the build)
//   postpack: node scripts/pack-manifest.js restore
// The original is kept byte for byte in package.json.prepack until `restore` puts it back; a
// `strip` that finds one left by an interrupted pack restores it first.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../package.json', import.meta.url));
const backup = `${file}.prepack`;
const mode = process.argv[2];

if (mode === 'strip') {
  if (existsSync(backup)) renameSync(backup, file);
  const text = readFileSync(file, 'utf8');
  const pkg = JSON.parse(text);
  writeFileSync(backup, text);
  delete pkg.scripts;
  delete pkg.allowScripts;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (mode === 'restore') {
  if (existsSync(backup)) renameSync(backup, file);
} else {
  console.error('usage: node scripts/pack-manifest.js strip|restore');
  process.exit(1);
}
