/**
 * The emulator under load (issue 9): 50 concurrent clients (the openai SDK, no retries, so any
 * failure shows) run a seeded mix of writes and reads for a bounded time against one emulator
 * that persists to a data folder. Each client keeps what the emulator acknowledged; afterwards
 * every acknowledged write must be there (the last version of each object, deletions gone, every
 * live object listed), no request may have answered 5xx, and the same holds after the emulator is
 * restarted from its data folder.
 *
 * RELIABILITY_LOAD_MS (default 6000) and RELIABILITY_LOAD_CLIENTS (default 50) scale it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { Emulator } from '../../src/emulator/index.js';
import { recordFigures, table } from '../helpers/reliability/figures.js';
import { prng } from '../helpers/reliability/scenario.js';

const DURATION_MS = Number(process.env.RELIABILITY_LOAD_MS ?? 6000);
const CLIENTS = Number(process.env.RELIABILITY_LOAD_CLIENTS ?? 50);

interface Model {
  assistants: Map<string, number | 'deleted'>;
  stores: Map<string, number | 'deleted'>;
  files: Map<string, string | 'deleted'>;
  /** store id -> file id -> attribute version ('detached' once removed) */
  attached: Map<string, Map<string, number | 'detached'>>;
}

interface Tally {
  ops: number;
  byOp: Record<string, number>;
  errors: string[];
  latencies: number[];
}

function client(url: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-load', baseURL: url, maxRetries: 0, timeout: 30_000 });
}

async function worker(c: OpenAI, n: number, deadline: number, model: Model, tally: Tally): Promise<void> {
  const rand = prng(9000 + n);
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const live = (m: Map<string, unknown>) => [...m].filter(([, v]) => v !== 'deleted').map(([k]) => k);
  const tag = { client: String(n) };
  let seq = 0;
  while (Date.now() < deadline) {
    const r = rand();
    const started = performance.now();
    let op = '';
    try {
      if (r < 0.14) {
        op = 'create assistant';
        const a = await c.beta.assistants.create({ model: 'gpt-4o', name: `c${n}-${++seq}`, metadata: { ...tag, v: '0' } });
        model.assistants.set(a.id, 0);
      } else if (r < 0.3) {
        op = 'update assistant';
        const id = pick(live(model.assistants));
        if (!id) continue;
        const v = (model.assistants.get(id) as number) + 1;
        await c.beta.assistants.update(id, { metadata: { ...tag, v: String(v) }, instructions: `version ${v}` });
        model.assistants.set(id, v);
      } else if (r < 0.35) {
        op = 'delete assistant';
        const id = pick(live(model.assistants));
        if (!id) continue;
        await c.beta.assistants.delete(id);
        model.assistants.set(id, 'deleted');
      } else if (r < 0.43) {
        op = 'create vector store';
        const v = await c.vectorStores.create({ name: `c${n}-${++seq}`, metadata: { ...tag, v: '0' } });
        model.stores.set(v.id, 0);
        model.attached.set(v.id, new Map());
      } else if (r < 0.5) {
        op = 'update vector store';
        const id = pick(live(model.stores));
        if (!id) continue;
        const v = (model.stores.get(id) as number) + 1;
        await c.vectorStores.update(id, { metadata: { ...tag, v: String(v) } });
        model.stores.set(id, v);
      } else if (r < 0.6) {
        op = 'upload file';
        const name = `c${n}-${++seq}.md`;
        const f = await c.files.create({ file: new File([`# ${name}\n`], name), purpose: 'assistants' });
        model.files.set(f.id, name);
      } else if (r < 0.72) {
        op = 'attach file';
        const store = pick(live(model.stores));
        const attachedSomewhere = new Set([...model.attached.values()].flatMap((m) => [...m].filter(([, v]) => v !== 'detached').map(([k]) => k)));
        const file = pick(live(model.files).filter((f) => !attachedSomewhere.has(f)));
        if (!store || !file) continue;
        await c.vectorStores.files.create(store, { file_id: file, attributes: { v: 0 } });
        model.attached.get(store)!.set(file, 0);
      } else if (r < 0.8) {
        op = 'update file attributes';
        const store = pick(live(model.stores).filter((s) => [...model.attached.get(s)!.values()].some((v) => v !== 'detached')));
        if (!store) continue;
        const files = [...model.attached.get(store)!].filter(([, v]) => v !== 'detached').map(([k]) => k);
        const file = pick(files)!;
        const v = (model.attached.get(store)!.get(file) as number) + 1;
        await c.vectorStores.files.update(file, { vector_store_id: store, attributes: { v } });
        model.attached.get(store)!.set(file, v);
      } else if (r < 0.84) {
        op = 'detach file';
        const store = pick(live(model.stores).filter((s) => [...model.attached.get(s)!.values()].some((v) => v !== 'detached')));
        if (!store) continue;
        const file = pick([...model.attached.get(store)!].filter(([, v]) => v !== 'detached').map(([k]) => k))!;
        await c.vectorStores.files.delete(file, { vector_store_id: store });
        model.attached.get(store)!.set(file, 'detached');
      } else if (r < 0.87) {
        op = 'delete vector store';
        const id = pick(live(model.stores));
        if (!id) continue;
        await c.vectorStores.delete(id);
        model.stores.set(id, 'deleted');
      } else {
        op = 'list';
        await c.beta.assistants.list({ limit: 20 });
      }
      tally.ops++;
      tally.byOp[op] = (tally.byOp[op] ?? 0) + 1;
      tally.latencies.push(performance.now() - started);
    } catch (error) {
      tally.errors.push(`client ${n} ${op}: ${(error as Error).message}`);
    }
  }
}

/** Every acknowledged write is there: last versions, deletions gone, live objects listed. */
async function verify(c: OpenAI, models: Model[]): Promise<{ checked: number; lost: string[] }> {
  const lost: string[] = [];
  let checked = 0;
  const listedAssistants = new Map<string, string | undefined>();
  for await (const a of c.beta.assistants.list({ limit: 100 })) listedAssistants.set(a.id, (a.metadata as Record<string, string>)?.v);
  const listedStores = new Map<string, string | undefined>();
  for await (const v of c.vectorStores.list({ limit: 100 })) listedStores.set(v.id, (v.metadata as Record<string, string>)?.v);
  const listedFiles = new Set<string>();
  for await (const f of c.files.list({ purpose: 'assistants' })) listedFiles.add(f.id);
  for (const m of models) {
    for (const [id, v] of m.assistants) {
      checked++;
      if (v === 'deleted' ? listedAssistants.has(id) : listedAssistants.get(id) !== String(v)) lost.push(`assistant ${id}: expected ${v}, found ${listedAssistants.get(id) ?? 'nothing'}`);
    }
    for (const [id, v] of m.stores) {
      checked++;
      if (v === 'deleted' ? listedStores.has(id) : listedStores.get(id) !== String(v)) lost.push(`vector store ${id}: expected ${v}, found ${listedStores.get(id) ?? 'nothing'}`);
    }
    for (const [id] of m.files) {
      checked++;
      if (!listedFiles.has(id)) lost.push(`file ${id} is missing`);
    }
    for (const [store, files] of m.attached) {
      if (m.stores.get(store) === 'deleted') continue;
      const found = new Map<string, unknown>();
      for await (const f of c.vectorStores.files.list(store, { limit: 100 })) found.set(f.id, f.attributes?.v);
      for (const [file, v] of files) {
        checked++;
        if (v === 'detached' ? found.has(file) : found.get(file) !== v) lost.push(`file ${file} in ${store}: expected ${v}, found ${String(found.get(file) ?? 'nothing')}`);
      }
    }
  }
  return { checked, lost };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

describe('emulator under load', () => {
  it(`${CLIENTS} concurrent clients for ${DURATION_MS / 1000} s: no lost writes, no 5xx, and the same after a restart`, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ad-rel-load-'));
    let emu: Emulator = await startEmulator({ dataDir, quiet: true, indexingDelayMs: 20 });
    try {
      const models: Model[] = Array.from({ length: CLIENTS }, () => ({ assistants: new Map(), stores: new Map(), files: new Map(), attached: new Map() }));
      const tally: Tally = { ops: 0, byOp: {}, errors: [], latencies: [] };
      const started = performance.now();
      const deadline = Date.now() + DURATION_MS;
      await Promise.all(models.map((m, i) => worker(client(emu.url), i, deadline, m, tally)));
      const seconds = (performance.now() - started) / 1000;
      const serverErrors = emu.log.filter((e) => e.status >= 500 || e.status === 0);
      expect(tally.errors, tally.errors.slice(0, 10).join('\n')).toEqual([]);
      expect(serverErrors, JSON.stringify(serverErrors.slice(0, 5))).toEqual([]);
      expect(tally.ops).toBeGreaterThan(CLIENTS * 5);

      const c = client(emu.url);
      const live = await verify(c, models);
      expect(live.lost, live.lost.slice(0, 10).join('\n')).toEqual([]);

      // durability: everything acknowledged survives a restart from the data folder
      await emu.close();
      emu = await startEmulator({ dataDir, quiet: true, indexingDelayMs: 20 });
      const restarted = await verify(client(emu.url), models);
      expect(restarted.lost, restarted.lost.slice(0, 10).join('\n')).toEqual([]);

      const figures = {
        clients: CLIENTS,
        seconds: Number(seconds.toFixed(1)),
        requests: tally.ops,
        requests_per_second: Math.round(tally.ops / seconds),
        latency_ms: { p50: Math.round(pct(tally.latencies, 50)), p99: Math.round(pct(tally.latencies, 99)), max: Math.round(Math.max(...tally.latencies)) },
        by_operation: tally.byOp,
        server_errors: serverErrors.length,
        acknowledged_writes_checked: live.checked,
        lost_writes: live.lost.length,
        lost_after_restart: restarted.lost.length,
      };
      console.log(`emulator under load:\n${table(['operation', 'count'], Object.entries(tally.byOp).sort())}\n${JSON.stringify({ ...figures, by_operation: undefined }, null, 2)}`);
      recordFigures('load', figures);
    } finally {
      await emu.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
