/**
 * The model catalogue the emulator serves (`GET /v1/models`) and holds requests to: the model ids
 * of the API description (`AssistantSupportedModels` in openapi.assistants.yaml, `ModelIdsShared`
 * and `ModelIdsResponses` in openapi.responses.yaml, openai/openai-openapi f85dbe22), plus any the
 * emulator is started with (`--models`, `EmulatorOptions.models`). A model outside it is refused as
 * the API refuses it: 400 `model_not_found`, "The requested model '…' does not exist."
 *
 * `reasoning` marks the models that take `reasoning` and refuse `temperature`/`top_p` (the o-series
 * and GPT-5 family, but not their `*-chat-latest` aliases); see docs/API-DEVIATIONS.md for the ids
 * the description does not settle.
 */
import { ApiError } from '../errors.js';
import type { Ctx } from './context.js';

const ASSISTANTS = [
  'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5-2025-08-07', 'gpt-5-mini-2025-08-07', 'gpt-5-nano-2025-08-07',
  'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-nano-2025-04-14',
  'o3-mini', 'o3-mini-2025-01-31', 'o1', 'o1-2024-12-17', 'gpt-4o', 'gpt-4o-2024-11-20', 'gpt-4o-2024-08-06',
  'gpt-4o-2024-05-13', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'gpt-4.5-preview', 'gpt-4.5-preview-2025-02-27',
  'gpt-4-turbo', 'gpt-4-turbo-2024-04-09', 'gpt-4-0125-preview', 'gpt-4-turbo-preview', 'gpt-4-1106-preview',
  'gpt-4-vision-preview', 'gpt-4', 'gpt-4-0314', 'gpt-4-0613', 'gpt-4-32k', 'gpt-4-32k-0314', 'gpt-4-32k-0613',
  'gpt-3.5-turbo', 'gpt-3.5-turbo-16k', 'gpt-3.5-turbo-0613', 'gpt-3.5-turbo-1106', 'gpt-3.5-turbo-0125',
  'gpt-3.5-turbo-16k-0613',
];

const SHARED = [
  'gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-5.6-luna', 'gpt-5.5', 'gpt-5.5-2026-04-23', 'gpt-5.4', 'gpt-5.4-mini',
  'gpt-5.4-nano', 'gpt-5.4-mini-2026-03-17', 'gpt-5.4-nano-2026-03-17', 'gpt-5.3-chat-latest', 'gpt-5.2',
  'gpt-5.2-2025-12-11', 'gpt-5.2-chat-latest', 'gpt-5.2-pro', 'gpt-5.2-pro-2025-12-11', 'gpt-5.1', 'gpt-5.1-2025-11-13',
  'gpt-5.1-codex', 'gpt-5.1-mini', 'gpt-5.1-chat-latest', 'gpt-5-chat-latest', 'o4-mini', 'o4-mini-2025-04-16', 'o3',
  'o3-2025-04-16', 'o1-preview', 'o1-preview-2024-09-12', 'o1-mini', 'o1-mini-2024-09-12', 'gpt-4o-audio-preview',
  'gpt-4o-audio-preview-2024-10-01', 'gpt-4o-audio-preview-2024-12-17', 'gpt-4o-audio-preview-2025-06-03',
  'gpt-4o-mini-audio-preview', 'gpt-4o-mini-audio-preview-2024-12-17', 'gpt-4o-search-preview',
  'gpt-4o-mini-search-preview', 'gpt-4o-search-preview-2025-03-11', 'gpt-4o-mini-search-preview-2025-03-11',
  'chatgpt-4o-latest', 'codex-mini-latest', 'gpt-3.5-turbo-0301',
];

const RESPONSES_ONLY = [
  'o1-pro', 'o1-pro-2025-03-19', 'o3-pro', 'o3-pro-2025-06-10', 'o3-deep-research', 'o3-deep-research-2025-06-26',
  'o4-mini-deep-research', 'o4-mini-deep-research-2025-06-26', 'computer-use-preview', 'computer-use-preview-2025-03-11',
  'gpt-5.5-pro', 'gpt-5.5-pro-2026-04-23', 'gpt-5-codex', 'gpt-5-pro', 'gpt-5-pro-2025-10-06', 'gpt-5.1-codex-max',
  'gpt-daybreak-blue-latest', 'gpt-daybreak-red-latest', 'gpt-5.6-cyber',
];

export interface ModelInfo {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The built-in catalogue's ids, in the order the description lists them. */
export const CATALOGUE: readonly string[] = [...new Set([...ASSISTANTS, ...SHARED, ...RESPONSES_ONLY])];

/** Created: the date in the id when it has one (…-2025-04-14), else the catalogue's date. */
const CATALOGUE_DATE = Date.UTC(2026, 7, 21) / 1000;
function createdOf(id: string): number {
  const m = /(\d{4})-(\d{2})-(\d{2})$/.exec(id);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000 : CATALOGUE_DATE;
}

export function isReasoningModel(id: string): boolean {
  if (/-chat-latest$/.test(id) || id === 'chatgpt-4o-latest') return false;
  return /^o\d/.test(id) || /^gpt-5/.test(id) || id === 'codex-mini-latest';
}

/** Every model this emulator serves: the catalogue, then the extra ones it was started with. */
export function listModels(ctx: Ctx): ModelInfo[] {
  const ids = [...new Set([...CATALOGUE, ...ctx.options.models])];
  return ids.map((id) => ({ id, object: 'model', created: createdOf(id), owned_by: id.startsWith('ft:') ? 'user' : 'system' }));
}

export function findModel(ctx: Ctx, id: string): ModelInfo | undefined {
  if (!CATALOGUE.includes(id) && !ctx.options.models.includes(id)) return undefined;
  return { id, object: 'model', created: createdOf(id), owned_by: id.startsWith('ft:') ? 'user' : 'system' };
}

/** Refuses a model outside the catalogue, as a create or run request does (400, model_not_found). */
export function checkModel(ctx: Ctx, id: unknown, param = 'model'): void {
  // A Foundry project's models are its deployments, named by their owners: any name passes (F13).
  if (typeof id !== 'string' || findModel(ctx, id) || ctx.options.foundry) return;
  throw new ApiError(400, `The requested model '${id}' does not exist.`, 'invalid_request_error', param, 'model_not_found');
}
