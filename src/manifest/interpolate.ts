/**
 * `${env:NAME}` and `${var:NAME}` in string values. `$${` writes a literal `${`.
 * An unset name is a located error; nothing is guessed.
 *
 * The secrets of an `mcp` tool (its `headers` values and `authorization`) are the exception: there
 * `${env:NAME}` is kept as written, to be read only when the tool is sent (src/kinds/tools.ts,
 * EnvTemplate), so no plan, saved plan or generated code ever holds the value; `${var:NAME}` is
 * still replaced (its value escaped, so it cannot add a reference) and `$${` kept as written.
 */
import type { Problem } from '../errors.js';
import { displayPath, locate, toPointer } from './locations.js';
import type { LocMap, Path } from './locations.js';
import { isObject, setOwn } from './merge.js';

export interface InterpolationContext {
  env: Record<string, string | undefined>;
  vars: Record<string, string>;
}

const PATTERN = /\$(\$)?\{([^}]*)\}/g;
const REF = /^(env|var):([A-Za-z_][A-Za-z0-9_]*)$/;

/** Collects var defaults from the manifest's `vars` section; CLI values win. */
export function collectVars(doc: unknown, cli: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(doc) && isObject(doc.vars)) {
    for (const [k, v] of Object.entries(doc.vars)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    }
  }
  return { ...out, ...cli };
}

/** The variables that hold the tool's credentials, and any other variable holding the same value. */
const CREDENTIALS = ['OPENAI_API_KEY', 'OPENAI_ADMIN_KEY', 'AZURE_AI_PROJECT_TOKEN'];
function isCredential(name: string, value: string, env: Record<string, string | undefined>): boolean {
  if (CREDENTIALS.includes(name)) return true;
  return value.length >= 8 && CREDENTIALS.some((c) => env[c] !== undefined && env[c] !== '' && env[c] === value);
}

export function interpolate(value: unknown, locs: LocMap, ctx: InterpolationContext): { value: unknown; problems: Problem[] } {
  const problems: Problem[] = [];
  const visit = (v: unknown, path: Path, secret = false): unknown => {
    if (typeof v === 'string') return v.includes('${') ? substitute(v, path, secret) : v;
    if (Array.isArray(v)) return v.map((item, i) => visit(item, [...path, i], secret));
    if (isObject(v)) {
      const out: Record<string, unknown> = {};
      const mcp = isMcpTool(path, v);
      for (const [k, child] of Object.entries(v)) {
        // environments are interpolated after they are merged, so their values are not read twice
        if (path.length === 0 && k === 'environments') setOwn(out, k, child);
        else setOwn(out, k, visit(child, [...path, k], secret || (mcp && (k === 'headers' || k === 'authorization'))));
      }
      return out;
    }
    return v;
  };
  const substitute = (text: string, path: Path, secret: boolean): string =>
    text.replace(PATTERN, (whole: string, escaped: string | undefined, body: string) => {
      if (escaped) return secret ? whole : whole.slice(1);
      const m = REF.exec(body.trim());
      const loc = locate(locs, toPointer(path));
      if (!m) {
        problems.push({
          path: displayPath(path),
          loc,
          message: `cannot read "\${${body}}": write \${env:NAME} or \${var:NAME} (or $\${ for a literal \${)`,
        });
        return whole;
      }
      const [, kind, name] = m as unknown as [string, 'env' | 'var', string];
      const found = kind === 'env' ? ctx.env[name] : ctx.vars[name];
      if (secret && kind === 'env') {
        if (isCredential(name, found ?? '', ctx.env)) {
          problems.push({ path: displayPath(path), loc, message: `\${env:${name}} is the tool's own credential; give the MCP server a token of its own` });
        }
        // read when the tool is sent, never here: the plan and the code keep the reference
        return `\${env:${name}}`;
      }
      if (kind === 'env' && found !== undefined && isCredential(name, found, ctx.env)) {
        // the manifest's values end up in plans (posted on pull requests), in the account and in
        // generated code: the tool's own credential must never be copied there
        problems.push({
          path: displayPath(path),
          loc,
          message: `\${env:${name}} would copy the API key into the manifest (and from there into plans, the account and generated code); it is refused`,
        });
        return whole;
      }
      if (found === undefined) {
        problems.push({
          path: displayPath(path),
          loc,
          message:
            kind === 'env'
              ? `environment variable ${name} is not set: export it, or use \${var:${name}} with a default under vars`
              : `variable ${name} is not set: pass --var ${name}=VALUE or give it a default under vars`,
        });
        return whole;
      }
      // a variable's value inside a secret is text: a `${` in it must not become a reference
      return secret ? found.replace(/\$\{/g, '$$${') : found;
    });
  return { value: visit(value, []), problems };
}

/** `assistants.<key>.tools[<i>]` holding an `mcp` tool. */
function isMcpTool(path: Path, v: Record<string, unknown>): boolean {
  return path.length === 4 && path[0] === 'assistants' && path[2] === 'tools' && typeof path[3] === 'number' && v.type === 'mcp';
}
