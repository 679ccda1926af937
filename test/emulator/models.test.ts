/**
 * The model catalogue: `GET /v1/models` lists the description's model ids through the SDK's own
 * pager, `GET /v1/models/{id}` answers one or the API's 404, and models given at start are served too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/emulator.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('/v1/models', () => {
  it('lists the catalogue, retrieves one, and refuses an unknown id as the API does', async () => {
    api = await startTestApi();
    const ids: string[] = [];
    for await (const m of api.client.models.list()) {
      expect(m.object).toBe('model');
      expect(typeof m.created).toBe('number');
      ids.push(m.id);
    }
    for (const id of ['gpt-4o', 'gpt-4.1-mini', 'o3', 'gpt-5', 'gpt-5.5']) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await api.client.models.retrieve('gpt-4.1-2025-04-14')).toEqual({ id: 'gpt-4.1-2025-04-14', object: 'model', created: Date.UTC(2025, 3, 14) / 1000, owned_by: 'system' });
    const err = await api.client.models.retrieve('gpt-99').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, error: { message: "The model 'gpt-99' does not exist", code: 'model_not_found', param: 'model' } });
  });

  it('serves the models it was started with beyond the catalogue', async () => {
    api = await startTestApi({ models: ['ft:gpt-4o-mini:acme::abc123'] });
    expect(await api.client.models.retrieve('ft:gpt-4o-mini:acme::abc123')).toMatchObject({ id: 'ft:gpt-4o-mini:acme::abc123', owned_by: 'user' });
    const ids: string[] = [];
    for await (const m of api.client.models.list()) ids.push(m.id);
    expect(ids).toContain('ft:gpt-4o-mini:acme::abc123');
  });
});
