import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { L, P } from './helpers.js';

/** Every NetBox-style list refuses a filter it does not know with 400 naming it (src/core/store/filterset.ts). */
forEachDialect('netbox lists refuse unknown filters', (dialect) => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    for (const name of ['edge-1', 'core-1'])
      assert.equal((await hush.request('POST', '/api/dcim/devices/', { body: { name } })).status, 201);
    assert.equal(
      (await hush.request('POST', '/api/virtualization/virtual-machines/', { body: { name: 'vm-1' } })).status,
      201,
    );
  });
  after(() => hush.close());

  const LISTS = [
    `${P}/secrets/`,
    `${P}/secret-roles/`,
    `${P}/user-keys/`,
    `${P}/session-keys/`,
    `${L}/secrets/`,
    `${L}/secret-roles/`,
    '/api/dcim/devices/',
    '/api/virtualization/virtual-machines/',
    '/api/users/users/',
    '/api/users/tokens/',
    '/api/users/permissions/',
  ];

  it('answers 400 naming the unknown filter on every list', async () => {
    for (const path of LISTS) {
      const res = await hush.request('GET', `${path}?nowhere_filter=1`);
      assert.equal(res.status, 400, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.deepEqual(Object.keys(res.body), ['nowhere_filter'], path);
      // Paging and representation parameters are not filters.
      const page = await hush.request('GET', `${path}?limit=5&offset=0&brief=true&ordering=-id`);
      assert.equal(page.status, 200, `${path}: ${JSON.stringify(page.body)}`);
    }
  });

  it('refuses a lookup the list does not apply rather than ignoring it', async () => {
    for (const [path, key] of [
      [`${P}/user-keys/?id__gt=1`, 'id__gt'],
      [`${P}/secrets/?role_id__n=1`, 'role_id__n'],
      ['/api/dcim/devices/?name__regex=x', 'name__regex'],
    ]) {
      const res = await hush.request('GET', path!);
      assert.equal(res.status, 400, path);
      assert.ok(Array.isArray(res.body[key!]), `${path}: ${JSON.stringify(res.body)}`);
    }
  });

  it('still applies the filters it knows on devices', async () => {
    const names = async (q: string) =>
      (await hush.request('GET', `/api/dcim/devices/?${q}`)).body.results.map((d: { name: string }) => d.name);
    assert.deepEqual(await names('name__isw=edge'), ['edge-1']);
    assert.deepEqual(await names('q=core'), ['core-1']);
    assert.deepEqual(await names('created__gte=2000-01-01&ordering=name'), ['core-1', 'edge-1']);
  });
});
