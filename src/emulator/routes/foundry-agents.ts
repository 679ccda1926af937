/**
 * A Foundry project's agents operations (../shared/azure-foundry/foundry-agents.openapi.json):
 * list / create / get / update / delete agents, create / list / get / delete versions, under
 * `/api/projects/{project}` (the server mounts them; http.ts `projectRouter`). Each needs
 * `api-version` (`v1`, or the preview versions the service advertises; F2) and answers with the
 * `api-supported-versions` header of recordings/01–08. The rules are model/agents.ts's, the checks
 * model/agent-checks.ts's; errors leave in the Foundry shape (server.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FoundryError, foundryInvalid } from '../errors.js';
import { bindRoutes, body, listQuery, param, queryString, type CtxHandler, type Router } from '../http.js';
import type { Ctx } from '../model/context.js';
import { checkAgentBody, checkAgentName, enabledFeatures } from '../model/agent-checks.js';
import {
  addVersion,
  agentView,
  deleteAgent,
  deleteVersion,
  getAgent,
  getVersion,
  listAgents,
  listVersions,
  updateAgent,
  versionView,
} from '../model/agents.js';

/** The versions the agents operations take (F2): `v1` (the SDKs') and those the service lists. */
const API_VERSIONS = ['v1', '1.0', '2025-05-15-preview', '2025-11-15-preview'];
/** `api-supported-versions` as the service answers it: without `1.0` to a preview request (recordings/12). */
const SUPPORTED_HEADER = (v: string | undefined) => `${v?.endsWith('-preview') ? '' : '1.0,'}2025-05-15-preview,2025-11-15-preview`;
const KINDS = ['prompt', 'hosted', 'container_app', 'workflow'];

/** `api-version` present and known, in the words of ASP.NET API Versioning (F2). */
function checkApiVersion(req: FastifyRequest, reply: FastifyReply): void {
  const v = queryString(req, 'api-version');
  reply.header('api-supported-versions', SUPPORTED_HEADER(v));
  if (v === undefined || v === '') {
    throw new FoundryError(400, 'An API version is required, but was not specified.', 'invalid_request_error', 'api-version', 'ApiVersionUnspecified');
  }
  if (!API_VERSIONS.includes(v)) {
    const path = req.url.split('?')[0];
    throw new FoundryError(
      400,
      `The HTTP resource that matches the request URI '${path}' does not support the API version '${v}'.`,
      'invalid_request_error',
      'api-version',
      'UnsupportedApiVersion',
    );
  }
}

const features = (req: FastifyRequest) => enabledFeatures(req.headers['foundry-features']);

const list: CtxHandler = (ctx, req) => {
  const kind = queryString(req, 'kind');
  if (kind !== undefined && !KINDS.includes(kind)) {
    throw foundryInvalid(`Invalid value: '${kind}'. Supported values are: ${KINDS.map((k) => `'${k}'`).join(', ')}.`, 'kind', 'invalid_value');
  }
  return listAgents(ctx, listQuery(req), kind);
};

const create: CtxHandler = (ctx, req) => {
  const checked = checkAgentBody(ctx, 'CreateAgentRequest', body(req, true), features(req));
  const name = checked.name!;
  // Y-v1: "creates a new agent or a new version of an existing agent" (F7)
  addVersion(ctx, name, checked);
  return agentView(ctx, getAgent(ctx, name));
};

const update: CtxHandler = (ctx, req) => {
  const name = param(req, 'agent_name');
  getAgent(ctx, name);
  const checked = checkAgentBody(ctx, 'UpdateAgentRequest', body(req, true), features(req));
  return agentView(ctx, updateAgent(ctx, name, checked));
};

const remove: CtxHandler = (ctx, req) => {
  const name = param(req, 'agent_name');
  deleteAgent(ctx, name);
  return { object: 'agent.deleted', name, deleted: true };
};

const createVersion: CtxHandler = (ctx, req) => {
  const name = checkAgentName(param(req, 'agent_name'), 'agent_name');
  const checked = checkAgentBody(ctx, 'CreateAgentVersionRequest', body(req, true), features(req));
  return versionView(addVersion(ctx, name, checked));
};

const removeVersion: CtxHandler = (ctx, req) => {
  const name = param(req, 'agent_name');
  const version = param(req, 'agent_version');
  deleteVersion(ctx, name, version);
  return { object: 'agent.version.deleted', name, version, deleted: true };
};

export function registerFoundryAgents(r: Router, ctx: Ctx): void {
  const bound = bindRoutes(r, ctx);
  const on = (method: 'GET' | 'POST' | 'DELETE', template: string, handler: CtxHandler) =>
    bound(method, template, (c, req, reply) => {
      checkApiVersion(req, reply);
      return handler(c, req, reply);
    });
  on('GET', '/agents', list);
  on('POST', '/agents', create);
  on('GET', '/agents/{agent_name}', (c, req) => agentView(c, getAgent(c, param(req, 'agent_name'))));
  on('POST', '/agents/{agent_name}', update);
  on('DELETE', '/agents/{agent_name}', remove);
  on('GET', '/agents/{agent_name}/versions', (c, req) => listVersions(c, param(req, 'agent_name'), listQuery(req)));
  on('POST', '/agents/{agent_name}/versions', createVersion);
  on('GET', '/agents/{agent_name}/versions/{agent_version}', (c, req) => versionView(getVersion(c, param(req, 'agent_name'), param(req, 'agent_version'))));
  on('DELETE', '/agents/{agent_name}/versions/{agent_version}', removeVersion);
}
