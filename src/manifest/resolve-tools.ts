/**
 * The tools of the Responses era (`web_search`, `mcp`) of one assistant -> Desired
 * (src/kinds/tools.ts): the API's defaults left to the API, `user_location.type` filled in, and an
 * MCP tool's secrets made into templates of the `${env:NAME}` they read, never values (load kept
 * them unread, interpolate.ts). A credential written out in the manifest is refused: it would end
 * up in git, in plans posted on pull requests, in the account and in generated code.
 */
import type { DesiredMcpTool, DesiredWebSearchTool, EnvTemplate } from '../kinds/tools.js';
import { parseEnvTemplate } from '../kinds/tools.js';
import type { Path } from './locations.js';
import type { ResolveScope } from './resolve-scope.js';
import type { McpSpec, WebSearchSpec } from './types.js';

/** Header names that carry credentials: their value must come from `${env:…}`. */
const CREDENTIAL_HEADER = /authorization|cookie|api[-_]?key|-key$|token|secret|password|credential/i;

export function webSearchTool(spec: WebSearchSpec): DesiredWebSearchTool {
  const out: DesiredWebSearchTool = { type: 'web_search' };
  if (spec.search_context_size !== undefined) out.search_context_size = spec.search_context_size;
  if (spec.user_location !== undefined) {
    const { type: _type, ...where } = spec.user_location;
    out.user_location = { type: 'approximate', ...where };
  }
  if (spec.filters !== undefined) out.filters = { allowed_domains: [...spec.filters.allowed_domains] };
  if (spec.external_web_access !== undefined) out.external_web_access = spec.external_web_access;
  return out;
}

/** A secret's template; `needsEnv`: text written out is refused. */
function template(s: ResolveScope, p: Path, text: string, needsEnv: boolean, what: string): EnvTemplate | undefined {
  const t = parseEnvTemplate(text);
  if (!t) {
    s.problems.push({ ...s.at(p), message: `${what} can only read environment variables: write \${env:NAME}` });
    return undefined;
  }
  if (needsEnv && t.env.length === 0) {
    s.problems.push({
      ...s.at(p),
      message: `${what} is written out in the manifest, which would put the credential in git, plans and generated code; write it as \${env:NAME} (e.g. "Bearer \${env:MCP_TOKEN}") and set NAME where the tool is sent`,
    });
    return undefined;
  }
  return t;
}

export function mcpTool(s: ResolveScope, tp: Path, spec: McpSpec): DesiredMcpTool {
  const out: DesiredMcpTool = { type: 'mcp', server_label: spec.server_label, server_url: spec.server_url };
  if (spec.server_description !== undefined) out.server_description = spec.server_description;
  if (spec.allowed_tools !== undefined) out.allowed_tools = structuredClone(spec.allowed_tools);
  if (spec.require_approval !== undefined) out.require_approval = structuredClone(spec.require_approval);
  if (spec.headers !== undefined) {
    const headers: Record<string, EnvTemplate> = {};
    const seen = new Map<string, string>();
    for (const [name, value] of Object.entries(spec.headers)) {
      const hp: Path = [...tp, 'headers', name];
      const other = seen.get(name.toLowerCase());
      if (other !== undefined) {
        s.problems.push({ ...s.at(hp, true), message: `header "${name}" is already given as "${other}"; header names are not case-sensitive` });
      }
      seen.set(name.toLowerCase(), name);
      const t = template(s, hp, value, CREDENTIAL_HEADER.test(name), `header ${name}`);
      if (t) headers[name] = t;
    }
    out.headers = headers;
  }
  if (spec.authorization !== undefined) {
    const t = template(s, [...tp, 'authorization'], spec.authorization, true, 'authorization');
    if (t) out.authorization = t;
  }
  return out;
}
