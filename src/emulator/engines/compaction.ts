/**
 * `POST /v1/responses/compact` (openai-node 7.59 `responses.compact`, `CompactedResponse`): the context
 * a request carries (previous responses, then its input) compacted to every user message, as it was,
 * followed by one `compaction` item whose `encrypted_content` stands for the rest (opaque here too: the
 * emulator's engine does not read it back). Usage counts the words read and the compaction written.
 */
import { hex } from '../ids.js';
import type { Ctx } from '../model/context.js';
import type { Item } from '../model/items.js';
import { historyOf, type CreateRequest } from '../model/responses.js';
import { inputTokens } from './responses.js';

export function compactResponse(ctx: Ctx, b: Record<string, unknown>, request: CreateRequest): Record<string, unknown> {
  const items = [...historyOf(ctx, request), ...request.input];
  const users = items.filter((it) => it.type === 'message' && it.role === 'user');
  const rest = items.filter((it) => !users.includes(it));
  const encrypted = Buffer.from(JSON.stringify({ emulator: 'assistants-deploy', items: rest.length })).toString('base64');
  const compaction: Item = { id: `cmp_${hex()}`, type: 'compaction', encrypted_content: encrypted };
  const input = inputTokens(b.instructions, items);
  const output = Math.max(1, Math.ceil(encrypted.length / 4));
  return {
    id: `resp_${hex()}`,
    object: 'response.compaction',
    created_at: ctx.account.createdAt(),
    output: [...users.map((u) => ({ ...u, status: 'completed' })), compaction],
    usage: {
      input_tokens: input,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: input + output,
    },
  };
}
