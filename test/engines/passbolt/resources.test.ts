import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { createResource, decryptWith, encryptFor, generateKeyPair, passboltUser, type PbUser } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Key generation is the slow part: once per file, reused by both dialects.
const keys = { ada: generateKeyPair('ada'), betty: generateKeyPair('betty'), carol: generateKeyPair('carol') };

forEachDialect('passbolt resources and secrets', (dialect) => {
  let hush: RunningHush;
  let ada: PbUser;
  let betty: PbUser;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl });
    ada = await passboltUser(hush, 'ada', await keys.ada);
    betty = await passboltUser(hush, 'betty', await keys.betty);
  });
  after(() => hush.close());

  it('wraps every answer in the envelope, errors and unknown paths included', async () => {
    const res = await ada.call('GET', '/resources.json?api-version=v2');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['header', 'body']);
    const h = res.body.header;
    assert.match(h.id, UUID);
    // UUID v5 of "ResourcesIndex.index", the route's controller and action in passbolt_api.
    assert.equal(h.action, 'c506210f-7866-5691-8fc1-58772e8f49f1');
    assert.deepEqual(
      [h.status, h.code, h.message, h.url, h.title],
      [
        'success',
        200,
        'The operation was successful.',
        '/resources.json?api-version=v2',
        'app_resources_index_success',
      ],
    );
    assert.ok(Math.abs(h.servertime - Date.now() / 1000) < 300);
    assert.deepEqual(res.body.body, []);

    const missing = await ada.call('GET', '/resources/nope/deeper.json');
    assert.equal(missing.status, 404);
    assert.deepEqual([missing.body.header.status, missing.body.header.code, missing.body.body], ['error', 404, null]);
    // Passbolt's error controller: "Error.error".
    assert.equal(missing.body.header.action, '17b8a54b-8069-586a-8ca2-7e7569b28e08');
    // Other engines keep their own 404 shapes.
    assert.ok(!('header' in (await ada.call('GET', '/api/nothing/')).body));
  });

  it("spells `/` as PHP's json_encode does, and names the seed's action for the secret view", async () => {
    const id = await createResource(ada, 'slashes', 'pw', { uri: 'https://example.com/a/b' });
    for (const path of [`/secrets/resource/${id}.json?api-version=v2`, '/resources/nope/deeper.json']) {
      const res = await fetch(hush.url + path, { headers: { authorization: `Bearer ${ada.token}` } });
      const text = await res.text();
      assert.ok(text.includes(`"url":"${path.replace(/\//g, '\\/')}"`), text);
      assert.ok(!/[^\\]\//.test(text), 'every / is escaped');
      assert.equal(JSON.parse(text).header.url, path);
    }
    const secret = await ada.call('GET', `/secrets/resource/${id}.json?api-version=v2`);
    assert.equal(secret.body.header.action, 'ad71952e-7842-599e-a19e-3a82e6974b23');
    const resource = await ada.call('GET', `/resources/${id}.json`);
    assert.equal(resource.body.body.uri, 'https://example.com/a/b');
  });

  it('answers 403 in the envelope without credentials or with a bad token', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const res = await hush.request(
        'GET',
        '/secrets/resource/8e3874ae-4b40-590b-968a-418f704b9d9a.json?api-version=v2',
        { token: null, headers },
      );
      assert.equal(res.status, 403);
      assert.equal(res.body.header.message, 'You need to login to access this location.');
    }
  });

  it('creates a resource with the owner secret, lists and views it, and serves the secret the owner can decrypt', async () => {
    const id = await createResource(ada, 'apache', 'hello', { description: 'web server' });
    assert.match(id, UUID);
    const list = await ada.call(
      'GET',
      '/resources.json?api-version=v2&contain[secret]=1&contain[permission]=1&contain[creator]=1&contain[resource-type]=1',
    );
    const r = list.body.body.find((x: any) => x.id === id);
    assert.deepEqual(
      [r.name, r.username, r.uri, r.description, r.deleted, r.created_by, r.modified_by],
      ['apache', 'root', 'https://example.com', 'web server', false, ada.id, ada.id],
    );
    assert.match(r.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.equal(r.permission.type, 15);
    assert.equal(r.creator.username, 'ada');
    assert.equal(r.resource_type.slug, 'password-string');
    assert.equal(r.secrets.length, 1);
    assert.equal(await decryptWith(r.secrets[0].data, ada.privateKey), 'hello');

    const view = await ada.call('GET', `/resources/${id}.json?contain[permissions.user.profile]=1`);
    assert.equal(view.status, 200);
    assert.equal(view.body.body.permissions[0].user.profile.first_name, 'Ada');

    const secret = await ada.call('GET', `/secrets/resource/${id}.json?api-version=v2`);
    assert.equal(secret.status, 200);
    assert.deepEqual(Object.keys(secret.body.body).sort(), [
      'created',
      'data',
      'id',
      'modified',
      'resource_id',
      'user_id',
    ]);
    assert.deepEqual([secret.body.body.resource_id, secret.body.body.user_id], [id, ada.id]);
    assert.equal(await decryptWith(secret.body.body.data, ada.privateKey), 'hello');
    // At rest the copy is sealed again by the keyring: neither the message nor its recipients show in the database.
    const stored = await hush.app.core.db
      .selectFrom('passbolt_secrets')
      .select('data_ct')
      .where('resource_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.ok(stored.data_ct.startsWith('hush1.') && !stored.data_ct.includes('PGP'));
  });

  it('hides resources from users without access: the same 404 as for one that does not exist; 400 for malformed ids', async () => {
    const id = await createResource(ada, 'private', 'p');
    const unknown = '8e3874ae-4b40-590b-968a-418f704b9d9a';
    for (const path of [`/secrets/resource/${id}.json`, `/resources/${id}.json`]) {
      const denied = await betty.call('GET', path);
      const absent = await betty.call('GET', path.replace(id, unknown));
      assert.deepEqual([denied.status, absent.status], [404, 404]);
      assert.equal(denied.body.header.message, absent.body.header.message);
    }
    assert.equal((await betty.call('PUT', `/resources/${id}.json`, { name: 'x' })).status, 404);
    assert.equal((await betty.call('DELETE', `/resources/${id}.json`)).status, 404);
    assert.ok(!(await betty.call('GET', '/resources.json')).body.body.some((r: any) => r.id === id));
    const bad = await ada.call('GET', '/secrets/resource/not-a-uuid.json');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.header.message, 'The resource identifier should be a valid UUID.');
  });

  it("rejects secrets that are not OpenPGP messages or not encrypted to the owner's key, with Passbolt's rule map", async () => {
    const cases: [unknown, string][] = [
      ['not a message', 'isValidOpenPGPMessage'],
      ['-----BEGIN PGP MESSAGE-----\n\ngarbage\n-----END PGP MESSAGE-----', 'isValidOpenPGPMessage'],
      [await encryptFor('x', betty.publicKey), 'wrongRecipient'],
      ['', '_empty'],
    ];
    for (const [data, rule] of cases) {
      const res = await ada.call('POST', '/resources.json', { name: 'bad', secrets: [{ data }] });
      assert.equal(res.status, 400, rule);
      assert.equal(res.body.header.message, 'Could not validate resource data.');
      assert.ok(res.body.body.secrets['0'].data[rule], `${rule}: ${JSON.stringify(res.body.body)}`);
    }
    const noName = await ada.call('POST', '/resources.json', {
      secrets: [{ data: await encryptFor('x', ada.publicKey) }],
    });
    assert.deepEqual(noName.body.body, { name: { _required: 'A name is required.' } });
    const noSecret = await ada.call('POST', '/resources.json', { name: 'n' });
    assert.deepEqual(Object.keys(noSecret.body.body.secrets), ['_required']);
    const otherUser = await ada.call('POST', '/resources.json', {
      name: 'n',
      secrets: [{ user_id: betty.id, data: await encryptFor('x', betty.publicKey) }],
    });
    assert.deepEqual(Object.keys(otherUser.body.body.secrets), ['owner_secret_provided']);
    const long = await ada.call('POST', '/resources.json', {
      name: 'x'.repeat(256),
      secrets: [{ data: await encryptFor('x', ada.publicKey) }],
    });
    assert.deepEqual(Object.keys(long.body.body.name), ['maxLength']);
    assert.ok(
      !(await ada.call('GET', '/resources.json')).body.body.some((r: any) => r.name === 'bad' || r.name === 'n'),
    );
  });

  it('updates metadata, and the secret only with a copy for every user with access', async () => {
    const id = await createResource(ada, 'rotate-me', 'v1');
    const meta = await ada.call('PUT', `/resources/${id}.json`, { name: 'rotated', uri: null });
    assert.equal(meta.status, 200);
    assert.deepEqual([meta.body.body.name, meta.body.body.uri], ['rotated', null]);

    const extra = await ada.call('PUT', `/resources/${id}.json`, {
      secrets: [
        { user_id: ada.id, data: await encryptFor('v2', ada.publicKey) },
        { user_id: betty.id, data: await encryptFor('v2', betty.publicKey) },
      ],
    });
    assert.equal(extra.status, 400);
    assert.ok(extra.body.body.secrets.secrets_provided);
    const wrongKey = await ada.call('PUT', `/resources/${id}.json`, {
      secrets: [{ user_id: ada.id, data: await encryptFor('v2', betty.publicKey) }],
    });
    assert.ok(wrongKey.body.body.secrets['0'].data.wrongRecipient);
    const missing = await ada.call('PUT', `/resources/${id}.json`, { secrets: [] });
    assert.ok(missing.body.body.secrets.secrets_provided);

    const okUpdate = await ada.call('PUT', `/resources/${id}.json`, {
      secrets: [{ user_id: ada.id, data: await encryptFor('v2', ada.publicKey) }],
    });
    assert.equal(okUpdate.status, 200);
    const secret = await ada.call('GET', `/secrets/resource/${id}.json`);
    assert.equal(await decryptWith(secret.body.body.data, ada.privateKey), 'v2');
  });

  it('deletes a resource: gone for its owner, its secret with it', async () => {
    const id = await createResource(ada, 'doomed', 'x');
    const del = await ada.call('DELETE', `/resources/${id}.json`);
    assert.equal(del.status, 200);
    assert.equal((await ada.call('GET', `/resources/${id}.json`)).status, 404);
    assert.equal((await ada.call('GET', `/secrets/resource/${id}.json`)).status, 404);
    assert.equal((await ada.call('DELETE', `/resources/${id}.json`)).status, 404);
  });

  it('serves resource types, users with their keys, and gpgkeys', async () => {
    const types = await ada.call('GET', '/resource-types.json');
    assert.deepEqual(
      types.body.body.map((t: any) => t.slug),
      ['password-string', 'password-and-description', 'totp', 'password-description-totp'],
    );
    // Ids as Passbolt derives them: UUID v5 of "resource-types.id.<slug>" under its seed.
    assert.equal(types.body.body[0].id, '669f8c64-242a-59fb-92fc-81f660975fd3');
    const users = await ada.call('GET', '/users.json');
    const b = users.body.body.find((u: any) => u.username === 'betty');
    assert.equal(b.id, betty.id);
    assert.match(b.gpgkey.fingerprint, /^[0-9A-F]{40}$/);
    assert.equal(b.gpgkey.armored_key.trim().startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----'), true);
    assert.equal((await ada.call('GET', '/users/me.json')).body.body.id, ada.id);
    assert.equal((await ada.call('GET', `/users/${betty.id}.json`)).body.body.profile.first_name, 'Betty');
    const gpgkeys = await ada.call('GET', '/gpgkeys.json');
    assert.ok(gpgkeys.body.body.some((k: any) => k.user_id === betty.id));
    assert.equal((await ada.call('GET', `/gpgkeys/${b.gpgkey.id}.json`)).body.body.fingerprint, b.gpgkey.fingerprint);
  });

  it('registers a key once per user, refuses private keys, and refuses resources to users without a key', async () => {
    const again = await ada.call('POST', '/gpgkeys.json', { armored_key: ada.publicKey });
    assert.equal(again.status, 400);
    const carolUser = await hush.request('POST', '/api/users/users/', { body: { username: 'carol' } });
    const carolToken = (await hush.request('POST', '/api/users/tokens/', { body: { user: carolUser.body.id } })).body
      .key;
    const carol = (m: string, p: string, body?: unknown) =>
      hush.request(m, p, {
        token: null,
        headers: { authorization: `Bearer ${carolToken}` },
        ...(body ? { body } : {}),
      });
    const { publicKey, privateKey } = await keys.carol;
    const priv = await carol('POST', '/gpgkeys.json', { armored_key: privateKey });
    assert.equal(priv.status, 400);
    assert.ok(priv.body.body.armored_key);
    const noKey = await carol('POST', '/resources.json', {
      name: 'x',
      secrets: [{ data: await encryptFor('x', publicKey) }],
    });
    assert.equal(noKey.status, 403);
    assert.equal((await carol('GET', '/users/me.json')).status, 404);
    assert.equal((await carol('POST', '/gpgkeys.json', { armored_key: publicKey })).status, 200);
  });

  it('audits every secret fetch and change without the message', async () => {
    const id = await createResource(ada, 'audited', 'a');
    await ada.call('GET', `/secrets/resource/${id}.json`);
    await ada.call('GET', `/resources.json?contain[secret]=1&filter[has-id][]=${id}`);
    const log = await hush.request('GET', `/api/core/audit-log/?engine=passbolt&object_id=${id}`);
    const actions = log.body.results.map((e: any) => e.action).sort();
    assert.deepEqual(actions, ['resource.create', 'secret.create', 'secret.read', 'secret.read']);
    assert.ok(!JSON.stringify(log.body).includes('PGP MESSAGE'));
  });
});
