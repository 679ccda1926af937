/** /v1/assistants: create, list, retrieve, modify, delete. */
import { notFound } from '../errors.js';
import { listQuery, param, validBody, type Router } from '../http.js';
import { PREFIX, newId } from '../ids.js';
import { publicView, type Rec } from '../model/account.js';
import { normalizeToolResources, normalizeTools } from '../model/tools.js';
import { checkChunking, checkMetadata, checkTools } from '../model/validation.js';
import type { Ctx } from '../model/context.js';
import { createVectorStoreRecord, checkFileIds } from './vector-stores.js';

/** The `tool_resources.file_search.vector_stores` helper: create the store, return its id. */
export function vectorStoresHelper(ctx: Ctx, tr: unknown, param: string): string[] | undefined {
  const fs = (tr as { file_search?: { vector_stores?: { file_ids?: string[]; chunking_strategy?: unknown; metadata?: unknown }[] } } | null)
    ?.file_search;
  if (!fs?.vector_stores) return undefined;
  const ids: string[] = [];
  fs.vector_stores.forEach((spec, i) => {
    checkMetadata(spec.metadata, `${param}.file_search.vector_stores[${i}].metadata`);
    checkChunking(spec.chunking_strategy, `${param}.file_search.vector_stores[${i}].chunking_strategy`);
    checkFileIds(ctx, spec.file_ids ?? []);
  });
  for (const spec of fs.vector_stores) {
    const vs = createVectorStoreRecord(ctx, {
      file_ids: spec.file_ids ?? [],
      chunking_strategy: spec.chunking_strategy,
      metadata: spec.metadata,
    });
    ids.push(vs.id);
  }
  return ids;
}

export function assistantView(rec: Rec): Record<string, unknown> {
  return publicView(rec);
}

export function registerAssistants(r: Router, ctx: Ctx): void {
  const a = ctx.account;
  const get = (id: string): Rec => {
    const rec = a.get('assistant', id);
    if (!rec) throw notFound('assistant', id);
    return rec;
  };

  r.route('POST', '/v1/assistants', (req) => {
    const b = validBody(req, 'CreateAssistantRequest');
    checkMetadata(b.metadata);
    checkTools(b.tools);
    const vsIds = vectorStoresHelper(ctx, b.tool_resources, 'tool_resources');
    const rec: Rec = {
      id: newId(PREFIX.assistant),
      object: 'assistant',
      created_at: a.createdAt(),
      name: b.name ?? null,
      description: b.description ?? null,
      model: b.model,
      instructions: b.instructions ?? null,
      tools: normalizeTools(b.tools),
      top_p: b.top_p ?? 1.0,
      temperature: b.temperature ?? 1.0,
      reasoning_effort: b.reasoning_effort ?? null,
      tool_resources: normalizeToolResources(b.tool_resources, vsIds),
      metadata: (b.metadata as Record<string, string> | null) ?? {},
      response_format: b.response_format ?? 'auto',
      _seq: a.nextSeq(),
    };
    a.put('assistant', rec);
    ctx.faults.noteCreated(rec.id);
    return assistantView(rec);
  });

  r.route('GET', '/v1/assistants', (req) => {
    const q = listQuery(req);
    return a.list(a.assistantIndex, q, (id) => {
      const rec = a.get('assistant', id);
      return rec ? assistantView(rec) : undefined;
    });
  });

  r.route('GET', '/v1/assistants/{assistant_id}', (req) => assistantView(get(param(req, 'assistant_id'))));

  r.route('POST', '/v1/assistants/{assistant_id}', (req) => {
    const rec = get(param(req, 'assistant_id'));
    const b = validBody(req, 'ModifyAssistantRequest');
    checkMetadata(b.metadata);
    checkTools(b.tools);
    const next: Rec = { ...rec };
    for (const k of ['name', 'description', 'instructions', 'model', 'reasoning_effort'] as const) if (k in b) next[k] = b[k] ?? null;
    if ('model' in b && b.model === null) next.model = rec.model;
    if ('temperature' in b) next.temperature = b.temperature ?? 1.0;
    if ('top_p' in b) next.top_p = b.top_p ?? 1.0;
    if ('response_format' in b) next.response_format = b.response_format ?? 'auto';
    if ('tools' in b) next.tools = normalizeTools(b.tools);
    if ('tool_resources' in b) next.tool_resources = normalizeToolResources(b.tool_resources);
    if ('metadata' in b) next.metadata = (b.metadata as Record<string, string> | null) ?? {};
    a.put('assistant', next);
    return assistantView(next);
  });

  r.route('DELETE', '/v1/assistants/{assistant_id}', (req) => {
    const rec = get(param(req, 'assistant_id'));
    a.del('assistant', rec.id);
    return { id: rec.id, object: 'assistant.deleted', deleted: true };
  });
}
