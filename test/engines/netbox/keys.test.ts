import assert from 'node:assert/strict';
import { constants, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { ALL_SECRETS_PERMS, as, L, P, rsaPair, secretBody, unlockedAdmin, userWithGrants } from './helpers.js';

forEachDialect('netbox user keys, session keys, key pairs', (dialect) => {
  let hush: RunningHush;
  let setup: Awaited<ReturnType<typeof unlockedAdmin>>;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
  });
  after(() => hush.close());

  it('generates RSA key pairs in the original formats and validates key_size', async () => {
    const admin = as(hush, hush.token);
    const res = await admin('GET', `${P}/generate-rsa-key-pair/`);
    assert.equal(res.status, 200);
    assert.equal(res.body.key_size, 2048);
    assert.ok(res.body.public_key.startsWith('-----BEGIN PUBLIC KEY-----'));
    assert.ok(res.body.private_key.startsWith('-----BEGIN RSA PRIVATE KEY-----'));
    assert.ok(!res.body.private_key.endsWith('\n'));
    const probe = Buffer.from('pair');
    const sealed = publicEncrypt(
      { key: res.body.public_key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      probe,
    );
    assert.deepEqual(
      privateDecrypt(
        { key: res.body.private_key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
        sealed,
      ),
      probe,
    );
    assert.deepEqual((await admin('GET', `${P}/generate-rsa-key-pair/?key_size=bad`)).body, {
      error: 'Invalid key_size parameter. Must be an integer.',
    });
    for (const size of [1024, 8448]) {
      const bad = await admin('GET', `${P}/generate-rsa-key-pair/?key_size=${size}`);
      assert.deepEqual(
        [bad.status, bad.body],
        [400, { error: 'Invalid key size. Must be between 2048 and 8192 bits.' }],
      );
    }
    assert.deepEqual((await admin('GET', `${P}/generate-rsa-key-pair/?key_size=2050`)).body, {
      error: 'Invalid key size. Must be in increments of 256 bits.',
    });
    const big = await admin('GET', `${P}/generate-rsa-key-pair/?key_size=3072`);
    assert.deepEqual(
      [big.body.key_size, createPublicKey(big.body.public_key).asymmetricKeyDetails?.modulusLength],
      [3072, 3072],
    );
    const legacy = await admin('GET', `${L}/generate-rsa-key-pair/`);
    assert.deepEqual(Object.keys(legacy.body).sort(), ['private_key', 'public_key']);
    assert.equal((await hush.request('GET', `${P}/generate-rsa-key-pair/`, { token: null })).status, 403);
  });

  it('refuses bad public keys, then bootstraps the master key with the first key', async () => {
    const admin = as(hush, hush.token);
    assert.equal(
      (await admin('POST', `${P}/session-key/`, { private_key: rsaPair().privateKey })).body,
      'No UserKey found for the current user.',
    );
    const bad = await admin('POST', `${P}/user-keys/`, { public_key: 'not-a-key' });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.public_key[0].startsWith('Invalid RSA key format'));
    assert.deepEqual((await admin('POST', `${P}/user-keys/`, { public_key: rsaPair(1024).publicKey })).body, {
      public_key: ['Key length (1024 bits) is below minimum requirement (2048 bits).'],
    });
    assert.deepEqual((await admin('POST', `${P}/user-keys/`, {})).body, { public_key: ['This field is required.'] });
    assert.equal((await admin('POST', `${P}/user-keys/`, { public_key: rsaPair().privateKey })).status, 400);
    assert.equal((await admin('GET', `${P}/user-keys/`)).body.count, 0);

    setup = await unlockedAdmin(hush);
    const key = await admin('GET', `${P}/user-keys/${setup.userKeyId}/`);
    assert.deepEqual(
      [key.status, key.body.is_active, key.body.is_filled, key.body.user.username, key.body.display],
      [200, true, true, 'admin', 'admin'],
    );
    assert.deepEqual(Object.keys((await admin('GET', `${P}/user-keys/?brief=1`)).body.results[0]), [
      'id',
      'url',
      'display',
    ]);
    assert.deepEqual((await admin('POST', `${P}/user-keys/`, { public_key: rsaPair().publicKey })).body, {
      user: ['User key with this user already exists.'],
    });
    const same = await admin('PATCH', `${P}/user-keys/${setup.userKeyId}/`, {
      public_key: setup.pair.publicKey,
      user: 999,
    });
    assert.deepEqual([same.status, same.body.is_active, same.body.user.username], [200, true, 'admin']);
  });

  it('protects the only active key while secrets exist (change 400, delete 409)', async () => {
    const admin = as(hush, hush.token);
    assert.equal(
      (await setup.call('POST', `${P}/secrets/`, secretBody(setup.deviceId, setup.roleId, 'guarded'))).status,
      201,
    );
    const change = await admin('PATCH', `${P}/user-keys/${setup.userKeyId}/`, { public_key: rsaPair().publicKey });
    assert.equal(change.status, 400);
    assert.match(change.body.public_key[0], /^Cannot change public key while secrets exist/);
    const del = await admin('DELETE', `${P}/user-keys/${setup.userKeyId}/`);
    assert.equal(del.status, 409);
    assert.match(del.body.detail, /^Unable to delete object\. 1 dependent objects were found: guarded \(\d+\)$/);
  });

  it('activates other keys with the admin private key; then they get session keys', async () => {
    const admin = as(hush, hush.token);
    const bob = await userWithGrants(hush, 'bob', ALL_SECRETS_PERMS);
    const carol = await userWithGrants(hush, 'carol', [{ objectTypes: ['netbox_secrets.secret'], actions: ['view'] }]);
    const bobPair = rsaPair();
    const carolPair = rsaPair();
    const bobCall = as(hush, bob.token);
    const carolCall = as(hush, carol.token);
    const bobKey = await bobCall('POST', `${P}/user-keys/`, { public_key: bobPair.publicKey });
    assert.deepEqual([bobKey.status, bobKey.body.is_active], [201, false]);
    const carolKey = await admin('POST', `${P}/user-keys/`, {
      public_key: carolPair.publicKey,
      user: { username: 'carol' },
    });
    assert.deepEqual([carolKey.status, carolKey.body.user.username, carolKey.body.is_active], [201, 'carol', false]);

    assert.equal(
      (await bobCall('POST', `${P}/session-key/`, { private_key: bobPair.privateKey })).body,
      'UserKey has not been activated for decryption.',
    );
    const denied = await carolCall('POST', `${P}/user-keys/activate/`, {
      private_key: carolPair.privateKey,
      user_key_ids: [],
    });
    assert.deepEqual(
      [denied.status, denied.body],
      [403, { detail: 'You do not have permission to activate user keys.' }],
    );
    assert.deepEqual(
      (await bobCall('POST', `${P}/user-keys/activate/`, { private_key: bobPair.privateKey, user_key_ids: [1] })).body,
      { error: 'UserKey has not been activated for decryption.' },
    );
    const dave = await userWithGrants(hush, 'dave', ALL_SECRETS_PERMS);
    assert.deepEqual(
      (
        await as(hush, dave.token)('POST', `${P}/user-keys/activate/`, {
          private_key: bobPair.privateKey,
          user_key_ids: [1],
        })
      ).body,
      { error: 'No UserKey found for the current user.' },
    );

    assert.deepEqual(
      (await admin('POST', `${P}/user-keys/activate/`, { private_key: 'invalid', user_key_ids: [bobKey.body.id] }))
        .body,
      { error: 'Invalid private key.' },
    );
    const empty = await admin('POST', `${P}/user-keys/activate/`, {
      private_key: setup.pair.privateKey,
      user_key_ids: [],
    });
    assert.deepEqual([empty.status, Object.keys(empty.body)], [400, ['user_key_ids']]);
    assert.deepEqual((await admin('POST', `${P}/user-keys/activate/`, { user_key_ids: [1] })).body, {
      private_key: ['This field is required.'],
    });
    const unknown = await admin('POST', `${P}/user-keys/activate/`, {
      private_key: setup.pair.privateKey,
      user_key_ids: [bobKey.body.id, 9999],
    });
    assert.deepEqual(
      [unknown.status, unknown.body],
      [404, { error: 'The following user key IDs were not found: 9999', invalid_keys: [9999] }],
    );
    assert.equal((await admin('GET', `${P}/user-keys/${bobKey.body.id}/`)).body.is_active, false);

    const one = await admin('POST', `${P}/user-keys/activate/`, {
      private_key: setup.pair.privateKey,
      user_key_ids: [bobKey.body.id, bobKey.body.id],
    });
    assert.deepEqual(
      [one.status, one.body],
      [200, { message: 'Successfully activated 1 user key.', activated_count: 1, activated_keys: [bobKey.body.id] }],
    );
    const two = await admin('POST', `${P}/user-keys/activate/`, {
      private_key: setup.pair.privateKey,
      user_key_ids: [carolKey.body.id, bobKey.body.id],
    });
    assert.deepEqual(two.body.activated_keys, [bobKey.body.id, carolKey.body.id]);
    assert.equal(two.body.message, 'Successfully activated 2 user keys.');

    const bobSession = await bobCall('POST', `${P}/session-key/`, { private_key: bobPair.privateKey });
    assert.equal(bobSession.status, 201);
    // Bob's session key opens the same master key: he reads the admin's secret.
    const listed = await as(hush, bob.token, bobSession.body.session_key)('GET', `${P}/secrets/`);
    assert.deepEqual(
      listed.body.results.map((r: any) => r.plaintext),
      ['secret'],
    );

    // Another active key exists: the admin may change its public key, deactivating it (docs/wire/netbox.md §6 case 16).
    const newPair = rsaPair();
    const changed = await admin('PATCH', `${P}/user-keys/${carolKey.body.id}/`, { public_key: newPair.publicKey });
    assert.deepEqual([changed.status, changed.body.is_active], [200, false]);
  });

  it('filters user keys as the plugin does', async () => {
    const admin = as(hush, hush.token);
    assert.deepEqual(
      (await admin('GET', `${P}/user-keys/`)).body.results.map((k: any) => k.display),
      ['admin', 'bob', 'carol'],
    );
    assert.equal((await admin('GET', `${P}/user-keys/?q=ca`)).body.count, 1);
    assert.equal((await admin('GET', `${P}/user-keys/?q=`)).body.count, 3);
    assert.equal((await admin('GET', `${P}/user-keys/?user=bob`)).body.count, 1);
    const bobId = (await admin('GET', `${P}/user-keys/?user=bob`)).body.results[0].user.id;
    assert.equal((await admin('GET', `${P}/user-keys/?user_id=${bobId}`)).body.count, 1);
    assert.deepEqual((await admin('GET', `${P}/user-keys/?user_id=9999`)).body, {
      user_id: ['Select a valid choice. 9999 is not one of the available choices.'],
    });
    assert.deepEqual(
      (await admin('GET', `${P}/user-keys/?ordering=-user`)).body.results.map((k: any) => k.display),
      ['carol', 'bob', 'admin'],
    );
  });

  it('session keys: preserve, replace, read, delete, cookie clearing; garbage keys', async () => {
    const admin = as(hush, hush.token);
    const missing = await admin('POST', `${P}/session-key/`, {});
    assert.equal(missing.status, 400);
    assert.equal(missing.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(missing.body, 'Private key was not provided.');
    assert.equal((await admin('POST', `${P}/session-key/`, { private_key: 'invalid' })).body, 'Invalid private key.');
    assert.equal(
      (await admin('POST', `${P}/session-key/`, { private_key: rsaPair().privateKey })).body,
      'Invalid private key.',
    );

    const first = await admin('POST', `${P}/session-key/`, { private_key: setup.pair.privateKey });
    assert.equal(first.status, 201);
    assert.equal(first.body.session_key.length, 44);
    assert.equal(Buffer.from(first.body.session_key, 'base64').length, 32);
    assert.equal(first.headers.get('set-cookie'), null, 'token callers get no cookie');
    const kept = await admin('POST', `${P}/session-key/`, { private_key: setup.pair.privateKey, preserve_key: true });
    assert.deepEqual([kept.status, kept.body.session_key], [200, first.body.session_key]);
    const read = await admin('GET', `${P}/session-key/`);
    assert.deepEqual(
      [read.status, read.body.session_key, read.body.userkey.id, read.body.id],
      [200, null, setup.userKeyId, first.body.id],
    );
    const fresh = await admin('POST', `${P}/session-key/`, { private_key: setup.pair.privateKey });
    assert.equal(fresh.status, 201);
    assert.notEqual(fresh.body.session_key, first.body.session_key);
    const secretId = (await admin('GET', `${P}/secrets/`)).body.results[0].id;
    assert.deepEqual(
      (await admin('GET', `${P}/secrets/${secretId}/`, undefined, { 'x-session-key': first.body.session_key })).body,
      ['Invalid session key.'],
    );
    assert.equal(
      (await admin('GET', `${P}/secrets/${secretId}/`, undefined, { 'x-session-key': fresh.body.session_key })).body
        .plaintext,
      'secret',
    );

    // Legacy path, form-encoded as pynetbox sends it; preserve_key from the query string.
    const form = (q: string) =>
      hush.request('POST', `${L}/get-session-key/${q}`, {
        body: `private_key=${encodeURIComponent(setup.pair.privateKey)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const preserved = await form('?preserve_key=True');
    assert.deepEqual([preserved.status, preserved.body], [200, { session_key: fresh.body.session_key }]);
    const replaced = await form('');
    assert.equal(replaced.status, 200);
    assert.notEqual(replaced.body.session_key, fresh.body.session_key);

    const deleted = await admin('DELETE', `${P}/session-key/`);
    assert.equal(deleted.status, 204);
    assert.match(deleted.headers.get('set-cookie') ?? '', /^netbox_secrets_sessionid=;.*Expires=Thu, 01 Jan 1970/);
    assert.deepEqual(
      (await admin('GET', `${P}/secrets/${secretId}/`, undefined, { 'x-session-key': replaced.body.session_key })).body,
      ['Invalid session key.'],
    );
    const again = await admin('DELETE', `${P}/session-key/`);
    assert.deepEqual([again.status, again.body], [404, { detail: 'No active session key found' }]);
    assert.match(again.headers.get('set-cookie') ?? '', /^netbox_secrets_sessionid=;/);
    assert.equal((await admin('PUT', `${P}/session-key/`, {})).status, 405);
  });

  it('bulk-deletes user keys all or nothing, never every active key while secrets exist', async () => {
    const admin = as(hush, hush.token);
    const keys = (await admin('GET', `${P}/user-keys/`)).body.results as { id: number; display: string }[];
    const all = keys.map((k) => ({ id: k.id }));
    const refused = await admin('DELETE', `${P}/user-keys/`, all);
    assert.equal(refused.status, 409);
    assert.equal((await admin('GET', `${P}/user-keys/`)).body.count, keys.length, 'nothing deleted');
    const others = keys.filter((k) => k.display !== 'admin').map((k) => ({ id: k.id }));
    assert.equal((await admin('DELETE', `${P}/user-keys/`, others)).status, 204);
    assert.deepEqual(
      (await admin('GET', `${P}/user-keys/`)).body.results.map((k: any) => k.display),
      ['admin'],
    );
  });

  it('audits key operations without key material', async () => {
    const log = await hush.request('GET', '/api/core/audit-log/?engine=netbox&limit=1000');
    const actions = new Set(log.body.results.map((e: any) => e.action));
    for (const a of [
      'master_key.bootstrap',
      'user_key.create',
      'user_key.activate',
      'session_key.create',
      'session_key.delete',
      'session_key.refused',
      'rsa_key_pair.generate',
    ]) {
      assert.ok(actions.has(a), `missing ${a}`);
    }
    const text = JSON.stringify(log.body);
    assert.ok(!text.includes('PRIVATE KEY') && !text.includes('PUBLIC KEY'));
    assert.ok(!text.includes(setup.sessionKey));
  });

  it("answers concurrent creates of one user's key with one 201 and 400s, never a 5xx", async () => {
    const racer = await userWithGrants(hush, 'key-racer', [
      { objectTypes: ['netbox_secrets.userkey'], actions: ['view', 'add', 'change'] },
    ]);
    const call = as(hush, racer.token);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => call('POST', `${P}/user-keys/`, { public_key: rsaPair().publicKey })),
    );
    assert.deepEqual(
      answers.map((a) => a.status).sort(),
      [201, 400, 400, 400],
      JSON.stringify(answers.map((a) => a.body)),
    );
    for (const a of answers.filter((x) => x.status === 400))
      assert.deepEqual(a.body, { user: ['User key with this user already exists.'] });
  });
});
