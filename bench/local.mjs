// Scenario 4: local work. Manifest load and validate time; hashing throughput next to
// `openssl dgst -sha256` (one process) on one large file and on a tree of 10,000 files; start-up
// time of `--help` and `validate` next to `node -e 0`; a second no-op run re-hashes nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashFiles } from '../dist/manifest/hash.js';
import { BIN, REPO, fmt, median, table } from './lib.mjs';
import { generate as generateValidateScale } from './validate-scale.mjs';

function time(command, args, options = {}) {
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} failed: ${r.stderr}`);
  return performance.now() - t0;
}

function medianOf(runs, fn) {
  return median(Array.from({ length: runs }, fn));
}

function localFile(file, size) {
  return { path: path.basename(file), abs: file, size, mtimeMs: 0, ino: 0 };
}

export async function runLocal({ runs = 15, bigMb = 1024, treeFiles = 10_000, treeKb = 64, log = console.log } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-bench-local-'));
  try {
    // start-up
    log('[local] start-up times');
    const node = medianOf(runs, () => time(process.execPath, ['-e', '0']));
    const help = medianOf(runs, () => time(process.execPath, [BIN, '--help']));
    const validate = medianOf(runs, () => time(process.execPath, [BIN, 'validate', '-f', path.join(REPO, 'examples/support-bot')]));
    const startup = table(
      ['command', 'median wall time', 'vs `node -e 0`', 'goal'],
      [
        ['`node -e 0`', fmt.ms(node), '1.00x', ''],
        ['`assistants-deploy --help`', fmt.ms(help), fmt.x(help / node), 'within 1.3x'],
        ['`assistants-deploy validate -f examples/support-bot`', fmt.ms(validate), fmt.x(validate / node), 'within 2.5x'],
      ],
    );

    // validate at scale
    log('[local] validate at scale');
    const examples = ['support-bot', 'data-analyst', 'order-desk', 'staged-rollout'].map((e) => [e, medianOf(5, () => time(process.execPath, [BIN, 'validate', '-f', path.join(REPO, 'examples', e)]))]);
    const scaleDir = path.join(dir, 'scale');
    mkdirSync(scaleDir);
    generateValidateScale(scaleDir, 500, 20_000);
    const t0 = performance.now();
    const big = spawnSync('/usr/bin/time', ['-f', '@@rss %M', process.execPath, BIN, 'validate', '-f', scaleDir], { encoding: 'utf8' });
    const bigMs = performance.now() - t0;
    const bigRss = Number(/@@rss (\d+)/.exec(big.stderr)?.[1] ?? 0) / 1024;
    const validateTable = table(
      ['manifest', 'validate (median)', 'peak memory'],
      [...examples.map(([e, ms]) => [`examples/${e}`, fmt.ms(ms), '']), ['500 assistants, 20 vector stores, 20,000 files', fmt.ms(bigMs), fmt.mb(bigRss)]],
    );

    // hashing: one large file
    log(`[local] hashing a ${bigMb} MiB file`);
    const bigFile = path.join(dir, 'big.bin');
    const block = Buffer.alloc(1 << 20);
    for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
    const fd = openSync(bigFile, 'w');
    for (let i = 0; i < bigMb; i++) {
      block[0] = i & 0xff;
      writeSync(fd, block);
    }
    closeSync(fd);
    const bytes = bigMb * (1 << 20);
    const opensslBig = medianOf(5, () => time('openssl', ['dgst', '-sha256', bigFile]));
    const oursBigRuns = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await hashFiles([localFile(bigFile, bytes)], {});
      oursBigRuns.push(performance.now() - t);
    }
    const oursBig = median(oursBigRuns);

    // hashing: a tree of many files
    log(`[local] hashing a tree of ${treeFiles} files`);
    const treeDir = path.join(dir, 'tree');
    const files = [];
    for (let i = 0; i < treeFiles; i++) {
      const sub = path.join(treeDir, `d${Math.floor(i / 500)}`);
      if (i % 500 === 0) mkdirSync(sub, { recursive: true });
      const f = path.join(sub, `f${i}.bin`);
      block[0] = i & 0xff;
      block[1] = (i >> 8) & 0xff;
      writeFileSync(f, block.subarray(0, treeKb * 1024));
      files.push(f);
    }
    const treeBytes = treeFiles * treeKb * 1024;
    const opensslTree = medianOf(3, () => time('openssl', ['dgst', '-sha256', ...files]));
    const oursTree = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await hashFiles(files.map((f) => localFile(f, treeKb * 1024)), {});
      oursTree.push(performance.now() - t);
    }
    const oursTreeMs = median(oursTree);
    const gbs = (b, ms) => `${((b / (1 << 30)) / (ms / 1000)).toFixed(2)} GiB/s`;
    const hashing = table(
      ['input', 'openssl dgst -sha256 (one process)', 'assistants-deploy', 'ratio (ours / openssl throughput)', 'goal'],
      [
        [`one file, ${bigMb} MiB`, `${fmt.ms(opensslBig)} (${gbs(bytes, opensslBig)})`, `${fmt.ms(oursBig)} (${gbs(bytes, oursBig)})`, fmt.x(opensslBig / oursBig), 'at least 0.8x'],
        [`${fmt.n(treeFiles)} files of ${treeKb} KiB`, `${fmt.ms(opensslTree)} (${gbs(treeBytes, opensslTree)})`, `${fmt.ms(oursTreeMs)} (${gbs(treeBytes, oursTreeMs)})`, fmt.x(opensslTree / oursTreeMs), 'at least 1.4x'],
      ],
    );

    // the cache: a second run hashes nothing
    const cacheRoot = path.join(dir, 'cache-root');
    mkdirSync(cacheRoot);
    const { statSync } = await import('node:fs');
    const withStats = () => files.slice(0, 2000).map((f) => {
      const st = statSync(f);
      return { path: f, abs: f, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
    });
    const firstRun = await hashFiles(withStats(), { cacheRoot });
    const secondRun = await hashFiles(withStats(), { cacheRoot });
    const cacheLine = `With the cache, a first run over 2,000 files hashed ${firstRun.hashed}; an unchanged second run hashed ${secondRun.hashed} (${secondRun.cached} from the cache).`;
    return {
      startup,
      validate: validateTable,
      hashing,
      cacheLine,
      figures: { node, help, validate, opensslBig, oursBig, opensslTree, oursTreeMs, bigRss, secondHashed: secondRun.hashed },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
