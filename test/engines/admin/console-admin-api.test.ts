import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { userWithGrants } from '../../helpers/users.js';

const PASSWORD = 'first long passphrase';

/** Signs in with a password as the console does: the session cookie and its CSRF token. */
async function signIn(hush: RunningHush, username: string, password: string) {
  const res = await fetch(`${hush.url}/api/users/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `login ${username}: ${res.status}`);
  const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
  const { csrf_token } = (await res.json()) as { csrf_token: string };
  return { headers: { cookie, 'x-csrf-token': csrf_token } };
}

forEachDialect('the administration endpoints the console uses', (dialect) => {
  let hush: RunningHush;
  let dave: { id: number; token: string };
  before(async () => {
    hush = await startHush({
      databaseUrl: dialect.databaseUrl,
      env: { HUSH_CONSOLE_IDLE_MINUTES: '7', HUSH_CONSOLE_CLIPBOARD_SECONDS: '45' },
    });
    dave = await userWithGrants(hush, 'dave', [], { user: { password: PASSWORD } });
  });
  after(() => hush.close());

  it('serves the idle sign-out time from HUSH_CONSOLE_IDLE_MINUTES', async () => {
    const res = await hush.request('GET', '/api/users/me/access/', { token: dave.token });
    assert.equal(res.body.idle_timeout_seconds, 7 * 60);
    assert.equal(res.body.clipboard_clear_seconds, 45);
  });

  it('changes the own password only with the current one, closing the other sessions, audited', async () => {
    const first = await signIn(hush, 'dave', PASSWORD);
    const second = await signIn(hush, 'dave', PASSWORD);
    const change = (body: unknown, headers = first.headers) =>
      hush.request('POST', '/api/users/me/password/', { token: null, headers, body });

    const wrong = await change({ current_password: 'not it at all', new_password: 'second long passphrase' });
    assert.equal(wrong.status, 400);
    assert.ok(wrong.body.current_password, JSON.stringify(wrong.body));
    const short = await change({ current_password: PASSWORD, new_password: 'short' });
    assert.equal(short.status, 400);
    assert.match(JSON.stringify(short.body), /new_password/);
    const same = await change({ current_password: PASSWORD, new_password: PASSWORD });
    assert.equal(same.status, 400);
    assert.ok(same.body.new_password);

    const ok = await change({ current_password: PASSWORD, new_password: 'second long passphrase' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.sessions_closed, 1);
    // The session that asked stays; the other one is gone; the token (no password involved) still works.
    assert.equal((await hush.request('GET', '/api/users/me/', { token: null, headers: first.headers })).status, 200);
    assert.equal((await hush.request('GET', '/api/users/me/', { token: null, headers: second.headers })).status, 403);
    assert.equal((await hush.request('GET', '/api/users/me/', { token: dave.token })).status, 200);
    await signIn(hush, 'dave', 'second long passphrase');

    const log = await hush.request('GET', `/api/core/audit-log/?actor=dave&action=user.update`);
    const entry = log.body.results[0];
    assert.equal(entry.object_id, String(dave.id));
    assert.deepEqual(entry.details, { fields: ['password (changed)'], own: true, sessions_closed: 1 });
    assert.doesNotMatch(JSON.stringify(log.body), /long passphrase/);
    // A misspelt filter is refused by name, never ignored (it would return the whole log).
    const typo = await hush.request('GET', `/api/core/audit-log/?actor=dave&acton=user.update`);
    assert.deepEqual([typo.status, Object.keys(typo.body)], [400, ['acton']]);
  });

  it('refuses a read-only token the password change', async () => {
    const ro = await hush.request('POST', '/api/users/tokens/', { body: { user: dave.id, write_enabled: false } });
    const res = await hush.request('POST', '/api/users/me/password/', {
      token: ro.body.key,
      body: { current_password: 'second long passphrase', new_password: 'third long passphrase' },
    });
    assert.equal(res.status, 403);
  });

  it('verifies the audit chain for holders of core.auditlog view only', async () => {
    const res = await hush.request('GET', '/api/core/audit-log/verify/');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.ok, true);
    assert.ok(res.body.entries > 3);
    assert.deepEqual(res.body.problems, []);
    assert.equal((await hush.request('GET', '/api/core/audit-log/verify/', { token: dave.token })).status, 403);
    const auditor = await userWithGrants(hush, 'auditor', [{ types: ['core.auditlog'], actions: ['view'] }]);
    assert.equal((await hush.request('GET', '/api/core/audit-log/verify/', { token: auditor.token })).status, 200);
  });

  it('lists the grantable object types for holders of users.objectpermission view only', async () => {
    const res = await hush.request('GET', '/api/users/object-types/');
    assert.equal(res.status, 200);
    const app = res.body.results.find((t: { name: string }) => t.name === 'phase.app');
    assert.deepEqual(app.actions, ['view', 'add', 'change', 'delete']);
    assert.equal(typeof app.object_id, 'string');
    const audit = res.body.results.find((t: { name: string }) => t.name === 'core.auditlog');
    assert.equal(audit.object_id, null);
    assert.equal((await hush.request('GET', '/api/users/object-types/', { token: dave.token })).status, 403);
  });

  it('confines a token to one engine when asked, and refuses an engine that does not exist', async () => {
    const bad = await hush.request('POST', '/api/users/tokens/', { body: { engine: 'vault' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.engine[0], /phase/);
    const made = await hush.request('POST', '/api/users/tokens/', { body: { engine: 'phase', description: 'p' } });
    assert.equal(made.status, 201);
    assert.equal(made.body.engine, 'phase');
    assert.equal((await hush.request('GET', '/api/users/me/', { token: made.body.key })).status, 403);
    assert.equal((await hush.request('GET', '/v1/apps/', { token: made.body.key })).status, 200);
    const listed = await hush.request('GET', `/api/users/tokens/${made.body.id}/`);
    assert.equal(listed.body.engine, 'phase');
    const everywhere = await hush.request('POST', '/api/users/tokens/', { body: { engine: null } });
    assert.equal(everywhere.status, 201, JSON.stringify(everywhere.body));
    assert.equal(everywhere.body.engine, null);
    assert.equal((await hush.request('GET', '/api/users/me/', { token: everywhere.body.key })).status, 200);
  });
});
