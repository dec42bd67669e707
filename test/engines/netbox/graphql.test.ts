import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { as, P, secretBody, unlockedAdmin, userWithGrants } from './helpers.js';

forEachDialect('netbox GraphQL', (dialect) => {
  let hush: RunningHush;
  let s: Awaited<ReturnType<typeof unlockedAdmin>>;
  let ids: number[];
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    s = await unlockedAdmin(hush);
    ids = (
      await s.call(
        'POST',
        `${P}/secrets/`,
        ['ABC', 'DEF', 'GHI'].map((n) => secretBody(s.deviceId, s.roleId, n, n)),
      )
    ).body.map((r: any) => r.id);
  });
  after(() => hush.close());

  const gql = (query: string, token: string | null = hush.token, variables?: unknown) =>
    hush.request('POST', '/graphql/', { token, body: { query, ...(variables ? { variables } : {}) } });

  it('refuses anonymous callers with a plain-text 403', async () => {
    const res = await gql('{ secret_list { id name } }', null);
    assert.deepEqual([res.status, res.body], [403, 'No credentials provided.']);
  });

  it('lists and reads secrets with the plugin type, without plaintext, hash or ciphertext', async () => {
    const list = await gql('{ secret_list { id name } }');
    assert.equal(list.status, 200);
    assert.equal(list.body.errors, undefined);
    assert.equal(list.body.data.secret_list.length, 3);
    const one = await gql(
      `{ secret(id: ${ids[0]}) { id display name role { id name slug } assigned_object_type { app_label model } assigned_object_id } }`,
    );
    assert.deepEqual(one.body.data.secret, {
      id: String(ids[0]),
      display: 'ABC',
      name: 'ABC',
      role: { id: String(s.roleId), name: 'Login Credentials', slug: 'login-creds' },
      assigned_object_type: { app_label: 'dcim', model: 'device' },
      assigned_object_id: s.deviceId,
    });
    for (const field of ['plaintext', 'hash', 'ciphertext']) {
      const res = await gql(`{ secret_list { ${field} } }`);
      assert.equal(res.status, 200);
      assert.match(res.body.errors[0].message, new RegExp(`Cannot query field "${field}" on type "SecretType"`));
    }
    const missing = await gql('{ secret(id: 999999) { id } }');
    assert.deepEqual([missing.status, missing.body.data], [200, null]);
    assert.match(missing.body.errors[0].message, /matching query does not exist/);
  });

  it('filters, paginates, and follows roles to their secrets', async () => {
    const roles = await gql('{ secret_role_list(filters: {slug: {exact: "login-creds"}}) { id name secrets { id } } }');
    assert.deepEqual(
      roles.body.data.secret_role_list.map((r: any) => [r.name, r.secrets.length]),
      [['Login Credentials', 3]],
    );
    const named = await gql('{ secret_list(filters: {name: {i_contains: "de"}}) { name } }');
    assert.deepEqual(named.body.data.secret_list, [{ name: 'DEF' }]);
    const paged = await gql('query ($p: OffsetPaginationInput) { secret_list(pagination: $p) { name } }', hush.token, {
      p: { offset: 1, limit: 1 },
    });
    assert.deepEqual(paged.body.data.secret_list, [{ name: 'DEF' }]);
    const byRole = await gql(`{ secret_list(filters: {role: {slug: {exact: "login-creds"}}}) { id } }`);
    assert.equal(byRole.body.data.secret_list.length, 3);
    const get = await hush.request(
      'GET',
      `/graphql/?query=${encodeURIComponent('{ secret_role(id: ' + s.roleId + ') { slug } }')}`,
    );
    assert.deepEqual(get.body, { data: { secret_role: { slug: 'login-creds' } } });
    const deep = await gql(
      '{ secret_list { role { secrets { role { secrets { role { secrets { role { secrets { id } } } } } } } } } }',
    );
    assert.match(deep.body.errors[0].message, /nested deeper/);
  });

  it('restricts each type to the view permission: empty lists, missing objects', async () => {
    const none = await userWithGrants(hush, 'nobody', []);
    const empty = await gql('{ secret_list { id } secret_role_list { id } }', none.token);
    assert.deepEqual([empty.status, empty.body], [200, { data: { secret_list: [], secret_role_list: [] } }]);
    const hidden = await gql(`{ secret(id: ${ids[0]}) { id } }`, none.token);
    assert.deepEqual([hidden.status, hidden.body.data], [200, null]);
    const scoped = await userWithGrants(hush, 'scoped', [
      { objectTypes: ['netbox_secrets.secret'], actions: ['view'], objectId: String(ids[1]) },
    ]);
    assert.deepEqual((await gql('{ secret_list { name } }', scoped.token)).body.data.secret_list, [{ name: 'DEF' }]);
    assert.equal((await as(hush, scoped.token)('GET', `${P}/secrets/`)).body.count, 1);
  });
});
