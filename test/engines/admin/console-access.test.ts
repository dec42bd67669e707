import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHush, type RunningHush } from '../../helpers/server.js';

type Access = {
  user: { username: string; is_superuser: boolean };
  idle_timeout_seconds: number;
  object_types: { name: string; actions: { action: string; reach: string; object_ids: string[] }[] }[];
};

const reachOf = (access: Access, type: string, action: string) =>
  access.object_types.find((t) => t.name === type)?.actions.find((a) => a.action === action);

describe('GET /api/users/me/access/', () => {
  let hush: RunningHush;
  let carol: { id: number; key: string };
  before(async () => {
    hush = await startHush();
    const user = await hush.request('POST', '/api/users/users/', { body: { username: 'carol' } });
    const token = await hush.request('POST', '/api/users/tokens/', { body: { user: user.body.id } });
    carol = { id: user.body.id, key: token.body.key };
  });
  after(() => hush.close());

  it('tells a superuser every declared type and action is reachable', async () => {
    const res = await hush.request('GET', '/api/users/me/access/');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const access = res.body as Access;
    assert.equal(access.user.username, 'admin');
    assert.equal(access.user.is_superuser, true);
    assert.ok(access.idle_timeout_seconds > 0);
    for (const type of ['phase.app', 'phase.secret', 'users.token', 'core.auditlog'])
      assert.ok(
        access.object_types.some((t) => t.name === type),
        type,
      );
    assert.ok(access.object_types.every((t) => t.actions.every((a) => a.reach === 'all')));
  });

  it('tells another user only what their grants give, with the objects of object-scoped grants', async () => {
    const before = (await hush.request('GET', '/api/users/me/access/', { token: carol.key })).body as Access;
    assert.ok(
      before.object_types.every((t) => t.actions.every((a) => a.reach === 'none' && a.object_ids.length === 0)),
    );
    const grants = [
      { name: 'carol views audit', object_types: ['core.auditlog'], actions: ['view'], users: [carol.id] },
      {
        name: 'carol app one',
        object_types: ['phase.app'],
        actions: ['view', 'change'],
        constraints: { id: 'app-1' },
        users: [carol.id],
      },
      {
        name: 'carol app two',
        object_types: ['phase.app'],
        actions: ['view'],
        constraints: { id: 'app-2' },
        users: [carol.id],
      },
    ];
    for (const body of grants)
      assert.equal((await hush.request('POST', '/api/users/permissions/', { body })).status, 201);
    const access = (await hush.request('GET', '/api/users/me/access/', { token: carol.key })).body as Access;
    assert.equal(access.user.is_superuser, false);
    assert.deepEqual(reachOf(access, 'core.auditlog', 'view'), { action: 'view', reach: 'all', object_ids: [] });
    assert.deepEqual(reachOf(access, 'phase.app', 'view'), {
      action: 'view',
      reach: 'some',
      object_ids: ['app-1', 'app-2'],
    });
    assert.deepEqual(reachOf(access, 'phase.app', 'change'), {
      action: 'change',
      reach: 'some',
      object_ids: ['app-1'],
    });
    assert.equal(reachOf(access, 'phase.app', 'delete')?.reach, 'none');
    assert.equal(reachOf(access, 'users.user', 'view')?.reach, 'none');
  });

  it('needs credentials', async () => {
    assert.equal((await hush.request('GET', '/api/users/me/access/', { token: null })).status, 403);
  });
});
