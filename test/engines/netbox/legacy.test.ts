import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { L, P, unlockedAdmin } from './helpers.js';

forEachDialect('netbox legacy API, roles and inventory', (dialect) => {
  let hush: RunningHush;
  let s: Awaited<ReturnType<typeof unlockedAdmin>>;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    s = await unlockedAdmin(hush);
  });
  after(() => hush.close());

  it('answers the API roots', async () => {
    const plugin = await s.plain('GET', `${P}/`);
    assert.deepEqual(Object.keys(plugin.body), [
      'user-keys',
      'session-key',
      'secret-roles',
      'secrets',
      'generate-rsa-key-pair',
    ]);
    const legacy = await s.plain('GET', `${L}/`);
    assert.deepEqual(Object.keys(legacy.body), ['secret-roles', 'secrets', 'get-session-key', 'generate-rsa-key-pair']);
    assert.equal(legacy.headers.get('api-version'), '2.11');
    assert.equal(plugin.headers.get('api-version'), '4.6');
    assert.deepEqual((await hush.request('GET', `${P}/secrets/`, { token: null })).body, {
      detail: 'Authentication credentials were not provided.',
    });
    assert.equal((await hush.request('GET', `${P}/secrets/`, { token: 'nope' })).status, 403);
    assert.deepEqual((await s.plain('GET', `${P}/secrets/abc/`)).body, { detail: 'Not found.' });
    assert.equal((await s.plain('GET', `${L}/secret-roles/0/`)).status, 404);
  });

  it('creates with `device`, answers with pks and the plaintext as the seed shows, reads the 2.9 shape plus 2.11 fields', async () => {
    const created = await s.call('POST', `${L}/secrets/`, {
      device: s.deviceId,
      role: s.roleId,
      name: 'backup',
      plaintext: 'Drowssap1',
    });
    // NetBox 2.0–2.3's WritableSecretSerializer: the seed's five fields first, related objects as pks.
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.body), [
      'id',
      'device',
      'role',
      'name',
      'plaintext',
      'hash',
      'created',
      'last_updated',
      'assigned_object_type',
      'assigned_object_id',
    ]);
    assert.deepEqual(
      [created.body.device, created.body.role, created.body.name, created.body.plaintext],
      [s.deviceId, s.roleId, 'backup', 'Drowssap1'],
    );
    assert.deepEqual([created.body.assigned_object_type, created.body.assigned_object_id], ['dcim.device', s.deviceId]);
    assert.match(created.body.hash, /^pbkdf2_sha256\$1000\$/);
    assert.match(created.body.created, /^\d{4}-\d{2}-\d{2}$/);
    const plain = await s.plain('GET', `${L}/secrets/${created.body.id}/`);
    assert.deepEqual(plain.body.device, {
      id: s.deviceId,
      url: `${hush.url}/api/dcim/devices/${s.deviceId}/`,
      display: 'MyTestDevice',
      name: 'MyTestDevice',
      display_name: 'MyTestDevice',
    });
    assert.deepEqual(plain.body.role, {
      id: s.roleId,
      url: `${hush.url}/api/secrets/secret-roles/${s.roleId}/`,
      display: 'Login Credentials',
      name: 'Login Credentials',
      slug: 'login-creds',
    });
    assert.equal(plain.body.plaintext, null);
    assert.match(plain.body.created, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal((await s.call('GET', `${L}/secrets/${created.body.id}/`)).body.plaintext, 'Drowssap1');
    assert.equal(
      (await s.call('GET', `${P}/secrets/${created.body.id}/`)).body.plaintext,
      'Drowssap1',
      'both APIs are views over the same data',
    );
    assert.deepEqual((await s.call('POST', `${L}/secrets/`, { device: s.deviceId, role: s.roleId, name: 'x' })).body, {
      plaintext: ['This field is required.'],
    });
    assert.deepEqual((await s.call('POST', `${L}/secrets/`, { role: s.roleId, name: 'x', plaintext: 'p' })).body, {
      device: ['This field is required.'],
    });
    assert.deepEqual(
      (await s.call('POST', `${L}/secrets/`, { device: null, role: s.roleId, name: 'x', plaintext: 'p' })).body,
      { device: ['This field may not be null.'] },
    );
    assert.deepEqual(
      (await s.call('POST', `${L}/secrets/`, { device: 999, role: s.roleId, name: 'x', plaintext: 'p' })).body,
      { device: ['Related object not found using the provided numeric ID: 999'] },
    );
    const dup = await s.call('POST', `${L}/secrets/`, {
      device: { name: 'MyTestDevice' },
      role: s.roleId,
      name: 'backup',
      plaintext: 'again',
    });
    assert.deepEqual(dup.body, { __all__: ['Secret with this Device, Role and Name already exists.'] });
  });

  it('needs a key on POST and PUT but not on PATCH without plaintext; paginates like the seed', async () => {
    const id = (await s.plain('GET', `${L}/secrets/?name=backup`)).body.results[0].id;
    assert.equal((await s.plain('PATCH', `${L}/secrets/${id}/`, { name: 'backup2' })).status, 200);
    assert.deepEqual((await s.plain('PATCH', `${L}/secrets/${id}/`, { plaintext: 'p' })).body, [
      'A session key must be provided when creating or updating secrets.',
    ]);
    assert.deepEqual(
      (await s.plain('PUT', `${L}/secrets/${id}/`, { device: s.deviceId, role: s.roleId, name: 'b', plaintext: 'p' }))
        .body,
      ['A session key must be provided when creating or updating secrets.'],
    );
    const put = await s.call('PUT', `${L}/secrets/${id}/`, {
      device: s.deviceId,
      role: s.roleId,
      name: 'backup',
      plaintext: 'Drowssap2',
    });
    assert.deepEqual(
      [put.status, put.body.device, put.body.role, put.body.plaintext],
      [200, s.deviceId, s.roleId, 'Drowssap2'],
      'PUT answers with the write serializer too',
    );
    const patched = await s.plain('PATCH', `${L}/secrets/${id}/`, { name: 'backup' });
    assert.deepEqual(
      [patched.body.device, patched.body.role, patched.body.name, patched.body.plaintext],
      [s.deviceId, s.roleId, 'backup', null],
      'PATCH too; no plaintext was sent, so none is echoed',
    );
    const bulk = await s.call('PATCH', `${L}/secrets/`, [{ id, name: 'backup' }]);
    assert.deepEqual(
      bulk.body.map((b: any) => [b.id, b.device, b.role]),
      [[id, s.deviceId, s.roleId]],
    );
    for (const n of ['a', 'b', 'c'])
      await s.call('POST', `${L}/secrets/`, { device: s.deviceId, role: s.roleId, name: n, plaintext: n });
    const page = await s.call('GET', `${L}/secrets/?limit=3`);
    assert.equal(page.body.count, 4);
    assert.equal(page.body.next, `${hush.url}/api/secrets/secrets/?limit=3&offset=3`);
    assert.equal(page.body.previous, null);
    assert.ok(page.body.results.every((r: any) => typeof r.plaintext === 'string'));
    assert.deepEqual(Object.keys((await s.plain('GET', `${L}/secrets/?brief=1`)).body.results[0]).sort(), [
      'display',
      'id',
      'name',
      'url',
    ]);
  });

  it('filters legacy style: device, device_id, virtual_machine, role, name', async () => {
    const d2 = await s.plain('POST', '/api/dcim/devices/', { name: 'Device 2' });
    const vm = await s.plain('POST', '/api/virtualization/virtual-machines/', { name: 'VM 1' });
    await s.call('POST', `${L}/secrets/`, { device: d2.body.id, role: s.roleId, name: 'd2', plaintext: 'x' });
    const vmCreated = await s.call('POST', `${L}/secrets/`, {
      assigned_object_type: 'virtualization.virtualmachine',
      assigned_object_id: vm.body.id,
      role: s.roleId,
      name: 'vm',
      plaintext: 'x',
    });
    assert.deepEqual(
      [vmCreated.body.device, vmCreated.body.assigned_object_type, vmCreated.body.assigned_object_id],
      [null, 'virtualization.virtualmachine', vm.body.id],
      'a VM secret has no device; its pks name it',
    );
    const count = async (q: string) => (await s.plain('GET', `${L}/secrets/?${q}`)).body.count;
    assert.equal(await count(`device_id=${s.deviceId}&device_id=${d2.body.id}`), 5);
    assert.equal(await count('device=MyTestDevice&device=Device%202'), 5);
    assert.equal(await count('device=Device%202'), 1);
    assert.equal(await count(`virtual_machine_id=${vm.body.id}`), 1);
    assert.equal(await count('virtual_machine=VM%201'), 1);
    assert.equal(await count('name=a&name=b'), 2);
    assert.equal(await count('role=login-creds'), 6);
    assert.equal(await count('q=device%202'), 1);
    const vmSecret = (await s.plain('GET', `${L}/secrets/?virtual_machine=VM%201`)).body.results[0];
    assert.equal(vmSecret.device, null);
    assert.deepEqual(vmSecret.assigned_object, {
      id: vm.body.id,
      url: `${hush.url}/api/virtualization/virtual-machines/${vm.body.id}/`,
      display: 'VM 1',
      name: 'VM 1',
    });
  });

  it('roles: CRUD, uniqueness, tree filters, protected delete, legacy shape', async () => {
    const role = await s.plain('POST', `${P}/secret-roles/`, { name: 'Role2', slug: 'role2' });
    assert.equal(role.status, 201);
    assert.equal((await s.plain('GET', `${P}/secret-roles/${role.body.id}/`)).status, 200);
    assert.equal(
      (await s.plain('PATCH', `${P}/secret-roles/${role.body.id}/`, { description: 'x' })).body.description,
      'x',
    );
    assert.deepEqual((await s.plain('POST', `${P}/secret-roles/`, { name: 'Role2', slug: 'other' })).body, {
      name: ['Secret Role with this name already exists.'],
    });
    assert.deepEqual((await s.plain('POST', `${P}/secret-roles/`, { name: 'Other', slug: 'role2' })).body, {
      slug: ['Secret Role with this slug already exists.'],
    });
    assert.deepEqual((await s.plain('POST', `${P}/secret-roles/`, {})).body, {
      name: ['This field is required.'],
      slug: ['This field is required.'],
    });
    assert.equal((await s.plain('DELETE', `${P}/secret-roles/${role.body.id}/`)).status, 204);
    const used = await s.plain('DELETE', `${P}/secret-roles/${s.roleId}/`);
    assert.equal(used.status, 409);
    assert.match(used.body.detail, /^Unable to delete object\. 6 dependent objects were found: /);

    const bulk = await s.plain('POST', `${P}/secret-roles/`, [
      { name: 'B1', slug: 'b1' },
      { name: 'B2', slug: 'b2' },
    ]);
    assert.deepEqual([bulk.status, bulk.body.map((r: any) => r.slug)], [201, ['b1', 'b2']]);
    const clash = await s.plain('POST', `${P}/secret-roles/`, [
      { name: 'B3', slug: 'b3' },
      { name: 'B1', slug: 'b1x' },
    ]);
    assert.deepEqual([clash.status, clash.body], [400, { name: ['Secret Role with this name already exists.'] }]);
    assert.equal((await s.plain('GET', `${P}/secret-roles/?slug=b3`)).body.count, 0, 'a failed batch leaves nothing');
    const described = await s.plain(
      'PATCH',
      `${P}/secret-roles/`,
      bulk.body.map((r: any) => ({ id: r.id, description: 'New description' })),
    );
    assert.deepEqual(
      described.body.map((r: any) => r.description),
      ['New description', 'New description'],
    );
    assert.equal(
      (
        await s.plain(
          'DELETE',
          `${P}/secret-roles/`,
          bulk.body.map((r: any) => ({ id: r.id })),
        )
      ).status,
      204,
    );
    assert.equal((await s.plain('GET', `${P}/secret-roles/?slug=b1&slug=b2`)).body.count, 0);

    const parent = await s.plain('POST', `${P}/secret-roles/`, { name: 'Parent', slug: 'parent' });
    const child = await s.plain('POST', `${P}/secret-roles/`, { name: 'Child', slug: 'child', parent: parent.body.id });
    assert.deepEqual([child.body.parent.id, child.body._depth], [parent.body.id, 1]);
    await s.call('POST', `${P}/secrets/`, {
      assigned_object_type: 'dcim.device',
      assigned_object_id: s.deviceId,
      role: child.body.id,
      name: 'kid',
      plaintext: 'k',
    });
    const count = async (q: string) => (await s.plain('GET', `${P}/secret-roles/?${q}`)).body.count;
    assert.equal(await count(`parent_id=${parent.body.id}`), 1);
    assert.equal(await count('parent=parent'), 1);
    assert.equal(await count(`ancestor_id=${parent.body.id}`), 1);
    assert.equal(await count('ancestor=parent'), 1);
    assert.equal(await count('q=chi'), 1);
    assert.equal(
      (await s.plain('GET', `${P}/secret-roles/${parent.body.id}/`)).body.secret_count,
      1,
      'cumulative over descendants',
    );
    assert.equal(
      (await s.plain('PATCH', `${P}/secret-roles/${parent.body.id}/`, { parent: child.body.id })).status,
      400,
    );

    const legacy = await s.plain('GET', `${L}/secret-roles/${s.roleId}/`);
    assert.deepEqual(Object.keys(legacy.body), [
      'id',
      'url',
      'display',
      'name',
      'slug',
      'description',
      'custom_fields',
      'created',
      'last_updated',
      'secret_count',
    ]);
    assert.deepEqual(Object.keys((await s.plain('GET', `${L}/secret-roles/?brief=1`)).body.results[0]).sort(), [
      'display',
      'id',
      'name',
      'secret_count',
      'slug',
      'url',
    ]);
    assert.equal((await s.plain('GET', `${L}/secret-roles/?slug=parent&slug=child`)).body.count, 2);
  });

  it('inventory: devices and VMs CRUD; deleting a device deletes its secrets', async () => {
    const dev = await s.plain('POST', '/api/dcim/devices/', { name: 'doomed', description: 'd' });
    assert.deepEqual(Object.keys(dev.body), [
      'id',
      'url',
      'display_url',
      'display',
      'name',
      'description',
      'created',
      'last_updated',
      'tags',
      'custom_fields',
    ]);
    assert.deepEqual((await s.plain('POST', '/api/dcim/devices/', {})).body, { name: ['This field is required.'] });
    assert.equal(
      (await s.plain('PATCH', `/api/dcim/devices/${dev.body.id}/`, { name: 'doomed2' })).body.display,
      'doomed2',
    );
    assert.equal((await s.plain('GET', '/api/dcim/devices/?name=doomed2')).body.count, 1);
    assert.deepEqual(Object.keys((await s.plain('GET', '/api/dcim/devices/?brief=1')).body.results[0]), [
      'id',
      'url',
      'display',
      'name',
      'description',
    ]);
    const secret = await s.call('POST', `${P}/secrets/`, {
      assigned_object_type: 'dcim.device',
      assigned_object_id: dev.body.id,
      role: s.roleId,
      name: 'gone',
      plaintext: 'g',
    });
    assert.equal((await s.plain('DELETE', `/api/dcim/devices/${dev.body.id}/`)).status, 204);
    assert.equal((await s.plain('GET', `${P}/secrets/${secret.body.id}/`)).status, 404);
    assert.equal((await s.plain('GET', `/api/dcim/devices/${dev.body.id}/`)).status, 404);
    const vm = await s.plain('POST', '/api/virtualization/virtual-machines/', { name: 'vm-x' });
    assert.equal((await s.plain('GET', `/api/virtualization/virtual-machines/${vm.body.id}/`)).body.name, 'vm-x');
    assert.equal((await s.plain('DELETE', `/api/virtualization/virtual-machines/${vm.body.id}/`)).status, 204);
  });
});
