/**
 * Phase 5 of an execution: create and update the assistants, their references resolved to the
 * ids the run has (a reference to something that failed fails the assistant too), with their
 * ownership metadata (src/kinds/assistant.ts).
 */
import { assistantMetadata, assistantRequest, isRef } from '../kinds/index.js';
import type { AssistantBody, Ref } from '../kinds/index.js';
import { impactOf } from '../plan/impact.js';
import type { ResourceChange } from '../plan/types.js';
import { Skip, type Run } from './run.js';

/** Replaces references with the ids they name; a reference to something that failed fails too. */
function resolveAssistant(c: ResourceChange, run: Run): AssistantBody {
  const body = structuredClone(c.body as AssistantBody);
  const resolve = (v: string | Ref): string => {
    if (!isRef(v)) return v;
    if (v.$ref.startsWith('file:')) {
      const id = run.fileIds.get(v.$ref.slice(5));
      if (!id) throw new Skip(`skipped: a code_interpreter file was not uploaded`);
      return id;
    }
    const key = v.$ref.replace(/^vector_store\./, '');
    const id = run.storeIds.get(key);
    if (!id || run.failed.has(v.$ref)) throw new Skip(`skipped: ${v.$ref} was not created`);
    return id;
  };
  if (body.tool_resources.file_search) body.tool_resources.file_search.vector_store_ids = body.tool_resources.file_search.vector_store_ids.map(resolve);
  if (body.tool_resources.code_interpreter) body.tool_resources.code_interpreter.file_ids = body.tool_resources.code_interpreter.file_ids.map(resolve);
  return body;
}

export async function writeAssistants(run: Run, changes: readonly ResourceChange[]): Promise<void> {
  const { plan, account, result } = run;
  run.emit({ type: 'phase', name: 'assistants', total: changes.length });
  await run.each(changes, async (c) => {
    try {
      const body = resolveAssistant(c, run);
      const metadata = assistantMetadata(plan.deployment, c.key, body, c.protect);
      if (impactOf(c) === 'create') {
        const { id } = await run.call(`create ${c.address}`, () => account.createAssistant(assistantRequest(body, metadata, null)), {
          recover: () => account.findAssistant(plan.deployment, c.key, run.startedAt, run.known),
        });
        result.created++;
        run.did.add(`${c.address} create`);
        run.emit({ type: 'done', address: c.address, action: 'create', id });
      } else {
        const fields = new Set(c.field_changes.map((f) => f.field));
        // a target that keeps versions (Foundry) takes the whole assistant on every update
        await run.call(`update ${c.address}`, () => account.updateAssistant(c.id!, assistantRequest(body, metadata, account.wholeUpdates ? null : fields)));
        result.updated++;
        run.did.add(`${c.address} update`);
        run.emit({ type: 'done', address: c.address, action: 'update', id: c.id! });
      }
    } catch (error) {
      run.fail(c.address, error);
    }
  });
}
