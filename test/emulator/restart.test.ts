/**
 * Durability: the emulator runs as a child process with --data, clients write concurrently, the
 * process is SIGKILLed in the middle of the stream of writes, and after a restart every write that
 * was acknowledged is there and the store reads fine. Compaction is forced often (every 60 journal
 * lines) so kills also land around snapshot rewrites.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { buildForChild, childScript } from '../helpers/build.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'emu-restart-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ child: ChildProcess; url: string }> {
  const build = buildForChild();
  const child = spawn(process.execPath, [childScript, build, JSON.stringify({ port: 0, data: dataDir, quiet: true, indexingDelay: 0 })], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASSISTANTS_DEPLOY_EMULATOR_COMPACT_LINES: '60' },
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${err}`)));
  });
  return { child, url };
}

interface Acked {
  assistants: Map<string, string>;
  files: Map<string, string>;
  vectorStores: Map<string, string[]>;
}

async function writeUntilKilled(url: string, child: ChildProcess, acked: Acked, killAfter: number): Promise<void> {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: url, maxRetries: 0, timeout: 5000 });
  let count = 0;
  let stop = false;
  const killed = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      try {
        const kind = (i + w) % 3;
        if (kind === 0) {
          const name = `a-${w}-${i}-${Math.random().toString(36).slice(2)}`;
          const a = await client.beta.assistants.create({ model: 'gpt-4o', name, metadata: { w: String(w) } });
          acked.assistants.set(a.id, name);
        } else if (kind === 1) {
          const body = `content ${w} ${i} ${'z'.repeat(i % 50)}`;
          const f = await client.files.create({ file: await toFile(Buffer.from(body), `f${w}-${i}.txt`), purpose: 'batch' });
          acked.files.set(f.id, body);
        } else {
          const fileIds = [...acked.files.keys()].slice(-2);
          const vs = await client.vectorStores.create({ name: `vs-${w}-${i}`, file_ids: fileIds });
          acked.vectorStores.set(vs.id, fileIds);
        }
        if (++count === killAfter) child.kill('SIGKILL');
      } catch {
        // in flight when the process died: not acknowledged, nothing promised
        if (child.exitCode !== null || child.signalCode !== null) stop = true;
      }
    }
  };
  await Promise.race([Promise.all([0, 1, 2, 3, 4, 5].map(worker)), killed.then(() => new Promise((r) => setTimeout(r, 200)))]);
  stop = true;
  await killed;
}

async function verify(url: string, acked: Acked): Promise<void> {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: url, maxRetries: 0 });
  for (const [id, name] of acked.assistants) expect((await client.beta.assistants.retrieve(id)).name).toBe(name);
  for (const [id, body] of acked.files) expect(await (await client.files.content(id)).text()).toBe(body);
  for (const [id, fileIds] of acked.vectorStores) {
    const vs = await client.vectorStores.retrieve(id);
    const survivors = fileIds.filter((f) => acked.files.has(f));
    expect(vs.file_counts.total).toBeGreaterThanOrEqual(survivors.length);
  }
  const listed = new Set<string>();
  for await (const a of client.beta.assistants.list({ limit: 100 })) listed.add(a.id);
  for (const id of acked.assistants.keys()) expect(listed.has(id)).toBe(true);
  const files = await client.files.list();
  expect(files.data.length).toBeGreaterThanOrEqual(acked.files.size);
}

describe('SIGKILL mid-stream of writes', () => {
  it('keeps every acknowledged write across two kills and restarts', async () => {
    const acked: Acked = { assistants: new Map(), files: new Map(), vectorStores: new Map() };
    const first = await start();
    await writeUntilKilled(first.url, first.child, acked, 150);
    expect(acked.assistants.size + acked.files.size + acked.vectorStores.size).toBeGreaterThanOrEqual(150);

    const second = await start();
    await verify(second.url, acked);
    await writeUntilKilled(second.url, second.child, acked, 120);

    const third = await start();
    await verify(third.url, acked);
    third.child.kill('SIGTERM');
    await new Promise((r) => third.child.once('exit', r));
  });
});
