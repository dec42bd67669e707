import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { listsAs, listWith, userWithListGrants, type ListsCall } from './helpers.js';

// Per-list permissions through the core: object type `lists.list`, actions view/add/change/delete, object = list id.
forEachDialect('lists: permissions per list', (dialect) => {
  let hush: RunningHush;
  let admin: ListsCall;
  let mine: { id: number };
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    admin = listsAs(hush, hush.token);
    mine = await listWith(admin, 'mine', { MINE_A: 'a' });
    await listWith(admin, 'theirs', { THEIRS_A: 't' });
  });
  after(() => hush.close());

  it('view on one list: sees that list and its values only; everything else is 404', async () => {
    const viewer = listsAs(hush, await userWithListGrants(hush, 'viewer', [{ actions: ['view'], listId: mine.id }]));
    assert.deepEqual(
      (await viewer('GET', '/api/secrets/lists')).body.map((l: any) => l.name),
      ['mine'],
    );
    assert.equal((await viewer('GET', '/api/secrets/lists/mine')).status, 200);
    assert.equal((await viewer('GET', '/api/secrets/lists/theirs')).status, 404);
    assert.equal((await viewer('GET', '/api/secrets/lists/theirs/values')).status, 404);
    assert.equal((await viewer('GET', '/api/secrets/lists/theirs/values/THEIRS_A')).status, 404);
    assert.deepEqual(
      (await viewer('GET', '/api/secrets/all-values')).body.map((v: any) => v.secret_key),
      ['MINE_A'],
    );
    assert.equal((await viewer('GET', '/api/secrets/lists/mine/values/MINE_A/history')).status, 200);
  });

  it('view without add/change/delete: 403 on every change of a visible list', async () => {
    const viewer = listsAs(hush, await userWithListGrants(hush, 'viewer2', [{ actions: ['view'], listId: mine.id }]));
    const refused = [
      await viewer('POST', '/api/secrets/lists/mine/values', { secret_key: 'NEW_ONE', secret_value: 'x' }),
      await viewer('POST', '/api/secrets/lists/mine/values/MINE_A', { secret_value: 'x' }),
      await viewer('POST', '/api/secrets/lists/mine/values/MINE_A/restore', { version: 1 }),
      await viewer('DELETE', '/api/secrets/lists/mine/values/MINE_A'),
      await viewer('POST', '/api/secrets/lists/mine', { name: 'renamed' }),
      await viewer('DELETE', '/api/secrets/lists/mine'),
      await viewer('POST', '/api/secrets/lists', { name: 'new-list' }),
    ];
    assert.deepEqual(
      refused.map((r) => r.status),
      [403, 403, 403, 403, 403, 403, 403],
    );
    assert.ok(refused.every((r) => r.body.error.code === 'forbidden'));
  });

  it('each action is granted separately', async () => {
    const token = await userWithListGrants(hush, 'editor', [
      { actions: ['view', 'add', 'change'], listId: mine.id },
      { actions: ['delete'] },
    ]);
    const editor = listsAs(hush, token);
    assert.equal(
      (await editor('POST', '/api/secrets/lists/mine/values', { secret_key: 'EDITOR_KEY', secret_value: 'e' })).status,
      201,
    );
    assert.equal(
      (await editor('POST', '/api/secrets/lists/mine/values/EDITOR_KEY', { secret_value: 'e2' })).status,
      200,
    );
    assert.equal((await editor('POST', '/api/secrets/lists/mine', { name: 'mine' })).status, 200);
    // delete on every list, but only lists it can see can be found.
    assert.equal((await editor('DELETE', '/api/secrets/lists/theirs')).status, 404);
    assert.equal((await editor('DELETE', '/api/secrets/lists/mine/values/EDITOR_KEY')).status, 204);
    // add without an object: creating lists.
    assert.equal((await editor('POST', '/api/secrets/lists', { name: 'editor-list' })).status, 403);
    const creator = listsAs(hush, await userWithListGrants(hush, 'creator', [{ actions: ['add', 'view'] }]));
    assert.equal((await creator('POST', '/api/secrets/lists')).status, 201);
  });

  it('a read-only token reads but never writes', async () => {
    const ro = listsAs(
      hush,
      await userWithListGrants(hush, 'ro', [{ actions: ['view', 'add', 'change', 'delete'] }], { writeEnabled: false }),
    );
    assert.equal((await ro('GET', '/api/secrets/lists/mine/values/MINE_A')).status, 200);
    const write = await ro('POST', '/api/secrets/lists/mine/values/MINE_A', { secret_value: 'x' });
    assert.deepEqual([write.status, write.body.error.code], [403, 'forbidden']);
    assert.equal((await ro('POST', '/api/secrets/render', { template: '${{secret.MINE_A}}' })).body.rendered, 'a');
  });
});
