import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';

forEachDialect('token authentication', (dialect) => {
  let hush: RunningHush;
  let userId: number;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    userId = (await hush.request('POST', '/api/users/users/', { body: { username: 'carol' } })).body.id;
  });
  after(() => hush.close());

  const makeToken = async (body: Record<string, unknown>) => {
    const res = await hush.request('POST', '/api/users/tokens/', { body: { user: userId, ...body } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: number; key: string };
  };

  it('accepts Token and Bearer, keyword in any case', async () => {
    for (const scheme of ['Token', 'Bearer', 'token', 'BEARER']) {
      const res = await hush.request('GET', '/api/users/users/', {
        headers: { authorization: `${scheme} ${hush.token}` },
      });
      assert.equal(res.status, 200, scheme);
    }
  });

  it('refuses absent, unknown and malformed credentials with a JSON message', async () => {
    const absent = await hush.request('GET', '/api/users/users/', { token: null });
    assert.equal(absent.status, 403);
    assert.equal(absent.body.detail, 'Authentication credentials were not provided.');
    const unknown = await hush.request('GET', '/api/users/users/', { token: 'f'.repeat(40) });
    assert.equal(unknown.status, 403);
    assert.equal(unknown.body.detail, 'Invalid token');
    for (const header of ['Token', 'Token a b', 'Bearer   ']) {
      const res = await hush.request('GET', '/api/users/users/', { headers: { authorization: header } });
      assert.equal(res.status, 403, header);
      assert.match(res.body.detail, /Invalid authorization header/);
    }
    const basic = await hush.request('GET', '/api/users/users/', {
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    });
    assert.equal(basic.body.detail, 'Authentication credentials were not provided.');
  });

  it('refuses an expired token', async () => {
    const t = await makeToken({ expires: new Date(Date.now() + 1500).toISOString() });
    assert.equal((await hush.request('GET', '/api/users/tokens/', { token: t.key })).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    const res = await hush.request('GET', '/api/users/tokens/', { token: t.key });
    assert.equal(res.status, 403);
    assert.equal(res.body.detail, 'Token expired');
  });

  it('refuses a disabled token and a revoked one', async () => {
    const t = await makeToken({});
    await hush.request('PATCH', `/api/users/tokens/${t.id}/`, { body: { enabled: false } });
    assert.equal((await hush.request('GET', '/api/users/tokens/', { token: t.key })).body.detail, 'Token disabled');
    const r = await makeToken({});
    assert.equal((await hush.request('DELETE', `/api/users/tokens/${r.id}/`)).status, 204);
    assert.equal((await hush.request('GET', '/api/users/tokens/', { token: r.key })).body.detail, 'Invalid token');
  });

  it('lets a read-only token read but not write', async () => {
    const t = await makeToken({ write_enabled: false });
    assert.equal((await hush.request('GET', '/api/users/tokens/', { token: t.key })).status, 200);
    const res = await hush.request('POST', '/api/users/tokens/', { token: t.key, body: {} });
    assert.equal(res.status, 403);
    assert.match(res.body.detail, /read-only/);
  });

  it('refuses an inactive user', async () => {
    const t = await makeToken({});
    await hush.request('PATCH', `/api/users/users/${userId}/`, { body: { is_active: false } });
    assert.equal((await hush.request('GET', '/api/users/tokens/', { token: t.key })).body.detail, 'User inactive');
    await hush.request('PATCH', `/api/users/users/${userId}/`, { body: { is_active: true } });
    assert.equal((await hush.request('GET', '/api/users/tokens/', { token: t.key })).status, 200);
  });

  it('checks permissions: none, a type grant, a refused object scope, a disabled grant', async () => {
    const t = await makeToken({});
    assert.equal((await hush.request('GET', '/api/users/users/', { token: t.key })).status, 403);
    const grant = await hush.request('POST', '/api/users/permissions/', {
      body: { name: 'carol views users', object_types: ['users.user'], actions: ['view'], users: [userId] },
    });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
    assert.equal((await hush.request('GET', '/api/users/users/', { token: t.key })).status, 200);
    assert.equal(
      (await hush.request('POST', '/api/users/users/', { token: t.key, body: { username: 'nope' } })).status,
      403,
    );
    // No check of users.user looks at one user, so a grant narrowed to one would grant nothing: refused, unchanged.
    const narrowed = await hush.request('PATCH', `/api/users/permissions/${grant.body.id}/`, {
      body: { constraints: { id: 999 } },
    });
    assert.equal(narrowed.status, 400);
    assert.match(narrowed.body.constraints[0], /users\.user cannot be granted on one object/);
    assert.equal((await hush.request('GET', '/api/users/users/', { token: t.key })).status, 200);
    await hush.request('PATCH', `/api/users/permissions/${grant.body.id}/`, { body: { enabled: false } });
    assert.equal((await hush.request('GET', '/api/users/users/', { token: t.key })).status, 403);
  });

  it("keeps other people's tokens out of sight (404, not 403)", async () => {
    const t = await makeToken({});
    const admins = await hush.request('GET', '/api/users/tokens/');
    const adminTokenId = admins.body.results.find((r: any) => r.user.username === 'admin').id;
    assert.equal((await hush.request('GET', `/api/users/tokens/${adminTokenId}/`, { token: t.key })).status, 404);
    const own = await hush.request('GET', '/api/users/tokens/', { token: t.key });
    assert.ok(own.body.results.every((r: any) => r.user.id === userId));
    assert.equal((await hush.request('POST', '/api/users/tokens/', { token: t.key, body: { user: 1 } })).status, 403);
  });
});
