// Scenario 3: a first apply of 10,000 files against the published rate limits (the emulator's
// --rate-limits, time-scaled so a minute's budget runs in 60/scale seconds). The ceiling is the
// limit, not latency: throughput is reported as a share of the limit, with the share of requests
// answered 429. Goal: at least 90% of the limit with under 1% of requests refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '../dist/emulator/index.js';
import { cli, fmt, table, writeProject } from './lib.mjs';

export async function runRateLimits({ files = 10_000, scale = 10, latency = 50, log = console.log } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ad-bench-rate-'));
  const emu = await startEmulator({ indexingDelayMs: 50, quiet: true, rateLimits: { timeScale: scale } });
  emu.setFaults(`latency=${latency}`);
  try {
    writeProject(dir, { assistants: 1, stores: 1, files });
    const env = { OPENAI_BASE_URL: emu.url, OPENAI_API_KEY: 'bench', CI: '1', ASSISTANTS_DEPLOY_RATE_SCALE: String(scale), ASSISTANTS_DEPLOY_PACE: 'always' };
    log(`[rate limits] ${files} files, limits time-scaled ${scale}x`);
    const r = await cli(['apply', '--auto-approve', '--quiet'], dir, env);
    if (r.status !== 0) throw new Error(`apply failed: ${r.stderr.slice(-2000)}`);
    const uploads = emu.log.filter((e) => e.method === 'POST' && e.route === '/v1/files');
    const attaches = emu.log.filter((e) => e.method === 'POST' && e.route === '/v1/vector_stores/{vector_store_id}/file_batches');
    const refused = emu.log.filter((e) => e.status === 429).length;
    const minute = 60_000 / scale;
    const ok = uploads.filter((e) => e.status === 200);
    const span = (list) => (list.length > 1 ? list[list.length - 1].at - list[0].at : 0);
    // uploads: N-1 intervals between N requests; a full window starts with the first
    const uploadRate = ((ok.length - 1) / span(ok)) * minute;
    const rows = [
      [
        'uploads',
        fmt.n(ok.length),
        `${fmt.n(1000)} / min`,
        `${fmt.n(Math.round(uploadRate))} / min`,
        `${((uploadRate / 1000) * 100).toFixed(1)}%`,
        `${uploads.filter((e) => e.status === 429).length}`,
      ],
      [
        'attached files',
        fmt.n(files),
        `${fmt.n(2000)} / min`,
        attaches.length > 1 ? `${fmt.n(Math.round(((files - files / attaches.length) / span(attaches)) * minute))} / min` : `${attaches.length} batch`,
        attaches.length > 1 ? `${(((files - files / attaches.length) / span(attaches) / (2000 / minute)) * 100).toFixed(1)}%` : 'n/a (one batch)',
        `${attaches.filter((e) => e.status === 429).length}`,
      ],
    ];
    const summary = `${fmt.n(emu.log.length)} requests in ${fmt.s(r.ms)}; ${refused} answered 429 (${((refused / emu.log.length) * 100).toFixed(2)}% of requests).`;
    log(`[rate limits] ${summary}`);
    return {
      table: table(['limit', 'count', 'published limit', 'achieved', 'share of the limit', 'answered 429'], rows),
      summary,
      uploadShare: uploadRate / 1000,
      refusedShare: refused / emu.log.length,
    };
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
