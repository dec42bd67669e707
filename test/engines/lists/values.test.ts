import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { listsAs, listWith, userWithListGrants, type ListsCall } from './helpers.js';

const VALUE_FIELDS = ['created_at', 'id', 'list', 'secret_key', 'secret_value', 'updated_at', 'version'];

forEachDialect('lists: values', (dialect) => {
  let hush: RunningHush;
  let call: ListsCall;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    call = listsAs(hush, hush.token);
    await listWith(call, 'alpha');
    await listWith(call, 'beta');
  });
  after(() => hush.close());

  it('creates a value (201, the documented shape) and reads it by key and by id', async () => {
    const created = await call('POST', '/api/secrets/lists/alpha/values', {
      secret_key: 'API_KEY',
      secret_value: 'k-123',
    });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.body).sort(), VALUE_FIELDS);
    assert.deepEqual(
      [created.body.list, created.body.secret_key, created.body.secret_value, created.body.version],
      ['alpha', 'API_KEY', 'k-123', 1],
    );
    const byKey = await call('GET', '/api/secrets/lists/alpha/values/API_KEY');
    const byId = await call('GET', `/api/secrets/lists/alpha/values/${created.body.id}`);
    assert.deepEqual(byKey.body, created.body);
    assert.deepEqual(byId.body, created.body);
    const list = await call('GET', '/api/secrets/lists/alpha/values');
    assert.deepEqual(
      list.body.map((v: any) => v.secret_key),
      ['API_KEY'],
    );
    // A value is found only through its own list.
    assert.equal((await call('GET', '/api/secrets/lists/beta/values/API_KEY')).status, 404);
    assert.equal((await call('GET', `/api/secrets/lists/beta/values/${created.body.id}`)).status, 404);
  });

  it('keeps keys unique across the instance: 409 naming the list that holds the key', async () => {
    await call('POST', '/api/secrets/lists/alpha/values', { secret_key: 'SHARED', secret_value: 'a' });
    const dup = await call('POST', '/api/secrets/lists/beta/values', { secret_key: 'SHARED', secret_value: 'b' });
    assert.equal(dup.status, 409);
    assert.deepEqual(
      [dup.body.error.code, dup.body.error.field, dup.body.error.list],
      ['conflict', 'secret_key', 'alpha'],
    );
    assert.match(dup.body.error.message, /"alpha"/);
    // Keys are case-sensitive, like environment variables.
    assert.equal(
      (await call('POST', '/api/secrets/lists/beta/values', { secret_key: 'shared', secret_value: 'b' })).status,
      201,
    );
    // A rename onto a taken key is refused the same way.
    const rename = await call('POST', '/api/secrets/lists/beta/values/shared', { secret_key: 'SHARED' });
    assert.deepEqual([rename.status, rename.body.error.list], [409, 'alpha']);
  });

  it('does not name a list the caller may not see in a key conflict', async () => {
    const beta = (await call('GET', '/api/secrets/lists/beta')).body;
    await listWith(call, 'hidden', { HIDDEN_KEY: 'h' });
    const token = await userWithListGrants(hush, 'beta-writer', [
      { actions: ['view', 'add', 'change'], listId: beta.id },
    ]);
    const dup = await listsAs(hush, token)('POST', '/api/secrets/lists/beta/values', {
      secret_key: 'HIDDEN_KEY',
      secret_value: 'x',
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.list, undefined);
    assert.ok(!dup.body.error.message.includes('hidden'));
  });

  it('accepts any non-empty key NetActuate does, and renders those a reference can name', async () => {
    for (const key of ['new key', 'api-key', 'db.password', '1PASSWORD', 'K'.repeat(128)]) {
      const res = await call('POST', '/api/secrets/lists/alpha/values', { secret_key: key, secret_value: `v:${key}` });
      assert.deepEqual([res.status, res.body.secret_key], [201, key], key);
      const back = await call('GET', `/api/secrets/lists/alpha/values/${encodeURIComponent(key)}`);
      assert.deepEqual([back.status, back.body.secret_value], [200, `v:${key}`], key);
    }
    const rendered = await call('POST', '/api/secrets/render', {
      template: '${{secret.api-key}} ${{ secret.db.password }} ${{secret.1PASSWORD}}',
    });
    assert.deepEqual([rendered.status, rendered.body.rendered], [200, 'v:api-key v:db.password v:1PASSWORD']);
    const spaced = await call('POST', '/api/secrets/render', { template: '${{secret.new key}}' });
    assert.deepEqual([spaced.status, spaced.body.error.code], [400, 'malformed_references']);
    assert.match(spaced.body.error.message, /NAME cannot hold spaces, tabs or braces/);
    for (const key of ['new key', 'api-key', 'db.password', '1PASSWORD', 'K'.repeat(128)])
      assert.equal((await call('DELETE', `/api/secrets/lists/alpha/values/${encodeURIComponent(key)}`)).status, 204);
  });

  it('refuses empty, over-long and control-character keys, and other bad input, with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ secret_key: 'tab\there', secret_value: 'v' }, 'secret_key'],
      [{ secret_key: '   ', secret_value: 'v' }, 'secret_key'],
      [{ secret_key: 'K'.repeat(129), secret_value: 'v' }, 'secret_key'],
      [{ secret_key: '', secret_value: 'v' }, 'secret_key'],
      [{ secret_value: 'v' }, 'secret_key'],
      [{ secret_key: 'NO_VALUE' }, 'secret_value'],
      [{ secret_key: 'BIG', secret_value: 'x'.repeat(65_537) }, 'secret_value'],
      [{ secret_key: 'EXTRA', secret_value: 'v', colour: 1 }, 'colour'],
      [['not', 'an', 'object'], ''],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/api/secrets/lists/alpha/values', body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 60));
      assert.equal(res.body.error.code, 'invalid');
      if (field) assert.equal(res.body.error.field, field, JSON.stringify(body).slice(0, 60));
    }
    assert.equal((await call('POST', '/api/secrets/lists/alpha/values/API_KEY', {})).status, 400);
    assert.equal(
      (await call('POST', '/api/secrets/lists/nope/values', { secret_key: 'X', secret_value: 'v' })).status,
      404,
    );
    assert.equal(
      (await call('POST', '/api/secrets/lists/alpha/values', { secret_key: '_ok_1', secret_value: '' })).status,
      201,
    );
  });

  it('updates value and key as new versions; keeps history; restores as a new version', async () => {
    const created = (
      await call('POST', '/api/secrets/lists/alpha/values', { secret_key: 'DB_PASS', secret_value: 'one' })
    ).body;
    const two = await call('POST', '/api/secrets/lists/alpha/values/DB_PASS', { secret_value: 'two' });
    assert.deepEqual([two.status, two.body.secret_value, two.body.version], [200, 'two', 2]);
    const renamed = await call('POST', `/api/secrets/lists/alpha/values/${created.id}`, { secret_key: 'DB_PASSWORD' });
    assert.deepEqual(
      [renamed.body.secret_key, renamed.body.secret_value, renamed.body.version],
      ['DB_PASSWORD', 'two', 3],
    );
    assert.equal((await call('GET', '/api/secrets/lists/alpha/values/DB_PASS')).status, 404);
    const history = await call('GET', '/api/secrets/lists/alpha/values/DB_PASSWORD/history');
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.map((v: any) => [v.version, v.secret_key, v.secret_value]),
      [
        [1, 'DB_PASS', 'one'],
        [2, 'DB_PASS', 'two'],
        [3, 'DB_PASSWORD', 'two'],
      ],
    );
    assert.ok(history.body.every((v: any) => v.actor === 1 && v.created_at));
    const restored = await call('POST', '/api/secrets/lists/alpha/values/DB_PASSWORD/restore', { version: 1 });
    assert.deepEqual(
      [restored.status, restored.body.secret_key, restored.body.secret_value, restored.body.version],
      [200, 'DB_PASS', 'one', 4],
    );
    assert.equal((await call('GET', '/api/secrets/lists/alpha/values/DB_PASSWORD/history')).status, 404);
    assert.equal((await call('GET', '/api/secrets/lists/alpha/values/DB_PASS/history')).body.length, 4);
    assert.equal((await call('POST', '/api/secrets/lists/alpha/values/DB_PASS/restore', { version: 9 })).status, 404);
    assert.equal((await call('POST', '/api/secrets/lists/alpha/values/DB_PASS/restore', { version: 0 })).status, 400);
    assert.equal((await call('POST', '/api/secrets/lists/alpha/values/DB_PASS/restore', {})).status, 400);
  });

  it('deletes a value with its history', async () => {
    const v = (await call('POST', '/api/secrets/lists/beta/values', { secret_key: 'GONE', secret_value: 'g' })).body;
    assert.equal((await call('DELETE', '/api/secrets/lists/beta/values/GONE')).status, 204);
    assert.equal((await call('GET', `/api/secrets/lists/beta/values/${v.id}`)).status, 404);
    assert.equal((await call('DELETE', '/api/secrets/lists/beta/values/GONE')).status, 404);
    const rows = await (hush.app.core.store.db as any)
      .selectFrom('lists_value_versions')
      .select('version')
      .where('value_id', '=', v.id)
      .execute();
    assert.equal(rows.length, 0);
  });

  it('lists every value of every list in all-values, with limit/offset', async () => {
    const all = await call('GET', '/api/secrets/all-values');
    assert.equal(all.status, 200);
    assert.ok(all.body.length >= 4);
    assert.deepEqual(new Set(all.body.map((v: any) => v.list)), new Set(['alpha', 'beta', 'hidden']));
    const page = await call('GET', '/api/secrets/all-values?limit=2&offset=1');
    assert.deepEqual(
      page.body.map((v: any) => v.id),
      all.body.slice(1, 3).map((v: any) => v.id),
    );
    assert.equal((await call('GET', '/api/secrets/all-values?limit=abc')).status, 400);
  });

  it('stores no plaintext: values are sealed per (value, version); keys only in the key column', async () => {
    await call('POST', '/api/secrets/lists/alpha/values', {
      secret_key: 'AT_REST',
      secret_value: 'plain-value-at-rest',
    });
    const db = hush.app.core.store.db as any;
    const dump = JSON.stringify([
      await db.selectFrom('lists_value_versions').selectAll().execute(),
      await db.selectFrom('lists_values').selectAll().execute(),
    ]);
    assert.ok(!dump.includes('plain-value-at-rest'));
    // A ciphertext moved to another value does not open: the read fails instead of revealing the wrong value.
    const [a, b] = await db
      .selectFrom('lists_values')
      .select(['id', 'version'])
      .where('secret_key', 'in', ['AT_REST', 'API_KEY'])
      .orderBy('secret_key')
      .execute();
    const ct = (
      await db
        .selectFrom('lists_value_versions')
        .select('content_ct')
        .where('value_id', '=', b.id)
        .where('version', '=', b.version)
        .executeTakeFirst()
    ).content_ct;
    await db
      .updateTable('lists_value_versions')
      .set({ content_ct: ct })
      .where('value_id', '=', a.id)
      .where('version', '=', a.version)
      .execute();
    assert.equal((await call('GET', `/api/secrets/lists/alpha/values/${a.id}`)).status, 500);
  });

  it('audits every change and every read, never the value', async () => {
    const v = (
      await call('POST', '/api/secrets/lists/beta/values', { secret_key: 'AUDITED', secret_value: 'audited-plaintext' })
    ).body;
    await call('GET', '/api/secrets/lists/beta/values/AUDITED');
    await call('POST', '/api/secrets/lists/beta/values/AUDITED', { secret_value: 'audited-plaintext-2' });
    await call('GET', '/api/secrets/lists/beta/values');
    await call('GET', '/api/secrets/lists/beta/values/AUDITED/history');
    const log = await hush.request('GET', `/api/core/audit-log/?engine=lists&object_id=${v.id}&limit=100`);
    const actions = log.body.results.map((e: any) => e.action).reverse();
    assert.deepEqual(actions, ['value.create', 'value.read', 'value.update', 'value.read', 'value_history.read']);
    assert.ok(!JSON.stringify(log.body).includes('audited-plaintext'));
  });
});
