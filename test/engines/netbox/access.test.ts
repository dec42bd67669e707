import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { as, L, P, rsaPair, secretBody, unlockedAdmin, userWithGrants } from './helpers.js';

forEachDialect('netbox permissions', (dialect) => {
  let hush: RunningHush;
  let s: Awaited<ReturnType<typeof unlockedAdmin>>;
  let ids: number[];
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    s = await unlockedAdmin(hush);
    const created = await s.call(
      'POST',
      `${P}/secrets/`,
      ['ABC', 'DEF', 'GHI'].map((n) => secretBody(s.deviceId, s.roleId, n, n)),
    );
    ids = created.body.map((r: any) => r.id);
  });
  after(() => hush.close());

  it('model permissions map GET/POST/PATCH/DELETE to view/add/change/delete on both APIs', async () => {
    const none = await userWithGrants(hush, 'nobody', []);
    const call = as(hush, none.token);
    for (const base of [P, L]) {
      assert.equal((await call('GET', `${base}/secrets/`)).status, 403);
      assert.equal((await call('GET', `${base}/secrets/${ids[0]}/`)).status, 403);
      assert.equal((await call('GET', `${base}/secret-roles/`)).status, 403);
      assert.deepEqual((await call('POST', `${base}/secret-roles/`, { name: 'n', slug: 'n' })).body, {
        detail: 'You do not have permission to perform this action.',
      });
    }
    assert.equal((await call('GET', `${P}/user-keys/`)).status, 403);
    assert.equal((await call('GET', '/api/dcim/devices/')).status, 403);
    // Session-key and key-pair endpoints need authentication only.
    assert.equal((await call('GET', `${P}/generate-rsa-key-pair/`)).status, 200);
    assert.equal((await call('GET', `${P}/session-key/`)).status, 404);

    const viewer = await userWithGrants(hush, 'viewer', [
      { objectTypes: ['netbox_secrets.secret'], actions: ['view'] },
    ]);
    const v = as(hush, viewer.token);
    assert.equal((await v('GET', `${P}/secrets/`)).body.count, 3);
    assert.equal((await v('DELETE', `${P}/secrets/${ids[0]}/`)).status, 403);
    assert.equal((await v('PATCH', `${P}/secrets/${ids[0]}/`, { name: 'x' })).status, 403);
    assert.equal((await v('POST', `${P}/secrets/`, secretBody(s.deviceId, s.roleId, 'JKL'))).status, 403);
  });

  it('object permissions narrow lists and hide other objects as 404', async () => {
    const scoped = await userWithGrants(hush, 'scoped', [
      { objectTypes: ['netbox_secrets.secret'], actions: ['view'], objectId: String(ids[0]) },
    ]);
    const call = as(hush, scoped.token);
    assert.equal((await call('GET', `${P}/secrets/${ids[0]}/`)).status, 200);
    assert.equal((await call('GET', `${P}/secrets/${ids[1]}/`)).status, 404);
    const list = await call('GET', `${P}/secrets/`);
    assert.deepEqual(
      list.body.results.map((r: any) => r.id),
      [ids[0]],
    );
    assert.equal((await call('GET', `${L}/secrets/${ids[1]}/`)).status, 404);
  });

  it('an active user with every secrets permission works end to end with their own session key', async () => {
    const writer = await userWithGrants(hush, 'writer', [
      {
        objectTypes: ['netbox_secrets.secret', 'netbox_secrets.userkey'],
        actions: ['view', 'add', 'change', 'delete'],
      },
    ]);
    const pair = rsaPair();
    const key = await as(hush, writer.token)('POST', `${P}/user-keys/`, { public_key: pair.publicKey });
    await s.plain('POST', `${P}/user-keys/activate/`, { private_key: s.pair.privateKey, user_key_ids: [key.body.id] });
    const sk = (await as(hush, writer.token)('POST', `${P}/session-key/`, { private_key: pair.privateKey })).body
      .session_key;
    const call = as(hush, writer.token, sk);
    const created = await call('POST', `${L}/secrets/`, {
      device: s.deviceId,
      role: s.roleId,
      name: 'Secret 4',
      plaintext: 'JKL',
    });
    assert.equal(created.status, 201);
    assert.equal((await call('GET', `${P}/secrets/${created.body.id}/`)).body.plaintext, 'JKL');
    assert.equal((await call('PATCH', `${P}/secrets/${created.body.id}/`, { plaintext: 'MNO' })).status, 200);
    assert.equal((await call('DELETE', `${P}/secrets/${created.body.id}/`)).status, 204);
    // The admin's session key is not the writer's: it is "invalid" for the writer.
    assert.deepEqual((await as(hush, writer.token, s.sessionKey)('GET', `${P}/secrets/`)).body, [
      'Invalid session key.',
    ]);
  });

  it('a read-only token reads but cannot write; it may still open a session key', async () => {
    const ro = await userWithGrants(
      hush,
      'reader',
      [
        {
          objectTypes: ['netbox_secrets.secret', 'netbox_secrets.secretrole'],
          actions: ['view', 'add', 'change', 'delete'],
        },
      ],
      false,
    );
    const call = as(hush, ro.token);
    assert.equal((await call('GET', `${P}/secrets/`)).status, 200);
    assert.equal((await call('POST', `${P}/secret-roles/`, { name: 'ro', slug: 'ro' })).status, 403);
    assert.equal((await call('PATCH', `${P}/secret-roles/${s.roleId}/`, { description: 'ro' })).status, 403);
    assert.equal((await call('DELETE', `${P}/secrets/${ids[2]}/`)).status, 403);
    assert.equal((await call('POST', `${P}/session-key/`, {})).body, 'Private key was not provided.');
  });

  it('deleting a device or VM deletes its secrets only for a caller who may delete each of them, auditing each', async () => {
    const device = (await s.plain('POST', '/api/dcim/devices/', { name: 'rack-7' })).body.id;
    const vm = (await s.plain('POST', '/api/virtualization/virtual-machines/', { name: 'vm-7' })).body.id;
    const onDevice = (
      await s.call(
        'POST',
        `${P}/secrets/`,
        ['a', 'b'].map((n) => secretBody(device, s.roleId, n, n)),
      )
    ).body.map((r: any) => r.id);
    const onVm = (
      await s.call('POST', `${P}/secrets/`, {
        ...secretBody(vm, s.roleId, 'c', 'c'),
        assigned_object_type: 'virtualization.virtualmachine',
      })
    ).body.id;
    const remover = await userWithGrants(hush, 'remover', [
      { objectTypes: ['dcim.device', 'virtualization.virtualmachine'], actions: ['view', 'delete'] },
    ]);
    const call = as(hush, remover.token);

    const refused = await call('DELETE', `/api/dcim/devices/${device}/`);
    assert.equal(refused.status, 403);
    assert.equal(
      refused.body.detail,
      'Deleting this Device would delete the 2 secrets assigned to it, and you do not have permission to delete them (netbox_secrets.secret delete). Delete or reassign the secrets first, or ask for that permission.',
    );
    assert.equal((await call('DELETE', `/api/virtualization/virtual-machines/${vm}/`)).status, 403);
    for (const id of [...onDevice, onVm])
      assert.equal((await s.plain('GET', `${P}/secrets/${id}/`)).status, 200, `secret ${id} is still there`);
    assert.equal((await s.plain('GET', `/api/dcim/devices/${device}/`)).status, 200);

    // Delete on one of the two secrets is not enough; on both it is, and each secret deleted gets its own entry.
    await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: 'remover one',
        object_types: ['netbox_secrets.secret'],
        actions: ['delete'],
        users: [remover.id],
        constraints: { id: onDevice[0] },
      },
    });
    assert.match(
      (await call('DELETE', `/api/dcim/devices/${device}/`)).body.detail,
      /do not have permission to delete 1 of them/,
    );
    await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: 'remover two',
        object_types: ['netbox_secrets.secret'],
        actions: ['delete'],
        users: [remover.id],
        constraints: { id: onDevice[1] },
      },
    });
    assert.equal((await call('DELETE', `/api/dcim/devices/${device}/`)).status, 204);
    for (const id of onDevice) {
      assert.equal((await s.plain('GET', `${P}/secrets/${id}/`)).status, 404);
      const entry = await hush.request(
        'GET',
        `/api/core/audit-log/?engine=netbox&action=secret.delete&object_id=${id}`,
      );
      assert.deepEqual(
        entry.body.results.map((e: any) => [e.actor.username, e.details.cascade]),
        [['remover', 'dcim.device']],
      );
    }
    // No secrets attached: the device permission alone suffices, as before.
    const empty = (await s.plain('POST', '/api/dcim/devices/', { name: 'empty' })).body.id;
    assert.equal((await call('DELETE', `/api/dcim/devices/${empty}/`)).status, 204);
  });
});
