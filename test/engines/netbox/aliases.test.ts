import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { as, P, rsaPair, unlockedAdmin, userWithGrants } from './helpers.js';

forEachDialect('netbox plugin 2.x/3.0 aliases', (dialect) => {
  let hush: RunningHush;
  let s: Awaited<ReturnType<typeof unlockedAdmin>>;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    s = await unlockedAdmin(hush);
  });
  after(() => hush.close());

  it('/session-keys/: list of the caller own key, create (201, 200 with preserve_key), read, delete', async () => {
    const list = await s.plain('GET', `${P}/session-keys/`);
    assert.equal(list.body.count, 1);
    assert.deepEqual(Object.keys(list.body.results[0]), [
      'pk',
      'id',
      'url',
      'display',
      'userkey',
      'session_key',
      'created',
    ]);
    assert.equal(list.body.results[0].session_key, null);
    const kept = await s.plain('POST', `${P}/session-keys/`, { private_key: s.pair.privateKey, preserve_key: true });
    assert.deepEqual([kept.status, kept.body.session_key], [200, s.sessionKey]);
    const fresh = await s.plain('POST', `${P}/session-keys/`, { private_key: s.pair.privateKey });
    assert.equal(fresh.status, 201);
    assert.equal((await s.plain('GET', `${P}/session-keys/${fresh.body.id}/`)).status, 200);
    assert.equal((await s.plain('GET', `${P}/session-keys/${fresh.body.id + 1000}/`)).status, 404);
    const plugin2 = await s.plain('POST', `${P}/get-session-key/`, {
      private_key: s.pair.privateKey,
      preserve_key: 'True',
    });
    assert.deepEqual(plugin2.body, { session_key: fresh.body.session_key });
    assert.equal((await s.plain('DELETE', `${P}/session-keys/${fresh.body.id}/`)).status, 204);
    assert.equal((await s.plain('GET', `${P}/session-keys/`)).body.count, 0);
  });

  it('/activate-user-key/: plain-text errors, a JSON string on success', async () => {
    const bob = await userWithGrants(hush, 'bob', []);
    const pair = rsaPair();
    const key = await s.plain('POST', `${P}/user-keys/`, { public_key: pair.publicKey, user: bob.id });
    const denied = await as(hush, bob.token)('POST', `${P}/activate-user-key/`, {
      private_key: pair.privateKey,
      user_keys: [key.body.id],
    });
    assert.deepEqual(
      [denied.status, denied.body],
      [403, { detail: 'You do not have permission to active User Keys.' }],
    );
    const wrong = await s.plain('POST', `${P}/activate-user-key/`, {
      private_key: pair.privateKey,
      user_keys: [key.body.id],
    });
    assert.deepEqual(
      [wrong.status, wrong.body, wrong.headers.get('content-type')],
      [400, 'Invalid private key.', 'text/html; charset=utf-8'],
    );
    assert.equal(
      (await s.plain('POST', `${P}/activate-user-key/`, { private_key: s.pair.privateKey, user_keys: [9999] })).body,
      'User key with id 9999 does not exist.',
    );
    const ok = await s.plain('POST', `${P}/activate-user-key/`, {
      private_key: s.pair.privateKey,
      user_keys: [key.body.id],
    });
    assert.deepEqual([ok.status, ok.body], [200, 'Successfully activated 1 user keys.']);
    assert.equal(
      (await as(hush, bob.token)('POST', `${P}/session-key/`, { private_key: pair.privateKey })).status,
      201,
    );
  });
});
