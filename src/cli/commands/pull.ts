/**
 * `pull`: write a manifest (and its instruction and schema files) from live resources: those of a
 * deployment, or untagged ones chosen by id, so an existing account can be adopted.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resourceKeyOf } from '../../ownership/index.js';
import { KINDS, kindOf } from '../../kinds/index.js';
import type { AnyKind, LiveAssistant, LiveVectorStore, Tagged } from '../../kinds/index.js';
import { UserError } from '../../errors.js';
import { keyFrom, toManifest } from '../../pull/to-manifest.js';
import { createIo } from '../io.js';
import type { CommandOptions } from '../main.js';
import { connect, readAccount } from '../session.js';

export async function run(_args: string[], opts: CommandOptions): Promise<number> {
  const io = createIo(opts);
  const deployment = typeof opts.deployment === 'string' ? opts.deployment : undefined;
  if (!deployment || !/^[a-z0-9][a-z0-9._-]*$/.test(deployment)) {
    throw new UserError('pull needs --deployment NAME (lowercase letters, digits, ".", "_", "-")', 'name the deployment to pull, or the one to adopt resources into with --ids');
  }
  const ids = (Array.isArray(opts.ids) ? (opts.ids as string[]) : []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const outDir = path.resolve(typeof opts.output === 'string' ? opts.output : '.');
  if (existsSync(path.join(outDir, 'assistants.yaml')) && opts.force !== true) {
    throw new UserError(`${path.join(outDir, 'assistants.yaml')} exists`, 'pull into another folder with -o DIR, or pass --force to overwrite it');
  }
  const target = await connect(opts, io);
  try {
    // what is pulled, by kind: the deployment's resources (keyed by their tags), or those --ids names
    const pulled: Record<AnyKind['collection'], { key: string; live: Tagged & { name: string | null } }[]> = { assistants: [], vectorStores: [] };
    let assistantsApi = true;
    if (ids.length === 0) {
      const live = await readAccount(target, deployment);
      assistantsApi = live.assistantsApi;
      if (live.assistants.length + live.vectorStores.length === 0) {
        throw new UserError(`deployment "${deployment}" owns nothing on this target`, 'check the name; to adopt untagged resources, pass their ids with --ids');
      }
      for (const kind of KINDS) pulled[kind.collection] = live[kind.collection].map((r) => ({ key: resourceKeyOf(r.metadata) ?? keyFrom(r.name, r.id), live: r }));
    } else {
      for (const id of ids) {
        const type = target.kindOfId ? target.kindOfId(id) : KINDS.find((k) => id.startsWith(k.idPrefix))?.type;
        const kind = type ? kindOf(type) : undefined;
        if (!kind) throw new UserError(`cannot pull ${id}: give ${target.kind === 'foundry' ? 'agent names' : 'assistant ids (asst_…)'} or vector store ids (vs_…)`);
        const r = (await target.readOne(kind.type, id)) as Tagged & { name: string | null };
        pulled[kind.collection].push({ key: keyFrom(r.name, r.id), live: r });
      }
    }
    const assistants = pulled.assistants as { key: string; live: LiveAssistant }[];
    const stores = pulled.vectorStores as { key: string; live: LiveVectorStore }[];
    const uploads = await target.uploads();
    const out = toManifest({ deployment, source: target.description, assistants, stores, uploads, assistantsApi });
    for (const [rel, content] of out.files) {
      const abs = path.join(outDir, rel);
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, content);
    }
    io.out(`Wrote ${[...out.files.keys()].map((f) => path.join(path.relative(process.cwd(), outDir) || '.', f)).join(', ')}`);
    for (const n of out.notes) io.err(`note: ${n}`);
    const missing = [...new Set(out.needed.map((n) => n.path))].sort().filter((p) => !existsSync(path.join(outDir, p)));
    if (missing.length > 0) {
      io.err(`The manifest names ${missing.length} file(s) the API does not let pull download; put them at these paths (relative to ${path.relative(process.cwd(), outDir) || '.'}):`);
      for (const p of missing.slice(0, 20)) io.err(`  ${p}`);
      if (missing.length > 20) io.err(`  … and ${missing.length - 20} more`);
    }
    if (ids.length > 0) {
      io.err('These resources are not managed yet. Adopt them with:');
      for (const a of assistants) io.err(`  assistants-deploy import assistant.${a.key} ${a.live.id} -f ${path.relative(process.cwd(), outDir) || '.'}`);
      for (const v of stores) io.err(`  assistants-deploy import vector_store.${v.key} ${v.live.id} -f ${path.relative(process.cwd(), outDir) || '.'}`);
    }
    return 0;
  } finally {
    await target.close();
  }
}
