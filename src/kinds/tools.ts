/**
 * An assistant's tools as Desired holds them (what the manifest asks for, resolved), and which
 * targets take which. Plain data: the manifest (src/manifest/resolve-assistant.ts) fills them in,
 * plan checks them per target (src/plan/tools.ts), the targets and codegen turn them into requests.
 *
 * Two families:
 * - the Assistants API's tools, `code_interpreter`, `file_search`, `function`, in the Assistants
 *   shape (`file_search.max_num_results`, `function.name`), which every target takes;
 * - tools of the Responses era, `web_search` and `mcp`, in the flat shape of the Responses API's
 *   tool objects (../shared/openai-api/openapi.responses.yaml `WebSearchTool`, `MCPTool`), which is
 *   also a Foundry prompt agent definition's (`definition.tools[]`, ../shared/azure-foundry §10).
 *   An Assistants-protocol target has no such tools: plan refuses them there with a located error.
 *
 * Secrets of an `mcp` tool (`headers` values, `authorization`) are `EnvTemplate`s, never values:
 * the manifest writes them with `${env:NAME}`, which load keeps unread (src/manifest/interpolate.ts);
 * whoever sends the tool reads the variables then (`sendableTool(tool, process.env)`, refusing to
 * send when `missing` is not empty), and shows or records only the templates (`shownTool`).
 * Generated code reads them from its own environment at run time.
 */
import type { SourceLoc } from '../errors.js';
import type { JsonObject, RankingOptions } from './values.js';

/**
 * Text in which `${env:NAME}` stands for an environment variable, read when the value is sent.
 * `template` is the text as the manifest writes it (`$${` for a literal `${`), safe to print;
 * `env` the variables it reads, in order of first use.
 */
export interface EnvTemplate {
  template: string;
  env: string[];
}

/** A filter on an MCP server's tools (`MCPToolFilter`). */
export interface McpToolFilter {
  tool_names?: string[];
  /** Tools the server annotates `readOnlyHint`. */
  read_only?: boolean;
}

/** The web search tool (`WebSearchTool`); absent fields take the API's defaults. */
export interface DesiredWebSearchTool {
  type: 'web_search';
  /** API default `medium`. */
  search_context_size?: 'low' | 'medium' | 'high';
  user_location?: { type: 'approximate'; country?: string; region?: string; city?: string; timezone?: string };
  filters?: { allowed_domains: string[] };
  /** false: cached results only (API default true). */
  external_web_access?: boolean;
}

/** A remote MCP server's tools (`MCPTool`), reached at `server_url`. */
export interface DesiredMcpTool {
  type: 'mcp';
  server_label: string;
  server_url: string;
  server_description?: string;
  /** Tool names, or a filter; absent: every tool the server lists. */
  allowed_tools?: string[] | McpToolFilter;
  /** API default `always`. */
  require_approval?: 'always' | 'never' | { always?: McpToolFilter; never?: McpToolFilter };
  /** HTTP headers sent to the server, by name; values read from the environment when sent. */
  headers?: Record<string, EnvTemplate>;
  /** An OAuth access token for the server, read from the environment when sent. */
  authorization?: EnvTemplate;
}

/** Tools exactly as the API takes them, with parameter schemas read from their files; secrets as templates. */
export type DesiredTool =
  | { type: 'code_interpreter' }
  | { type: 'file_search'; file_search?: { max_num_results?: number; ranking_options?: RankingOptions } }
  | { type: 'function'; function: { name: string; description?: string; parameters?: JsonObject; strict?: boolean } }
  | DesiredWebSearchTool
  | DesiredMcpTool;

export type ToolType = DesiredTool['type'];

/** What the Assistants API (and so an Assistants-protocol target) takes. */
export const ASSISTANTS_TOOL_TYPES: readonly ToolType[] = ['code_interpreter', 'file_search', 'function'];

/** Tools of the Responses era: the Responses API and Foundry prompt agents take them, the Assistants API does not. */
export const RESPONSES_ERA_TOOL_TYPES: readonly ToolType[] = ['web_search', 'mcp'];

/** Where the tools of the Responses era work, for messages: `it works with …`. */
export const RESPONSES_ERA_TARGETS = '`--target foundry` (a Foundry prompt agent) or in the code that `codegen python --api responses` (or `--api foundry`) writes';

export function isResponsesEraTool(t: DesiredTool): t is DesiredWebSearchTool | DesiredMcpTool {
  return t.type === 'web_search' || t.type === 'mcp';
}

/** Where each tool of an assistant is written (Desired's `toolLocs`, index for index). */
export type ToolLocs = (SourceLoc | null)[];

const TEMPLATE = /\$(\$)?\{([^}]*)\}/g;
const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * A template from the text load kept (`${env:NAME}` unread, `$${` a literal); undefined when it
 * holds another `${…}` (load reports those).
 */
export function parseEnvTemplate(template: string): EnvTemplate | undefined {
  const env: string[] = [];
  for (const m of template.matchAll(TEMPLATE)) {
    if (m[1]) continue;
    const ref = ENV_REF.exec(m[2]!.trim());
    if (!ref) return undefined;
    if (!env.includes(ref[1]!)) env.push(ref[1]!);
  }
  return { template, env };
}

/** The value to send, with each variable read from `env`; `missing` names the variables not set. */
export function resolveEnvTemplate(t: EnvTemplate, env: Record<string, string | undefined>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = t.template.replace(TEMPLATE, (whole: string, escaped: string | undefined, body: string) => {
    if (escaped) return whole.slice(1);
    const name = ENV_REF.exec(body.trim())?.[1];
    const found = name !== undefined ? env[name] : undefined;
    if (found === undefined) {
      if (name !== undefined && !missing.includes(name)) missing.push(name);
      return '';
    }
    return found;
  });
  return { value, missing };
}

/** The template as pieces: literal text (unescaped) and the variables between them. */
export function envTemplateParts(t: EnvTemplate): ({ text: string } | { env: string })[] {
  const parts: ({ text: string } | { env: string })[] = [];
  let text = '';
  let last = 0;
  for (const m of t.template.matchAll(TEMPLATE)) {
    text += t.template.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[1]) {
      // `$${…}`: the text `${…}`
      text += m[0].slice(1);
      continue;
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ env: ENV_REF.exec(m[2]!.trim())![1]! });
  }
  text += t.template.slice(last);
  if (text) parts.push({ text });
  return parts;
}

/**
 * A tool of the Responses era as the API (and a Foundry prompt agent definition) takes it, its
 * secrets read from `env` now; `missing` names the variables not set (then refuse to send it). The
 * result holds the secrets: send it, never print, record or fingerprint it (use `shownTool`).
 */
export function sendableTool(t: DesiredWebSearchTool | DesiredMcpTool, env: Record<string, string | undefined>): { tool: Record<string, unknown>; missing: string[] } {
  if (t.type === 'web_search') return { tool: structuredClone(t) as unknown as Record<string, unknown>, missing: [] };
  const missing: string[] = [];
  const read = (v: EnvTemplate): string => {
    const r = resolveEnvTemplate(v, env);
    for (const m of r.missing) if (!missing.includes(m)) missing.push(m);
    return r.value;
  };
  const { headers, authorization, ...rest } = t;
  const tool: Record<string, unknown> = structuredClone(rest);
  if (headers) tool.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, read(v)]));
  if (authorization) tool.authorization = read(authorization);
  return { tool, missing };
}

/** The tool as plans and messages show it: each secret as its template (`Bearer ${env:TOKEN}`), never its value. */
export function shownTool(t: DesiredWebSearchTool | DesiredMcpTool): Record<string, unknown> {
  if (t.type === 'web_search') return structuredClone(t) as unknown as Record<string, unknown>;
  const { headers, authorization, ...rest } = t;
  const tool: Record<string, unknown> = structuredClone(rest);
  if (headers) tool.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.template]));
  if (authorization) tool.authorization = authorization.template;
  return tool;
}
