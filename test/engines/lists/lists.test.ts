import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { listsAs, listWith, type ListsCall } from './helpers.js';

forEachDialect('lists: secret lists', (dialect) => {
  let hush: RunningHush;
  let call: ListsCall;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    call = listsAs(hush, hush.token);
  });
  after(() => hush.close());

  it('creates a list with no payload under a generated unique name, with any Content-Type', async () => {
    const names = new Set<string>();
    const contentTypes: Record<string, string>[] = [
      {},
      { 'content-type': 'application/json' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ];
    for (const headers of contentTypes) {
      const res = await hush.request('POST', '/api/secrets/lists', {
        token: null,
        headers: { authorization: `Bearer ${hush.token}`, ...headers },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body).sort(), ['created_at', 'id', 'name', 'updated_at', 'value_count']);
      assert.match(res.body.name, /^list-[a-z0-9]+$/);
      assert.equal(res.body.value_count, 0);
      names.add(res.body.name);
    }
    assert.equal(names.size, 3);
  });

  it('creates a named list; names are unique (409), trimmed and bounded', async () => {
    const created = await call('POST', '/api/secrets/lists', { name: '  web servers ' });
    assert.deepEqual([created.status, created.body.name], [201, 'web servers']);
    const dup = await call('POST', '/api/secrets/lists', { name: 'web servers' });
    assert.equal(dup.status, 409);
    assert.deepEqual([dup.body.error.code, dup.body.error.field], ['conflict', 'name']);
    assert.match(dup.body.error.message, /web servers/);
    for (const [name, why] of [
      ['', 'empty'],
      ['   ', 'blank'],
      ['12345', 'digits'],
      ['a/b', 'slash'],
      ['x'.repeat(101), 'long'],
      ['tab\there', 'control'],
      [42, 'number'],
    ] as const) {
      const res = await call('POST', '/api/secrets/lists', { name });
      assert.equal(res.status, 400, why);
      assert.deepEqual([res.body.error.code, res.body.error.field], ['invalid', 'name'], why);
    }
    const extra = await call('POST', '/api/secrets/lists', { name: 'ok-name', colour: 'red' });
    assert.deepEqual([extra.status, extra.body.error.field], [400, 'colour']);
    const notJson = await call('POST', '/api/secrets/lists', '{"name": ', { 'content-type': 'application/json' });
    assert.deepEqual([notJson.status, notJson.body.error.code], [400, 'invalid']);
  });

  it('reads a list by name and by id; lists every list', async () => {
    const list = await listWith(call, 'readable', { R_ONE: '1', R_TWO: '2' });
    const byName = await call('GET', '/api/secrets/lists/readable');
    const byId = await call('GET', `/api/secrets/lists/${list.id}`);
    assert.equal(byName.status, 200);
    assert.deepEqual(byName.body, byId.body);
    assert.equal(byName.body.value_count, 2);
    const spaced = await listWith(call, 'with space');
    assert.equal((await call('GET', '/api/secrets/lists/with%20space')).body.id, spaced.id);
    const all = await call('GET', '/api/secrets/lists');
    assert.ok(all.body.some((l: any) => l.name === 'readable' && l.value_count === 2));
    const missing = await call('GET', '/api/secrets/lists/nope');
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'not_found']);
    assert.equal((await call('GET', '/api/secrets/lists/99999999999')).status, 404);
  });

  it('renames a list (409 on a taken name; the same name is a no-op); values follow', async () => {
    await listWith(call, 'old name', { RENAMED_KEY: 'v' });
    await listWith(call, 'taken');
    const taken = await call('POST', '/api/secrets/lists/old%20name', { name: 'taken' });
    assert.deepEqual([taken.status, taken.body.error.code, taken.body.error.field], [409, 'conflict', 'name']);
    const same = await call('POST', '/api/secrets/lists/old%20name', { name: 'old name' });
    assert.equal(same.status, 200);
    const renamed = await call('POST', '/api/secrets/lists/old%20name', { name: 'new name' });
    assert.deepEqual([renamed.status, renamed.body.name, renamed.body.value_count], [200, 'new name', 1]);
    assert.equal((await call('GET', '/api/secrets/lists/old%20name')).status, 404);
    assert.equal((await call('GET', '/api/secrets/lists/new%20name/values/RENAMED_KEY')).body.list, 'new name');
    const noName = await call('POST', '/api/secrets/lists/new%20name');
    assert.deepEqual([noName.status, noName.body.error.field], [400, 'name']);
  });

  it('deletes a list with its values and their history, in one go', async () => {
    const list = await listWith(call, 'doomed', { DOOMED_A: 'a', DOOMED_B: 'b' });
    await call('POST', '/api/secrets/lists/doomed/values/DOOMED_A', { secret_value: 'a2' });
    assert.equal((await call('DELETE', '/api/secrets/lists/doomed')).status, 204);
    assert.equal((await call('GET', `/api/secrets/lists/${list.id}`)).status, 404);
    assert.equal((await call('DELETE', '/api/secrets/lists/doomed')).status, 404);
    const db = hush.app.core.store.db as any;
    assert.equal((await db.selectFrom('lists_values').select('id').where('list_id', '=', list.id).execute()).length, 0);
    const orphans = await db
      .selectFrom('lists_value_versions')
      .select('value_id')
      .where('value_id', 'not in', db.selectFrom('lists_values').select('id'))
      .execute();
    assert.equal(orphans.length, 0);
    // The keys are free again.
    await listWith(call, 'reborn', { DOOMED_A: 'again' });
    const log = await hush.request('GET', `/api/core/audit-log/?engine=lists&action=list.delete&object_id=${list.id}`);
    assert.equal(log.body.count, 1);
    assert.match(JSON.stringify(log.body.results[0]), /"values\\?":2/);
  });

  it('answers credential problems with 401 and the error envelope; accepts Token, Bearer and a bare key', async () => {
    const none = await hush.request('GET', '/api/secrets/lists', { token: null });
    assert.deepEqual(
      [none.status, none.body.error.code, none.headers.get('www-authenticate')],
      [401, 'unauthenticated', 'Bearer'],
    );
    const bad = await hush.request('GET', '/api/secrets/lists', {
      token: null,
      headers: { authorization: 'Bearer ' + 'f'.repeat(40) },
    });
    assert.equal(bad.status, 401);
    for (const authorization of [`Token ${hush.token}`, `Bearer ${hush.token}`, hush.token]) {
      assert.equal(
        (await hush.request('GET', '/api/secrets/lists', { token: null, headers: { authorization } })).status,
        200,
        authorization.slice(0, 6),
      );
    }
  });

  it('leaves the rest of /api/secrets/ to other engines: unknown paths under its prefixes are its 404s', async () => {
    const res = await call('GET', '/api/secrets/lists/x/nothing/here');
    assert.deepEqual([res.status, res.body.error.code], [404, 'not_found']);
  });

  it('documents every route with its JSON schemas in the OpenAPI document', async () => {
    const doc = (await hush.request('GET', '/api/docs/openapi.json')).body;
    const ops = new Map<string, any>();
    for (const [p, methods] of Object.entries<any>(doc.paths))
      for (const [m, op] of Object.entries<any>(methods)) ops.set(op.operationId, { path: p, method: m, op });
    const expected = {
      lists_list: 'get /api/secrets/lists',
      lists_create: 'post /api/secrets/lists',
      lists_read: 'get /api/secrets/lists/{secretList}',
      lists_rename: 'post /api/secrets/lists/{secretList}',
      lists_delete: 'delete /api/secrets/lists/{secretList}',
      lists_all_values: 'get /api/secrets/all-values',
      lists_values_list: 'get /api/secrets/lists/{secretList}/values',
      lists_values_create: 'post /api/secrets/lists/{secretList}/values',
      lists_values_read: 'get /api/secrets/lists/{secretList}/values/{secretListValue}',
      lists_values_update: 'post /api/secrets/lists/{secretList}/values/{secretListValue}',
      lists_values_delete: 'delete /api/secrets/lists/{secretList}/values/{secretListValue}',
      lists_values_history: 'get /api/secrets/lists/{secretList}/values/{secretListValue}/history',
      lists_values_restore: 'post /api/secrets/lists/{secretList}/values/{secretListValue}/restore',
      lists_render: 'post /api/secrets/render',
    };
    for (const [id, where] of Object.entries(expected)) {
      const found = ops.get(id);
      assert.ok(found, id);
      assert.equal(`${found.method} ${found.path}`, where);
      assert.ok(found.op.responses['4XX'].content['application/json'].schema.properties.error, id);
    }
    const value = ops.get('lists_values_read').op.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(value.properties).sort(), [
      'created_at',
      'id',
      'list',
      'secret_key',
      'secret_value',
      'updated_at',
      'version',
    ]);
    const list = ops.get('lists_read').op.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(list.properties).sort(), ['created_at', 'id', 'name', 'updated_at', 'value_count']);
    assert.deepEqual(Object.keys(ops.get('lists_render').op.requestBody.content).sort(), [
      'application/json',
      'text/plain',
    ]);
    assert.deepEqual(
      Object.keys(ops.get('lists_values_create').op.requestBody.content['application/json'].schema.properties),
      ['secret_key', 'secret_value'],
    );
  });
});
