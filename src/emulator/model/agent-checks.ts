/**
 * The checks a Foundry agents request goes through, in this order: the body's top-level fields, the
 * agent name (§6 of ../shared/azure-foundry/README.md), the `Foundry-Features` opt-in a preview kind
 * needs (403 `preview_feature_required`, recordings/08), the body against the request schemas of the
 * agents subset (spec/foundry-agents.generated.ts, converted by swagger.ts), the metadata limits the
 * subset states in prose (16 / 64 / 512), and that the vector stores file_search names exist. What
 * passes is returned as the definition to store: `kind` first, as the service echoes it, and a
 * code_interpreter tool without `container` given `{type: "auto"}` (docs/API-DEVIATIONS.md, F11).
 * Errors are in the Foundry shape (errors.ts, FoundryError); their wording is the emulator's (F5).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { FoundryError, foundryInvalid } from '../errors.js';
import { definitions } from '../spec/foundry-agents.generated.js';
import type { Ctx } from './context.js';
import { checkMetadata } from './limits.js';
import { swaggerToJsonSchema } from './swagger.js';
import { toApiError, typeName } from './validation.js';

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, verbose: true });
// Requests may leave out code_interpreter's `container` ("the service assumes auto", PY; F11).
ajv.addSchema(swaggerToJsonSchema(definitions, 'foundry-request', { relax: { 'OpenAI.CodeInterpreterTool': ['container'] } }));
const compiled = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = ajv.getSchema(`foundry-request#/definitions/${name}`);
    if (!v) throw new Error(`no Foundry schema ${name}`);
    compiled.set(name, v);
  }
  return v;
}

/** ≤ 63 characters, letters, digits and hyphens, starting and ending with a letter or digit (F6). */
export const AGENT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function checkAgentName(name: unknown, param: string): string {
  if (typeof name !== 'string' || name === '') {
    throw new FoundryError(400, `Missing required parameter: '${param}'.`, 'invalid_request_error', param, 'missing_required_parameter');
  }
  if (!AGENT_NAME.test(name)) {
    throw foundryInvalid(
      `Invalid agent name '${name}': a name must start and end with a letter or digit, may contain hyphens in the middle, and must not exceed 63 characters.`,
      param,
      'invalid_value',
    );
  }
  return name;
}

/** The preview kinds and the opt-in each needs (FF; the wording of recordings/08). */
const PREVIEW_KINDS: Record<string, [feature: string, label: string]> = {
  workflow: ['WorkflowAgents', 'Workflow agents'],
  hosted: ['HostedAgents', 'Hosted agents'],
  container_app: ['ContainerAgents', 'Container app agents'],
};

/** `Foundry-Features: A=V1Preview,B=V1Preview` -> the features switched on. */
export function enabledFeatures(header: string | string[] | undefined): Set<string> {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const on = new Set<string>();
  for (const item of raw.split(',')) {
    const [name, value] = item.split('=').map((s) => s.trim());
    if (name && value?.toLowerCase() === 'v1preview') on.add(name.toLowerCase());
  }
  return on;
}

/** A preview kind without its opt-in: 403 preview_feature_required, as recordings/08. */
export function checkPreviewFeatures(definition: unknown, features: Set<string>): void {
  const kind = (definition as { kind?: unknown } | null | undefined)?.kind;
  const preview = typeof kind === 'string' ? PREVIEW_KINDS[kind] : undefined;
  if (!preview || features.has(preview[0].toLowerCase())) return;
  const [feature, label] = preview;
  throw new FoundryError(
    403,
    `${label} is in preview. This operation requires the following opt-in preview feature(s): ${feature}=V1Preview. Include the 'Foundry-Features: ${feature}=V1Preview' header in your request.`,
    'invalid_request_error',
    null,
    'preview_feature_required',
  );
}

const BODY_FIELDS: Record<string, string[]> = {
  CreateAgentRequest: ['name', 'definition', 'metadata', 'description'],
  CreateAgentVersionRequest: ['definition', 'metadata', 'description'],
  UpdateAgentRequest: ['definition', 'metadata', 'description'],
};

/** The stored form of a definition: `kind` first; code_interpreter's container defaulted. */
function storedDefinition(def: Record<string, unknown>): Record<string, unknown> {
  const { kind, ...rest } = def;
  const out: Record<string, unknown> = { kind, ...rest };
  if (Array.isArray(rest.tools)) {
    out.tools = (rest.tools as Record<string, unknown>[]).map((t) => (t.type === 'code_interpreter' && t.container === undefined ? { ...t, container: { type: 'auto' } } : t));
  }
  return out;
}

/** Every vector store a file_search tool names must exist on the project (F12). */
function checkStores(ctx: Ctx, def: Record<string, unknown>): void {
  const tools = Array.isArray(def.tools) ? (def.tools as Record<string, unknown>[]) : [];
  tools.forEach((t, i) => {
    if (t.type !== 'file_search' || !Array.isArray(t.vector_store_ids)) return;
    (t.vector_store_ids as unknown[]).forEach((id, j) => {
      if (!ctx.account.get('vs', String(id))) {
        throw foundryInvalid(`Vector store '${String(id)}' not found.`, `definition.tools[${i}].vector_store_ids[${j}]`, 'invalid_value');
      }
    });
  });
}

export interface CheckedBody {
  name?: string;
  definition: Record<string, unknown>;
  metadata: Record<string, string>;
  description: string;
}

/** Check a create / create-version / update body; returns what the version will hold. */
export function checkAgentBody(ctx: Ctx, schema: keyof typeof BODY_FIELDS, b: unknown, features: Set<string>): CheckedBody {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) {
    throw foundryInvalid(`Invalid type for body: expected an object, but got ${typeName(b)} instead.`, null, 'invalid_type');
  }
  const body = b as Record<string, unknown>;
  for (const k of Object.keys(body)) {
    if (!BODY_FIELDS[schema]!.includes(k) && body[k] !== null) throw foundryInvalid(`Unknown parameter: '${k}'.`, k, 'unknown_parameter');
  }
  if (schema === 'CreateAgentRequest') checkAgentName(body.name, 'name');
  checkPreviewFeatures(body.definition, features);
  const v = validator(schema);
  if (!v(body)) throw FoundryError.from(toApiError(v.errors ?? []));
  try {
    checkMetadata(body.metadata);
  } catch (e) {
    throw FoundryError.from(e as FoundryError);
  }
  const definition = storedDefinition(body.definition as Record<string, unknown>);
  checkStores(ctx, definition);
  return {
    ...(typeof body.name === 'string' ? { name: body.name } : {}),
    definition,
    metadata: (body.metadata as Record<string, string> | undefined) ?? {},
    description: (body.description as string | undefined) ?? '',
  };
}
