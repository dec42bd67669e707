import assert from 'node:assert/strict';
import { before, after, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { userWithGrants } from '../../helpers/users.js';

const ENV_A = '0b7cfa5e-1111-4c3e-9a55-000000000001';
const ENV_B = '0b7cfa5e-1111-4c3e-9a55-000000000002';

/**
 * The three grants that used to be a superuser in disguise (`users.user change`, `users.objectpermission add`,
 * `users.token add`), each tried the way an attacker holding it would, through real HTTP.
 */
forEachDialect('admin API: no grant is a superuser in disguise', (dialect) => {
  let hush: RunningHush;
  let root2: number;

  const provision = (username: string, password: string) =>
    hush.request('POST', '/api/users/tokens/provision/', { token: null, body: { username, password } });
  const adminTokenCount = async () => (await hush.request('GET', '/api/users/tokens/?user_id=1')).body.count as number;

  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl, env: { HUSH_PROVISION_RATE_LIMIT: '1000' } });
    root2 = (
      await hush.request('POST', '/api/users/users/', {
        body: { username: 'root2', password: 'root2-password', is_superuser: true },
      })
    ).body.id;
  });
  after(() => hush.close());

  it('users.user: nobody makes itself or anyone a superuser, or touches a superuser account', async () => {
    const m = await userWithGrants(hush, 'mallory', [
      { types: ['users.user'], actions: ['view', 'add', 'change', 'delete'] },
    ]);
    const as = (method: string, path: string, body?: unknown) => hush.request(method, path, { token: m.token, body });

    for (const body of [{ is_superuser: true }, { is_staff: true }]) {
      const self = await as('PATCH', `/api/users/users/${m.id}/`, body);
      assert.equal(self.status, 403, JSON.stringify(body));
      assert.equal(self.body.detail, 'Only a superuser can make a user a superuser (is_superuser).');
    }
    assert.equal((await hush.request('GET', `/api/users/users/${m.id}/`)).body.is_superuser, false);
    assert.equal((await as('POST', '/api/users/users/', { username: 'sneaky', is_superuser: true })).status, 403);
    assert.equal((await hush.request('GET', '/api/users/users/?username=sneaky')).body.count, 0);

    const reset = await as('PATCH', `/api/users/users/${root2}/`, { password: 'mallory-knows-this' });
    assert.equal(reset.status, 403);
    assert.equal(reset.body.detail, 'Only a superuser can change the superuser account "root2".');
    assert.equal((await provision('root2', 'mallory-knows-this')).status, 403);
    assert.equal((await provision('root2', 'root2-password')).status, 201);
    assert.equal(
      (await as('PUT', '/api/users/users/1/', { password: 'mallory-knows-this', first_name: 'x' })).status,
      403,
    );
    assert.equal((await as('PATCH', `/api/users/users/${root2}/`, { is_superuser: false })).status, 403);
    assert.equal((await as('PATCH', `/api/users/users/${root2}/`, { is_active: false })).status, 403);
    // 403, not the 400 "last active superuser": the caller hears that it may not, before anything else.
    const del = await as('DELETE', '/api/users/users/1/');
    assert.equal(del.status, 403);
    assert.equal(del.body.detail, 'Only a superuser can delete the superuser account "admin".');
    assert.equal((await hush.request('GET', `/api/users/users/${root2}/`)).body.is_active, true);

    // Ordinary accounts: as before (the permission lets its holder act as them; the README says so).
    const victim = await as('POST', '/api/users/users/', { username: 'victim' });
    assert.equal(victim.status, 201);
    assert.equal(
      (
        await as('PATCH', `/api/users/users/${victim.body.id}/`, {
          first_name: 'V',
          password: 'new-password-1',
          is_superuser: false,
        })
      ).status,
      200,
    );
    assert.equal((await as('DELETE', `/api/users/users/${victim.body.id}/`)).status, 204);
    // A superuser may change another superuser.
    assert.equal(
      (await hush.request('PATCH', `/api/users/users/${root2}/`, { body: { first_name: 'Root' } })).status,
      200,
    );
    const audit = await hush.request('GET', `/api/core/audit-log/?action=user.update&object_id=${root2}`);
    assert.equal(audit.body.count, 1, "only the superuser's change reached the audit log");
  });

  it('users.objectpermission: a holder grants only what it holds itself, on the objects it holds it on', async () => {
    const g = await userWithGrants(hush, 'granter', [
      { types: ['users.objectpermission'], actions: ['view', 'add', 'change', 'delete'] },
      { types: ['netbox_secrets.secret'], actions: ['view'] },
      { types: ['phase.secret'], actions: ['view'], objectId: ENV_A },
    ]);
    const other = await userWithGrants(hush, 'grantee');
    const grant = (body: Record<string, unknown>) =>
      hush.request('POST', '/api/users/permissions/', { token: g.token, body: { users: [other.id], ...body } });

    const itself = await grant({
      name: 'me everything',
      object_types: ['users.user'],
      actions: ['view', 'change'],
      users: [g.id],
    });
    assert.equal(itself.status, 403);
    assert.equal(
      itself.body.detail,
      'You can grant only permissions you hold yourself; you do not hold view, change on users.user.',
    );
    const wider = await grant({ name: 'wider', object_types: ['netbox_secrets.secret'], actions: ['view', 'delete'] });
    assert.equal(wider.status, 403);
    assert.match(wider.body.detail, /you do not hold delete on netbox_secrets\.secret\.$/);
    assert.equal(
      (await grant({ name: 'same', object_types: ['netbox_secrets.secret'], actions: ['view'] })).status,
      201,
    );
    assert.equal(
      (
        await grant({
          name: 'one of them',
          object_types: ['netbox_secrets.secret'],
          actions: ['view'],
          constraints: { id: 5 },
        })
      ).status,
      201,
    );
    assert.equal(
      (await grant({ name: 'env A', object_types: ['phase.secret'], actions: ['view'], constraints: { id: ENV_A } }))
        .status,
      201,
    );
    const everyEnv = await grant({ name: 'every env', object_types: ['phase.secret'], actions: ['view'] });
    assert.equal(everyEnv.status, 403);
    assert.match(everyEnv.body.detail, /you do not hold view on phase\.secret\.$/);
    const envB = await grant({
      name: 'env B',
      object_types: ['phase.secret'],
      actions: ['view'],
      constraints: { id: ENV_B },
    });
    assert.equal(envB.status, 403);
    assert.match(envB.body.detail, new RegExp(`view on phase\\.secret #${ENV_B}\\.$`));
    assert.equal(
      (await hush.request('GET', '/api/users/permissions/?limit=0')).body.results.filter(
        (p: any) => p.name === 'me everything' || p.name === 'wider' || p.name === 'every env' || p.name === 'env B',
      ).length,
      0,
    );

    // Changing a permission: within the holder's own both before and after.
    const same = (await hush.request('GET', '/api/users/permissions/?limit=0')).body.results.find(
      (p: any) => p.name === 'same',
    );
    const widen = await hush.request('PATCH', `/api/users/permissions/${same.id}/`, {
      token: g.token,
      body: { actions: ['view', 'change'], users: [other.id, g.id] },
    });
    assert.equal(widen.status, 403);
    assert.deepEqual((await hush.request('GET', `/api/users/permissions/${same.id}/`)).body.actions, ['view']);
    assert.equal(
      (
        await hush.request('PATCH', `/api/users/permissions/${same.id}/`, {
          token: g.token,
          body: { description: 'fine' },
        })
      ).status,
      200,
    );
    const big = await hush.request('POST', '/api/users/permissions/', {
      body: { name: 'big', object_types: ['users.user'], actions: ['change'], users: [other.id] },
    });
    const rename = await hush.request('PATCH', `/api/users/permissions/${big.body.id}/`, {
      token: g.token,
      body: { name: 'renamed', users: [g.id] },
    });
    assert.equal(rename.status, 403);
    assert.equal(
      rename.body.detail,
      'You can change only permissions you hold yourself; you do not hold change on users.user.',
    );
    const drop = await hush.request('DELETE', `/api/users/permissions/${big.body.id}/`, { token: g.token });
    assert.equal(drop.status, 403);
    assert.match(drop.body.detail, /^You can delete only permissions you hold yourself/);
    assert.deepEqual(
      (await hush.request('GET', `/api/users/permissions/${big.body.id}/`)).body.users.map((u: any) => u.username),
      ['grantee'],
    );
    // A superuser grants anything.
    assert.equal(
      (
        await hush.request('PATCH', `/api/users/permissions/${big.body.id}/`, {
          body: { actions: ['view', 'change', 'delete'] },
        })
      ).status,
      200,
    );
  });

  it('refuses unknown object types, actions, and one-object grants of types no check narrows (400 naming the field)', async () => {
    const post = (body: Record<string, unknown>) =>
      hush.request('POST', '/api/users/permissions/', { body: { name: 'bad', ...body } });
    const type = await post({ object_types: ['phase.environment'], actions: ['view'] });
    assert.equal(type.status, 400);
    assert.match(
      type.body.object_types[0],
      /^unknown object type "phase\.environment"; valid: .*\bphase\.app, phase\.secret\b/,
    );
    for (const t of ['users.user', 'netbox_secrets.secret', 'lists.list', 'core.auditlog', 'dcim.device'])
      assert.ok(type.body.object_types[0].includes(t), t);
    const action = await post({ object_types: ['core.auditlog'], actions: ['view', 'delete'] });
    assert.equal(action.status, 400);
    assert.equal(action.body.actions[0], '"delete" is not an action of core.auditlog; valid: view');
    const scoped = await post({ object_types: ['users.objectpermission'], actions: ['view'], constraints: { id: 1 } });
    assert.equal(scoped.status, 400);
    assert.match(scoped.body.constraints[0], /users\.objectpermission cannot be granted on one object/);
    const both = await post({ object_types: ['nope.nope', 'phase.app'], actions: ['fly'] });
    assert.deepEqual(Object.keys(both.body).sort(), ['actions', 'object_types']);
    const existing = (await post({ name: 'fine', object_types: ['phase.app'], actions: ['view'] })).body;
    const patch = await hush.request('PATCH', `/api/users/permissions/${existing.id}/`, {
      body: { actions: ['levitate'] },
    });
    assert.equal(patch.status, 400);
    assert.match(patch.body.actions[0], /"levitate" is not an action of phase\.app/);
  });

  it("users.token: nobody mints, changes or revokes a superuser's tokens but a superuser", async () => {
    const t = await userWithGrants(hush, 'minter', [
      { types: ['users.token'], actions: ['view', 'add', 'change', 'delete'] },
    ]);
    const plain = await userWithGrants(hush, 'plain');
    const as = (key: string, method: string, path: string, body?: unknown) =>
      hush.request(method, path, { token: key, body });
    const before = await adminTokenCount();

    const mint = await as(t.token, 'POST', '/api/users/tokens/', { user: 1 });
    assert.equal(mint.status, 403);
    assert.equal(mint.body.detail, 'Only a superuser can create tokens of the superuser "admin".');
    assert.equal(await adminTokenCount(), before);
    assert.equal((await as(t.token, 'POST', '/api/users/tokens/', { user: { id: root2 } })).status, 403);
    // Phase's token endpoint: the same rule (the core's token store), in Phase's envelope.
    const phase = await as(t.token, 'POST', '/v1/tokens/', { user: 'admin' });
    assert.equal(phase.status, 403);
    assert.equal(phase.body.error, 'Only a superuser can create tokens of the superuser "admin".');
    assert.equal(await adminTokenCount(), before);

    const adminToken = (await hush.request('GET', '/api/users/tokens/?user_id=1')).body.results[0].id;
    const disable = await as(t.token, 'PATCH', `/api/users/tokens/${adminToken}/`, { enabled: false });
    assert.equal(disable.status, 403);
    assert.equal(disable.body.detail, 'Only a superuser can change tokens of the superuser "admin".');
    assert.equal((await as(t.token, 'DELETE', `/api/users/tokens/${adminToken}/`)).status, 403);
    assert.equal((await hush.request('GET', '/api/users/users/')).status, 200, "the admin's token still works");

    // Other users' tokens: as before, with the permission; without it the refusal names it.
    assert.equal((await as(t.token, 'POST', '/api/users/tokens/', { user: plain.id })).status, 201);
    assert.equal((await as(t.token, 'POST', '/v1/tokens/', { user: 'plain' })).status, 201);
    const denied = await as(plain.token, 'POST', '/api/users/tokens/', { user: t.id });
    assert.equal(denied.status, 403);
    assert.equal(
      denied.body.detail,
      "You can create tokens of your own account only; another user's need the users.token add permission.",
    );
    assert.equal((await as(plain.token, 'POST', '/v1/tokens/', { user: 'minter' })).status, 403);
    assert.equal(
      (await as(plain.token, 'POST', '/api/users/tokens/', {})).status,
      201,
      'own tokens need no permission',
    );
    // A superuser may mint for another superuser.
    assert.equal((await hush.request('POST', '/api/users/tokens/', { body: { user: root2 } })).status, 201);
  });
});
