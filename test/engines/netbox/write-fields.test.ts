import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { L, P, rsaPair } from './helpers.js';

/** Nothing a client sends vanishes with a 2xx: a field Hush does not store is 400 naming it (issue 16, item 3). */
forEachDialect('netbox writes refuse fields Hush does not store', (dialect) => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
  });
  after(() => hush.close());

  it('refuses tags, custom fields and unmodelled device fields; accepts "none" and echoed read-only fields', async () => {
    const device = await hush.request('POST', '/api/dcim/devices/', { body: { name: 'edge-1' } });
    const role = await hush.request('POST', `${P}/secret-roles/`, { body: { name: 'Login', slug: 'login' } });
    const key = await hush.request('POST', `${P}/user-keys/`, { body: { public_key: rsaPair().publicKey } });
    for (const res of [device, role, key]) assert.equal(res.status, 201, JSON.stringify(res.body));

    for (const [method, path, body, fields] of [
      ['PATCH', `${P}/user-keys/${key.body.id}/`, { tags: [{ name: 'prod', slug: 'prod' }] }, ['tags']],
      ['PATCH', `${P}/user-keys/${key.body.id}/`, { custom_fields: { owner: 'ops' } }, ['custom_fields']],
      ['PATCH', `${P}/secret-roles/${role.body.id}/`, { tags: [1], colour: 'red' }, ['tags', 'colour']],
      ['PATCH', `${L}/secret-roles/${role.body.id}/`, { custom_fields: { a: 1 } }, ['custom_fields']],
      [
        'POST',
        '/api/dcim/devices/',
        { name: 'x', site: 1, device_type: 2, role: 3, status: 'active' },
        ['site', 'device_type', 'role', 'status'],
      ],
      ['PATCH', `/api/dcim/devices/${device.body.id}/`, { tags: [{ name: 'a', slug: 'a' }] }, ['tags']],
      ['POST', '/api/virtualization/virtual-machines/', { name: 'vm', cluster: 1 }, ['cluster']],
    ] as const) {
      const res = await hush.request(method, path, { body });
      assert.equal(res.status, 400, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      for (const f of fields) assert.ok(Array.isArray(res.body[f]), `${path} ${f}: ${JSON.stringify(res.body)}`);
    }
    // The device is unchanged by the refused writes.
    assert.deepEqual((await hush.request('GET', `/api/dcim/devices/${device.body.id}/`)).body.tags, []);

    const none = await hush.request('PATCH', `${P}/secret-roles/${role.body.id}/`, {
      body: { ...role.body, tags: [], custom_fields: { unused: null }, description: 'd' },
    });
    assert.deepEqual([none.status, none.body.description, none.body.tags, none.body.custom_fields], [200, 'd', [], {}]);
    const echoed = await hush.request('PUT', `/api/dcim/devices/${device.body.id}/`, {
      body: { ...device.body, name: 'edge-2' },
    });
    assert.deepEqual([echoed.status, echoed.body.name], [200, 'edge-2']);
  });
});
