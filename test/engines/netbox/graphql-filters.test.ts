import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { P, secretBody, unlockedAdmin } from './helpers.js';

// A filter that is dropped widens a "select then delete" loop to every secret: each one either applies or is refused.
forEachDialect('netbox GraphQL filters never widen', (dialect) => {
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

  const gql = (query: string, variables?: unknown) =>
    hush.request('POST', '/graphql/', { token: hush.token, body: { query, ...(variables ? { variables } : {}) } });
  const names = async (query: string, variables?: unknown) => {
    const res = await gql(query, variables);
    assert.equal(res.status, 200);
    assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
    return (Object.values(res.body.data)[0] as any[]).map((r) => r.name ?? r.slug);
  };
  const refused = async (query: string, pattern: RegExp, variables?: unknown) => {
    const res = await gql(query, variables);
    assert.equal(res.status, 200);
    assert.ok(res.body.errors?.length, `expected an error for ${query}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.errors[0].message, pattern);
    assert.equal(res.body.data?.secret_list ?? res.body.data?.secret_role_list ?? null, null);
  };

  it('an empty in_list matches nothing', async () => {
    assert.deepEqual(await names('{ secret_list(filters: {id: {in_list: []}}) { name } }'), []);
    assert.deepEqual(
      await names('query ($i: [ID!]) { secret_list(filters: {id: {in_list: $i}}) { name } }', { i: [] }),
      [],
    );
    assert.deepEqual(await names('{ secret_list(filters: {name: {in_list: []}}) { name } }'), []);
    assert.deepEqual(await names('{ secret_list(filters: {role: {slug: {in_list: []}}}) { name } }'), []);
    assert.deepEqual(await names('{ secret_role_list(filters: {id: {in_list: []}}) { slug } }'), []);
    assert.deepEqual(await names(`{ secret_list(filters: {id: {in_list: [${ids[1]}]}}) { name } }`), ['DEF']);
  });

  it('lookups on one field AND together', async () => {
    assert.deepEqual(
      await names(`{ secret_list(filters: {id: {exact: ${ids[0]}, in_list: [${ids[1]}]}}) { name } }`),
      [],
    );
    assert.deepEqual(
      await names(`{ secret_list(filters: {id: {exact: ${ids[1]}, in_list: [${ids[0]}, ${ids[1]}]}}) { name } }`),
      ['DEF'],
    );
    assert.deepEqual(
      await names(
        `{ secret_list(filters: {role_id: {exact: 999999}, role: {slug: {exact: "login-creds"}}}) { name } }`,
      ),
      [],
    );
  });

  it('refuses a comments filter, which is not in the schema', async () => {
    await refused('{ secret_list(filters: {comments: {i_contains: "x"}}) { name } }', /comments/);
    await refused('{ secret_role_list(filters: {comments: {exact: "x"}}) { slug } }', /comments/);
    await refused('{ secret_list(filters: {role: {comments: {exact: "x"}}}) { name } }', /comments/);
  });

  it('refuses a partial content-type filter and applies a whole one', async () => {
    await refused(
      '{ secret_list(filters: {assigned_object_type: {model: {exact: "device"}}}) { name } }',
      /assigned_object_type.*app_label/,
    );
    await refused(
      '{ secret_list(filters: {assigned_object_type: {app_label: {exact: "dcim"}}}) { name } }',
      /assigned_object_type.*model/,
    );
    await refused('{ secret_list(filters: {assigned_object_type: {}}) { name } }', /assigned_object_type/);
    await refused(
      '{ secret_list(filters: {assigned_object_type: {app_label: {exact: "dcim"}, model: {i_exact: "device"}}}) { name } }',
      /assigned_object_type.*model/,
    );
    await refused(
      '{ secret_list(filters: {assigned_object_type: {id: {exact: 1}, app_label: {exact: "dcim"}, model: {exact: "device"}}}) { name } }',
      /assigned_object_type\.id/,
    );
    const whole = (model: string) =>
      names(
        `{ secret_list(filters: {assigned_object_type: {app_label: {exact: "dcim"}, model: {exact: "${model}"}}}) { name } }`,
      );
    assert.deepEqual((await whole('device')).sort(), ['ABC', 'DEF', 'GHI']);
    assert.deepEqual(await whole('virtualmachine'), []);
  });

  it('refuses case-sensitive lookups, naming them', async () => {
    for (const op of ['contains', 'starts_with', 'ends_with']) {
      await refused(`{ secret_list(filters: {name: {${op}: "ab"}}) { name } }`, new RegExp(`name\\.${op}`));
      await refused(`{ secret_role_list(filters: {slug: {${op}: "login"}}) { slug } }`, new RegExp(`slug\\.${op}`));
      await refused(
        `{ secret_list(filters: {role: {name: {${op}: "Login"}}}) { name } }`,
        new RegExp(`role\\.name\\.${op}`),
      );
    }
    assert.deepEqual(await names('{ secret_list(filters: {name: {i_starts_with: "ab"}}) { name } }'), ['ABC']);
    assert.deepEqual(await names('{ secret_list(filters: {name: {i_ends_with: "hi"}}) { name } }'), ['GHI']);
  });

  it('refuses unknown lookups and fields, and null lookups', async () => {
    await refused('{ secret_list(filters: {id: {gt: 1}}) { name } }', /gt/);
    await refused('{ secret_list(filters: {name: {regex: "A"}}) { name } }', /regex/);
    await refused('{ secret_list(filters: {plaintext: {exact: "A"}}) { name } }', /plaintext/);
    await refused('query ($f: SecretFilter) { secret_list(filters: $f) { name } }', /tenant/, { f: { tenant: {} } });
    await refused('query ($n: String) { secret_list(filters: {name: {exact: $n}}) { name } }', /name\.exact/, {
      n: null,
    });
    await refused('{ secret_list(filters: {name: null}) { name } }', /name/);
  });
});
