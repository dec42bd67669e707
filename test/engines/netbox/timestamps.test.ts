import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { L, P, secretBody, unlockedAdmin } from './helpers.js';

/** DRF's DateTimeField rendering, as the legacy seed shows it: `"2017-03-21T19:28:44.265582Z"`. */
const DRF = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// Issue 16 item 7: every time of every NetBox-style answer carries six fraction digits, as the originals render them.
forEachDialect('NetBox answers: times with microseconds', (dialect) => {
  let hush: RunningHush;
  let s: Awaited<ReturnType<typeof unlockedAdmin>>;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    s = await unlockedAdmin(hush);
  });
  after(() => hush.close());

  const times = (body: Record<string, unknown>, ...fields: string[]) => fields.map((f) => [f, body[f]]);
  const assertDrf = (what: string, body: Record<string, unknown>, ...fields: string[]) => {
    for (const [field, value] of times(body, ...fields)) assert.match(String(value), DRF, `${what} ${field}`);
  };

  it('the plugin API: secrets, roles, user keys, session keys, devices and VMs; a time read back filters', async () => {
    const created = await s.call('POST', `${P}/secrets/`, secretBody(s.deviceId, s.roleId, 'timed'));
    assertDrf('created secret', created.body, 'created', 'last_updated');
    const read = (await s.call('GET', `${P}/secrets/${created.body.id}/`)).body;
    assertDrf('secret', read, 'created', 'last_updated');
    assert.equal(read.created, created.body.created);
    assert.ok(read.created.endsWith('000Z'), 'Hush keeps milliseconds: the last three digits are zeros');
    // A client sending back the time it read finds the same object.
    assert.equal(
      (await s.plain('GET', `${P}/secrets/?created__gte=${encodeURIComponent(read.created)}&name=timed`)).body.count,
      1,
    );
    assert.equal(
      (await s.plain('GET', `${P}/secrets/?created__lte=${encodeURIComponent(read.created)}&name=timed`)).body.count,
      1,
    );
    assertDrf('role', (await s.plain('GET', `${P}/secret-roles/${s.roleId}/`)).body, 'created', 'last_updated');
    assertDrf('user key', (await s.plain('GET', `${P}/user-keys/${s.userKeyId}/`)).body, 'created', 'last_updated');
    assertDrf('session key', (await s.plain('GET', `${P}/session-key/`)).body, 'created');
    assertDrf('device', (await s.plain('GET', `/api/dcim/devices/${s.deviceId}/`)).body, 'created', 'last_updated');
    const vm = await s.plain('POST', '/api/virtualization/virtual-machines/', { name: 'vm-timed' });
    assertDrf('VM', vm.body, 'created', 'last_updated');
  });

  it('the legacy API: `last_updated` with microseconds, `created` a date (the seed)', async () => {
    const created = await s.call('POST', `${L}/secrets/`, {
      device: s.deviceId,
      role: s.roleId,
      name: 'legacy-timed',
      plaintext: 'x',
    });
    assertDrf('legacy write answer', created.body, 'last_updated');
    const read = (await s.plain('GET', `${L}/secrets/${created.body.id}/`)).body;
    assertDrf('legacy secret', read, 'last_updated');
    assert.match(read.created, /^\d{4}-\d{2}-\d{2}$/);
    assertDrf('legacy role', (await s.plain('GET', `${L}/secret-roles/${s.roleId}/`)).body, 'created', 'last_updated');
  });

  it("GraphQL: strawberry's isoformat, six digits and +00:00, the same instant as REST", async () => {
    const rest = (await s.plain('GET', `${P}/secret-roles/${s.roleId}/`)).body;
    const res = await hush.request('POST', '/graphql/', {
      body: { query: `{ secret_role(id: ${s.roleId}) { created last_updated } }` },
    });
    const role = res.body.data.secret_role;
    assert.match(role.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    assert.equal(role.created, rest.created.replace('Z', '+00:00'));
  });

  it('the admin API: users, tokens and permissions', async () => {
    const user = await hush.request('POST', '/api/users/users/', { body: { username: 'timed' } });
    assertDrf('user', user.body, 'date_joined');
    const token = await hush.request('POST', '/api/users/tokens/', {
      body: { user: user.body.id, expires: '2030-01-02T03:04:05Z' },
    });
    assertDrf('token', token.body, 'created', 'expires');
    assert.equal(token.body.expires, '2030-01-02T03:04:05.000000Z');
    await hush.request('GET', '/api/users/users/', { token: token.body.key });
    const used = (await hush.request('GET', `/api/users/tokens/${token.body.id}/`)).body;
    assertDrf('used token', used, 'last_used');
    const permission = await hush.request('POST', '/api/users/permissions/', {
      body: { name: 'timed', object_types: ['dcim.device'], actions: ['view'], users: [user.body.id] },
    });
    assertDrf('permission', permission.body, 'created', 'last_updated');
  });
});
