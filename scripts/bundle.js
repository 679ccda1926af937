#!/usr/bin/env node
// Bundles the CLI (dist/cli/main.js and everything it loads, dependencies included) into
// dist/bundle/ with esbuild: one file to load at start instead of hundreds, so `--help` and
// `validate` start fast. Commands stay lazy (code splitting). The emulator's HTTP server
// (fastify) stays outside, loaded from node_modules when a command needs it, and so does unpdf
// (pdf.js, 2.5 MB), which the emulator imports only when a PDF is uploaded.
// Run by `npm run build` after tsc and build-validators.js.
import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: 'dist/cli/main.js', 'hash-worker': 'dist/manifest/hash-worker.js', 'stat-worker': 'dist/manifest/stat-worker.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // the Azure SDKs (a Foundry project's agents and Entra credentials) load from node_modules when --target foundry runs
  external: ['fastify', '@fastify/multipart', 'unpdf', '@azure/ai-projects', '@azure/identity', '@azure/core-rest-pipeline'],
  // CommonJS dependencies call require(); give the ESM bundle one
  banner: { js: "import { createRequire as __adCreateRequire } from 'node:module'; const require = __adCreateRequire(import.meta.url);" },
  // Node's built-in modules as CommonJS (process.getBuiltinModule): an ESM import of one makes its
  // ESM facade, which reads every export, lazy ones too (node:crypto loads webcrypto, node:http
  // fetch's undici, node:process builds allowedNodeEnvironmentFlags): tens of milliseconds at every
  // start, before the first request. Named imports still work (read when used).
  plugins: [
    {
      name: 'builtins-as-commonjs',
      setup(b) {
        const names = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
        b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => (names.has(args.path) ? { path: args.path.replace(/^node:/, ''), namespace: 'builtin' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = globalThis.process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});`, loader: 'js' }));
      },
    },
  ],
  logLevel: 'error',
  legalComments: 'none',
  // smaller files parse faster at start; names stay, so stack traces still read
  minifyWhitespace: true,
  minifySyntax: true,
});
