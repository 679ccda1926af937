/** Assistants: the record as the API returns it (tools and tool_resources with their defaults), modify and delete. */
import { notFound } from '../errors.js';
import { PREFIX, newId } from '../ids.js';
import { publicView, type Rec } from './records.js';
import type { Ctx } from './context.js';
import { normalizeToolResources, normalizeTools } from './tools.js';
import { checkModel } from './models.js';
import { checkToolResourceRefs, vectorStoresHelper } from './vector-stores.js';

export function assistantView(rec: Rec): Record<string, unknown> {
  return publicView(rec);
}

export function getAssistant(ctx: Ctx, id: string): Rec {
  const rec = ctx.account.get('assistant', id);
  if (!rec) throw notFound('assistant', id);
  return rec;
}

/** From a CreateAssistantRequest (validated): a served model, tool_resources naming what exists; `tool_resources.file_search.vector_stores` creates its stores. */
export function createAssistant(ctx: Ctx, b: Record<string, unknown>): Rec {
  const a = ctx.account;
  checkModel(ctx, b.model);
  checkToolResourceRefs(ctx, b.tool_resources);
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
  return rec;
}

/** From a ModifyAssistantRequest (validated): what it names changes; null puts the default back (a null model keeps the model). */
export function updateAssistant(ctx: Ctx, rec: Rec, b: Record<string, unknown>): Rec {
  checkModel(ctx, b.model);
  checkToolResourceRefs(ctx, b.tool_resources);
  const next: Rec = { ...rec };
  for (const k of ['name', 'description', 'instructions', 'model', 'reasoning_effort'] as const) if (k in b) next[k] = b[k] ?? null;
  if ('model' in b && b.model === null) next.model = rec.model;
  if ('temperature' in b) next.temperature = b.temperature ?? 1.0;
  if ('top_p' in b) next.top_p = b.top_p ?? 1.0;
  if ('response_format' in b) next.response_format = b.response_format ?? 'auto';
  if ('tools' in b) next.tools = normalizeTools(b.tools);
  if ('tool_resources' in b) next.tool_resources = normalizeToolResources(b.tool_resources);
  if ('metadata' in b) next.metadata = (b.metadata as Record<string, string> | null) ?? {};
  ctx.account.put('assistant', next);
  return next;
}
