/**
 * Foundry prompt agents (../shared/azure-foundry/README.md §5–§9): an agent is a named container
 * (`AgentObject`: id = name, `versions.latest`) of immutable, numbered versions (`AgentVersionObject`:
 * version "1", "2", … as strings, id `name:version`, metadata and description per version). Records:
 * `agent` (`_next`: the next version number, never reused while the agent lives) and `agent_version`
 * (`_agent`: its agent's name). The rules the reference leaves open are the emulator's, each in
 * docs/API-DEVIATIONS.md: create-version always adds a version (F7), update only when the definition
 * changed (F8), a name differing only in case from an agent's is refused (F6), deleting the last
 * version deletes the agent and `latest` falls back to the highest remaining (F9), agents are listed
 * in creation order (F10). The request checks are agent-checks.ts.
 */
import { FoundryError, foundryNotFound } from '../errors.js';
import type { PageQuery } from './ordered-index.js';
import { publicView, type Rec } from './records.js';
import type { Ctx } from './context.js';
import type { CheckedBody } from './agent-checks.js';

export function versionView(rec: Rec): Record<string, unknown> {
  const { metadata, object, id, name, version, description, created_at, definition } = publicView(rec);
  return { metadata, object, id, name, version, description, created_at, definition };
}

export function getAgent(ctx: Ctx, name: string): Rec {
  const rec = ctx.account.get('agent', name);
  if (!rec) throw foundryNotFound(`Agent '${name}' not found.`);
  return rec;
}

/** The agent's newest version (by number). */
export function latestVersion(ctx: Ctx, name: string): Rec {
  const index = ctx.account.agentVersions.get(name);
  let latest: Rec | undefined;
  for (const id of index?.all() ?? []) latest = ctx.account.get('agent_version', id);
  if (!latest) throw foundryNotFound(`Agent '${name}' not found.`);
  return latest;
}

export function agentView(ctx: Ctx, rec: Rec): Record<string, unknown> {
  return { object: 'agent', id: rec.id, name: rec.name, versions: { latest: versionView(latestVersion(ctx, String(rec.id))) } };
}

export function getVersion(ctx: Ctx, name: string, version: string): Rec {
  getAgent(ctx, name);
  const rec = ctx.account.get('agent_version', `${name}:${version}`);
  if (!rec) throw foundryNotFound(`Version '${version}' of agent '${name}' not found.`);
  return rec;
}

/** The agent of this name, made if it is new (a name equal but for case to another's is refused, F6). */
function agentFor(ctx: Ctx, name: string): Rec {
  const a = ctx.account;
  const existing = a.get('agent', name);
  if (existing) return existing;
  const lower = name.toLowerCase();
  for (const other of a.cols.agent.values()) {
    if (String(other.id).toLowerCase() === lower) {
      throw new FoundryError(409, `An agent named '${String(other.id)}' already exists; agent names differing only in case are refused.`, 'invalid_request_error', 'name', 'conflict');
    }
  }
  return a.put('agent', { id: name, object: 'agent', name, _seq: a.nextSeq(), _next: 1 });
}

/** A new version of the agent (the agent made first when it is new). */
export function addVersion(ctx: Ctx, name: string, body: CheckedBody): Rec {
  const a = ctx.account;
  const agent = agentFor(ctx, name);
  const n = Number(agent._next ?? 1);
  a.put('agent', { ...agent, _next: n + 1 });
  const rec: Rec = {
    id: `${name}:${n}`,
    metadata: body.metadata,
    object: 'agent.version',
    name,
    version: String(n),
    description: body.description,
    created_at: a.createdAt(),
    definition: body.definition,
    _seq: a.nextSeq(),
    _agent: name,
  };
  a.put('agent_version', rec);
  ctx.faults.noteCreated(rec.id);
  return rec;
}

/** JSON with sorted keys: two definitions are the same when these are equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Update: a new version only when the definition changed; otherwise the agent as it is (F8). */
export function updateAgent(ctx: Ctx, name: string, body: CheckedBody): Rec {
  const agent = getAgent(ctx, name);
  if (canonical(latestVersion(ctx, name).definition) !== canonical(body.definition)) addVersion(ctx, name, body);
  return ctx.account.get('agent', name) ?? agent;
}

export function deleteAgent(ctx: Ctx, name: string): void {
  const a = ctx.account;
  getAgent(ctx, name);
  for (const id of [...(a.agentVersions.get(name)?.all() ?? [])]) a.del('agent_version', id);
  a.del('agent', name);
}

/** Deleting the last version deletes the agent (F9). */
export function deleteVersion(ctx: Ctx, name: string, version: string): void {
  const rec = getVersion(ctx, name, version);
  ctx.account.del('agent_version', rec.id);
  if ((ctx.account.agentVersions.get(name)?.size ?? 0) === 0) ctx.account.del('agent', name);
}

/** A list page: `first_id`/`last_id` only when the page has items (recordings/05). */
export function agentPage<T>(ctx: Ctx, index: Parameters<Ctx['account']['list']>[0], q: PageQuery, view: (id: string) => T | undefined, accept?: (id: string) => boolean): Record<string, unknown> {
  const page = ctx.account.list(index, q, view, accept);
  return {
    data: page.data,
    ...(page.data.length ? { first_id: page.first_id, last_id: page.last_id } : {}),
    has_more: page.has_more,
    object: 'list',
  };
}

export function listVersions(ctx: Ctx, name: string, q: PageQuery): Record<string, unknown> {
  getAgent(ctx, name);
  return agentPage(ctx, ctx.account.agentVersions.get(name), q, (id) => {
    const rec = ctx.account.get('agent_version', id);
    return rec ? versionView(rec) : undefined;
  });
}

export function listAgents(ctx: Ctx, q: PageQuery, kind: string | undefined): Record<string, unknown> {
  const view = (id: string) => {
    const rec = ctx.account.get('agent', id);
    return rec ? agentView(ctx, rec) : undefined;
  };
  const accept = kind ? (id: string) => (latestVersion(ctx, id).definition as { kind?: string }).kind === kind : undefined;
  return agentPage(ctx, ctx.account.agentIndex, q, view, accept);
}
