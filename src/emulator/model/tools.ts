/** Tool and tool_resources defaults as the API fills them in on objects it returns; what it leaves out of them. */

/** A tool as returned: file_search gets its ranking options filled in, function gets `strict: false`. */
export function normalizeTool(tool: Record<string, unknown>): Record<string, unknown> {
  if (tool.type === 'file_search') {
    const fs = { ...((tool.file_search as Record<string, unknown> | undefined) ?? {}) };
    const ro = (fs.ranking_options as Record<string, unknown> | undefined) ?? {};
    fs.ranking_options = { ranker: ro.ranker ?? 'default_2024_08_21', score_threshold: ro.score_threshold ?? 0.0 };
    return { type: 'file_search', file_search: fs };
  }
  if (tool.type === 'function') {
    const fn = { ...((tool.function as Record<string, unknown> | undefined) ?? {}) };
    if (fn.strict === undefined || fn.strict === null) fn.strict = false;
    return { type: 'function', function: fn };
  }
  return { type: tool.type };
}

export function normalizeTools(tools: unknown): Record<string, unknown>[] {
  if (!Array.isArray(tools)) return [];
  return tools.map((t) => normalizeTool(t as Record<string, unknown>));
}

/**
 * tool_resources as returned: `{}` when nothing is set; `code_interpreter.file_ids` defaults to `[]`.
 * `vectorStoreIds` replaces the `vector_stores` create helper with the ids of the stores it created.
 */
export function normalizeToolResources(tr: unknown, vectorStoreIds?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!tr || typeof tr !== 'object') return out;
  const t = tr as { code_interpreter?: { file_ids?: string[] }; file_search?: { vector_store_ids?: string[] } };
  if (t.code_interpreter) out.code_interpreter = { file_ids: [...(t.code_interpreter.file_ids ?? [])] };
  if (t.file_search) out.file_search = { vector_store_ids: vectorStoreIds ?? [...(t.file_search.vector_store_ids ?? [])] };
  return out;
}

/** An mcp tool as a response echoes it: its secrets (header values, `authorization`) left out (R16). */
export function echoedMcpTool<T extends Record<string, unknown>>(tool: T): T {
  const { authorization: _a, headers, ...rest } = tool;
  return {
    ...(rest as T),
    allowed_tools: tool.allowed_tools ?? null,
    require_approval: tool.require_approval ?? 'always',
    headers: headers && typeof headers === 'object' ? Object.fromEntries(Object.keys(headers).map((k) => [k, '<redacted>'])) : null,
  };
}
