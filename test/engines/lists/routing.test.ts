import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultStatus } from '../../../src/core/errors.js';
import type { EngineManifest } from '../../../src/core/ports.js';
import { allEngines } from '../../../src/engines/index.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { listsAs } from './helpers.js';

/**
 * The NetBox engine owns /api/secrets/ (legacy NetBox) and answers anything under it; the lists engine's exact,
 * longer prefixes must keep working beside it. A stand-in owner with a catch-all route plays that engine here.
 */
const secretsOwner: EngineManifest = {
  name: 'secrets-owner',
  prefixes: ['/api/secrets/', '/api/plugins/secrets/'],
  migrations: undefined,
  routes: () => async (app) => {
    app.all('/api/secrets/*', { config: { hush: { access: 'public' } }, schema: { hide: true } }, async (_request, reply) => reply.status(418).send({ detail: 'secrets-owner' }));
  },
  renderError: (error) => ({ status: defaultStatus[error.kind], body: { detail: `owner: ${error.message}` } }),
};

describe('lists beside an engine that owns /api/secrets/', () => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ engines: [...allEngines(), secretsOwner] });
  });
  after(() => hush.close());

  it('serves every lists route and leaves the rest of /api/secrets/ to its owner', async () => {
    const call = listsAs(hush, hush.token);
    assert.equal((await call('POST', '/api/secrets/lists', { name: 'l' })).status, 201);
    assert.equal((await call('POST', '/api/secrets/lists/l/values', { secret_key: 'ROUTED', secret_value: 'r' })).status, 201);
    assert.equal((await call('GET', '/api/secrets/lists/l/values/ROUTED')).body.secret_value, 'r');
    assert.equal((await call('GET', '/api/secrets/all-values')).status, 200);
    assert.equal((await call('POST', '/api/secrets/render', { template: '${{secret.ROUTED}}' })).body.rendered, 'r');
    assert.equal((await call('GET', '/api/secrets/lists/l/values/ROUTED/history')).status, 200);
    assert.deepEqual((await call('GET', '/api/secrets/secrets/')).body, { detail: 'secrets-owner' });
    assert.equal((await call('GET', '/api/secrets/')).status, 418);
  });
});
