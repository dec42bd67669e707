import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allEngines } from '../../../src/engines/index.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { listsAs } from './helpers.js';

/**
 * The NetBox engine owns /api/secrets/ (legacy NetBox) and answers anything under it; the lists engine's exact,
 * longer prefixes must keep working beside it, and the rest of /api/secrets/ must stay NetBox's.
 */
describe('lists beside the NetBox engine, which owns /api/secrets/', () => {
  let hush: RunningHush;
  before(async () => {
    assert.ok(
      allEngines().some((e) => e.prefixes.includes('/api/secrets/')),
      'an engine owns /api/secrets/',
    );
    hush = await startHush();
  });
  after(() => hush.close());

  it('serves every lists route and leaves the rest of /api/secrets/ to NetBox', async () => {
    const call = listsAs(hush, hush.token);
    assert.equal((await call('POST', '/api/secrets/lists', { name: 'l' })).status, 201);
    assert.equal(
      (await call('POST', '/api/secrets/lists/l/values', { secret_key: 'ROUTED', secret_value: 'r' })).status,
      201,
    );
    assert.equal((await call('GET', '/api/secrets/lists/l/values/ROUTED')).body.secret_value, 'r');
    assert.equal((await call('GET', '/api/secrets/all-values')).status, 200);
    assert.equal((await call('POST', '/api/secrets/render', { template: '${{secret.ROUTED}}' })).body.rendered, 'r');
    assert.equal((await call('GET', '/api/secrets/lists/l/values/ROUTED/history')).status, 200);
    // NetBox's legacy list envelope and its own 404 body, not the lists engine's {"error": …}.
    assert.deepEqual(Object.keys((await call('GET', '/api/secrets/secrets/')).body).sort(), [
      'count',
      'next',
      'previous',
      'results',
    ]);
    const elsewhere = await call('GET', '/api/secrets/no-such-thing/');
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.body.error, undefined);
  });
});
