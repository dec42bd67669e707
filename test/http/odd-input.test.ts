import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { passboltUser, type PbUser } from '../engines/passbolt/helpers.js';
import { forEachDialect } from '../helpers/dialects.js';
import { startHush, type RunningHush } from '../helpers/server.js';

/**
 * Inputs the fuzz suite (test/fuzz/) found answered with a 500 or outside the engine's envelope, kept here as
 * plain cases: a NUL in text (PostgreSQL cannot store it), "Infinity" where a number is expected (Ajv lets it past
 * its range checks), a field named like an Object.prototype member, and a refused body on a path no route matches.
 */
forEachDialect('odd input', (dialect) => {
  let hush: RunningHush;
  let ada: PbUser;
  let appId: string;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    ada = await passboltUser(hush, 'ada');
    appId = (await hush.request('POST', '/v1/apps/', { body: { name: 'odd' } })).body.id;
  });
  after(() => hush.close());

  const NUL = 'a\u0000b';

  it('refuses a NUL in stored text with a 400 in each engine envelope, and stores nothing', async () => {
    const device = await hush.request('POST', '/api/dcim/devices/', { body: { name: NUL } });
    assert.equal(device.status, 400);
    assert.match(device.body.detail, /NUL character/);
    assert.equal((await hush.request('GET', '/api/dcim/devices/')).body.count, 0);

    const app = await hush.request('POST', '/v1/apps/', { body: { name: 'nul-app', description: NUL } });
    assert.equal(app.status, 400);
    assert.match(app.body.error, /NUL character/);
    assert.equal((await hush.request('GET', '/v1/apps/')).body.data.length, 1);

    const tagged = await hush.request('POST', `/v1/secrets/?app_id=${appId}&env=development`, {
      body: { secrets: [{ key: 'TAGGED', value: 'v', tags: [NUL] }] },
    });
    assert.equal(tagged.status, 400);
    assert.match(tagged.body.error, /NUL character/);

    const list = await hush.request('GET', '/api/secrets/lists/a%00b', {
      token: null,
      headers: { authorization: `Bearer ${hush.token}` },
    });
    assert.equal(list.status, 400);
    assert.equal(list.body.error.code, 'invalid');

    const search = await ada.call('GET', '/resources.json?filter[search]=a%00b');
    assert.equal(search.status, 400);
    assert.equal(search.body.header.status, 'error');

    const audit = await hush.request('GET', '/api/core/audit-log/?actor=a%00b');
    assert.equal(audit.status, 400);
  });

  it('still keeps a NUL inside a secret value, which is sealed before it is stored', async () => {
    const res = await hush.request('POST', `/v1/secrets/?app_id=${appId}&env=development`, {
      body: { secrets: [{ key: 'BINARYISH', value: NUL }] },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const read = await hush.request('GET', `/v1/secrets/?app_id=${appId}&env=development&key=BINARYISH`);
    assert.equal(read.body[0].value, NUL);
  });

  it('refuses "Infinity" as a path id or a query number like any other invalid value', async () => {
    for (const path of [
      '/api/users/users/Infinity/',
      '/api/plugins/secrets/secrets/Infinity/',
      '/api/users/tokens/-Infinity/',
    ]) {
      const res = await hush.request('GET', path);
      assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const page = await hush.request('GET', '/api/secrets/all-values?limit=Infinity', {
      token: null,
      headers: { authorization: `Bearer ${hush.token}` },
    });
    assert.equal(page.status, 400, JSON.stringify(page.body));
    assert.equal(page.body.error.field, 'limit');
  });

  it('answers a number beyond the 32-bit integer columns with a 4xx, never a 500 (PostgreSQL refused them)', async () => {
    const BIG = 9_999_999_999;
    const secret = (
      await hush.request('POST', `/v1/secrets/?app_id=${appId}&env=development`, {
        body: { secrets: [{ key: 'RESTORABLE', value: 'v' }] },
      })
    ).body[0].id;
    const lists = { token: null, headers: { authorization: `Bearer ${hush.token}` } } as const;
    await hush.request('POST', '/api/secrets/lists', { ...lists, body: { name: 'big' } });
    await hush.request('POST', '/api/secrets/lists/big/values', {
      ...lists,
      body: { secret_key: 'BIG_KEY', secret_value: 'v' },
    });
    const answers = [
      await hush.request('POST', '/api/users/tokens/', { body: { user: BIG } }),
      await hush.request('POST', '/api/users/permissions/', {
        body: { name: 'big', object_types: ['lists.list'], actions: ['view'], users: [BIG] },
      }),
      await hush.request('GET', `/api/users/tokens/?user_id=${BIG}`),
      await hush.request('GET', `/api/core/audit-log/?actor=${BIG}`),
      await hush.request('GET', '/api/plugins/secrets/secret-roles/?id__gt=1e19'),
      await hush.request('POST', `/v1/secrets/${secret}/restore/?app_id=${appId}&env=development`, {
        body: { version: BIG },
      }),
      await hush.request('POST', '/api/secrets/lists/big/values/BIG_KEY/restore', { ...lists, body: { version: BIG } }),
    ];
    assert.deepEqual(
      answers.map((a) => a.status).filter((s) => s >= 500),
      [],
      JSON.stringify(answers.map((a) => [a.status, a.body])),
    );
    if (dialect.name === 'postgres') assert.match(JSON.stringify(answers[0]!.body), /out of range/);
    const graphql = await hush.request('POST', '/graphql/', { body: { query: `{ secret(id: ${BIG}) { id } }` } });
    assert.deepEqual(
      graphql.body.errors.map((e: { message: string }) => e.message),
      ['Secret matching query does not exist.'],
    );
  });

  it('names a field called like an Object.prototype member as any other unknown field', async () => {
    const res = await hush.request('POST', '/api/users/users/', {
      body: { username: 'proto', constructor: 1, toString: 2 },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(JSON.stringify(res.body)), {
      constructor: ['is not an accepted field'],
      toString: ['is not an accepted field'],
    });
  });

  it("renders a refused body on a path no route matches in the path's engine envelope", async () => {
    const phase = await hush.request('PATCH', '/v1/apps/', {
      body: '{"a":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(phase.status, 400);
    assert.deepEqual(Object.keys(phase.body), ['error']);
    const passbolt = await ada.call('PATCH', '/resources.json', '{' as never);
    assert.equal(passbolt.status, 400);
    assert.equal(passbolt.body.header.code, 400);
    const lists = await hush.request('DELETE', '/api/secrets/lists', {
      body: 'x'.repeat(3 * 1024 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(lists.status, 413);
    assert.equal(lists.body.error.code, 'too_large');
  });
});
