import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../helpers/dialects.js';
import { startHush, type RunningHush } from '../helpers/server.js';

// Beyond both databases' 64-bit integers, and beyond 2^53.
const HUGE = '99999999999999999999';
const MAX_OFFSET = String(Number.MAX_SAFE_INTEGER);

forEachDialect('pagination bounds and malformed list parameters', (dialect) => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    await hush.request('POST', '/api/plugins/secrets/secret-roles/', { body: { name: 'One', slug: 'one' } });
    await hush.request('POST', '/api/secrets/lists', { body: { name: 'l' } });
    await hush.request('POST', '/api/secrets/lists/l/values', { body: { secret_key: 'K', secret_value: 'v' } });
  });
  after(() => hush.close());

  const netboxLists = [
    '/api/plugins/secrets/secrets/',
    '/api/plugins/secrets/secret-roles/',
    '/api/secrets/secrets/',
    '/api/dcim/devices/',
    '/api/users/users/',
  ];

  it('reads limit and offset as DRF does: 1e19 is not a number, so the defaults apply', async () => {
    for (const path of netboxLists) {
      for (const q of ['offset=1e19', 'limit=1e19', 'offset=0x10', 'limit=1e19&offset=1e19']) {
        const res = await hush.request('GET', `${path}?${q}`);
        assert.equal(res.status, 200, `${path}?${q}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.previous, null, `${path}?${q}`);
      }
    }
    const roles = await hush.request('GET', '/api/plugins/secrets/secret-roles/?offset=1e19');
    assert.equal(roles.body.results.length, 1);
  });

  it('sends offsets up to 2^53 to the database and answers an empty page', async () => {
    for (const path of ['/api/plugins/secrets/secrets/', '/api/plugins/secrets/secret-roles/', '/api/dcim/devices/']) {
      const res = await hush.request('GET', `${path}?offset=${MAX_OFFSET}`);
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      assert.deepEqual([res.body.results, res.body.next], [[], null]);
    }
    const users = await hush.request('GET', '/api/users/users/?offset=999999999999');
    assert.deepEqual([users.status, users.body.results], [200, []]);
    const values = await hush.request('GET', `/api/secrets/all-values?offset=${MAX_OFFSET}`);
    assert.deepEqual([values.status, values.body], [200, []]);
  });

  it("refuses larger offsets with a 400 naming the field, in each engine's envelope", async () => {
    for (const path of [
      '/api/plugins/secrets/secrets/',
      '/api/secrets/secret-roles/',
      '/api/virtualization/virtual-machines/',
    ]) {
      const res = await hush.request('GET', `${path}?offset=${HUGE}`);
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(Object.keys(res.body), ['offset']);
    }
    for (const q of ['offset=1e19', `offset=${HUGE}`]) {
      const res = await hush.request('GET', `/api/secrets/all-values?${q}`);
      assert.equal(res.status, 400, `${q}: ${JSON.stringify(res.body)}`);
      assert.deepEqual([res.body.error.code, res.body.error.field], ['invalid', 'offset']);
      const inList = await hush.request('GET', `/api/secrets/lists/l/values?${q}`);
      assert.equal(inList.status, 400);
    }
    // The admin API bounds the parameter's length in its schema.
    const admin = await hush.request('GET', `/api/users/tokens/?offset=${HUGE}`);
    assert.equal(admin.status, 400);
    assert.ok('offset' in admin.body || /offset/.test(JSON.stringify(admin.body)), JSON.stringify(admin.body));
  });
});
