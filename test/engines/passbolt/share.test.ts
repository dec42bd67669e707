import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createResource, decryptWith, encryptFor, generateKeyPair, passboltUser, type PbUser } from './helpers.js';

const keys = {
  ada: generateKeyPair('ada'),
  betty: generateKeyPair('betty'),
  carol: generateKeyPair('carol'),
  dora: generateKeyPair('dora'),
};

forEachDialect('passbolt sharing', (dialect) => {
  let hush: RunningHush;
  let ada: PbUser;
  let betty: PbUser;
  let carol: PbUser;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    [ada, betty, carol] = [
      await passboltUser(hush, 'ada', await keys.ada),
      await passboltUser(hush, 'betty', await keys.betty),
      await passboltUser(hush, 'carol', await keys.carol),
    ];
  });
  after(() => hush.close());

  const permissionOf = async (owner: PbUser, resourceId: string, user: PbUser) =>
    (await owner.call('GET', `/permissions/resource/${resourceId}.json`)).body.body.find(
      (p: any) => p.aro_foreign_key === user.id,
    );

  it('simulates, then shares with a new user who can read and decrypt their own copy', async () => {
    const id = await createResource(ada, 'shared', 's3cret');
    const change = {
      permissions: [
        { is_new: true, aro: 'User', aro_foreign_key: betty.id, aco: 'Resource', aco_foreign_key: id, type: 1 },
      ],
    };
    const sim = await ada.call('POST', `/share/simulate/resource/${id}.json`, change);
    assert.equal(sim.status, 200);
    assert.deepEqual(sim.body.body, { changes: { added: [{ User: { id: betty.id } }], removed: [] } });
    assert.equal((await betty.call('GET', `/secrets/resource/${id}.json`)).status, 404);

    const share = await ada.call('PUT', `/share/resource/${id}.json`, {
      ...change,
      secrets: [{ user_id: betty.id, data: await encryptFor('s3cret', betty.publicKey) }],
    });
    assert.equal(share.status, 200, JSON.stringify(share.body));
    const copy = await betty.call('GET', `/secrets/resource/${id}.json`);
    assert.equal(copy.status, 200);
    assert.equal(copy.body.body.user_id, betty.id);
    assert.equal(await decryptWith(copy.body.body.data, betty.privateKey), 's3cret');
    const listed = (await betty.call('GET', '/resources.json?contain[permission]=1')).body.body.find(
      (r: any) => r.id === id,
    );
    assert.equal(listed.permission.type, 1);
    const holders = (await ada.call('GET', `/users.json?filter[has-access]=${id}`)).body.body
      .map((u: any) => u.username)
      .sort();
    assert.deepEqual(holders, ['ada', 'betty']);
  });

  it('refuses a share without a copy for each new user, with a copy for the wrong key, or for someone not added', async () => {
    const id = await createResource(ada, 'strict', 'x');
    const add = (user: PbUser) => ({ aro: 'User', aro_foreign_key: user.id, type: 7 });
    const none = await ada.call('PUT', `/share/resource/${id}.json`, { permissions: [add(betty)], secrets: [] });
    assert.equal(none.status, 400);
    assert.ok(none.body.body.secrets.secrets_provided);
    const wrongKey = await ada.call('PUT', `/share/resource/${id}.json`, {
      permissions: [add(betty)],
      secrets: [{ user_id: betty.id, data: await encryptFor('x', carol.publicKey) }],
    });
    assert.ok(wrongKey.body.body.secrets['0'].data.wrongRecipient);
    const extra = await ada.call('PUT', `/share/resource/${id}.json`, {
      permissions: [add(betty)],
      secrets: [
        { user_id: betty.id, data: await encryptFor('x', betty.publicKey) },
        { user_id: carol.id, data: await encryptFor('x', carol.publicKey) },
      ],
    });
    assert.ok(extra.body.body.secrets['1'].user_id.has_resource_access);
    const badType = await ada.call('PUT', `/share/resource/${id}.json`, {
      permissions: [{ aro: 'User', aro_foreign_key: betty.id, type: 3 }],
    });
    assert.ok(badType.body.body.permissions['0'].type.inList);
    // Nothing of the refused shares was applied.
    assert.equal((await betty.call('GET', `/resources/${id}.json`)).status, 404);
    assert.equal((await ada.call('GET', `/permissions/resource/${id}.json`)).body.body.length, 1);
  });

  it('keeps at least one owner, and lets only owners share (others get a 404)', async () => {
    const id = await createResource(ada, 'owned', 'x');
    const own = await permissionOf(ada, id, ada);
    const orphan = await ada.call('PUT', `/share/resource/${id}.json`, { permissions: [{ id: own.id, delete: true }] });
    assert.equal(orphan.status, 400);
    assert.deepEqual(orphan.body.body.permissions, {
      at_least_one_owner: 'The permissions should contain at least the owner permission.',
    });
    const demote = await ada.call('PUT', `/share/resource/${id}.json`, { permissions: [{ id: own.id, type: 7 }] });
    assert.ok(demote.body.body.permissions.at_least_one_owner);
    const sim = await ada.call('POST', `/share/simulate/resource/${id}.json`, {
      permissions: [{ id: own.id, delete: true }],
    });
    assert.ok(sim.body.body.permissions.at_least_one_owner);

    await ada.call('PUT', `/share/resource/${id}.json`, {
      permissions: [{ aro: 'User', aro_foreign_key: betty.id, type: 7 }],
      secrets: [{ user_id: betty.id, data: await encryptFor('x', betty.publicKey) }],
    });
    const byEditor = await betty.call('PUT', `/share/resource/${id}.json`, {
      permissions: [{ aro: 'User', aro_foreign_key: carol.id, type: 1 }],
      secrets: [{ user_id: carol.id, data: await encryptFor('x', carol.publicKey) }],
    });
    assert.equal(byEditor.status, 404);
    assert.equal((await carol.call('PUT', `/share/resource/${id}.json`, { permissions: [] })).status, 404);
    assert.equal((await ada.call('PUT', '/share/resource/nope.json', { permissions: [] })).status, 400);
  });

  it('removes a user: their copy is deleted with their permission; ownership can move', async () => {
    const id = await createResource(ada, 'handover', 'x');
    await ada.call('PUT', `/share/resource/${id}.json`, {
      permissions: [{ aro: 'User', aro_foreign_key: betty.id, type: 15 }],
      secrets: [{ user_id: betty.id, data: await encryptFor('x', betty.publicKey) }],
    });
    const adaPerm = await permissionOf(betty, id, ada);
    const sim = await betty.call('POST', `/share/simulate/resource/${id}.json`, {
      permissions: [{ id: adaPerm.id, delete: true }],
    });
    assert.deepEqual(sim.body.body.changes, { added: [], removed: [{ User: { id: ada.id } }] });
    const res = await betty.call('PUT', `/share/resource/${id}.json`, {
      permissions: [{ id: adaPerm.id, delete: true }],
    });
    assert.equal(res.status, 200);
    assert.equal((await ada.call('GET', `/secrets/resource/${id}.json`)).status, 404);
    assert.equal((await betty.call('GET', `/secrets/resource/${id}.json`)).status, 200);
    const log = await hush.request('GET', `/api/core/audit-log/?engine=passbolt&object_id=${id}&action=secret.delete`);
    assert.equal(log.body.count, 1);
  });

  it('lets editors update the secret with copies for everyone, readers neither update nor delete', async () => {
    const id = await createResource(ada, 'team', 'v1');
    await ada.call('PUT', `/share/resource/${id}.json`, {
      permissions: [
        { aro: 'User', aro_foreign_key: betty.id, type: 7 },
        { aro: 'User', aro_foreign_key: carol.id, type: 1 },
      ],
      secrets: [
        { user_id: betty.id, data: await encryptFor('v1', betty.publicKey) },
        { user_id: carol.id, data: await encryptFor('v1', carol.publicKey) },
      ],
    });
    const denied = await carol.call('PUT', `/resources/${id}.json`, { name: 'mine' });
    assert.equal(denied.status, 403);
    assert.equal((await carol.call('DELETE', `/resources/${id}.json`)).status, 403);
    const onlyTwo = await betty.call('PUT', `/resources/${id}.json`, {
      secrets: [ada, betty].map((u) => ({ user_id: u.id, data: '' })),
    });
    assert.equal(onlyTwo.status, 400);
    const secrets = await Promise.all(
      [ada, betty, carol].map(async (u) => ({ user_id: u.id, data: await encryptFor('v2', u.publicKey) })),
    );
    const updated = await betty.call('PUT', `/resources/${id}.json`, { name: 'team (rotated)', secrets });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.body.modified_by, betty.id);
    for (const u of [ada, betty, carol]) {
      const copy = await u.call('GET', `/secrets/resource/${id}.json`);
      assert.equal(await decryptWith(copy.body.body.data, u.privateKey), 'v2');
    }
    assert.equal((await betty.call('DELETE', `/resources/${id}.json`)).status, 200);
    assert.equal((await carol.call('GET', `/secrets/resource/${id}.json`)).status, 404);
  });

  it('leaves deactivated users out: no share to them, and a new secret needs no copy for them (their old one goes)', async () => {
    const dora = await passboltUser(hush, 'dora', await keys.dora);
    const id = await createResource(ada, 'with-dora', 'v1');
    await ada.call('PUT', `/share/resource/${id}.json`, {
      permissions: [{ aro: 'User', aro_foreign_key: dora.id, type: 1 }],
      secrets: [{ user_id: dora.id, data: await encryptFor('v1', dora.publicKey) }],
    });
    const coreId = (await hush.request('GET', '/api/users/users/?username=dora')).body.results[0].id;
    assert.equal(
      (await hush.request('PATCH', `/api/users/users/${coreId}/`, { body: { is_active: false } })).status,
      200,
    );
    assert.deepEqual(
      (await ada.call('GET', `/users.json?filter[has-access]=${id}`)).body.body.map((u: any) => u.username),
      ['ada'],
    );
    const rotated = await ada.call('PUT', `/resources/${id}.json`, {
      secrets: [{ user_id: ada.id, data: await encryptFor('v2', ada.publicKey) }],
    });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const other = await createResource(ada, 'not-for-dora', 'x');
    const refused = await ada.call('PUT', `/share/resource/${other}.json`, {
      permissions: [{ aro: 'User', aro_foreign_key: dora.id, type: 1 }],
      secrets: [{ user_id: dora.id, data: await encryptFor('x', dora.publicKey) }],
    });
    assert.ok(refused.body.body.permissions['0'].aro_foreign_key.aro_exists);
  });
});
