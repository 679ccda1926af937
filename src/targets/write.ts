/**
 * The account's write operations, one SDK call each, plus the lookups apply needs to recover from
 * an answer it never received (did that create happen?). Only src/targets talks to the API.
 * Writes are sent once (apply's retry loop decides about another attempt); the lookups and polls
 * are reads, retried by the SDK like every read (READ): a lookup that failed would otherwise be
 * taken for "not there", and the create sent again.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type OpenAI from 'openai';
import { deploymentOf, resourceKeyOf } from '../ownership/index.js';
import { PAGE, READ, readAll } from './read.js';

type Attributes = Record<string, string | number | boolean>;

/**
 * The content read for an upload does not have the hash the plan recorded (the file changed after
 * it was hashed): nothing was sent. Not a transient failure: retrying reads the same new content.
 */
export class ContentChanged extends Error {
  constructor(
    readonly planned: string,
    readonly read: string,
  ) {
    super(`the content changed since it was hashed (planned sha256 ${planned}, read ${read})`);
    this.name = 'ContentChanged';
  }
}

/**
 * The file's bytes, read once and hashed on the way, as the File the request sends. The SDK sends a
 * file's content from memory (it buffers a stream before the request starts), so what is hashed
 * here is exactly what is sent; whatever happens to the file on disk afterwards changes nothing.
 */
export async function readForUpload(absPath: string, filename: string): Promise<{ file: File; sha256: string }> {
  const hash = createHash('sha256');
  const parts: Buffer[] = [];
  for await (const chunk of createReadStream(absPath, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    parts.push(chunk as Buffer);
  }
  return { file: new File(parts, filename), sha256: hash.digest('hex') };
}

export interface Account {
  /** Uploads the file; with `sha256`, only when the bytes read have that hash (else ContentChanged, nothing sent). */
  uploadFile(absPath: string, filename: string, sha256?: string): Promise<{ id: string }>;
  findUpload(filename: string, bytes: number): Promise<{ id: string } | undefined>;
  deleteFile(id: string): Promise<void>;

  createVectorStore(body: { name: string; description: string | null; expires_after: unknown; metadata: Record<string, string> }): Promise<{ id: string }>;
  updateVectorStore(id: string, body: { name: string; expires_after: unknown; metadata: Record<string, string> }): Promise<void>;
  deleteVectorStore(id: string): Promise<void>;
  findVectorStore(deployment: string, key: string, createdAfter: number, exclude: ReadonlySet<string>): Promise<{ id: string } | undefined>;

  attachBatch(storeId: string, files: { file_id: string; attributes: Attributes; chunking_strategy: unknown }[]): Promise<{ id: string; status: string }>;
  batchStatus(storeId: string, batchId: string): Promise<{ status: string; failed: number; in_progress: number }>;
  storeFileStatus(storeId: string): Promise<{ id: string; status: string; error: string | null }[]>;
  detachFile(storeId: string, fileId: string): Promise<void>;
  updateFileAttributes(storeId: string, fileId: string, attributes: Attributes): Promise<void>;

  setAssistantMetadata(id: string, metadata: Record<string, string>): Promise<void>;
  setVectorStoreMetadata(id: string, metadata: Record<string, string>): Promise<void>;

  createAssistant(body: Record<string, unknown>): Promise<{ id: string }>;
  updateAssistant(id: string, body: Record<string, unknown>): Promise<void>;
  deleteAssistant(id: string): Promise<void>;
  findAssistant(deployment: string, key: string, createdAfter: number, exclude: ReadonlySet<string>): Promise<{ id: string } | undefined>;

  /** An update sends the whole resource, not its changed fields (a Foundry agent: each update is a new version, src/targets/foundry/). */
  readonly wholeUpdates?: boolean;
  /** Retention (Foundry): deletes the deployment's versions of the agent beyond the newest `keep`; how many went. */
  trimVersions?(id: string, keep: number): Promise<number>;
}

export function accountFor(client: OpenAI): Account {
  return { ...uploadWrites(client), ...vectorStoreWrites(client), ...storeFileWrites(client), ...assistantWrites(client) };
}

/** The newest-enough object tagged with this deployment and key, not one of `exclude`: a create whose answer was lost. */
function findTagged<T extends { id: string; created_at: number; metadata: unknown }>(items: T[], deployment: string, key: string, createdAfter: number, exclude: ReadonlySet<string>): { id: string } | undefined {
  const found = items.find((x) => !exclude.has(x.id) && deploymentOf(x.metadata) === deployment && resourceKeyOf(x.metadata) === key && x.created_at >= createdAfter);
  return found ? { id: found.id } : undefined;
}

function uploadWrites(client: OpenAI): Pick<Account, 'uploadFile' | 'findUpload' | 'deleteFile'> {
  return {
    async uploadFile(absPath, filename, sha256) {
      const read = await readForUpload(absPath, filename);
      if (sha256 !== undefined && read.sha256 !== sha256) throw new ContentChanged(sha256, read.sha256);
      const created = await client.files.create({ file: read.file, purpose: 'assistants' });
      return { id: created.id };
    },
    async findUpload(filename, bytes) {
      const { items } = await readAll(client.files.list({ purpose: 'assistants', limit: PAGE.files }, READ));
      const found = items.find((f) => f.filename === filename && f.bytes === bytes);
      return found ? { id: found.id } : undefined;
    },
    async deleteFile(id) {
      await client.files.delete(id);
    },
  };
}

function vectorStoreWrites(client: OpenAI): Pick<Account, 'createVectorStore' | 'updateVectorStore' | 'deleteVectorStore' | 'findVectorStore' | 'setVectorStoreMetadata'> {
  return {
    async createVectorStore(body) {
      const created = await client.vectorStores.create({
        name: body.name,
        ...(body.description !== null ? { description: body.description } : {}),
        ...(body.expires_after ? { expires_after: body.expires_after as OpenAI.VectorStores.VectorStoreCreateParams.ExpiresAfter } : {}),
        metadata: body.metadata,
      } as OpenAI.VectorStores.VectorStoreCreateParams);
      return { id: created.id };
    },
    async updateVectorStore(id, body) {
      await client.vectorStores.update(id, {
        name: body.name,
        expires_after: (body.expires_after ?? null) as OpenAI.VectorStores.VectorStoreUpdateParams.ExpiresAfter | null,
        metadata: body.metadata,
      });
    },
    async deleteVectorStore(id) {
      await client.vectorStores.delete(id);
    },
    async findVectorStore(deployment, key, createdAfter, exclude) {
      const { items } = await readAll(client.vectorStores.list({ limit: PAGE.list }, READ));
      return findTagged(items, deployment, key, createdAfter, exclude);
    },
    async setVectorStoreMetadata(id, metadata) {
      await client.vectorStores.update(id, { metadata });
    },
  };
}

function storeFileWrites(client: OpenAI): Pick<Account, 'attachBatch' | 'batchStatus' | 'storeFileStatus' | 'detachFile' | 'updateFileAttributes'> {
  return {
    async attachBatch(storeId, files) {
      const batch = await client.vectorStores.fileBatches.create(storeId, {
        files: files.map((f) => ({
          file_id: f.file_id,
          attributes: f.attributes,
          chunking_strategy: f.chunking_strategy as OpenAI.VectorStores.FileChunkingStrategyParam,
        })),
      } as OpenAI.VectorStores.FileBatchCreateParams);
      return { id: batch.id, status: batch.status };
    },
    async batchStatus(storeId, batchId) {
      const b = await client.vectorStores.fileBatches.retrieve(batchId, { vector_store_id: storeId }, READ);
      return { status: b.status, failed: b.file_counts.failed + b.file_counts.cancelled, in_progress: b.file_counts.in_progress };
    },
    async storeFileStatus(storeId) {
      const { items } = await readAll(client.vectorStores.files.list(storeId, { limit: PAGE.list }, READ));
      return items.map((f) => ({ id: f.id, status: f.status, error: f.last_error ? `${f.last_error.code}: ${f.last_error.message}` : null }));
    },
    async detachFile(storeId, fileId) {
      await client.vectorStores.files.delete(fileId, { vector_store_id: storeId });
    },
    async updateFileAttributes(storeId, fileId, attributes) {
      await client.vectorStores.files.update(fileId, { vector_store_id: storeId, attributes });
    },
  };
}

function assistantWrites(client: OpenAI): Pick<Account, 'createAssistant' | 'updateAssistant' | 'deleteAssistant' | 'findAssistant' | 'setAssistantMetadata'> {
  return {
    async createAssistant(body) {
      const created = await client.beta.assistants.create(body as unknown as OpenAI.Beta.AssistantCreateParams);
      return { id: created.id };
    },
    async updateAssistant(id, body) {
      await client.beta.assistants.update(id, body as unknown as OpenAI.Beta.AssistantUpdateParams);
    },
    async deleteAssistant(id) {
      await client.beta.assistants.delete(id);
    },
    async findAssistant(deployment, key, createdAfter, exclude) {
      const { items } = await readAll(client.beta.assistants.list({ limit: PAGE.list }, READ));
      return findTagged(items, deployment, key, createdAfter, exclude);
    },
    async setAssistantMetadata(id, metadata) {
      await client.beta.assistants.update(id, { metadata });
    },
  };
}
