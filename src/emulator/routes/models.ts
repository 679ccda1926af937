/** /v1/models: the catalogue the emulator serves (model/models.ts), listed and retrieved. */
import { ApiError } from '../errors.js';
import { bindRoutes, param, type CtxHandler, type Router } from '../http.js';
import type { Ctx } from '../model/context.js';
import { findModel, listModels } from '../model/models.js';

const list: CtxHandler = (ctx) => ({ object: 'list', data: listModels(ctx) });

const retrieve: CtxHandler = (ctx, req) => {
  const id = param(req, 'model');
  const found = findModel(ctx, id);
  if (!found) throw new ApiError(404, `The model '${id}' does not exist`, 'invalid_request_error', 'model', 'model_not_found');
  return found;
};

export function registerModels(r: Router, ctx: Ctx): void {
  const on = bindRoutes(r, ctx);
  on('GET', '/v1/models', list);
  on('GET', '/v1/models/{model}', retrieve);
}
