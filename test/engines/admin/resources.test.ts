import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';

forEachDialect('admin API resources', (dialect) => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({
      databaseUrl: dialect.databaseUrl,
      env: { HUSH_PROVISION_RATE_LIMIT: '5', HUSH_BODY_LIMIT: '4096' },
    });
  });
  after(() => hush.close());

  it('answers GET /api/ anonymously with the API-Version header pynetbox reads', async () => {
    const res = await hush.request('GET', '/api/', { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('api-version'), '4.6');
    assert.match(res.body.users, /^http:\/\/127\.0\.0\.1:\d+\/api\/users\/$/);
    assert.equal((await hush.request('GET', '/api/status/', { token: null })).body.database, dialect.name);
  });

  it('creates, reads, updates and deletes a user; the password is write-only', async () => {
    const created = await hush.request('POST', '/api/users/users/', {
      body: { username: 'dave', password: 'long enough pw', email: 'dave@example.com' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.has_password, true);
    assert.ok(!('password' in created.body) && !('password_hash' in created.body));
    const id = created.body.id;
    assert.equal((await hush.request('GET', `/api/users/users/${id}/`)).body.email, 'dave@example.com');
    const patched = await hush.request('PATCH', `/api/users/users/${id}/`, {
      body: { first_name: 'Dave', is_superuser: true },
    });
    assert.deepEqual([patched.body.first_name, patched.body.is_superuser], ['Dave', true]);
    assert.equal((await hush.request('GET', '/api/users/users/?username=dave')).body.count, 1);
    assert.equal((await hush.request('DELETE', `/api/users/users/${id}/`)).status, 204);
    assert.equal((await hush.request('GET', `/api/users/users/${id}/`)).status, 404);
  });

  it('never leaves the instance without an active superuser', async () => {
    const demote = await hush.request('PATCH', '/api/users/users/1/', { body: { is_superuser: false } });
    assert.equal(demote.status, 400);
    assert.match(demote.body.id[0], /last active superuser/);
    assert.equal((await hush.request('DELETE', '/api/users/users/1/')).status, 400);
    assert.equal((await hush.request('GET', '/api/users/users/1/')).body.is_superuser, true);
  });

  it('rejects bad user input with 400 naming each field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'username'],
      [{ username: '' }, 'username'],
      [{ username: 'has space' }, 'username'],
      [{ username: 'x'.repeat(151) }, 'username'],
      [{ username: 'ok', password: 'short' }, 'password'],
      [{ username: 'ok', email: 'not-an-email' }, 'email'],
      [{ username: 'ok', is_superuser: 'yes please' }, 'is_superuser'],
      [{ username: 'ok', colour: 'blue' }, 'colour'],
      [{ username: 'ok', kind: 'robot' }, 'kind'],
    ];
    for (const [body, field] of cases) {
      const res = await hush.request('POST', '/api/users/users/', { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(Array.isArray(res.body[field]), `${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
    }
    await hush.request('POST', '/api/users/users/', { body: { username: 'erin' } });
    const dup = await hush.request('POST', '/api/users/users/', { body: { username: 'erin' } });
    assert.equal(dup.status, 400);
    assert.match(dup.body.username[0], /already exists/);
    const notJson = await hush.request('POST', '/api/users/users/', { body: '{"username": ' });
    assert.equal(notJson.status, 400);
    assert.match(notJson.body.detail, /JSON/);
    assert.equal((await hush.request('GET', '/api/users/users/abc/')).status, 400);
    assert.equal((await hush.request('PATCH', '/api/users/users/999999/', { body: { first_name: 'x' } })).status, 404);
  });

  it('refuses a body over the limit with 413 and sets security headers', async () => {
    const res = await hush.request('POST', '/api/users/users/', {
      body: { username: 'big', email: `${'x'.repeat(5000)}@example.com` },
    });
    assert.equal(res.status, 413);
    assert.match(res.body.detail, /too large/);
    const ok = await hush.request('GET', '/api/status/');
    assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.match(ok.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('accepts pynetbox\'s "application/json;" content type', async () => {
    const res = await hush.request('POST', '/api/users/users/', {
      body: { username: 'pyuser' },
      headers: { 'content-type': 'application/json;' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });

  it('shows a token key once, then only its hint; rejects bad token input', async () => {
    const created = await hush.request('POST', '/api/users/tokens/', {
      body: { description: 'ci', write_enabled: false },
    });
    assert.equal(created.status, 201);
    assert.match(created.body.key, /^[0-9a-f]{40}$/);
    assert.equal(created.body.display, `****${created.body.key.slice(-4)}`);
    const read = await hush.request('GET', `/api/users/tokens/${created.body.id}/`);
    assert.equal(read.body.key, undefined);
    assert.equal(read.body.write_enabled, false);
    for (const [body, field] of [
      [{ expires: 'tomorrow' }, 'expires'],
      [{ expires: '2001-01-01T00:00:00Z' }, 'expires'],
      [{ user: 'admin' }, 'user'],
      [{ write_enabled: 'no' }, 'write_enabled'],
      [{ description: 'x'.repeat(201) }, 'description'],
    ] as const) {
      const res = await hush.request('POST', '/api/users/tokens/', { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(
        Object.keys(res.body).some((k) => k.startsWith(field)),
        `${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`,
      );
    }
    assert.equal((await hush.request('POST', '/api/users/tokens/', { body: { user: 424242 } })).status, 404);
  });

  it('paginates with limit/offset and absolute next/previous links', async () => {
    for (let i = 0; i < 4; i++) await hush.request('POST', '/api/users/users/', { body: { username: `page${i}` } });
    const total = (await hush.request('GET', '/api/users/users/?limit=1')).body.count;
    const first = await hush.request('GET', '/api/users/users/?limit=2');
    assert.equal(first.body.results.length, 2);
    assert.equal(first.body.previous, null);
    assert.match(first.body.next, /\/api\/users\/users\/\?limit=2&offset=2$/);
    const second = await hush.request('GET', first.body.next.replace(hush.url, ''));
    assert.match(second.body.previous, /\?limit=2$/);
    const all = await hush.request('GET', '/api/users/users/?limit=0');
    assert.equal(all.body.results.length, total);
    const lenient = await hush.request('GET', '/api/users/users/?limit=-3&offset=zz');
    assert.equal(lenient.status, 200);
  });

  it('manages permissions and rejects bad ones', async () => {
    const user = (await hush.request('POST', '/api/users/users/', { body: { username: 'frank' } })).body;
    const created = await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: 'frank secrets',
        object_types: ['netbox_secrets.secret'],
        actions: ['view', 'change'],
        users: [user.id],
        constraints: { id: 12 },
      },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.constraints, { id: '12' });
    assert.equal(created.body.users[0].username, 'frank');
    for (const [body, field] of [
      [{ name: 'a', object_types: ['NotAType'], actions: ['view'] }, 'object_types.0'],
      [{ name: 'a', object_types: ['users.user'], actions: [] }, 'actions'],
      [{ name: 'a', object_types: ['users.user'], actions: ['view'], users: [987654] }, 'users'],
      [
        { name: 'a', object_types: ['users.user'], actions: ['view'], constraints: { tenant: 1 } },
        'constraints.tenant',
      ],
      [{ object_types: ['users.user'], actions: ['view'] }, 'name'],
      [{ name: 'frank secrets', object_types: ['users.user'], actions: ['view'] }, 'name'],
      [{ name: 'a', object_types: ['x.y'], actions: ['view'] }, 'object_types'],
      [{ name: 'a', object_types: ['users.user'], actions: ['frobnicate'] }, 'actions'],
    ] as const) {
      const res = await hush.request('POST', '/api/users/permissions/', { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(field in res.body, `${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
    }
    assert.equal((await hush.request('DELETE', `/api/users/permissions/${created.body.id}/`)).status, 204);
  });

  it('provisions a token from username and password, rate-limited', async () => {
    await hush.request('POST', '/api/users/users/', { body: { username: 'gina', password: 'gina-password' } });
    const ok = await hush.request('POST', '/api/users/tokens/provision/', {
      token: null,
      body: { username: 'gina', password: 'gina-password' },
    });
    assert.equal(ok.status, 201);
    assert.equal((await hush.request('GET', '/api/users/tokens/', { token: ok.body.key })).status, 200);
    const bad = await hush.request('POST', '/api/users/tokens/provision/', {
      token: null,
      body: { username: 'gina', password: 'wrong' },
    });
    assert.equal(bad.status, 403);
    const missing = await hush.request('POST', '/api/users/tokens/provision/', {
      token: null,
      body: { username: 'gina' },
    });
    assert.equal(missing.status, 400);
    assert.ok('password' in missing.body);
    let limited = 0;
    for (let i = 0; i < 6; i++) {
      const r = await hush.request('POST', '/api/users/tokens/provision/', {
        token: null,
        body: { username: 'gina', password: 'wrong' },
      });
      if (r.status === 429) limited++;
    }
    assert.ok(limited > 0);
  });

  it('logs in with a cookie session that needs the CSRF token for writes', async () => {
    const hank = (
      await hush.request('POST', '/api/users/users/', {
        body: { username: 'hank', password: 'hank-password', is_superuser: true },
      })
    ).body.id;
    const login = await fetch(`${hush.url}/api/users/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'hank', password: 'hank-password' }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    assert.match(login.headers.get('set-cookie')!, /HttpOnly/i);
    const { csrf_token } = (await login.json()) as { csrf_token: string };
    assert.equal((await hush.request('GET', '/api/users/users/', { token: null, headers: { cookie } })).status, 200);
    assert.equal(
      (
        await hush.request('POST', '/api/users/users/', {
          token: null,
          headers: { cookie },
          body: { username: 'via-cookie' },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await hush.request('POST', '/api/users/users/', {
          token: null,
          headers: { cookie, 'x-csrf-token': csrf_token },
          body: { username: 'via-cookie' },
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await hush.request('POST', '/api/users/logout/', {
          token: null,
          headers: { cookie, 'x-csrf-token': csrf_token },
        })
      ).status,
      200,
    );
    assert.equal((await hush.request('GET', '/api/users/users/', { token: null, headers: { cookie } })).status, 403);
    const audited = async (action: string) =>
      (await hush.request('GET', `/api/core/audit-log/?engine=admin&action=${action}&object_id=${hank}`)).body.count;
    assert.deepEqual([await audited('session.login'), await audited('session.logout')], [1, 1]);
    // A token caller has no session: its logout answers the same and changes nothing.
    assert.equal((await hush.request('POST', '/api/users/logout/')).status, 200);
    assert.equal((await hush.request('GET', '/api/core/audit-log/?action=session.logout')).body.count, 1);
  });

  it('records every change in the audit log, filterable, without secrets', async () => {
    const res = await hush.request('GET', '/api/core/audit-log/?engine=admin&action=user.create&limit=100');
    assert.equal(res.status, 200);
    assert.ok(res.body.count >= 5);
    const gina = await hush.request('GET', '/api/core/audit-log/?actor=gina');
    assert.ok(gina.body.results.some((e: any) => e.action === 'token.provision'));
    assert.ok(!JSON.stringify(res.body).includes('gina-password'));
    assert.equal((await hush.request('GET', '/api/core/audit-log/?since=yesterday')).status, 400);
    assert.equal(
      (await hush.request('GET', `/api/core/audit-log/?since=${new Date(Date.now() + 60_000).toISOString()}`)).body
        .count,
      0,
    );
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    assert.equal((await hush.request('GET', '/healthz', { token: null })).status, 200);
    assert.equal((await hush.request('GET', '/readyz', { token: null })).body.status, 'ready');
    assert.equal((await hush.request('GET', '/metrics', { token: null })).status, 401);
    const metrics = await hush.request('GET', '/metrics');
    assert.match(metrics.body, /hush_http_request_duration_seconds_bucket/);
    const doc = await hush.request('GET', '/api/docs/openapi.json', { token: null });
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths['/api/users/tokens/']);
    assert.equal((await hush.request('GET', '/api/docs/?format=openapi', { token: null })).body.openapi, '3.1.0');
    assert.equal((await hush.request('GET', '/api/docs', { token: null })).status < 400, true);
  });
});
