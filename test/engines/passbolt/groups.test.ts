import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createResource, decryptWith, encryptFor, generateKeyPair, passboltUser, type PbUser } from './helpers.js';

const keys = {
  ada: generateKeyPair('ada'),
  betty: generateKeyPair('betty'),
  carol: generateKeyPair('carol'),
};

/**
 * Groups as Passbolt has them: administrators create them, managers change the members, a resource shared with a
 * group reaches every member (each with their own copy), a member added gets copies in the same request (the dry run
 * names them), a member removed loses the copies they no longer hold, and a group that owns a resource alone stays.
 */
forEachDialect('passbolt groups', (dialect) => {
  let hush: RunningHush;
  let ada: PbUser; // an administrator (Hush superuser)
  let betty: PbUser;
  let carol: PbUser;
  let groupId: string;
  let resourceId: string;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    ada = await passboltUser(hush, 'ada', await keys.ada);
    betty = await passboltUser(hush, 'betty', await keys.betty);
    carol = await passboltUser(hush, 'carol', await keys.carol);
    const users = (await hush.request('GET', '/api/users/users/?username=ada')).body.results;
    const promoted = await hush.request('PATCH', `/api/users/users/${users[0].id}/`, { body: { is_superuser: true } });
    assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
  });
  after(() => hush.close());

  const readSecret = async (user: PbUser, id: string) => {
    const res = await user.call('GET', `/secrets/resource/${id}.json`);
    return res.status === 200 ? decryptWith(res.body.body.data, user.privateKey) : res.status;
  };

  it('lets administrators create a group with at least one manager, with unique names', async () => {
    const body = {
      name: 'Operations',
      groups_users: [
        { user_id: ada.id, is_admin: true },
        { user_id: betty.id, is_admin: false },
      ],
    };
    assert.equal((await betty.call('POST', '/groups.json', body)).status, 403, 'a user is no administrator');
    const noManager = await ada.call('POST', '/groups.json', { name: 'Nobody', groups_users: [{ user_id: betty.id }] });
    assert.equal(noManager.status, 400);
    assert.ok(noManager.body.body.groups_users.at_least_one_group_manager, JSON.stringify(noManager.body));
    const created = await ada.call('POST', '/groups.json', body);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.header.message, 'The group has been added successfully.');
    groupId = created.body.body.id;
    assert.deepEqual(
      created.body.body.groups_users.map((m: any) => [m.user_id, m.is_admin]).sort(),
      [
        [ada.id, true],
        [betty.id, false],
      ].sort(),
    );
    const again = await ada.call('POST', '/groups.json', { ...body, name: 'OPERATIONS' });
    assert.equal(again.status, 400);
    assert.ok(again.body.body.name.group_unique);
    const badUser = await ada.call('POST', '/groups.json', {
      name: 'Ghosts',
      groups_users: [{ user_id: crypto.randomUUID(), is_admin: true }],
    });
    assert.equal(badUser.status, 400);
    assert.ok(badUser.body.body.groups_users['0'].user_id.user_exists);
  });

  it('lists and shows groups with their members, filtered by member and manager', async () => {
    const all = await betty.call(
      'GET',
      `/groups.json?contain[groups_users.user.profile]=1&contain[my_group_user]=1&filter[has-users][]=${betty.id}`,
    );
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.body.map((g: any) => g.name),
      ['Operations'],
    );
    const [group] = all.body.body;
    assert.equal(group.my_group_user.user_id, betty.id);
    assert.equal(group.my_group_user.is_admin, false);
    assert.equal(group.groups_users.find((m: any) => m.user_id === betty.id).user.profile.first_name, 'Betty');
    const managed = await ada.call('GET', `/groups.json?filter[has-managers][]=${betty.id}`);
    assert.deepEqual(managed.body.body, []);
    const legacy = await ada.call('GET', `/groups/${groupId}.json?contain[group_user]=1`);
    assert.equal(legacy.body.body.groups_users.length, 2);
    assert.equal((await ada.call('GET', `/groups/${crypto.randomUUID()}.json`)).status, 404);
    assert.equal((await ada.call('GET', '/groups/nope.json')).status, 400);
  });

  it('shares a resource with the group: every member gets their own copy and reads it', async () => {
    resourceId = await createResource(ada, 'ops database', 'gr0up-s3cret');
    const change = {
      permissions: [
        { is_new: true, aro: 'Group', aro_foreign_key: groupId, aco: 'Resource', aco_foreign_key: resourceId, type: 1 },
      ],
    };
    const sim = await ada.call('POST', `/share/simulate/resource/${resourceId}.json`, change);
    assert.equal(sim.status, 200, JSON.stringify(sim.body));
    assert.deepEqual(sim.body.body.changes, { added: [{ User: { id: betty.id } }], removed: [] });
    const missing = await ada.call('PUT', `/share/resource/${resourceId}.json`, change);
    assert.equal(missing.status, 400, 'the member needs a copy');
    const shared = await ada.call('PUT', `/share/resource/${resourceId}.json`, {
      ...change,
      secrets: [{ user_id: betty.id, data: await encryptFor('gr0up-s3cret', betty.publicKey) }],
    });
    assert.equal(shared.status, 200, JSON.stringify(shared.body));
    assert.equal(await readSecret(betty, resourceId), 'gr0up-s3cret');
    assert.equal(await readSecret(carol, resourceId), 404);

    const listed = await betty.call('GET', '/resources.json?contain[permission]=1');
    const mine = listed.body.body.find((r: any) => r.id === resourceId);
    assert.deepEqual(
      [mine.permission.aro, mine.permission.aro_foreign_key, mine.permission.type],
      ['Group', groupId, 1],
    );
    const holders = await ada.call('GET', `/permissions/resource/${resourceId}.json?contain[group]=1&contain[user]=1`);
    const viaGroup = holders.body.body.find((p: any) => p.aro === 'Group');
    assert.equal(viaGroup.group.name, 'Operations');
    assert.equal(viaGroup.user, null);
    const hasAccess = await ada.call('GET', `/users.json?filter[has-access]=${resourceId}`);
    assert.deepEqual(hasAccess.body.body.map((u: any) => u.id).sort(), [ada.id, betty.id].sort());
    const aros = await ada.call('GET', '/share/search-aros.json?filter[search]=oper');
    assert.deepEqual(
      aros.body.body.map((a: any) => [a.name, a.user_count]),
      [['Operations', 2]],
    );
    const log = await hush.request(
      'GET',
      `/api/core/audit-log/?engine=passbolt&action=resource.share&object_id=${resourceId}`,
    );
    assert.deepEqual(log.body.results[0].details.added, [betty.id]);
  });

  it('adds a member with the copies the dry run names, and removes one with the copies they lose', async () => {
    const add = { groups_users: [{ user_id: carol.id, is_admin: false }] };
    assert.equal(
      (await betty.call('PUT', `/groups/${groupId}/dry-run.json`, add)).status,
      403,
      'betty manages nothing',
    );
    const dry = await ada.call('PUT', `/groups/${groupId}/dry-run.json`, add);
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual(dry.body.body['dry-run'].SecretsNeeded, [
      { Secret: { resource_id: resourceId, user_id: carol.id } },
    ]);
    const [ownCopy] = dry.body.body['dry-run'].Secrets[0].Secret;
    assert.equal(await decryptWith(ownCopy.data, ada.privateKey), 'gr0up-s3cret');

    const without = await ada.call('PUT', `/groups/${groupId}.json`, add);
    assert.equal(without.status, 400, JSON.stringify(without.body));
    const withCopy = await ada.call('PUT', `/groups/${groupId}.json`, {
      ...add,
      secrets: [
        { resource_id: resourceId, user_id: carol.id, data: await encryptFor('gr0up-s3cret', carol.publicKey) },
      ],
    });
    assert.equal(withCopy.status, 200, JSON.stringify(withCopy.body));
    assert.equal(withCopy.body.body.groups_users.length, 3);
    assert.equal(await readSecret(carol, resourceId), 'gr0up-s3cret');

    // A secret update now needs a copy for all three.
    const holders = (await ada.call('GET', `/users.json?filter[has-access]=${resourceId}`)).body.body;
    assert.equal(holders.length, 3);
    const two = await ada.call('PUT', `/resources/${resourceId}.json`, {
      secrets: [ada, betty].map((u) => ({ user_id: u.id, data: '' })),
    });
    assert.equal(two.status, 400);

    const bettyRow = withCopy.body.body.groups_users.find((m: any) => m.user_id === betty.id);
    const removed = await ada.call('PUT', `/groups/${groupId}.json`, {
      groups_users: [{ id: bettyRow.id, delete: true }],
    });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal(await readSecret(betty, resourceId), 404);
    assert.equal(await readSecret(carol, resourceId), 'gr0up-s3cret');
    const lastManager = withCopy.body.body.groups_users.find((m: any) => m.user_id === ada.id);
    const orphan = await ada.call('PUT', `/groups/${groupId}.json`, {
      groups_users: [{ id: lastManager.id, is_admin: false }],
    });
    assert.equal(orphan.status, 400, 'a group keeps a manager');
  });

  it('refuses to delete a group that alone owns a resource, and deletes one that does not', async () => {
    const solo = await ada.call('POST', '/groups.json', {
      name: 'Owners',
      groups_users: [{ user_id: ada.id, is_admin: true }],
    });
    const soloId = solo.body.body.id;
    const owned = await createResource(ada, 'owned by a group', 'x');
    const perms = (await ada.call('GET', `/permissions/resource/${owned}.json`)).body.body;
    const toGroup = await ada.call('PUT', `/share/resource/${owned}.json`, {
      permissions: [
        { is_new: true, aro: 'Group', aro_foreign_key: soloId, aco: 'Resource', aco_foreign_key: owned, type: 15 },
        { id: perms[0].id, delete: true },
      ],
    });
    assert.equal(toGroup.status, 200, JSON.stringify(toGroup.body));
    assert.equal(await readSecret(ada, owned), 'x', 'ada holds it through the group now');
    const refused = await ada.call('DELETE', `/groups/${soloId}.json`);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    // Passbolt's shape, which the extension's transfer dialog reads: the resources under errors.resources.sole_owner.
    assert.deepEqual(
      refused.body.body.errors.resources.sole_owner.map((r: any) => r.id),
      [owned],
    );
    const onlyGroups = await ada.call('GET', `/resources.json?filter[is-shared-with-group]=${soloId}`);
    assert.deepEqual(
      onlyGroups.body.body.map((r: any) => r.id),
      [owned],
    );

    const dry = await ada.call('DELETE', `/groups/${groupId}/dry-run.json`);
    assert.equal(dry.status, 200);
    assert.deepEqual(
      dry.body.body.map((r: any) => r.id),
      [resourceId],
    );
    assert.equal((await betty.call('DELETE', `/groups/${groupId}.json`)).status, 403);
    const gone = await ada.call('DELETE', `/groups/${groupId}.json`);
    assert.equal(gone.status, 200, JSON.stringify(gone.body));
    assert.equal(await readSecret(carol, resourceId), 404, 'carol held it through the group only');
    assert.equal(await readSecret(ada, resourceId), 'gr0up-s3cret', 'ada owns it directly');
    assert.equal((await ada.call('GET', `/groups/${groupId}.json`)).status, 404);
    const actions = (
      await hush.request('GET', '/api/core/audit-log/?engine=passbolt&object_type=passbolt.group')
    ).body.results.map((e: any) => e.action);
    for (const a of ['group.create', 'group.update', 'group.delete']) assert.ok(actions.includes(a), a);
  });

  it('names only members who can log in as gaining access, and needs copies for them only', async () => {
    const dora = await passboltUser(hush, 'dora');
    const mixed = await ada.call('POST', '/groups.json', {
      name: 'Mixed',
      groups_users: [
        { user_id: ada.id, is_admin: true },
        { user_id: dora.id, is_admin: false },
      ],
    });
    assert.equal(mixed.status, 200, JSON.stringify(mixed.body));
    const doraUser = (await hush.request('GET', '/api/users/users/?username=dora')).body.results[0];
    assert.equal(
      (await hush.request('PATCH', `/api/users/users/${doraUser.id}/`, { body: { is_active: false } })).status,
      200,
    );
    const id = await createResource(ada, 'for the mixed group', 'm1x');
    const change = {
      permissions: [
        { aro: 'Group', aro_foreign_key: mixed.body.body.id, aco: 'Resource', aco_foreign_key: id, type: 1 },
      ],
    };
    const sim = await ada.call('POST', `/share/simulate/resource/${id}.json`, change);
    assert.deepEqual(sim.body.body.changes.added, [], 'dora is deactivated');
    assert.equal((await ada.call('PUT', `/share/resource/${id}.json`, change)).status, 200);
  });

  it('keeps every holder with a copy when a member is added while the group is given a resource', async () => {
    const erin = await passboltUser(hush, 'erin');
    for (let round = 0; round < 4; round++) {
      const team = await ada.call('POST', '/groups.json', {
        name: `Race ${round}`,
        groups_users: [{ user_id: ada.id, is_admin: true }],
      });
      const teamId = team.body.body.id;
      const first = await createResource(ada, `race ${round} a`, 'r-a');
      const shareFirst = await ada.call('PUT', `/share/resource/${first}.json`, {
        permissions: [{ aro: 'Group', aro_foreign_key: teamId, aco: 'Resource', aco_foreign_key: first, type: 1 }],
      });
      assert.equal(shareFirst.status, 200);
      const second = await createResource(ada, `race ${round} b`, 'r-b');
      // At once: Erin joins (with her copy of the first resource), and the group is given the second one (with no
      // copy for her: the share was planned before she joined).
      const [join, give] = await Promise.all([
        ada.call('PUT', `/groups/${teamId}.json`, {
          groups_users: [{ user_id: erin.id, is_admin: false }],
          secrets: [{ resource_id: first, user_id: erin.id, data: await encryptFor('r-a', erin.publicKey) }],
        }),
        ada.call('PUT', `/share/resource/${second}.json`, {
          permissions: [{ aro: 'Group', aro_foreign_key: teamId, aco: 'Resource', aco_foreign_key: second, type: 1 }],
        }),
      ]);
      assert.ok(
        [join.status, give.status].every((s) => s === 200 || s === 400),
        `${join.status} ${give.status}`,
      );
      // Whatever won: every resource Erin can see, she can read.
      const visible = (await erin.call('GET', '/resources.json')).body.body.map((r: any) => r.id);
      for (const id of visible) assert.equal(typeof (await readSecret(erin, id)), 'string', `round ${round}: ${id}`);
    }
  });
});
