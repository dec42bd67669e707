import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import * as openpgp from 'openpgp';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { bearer, createResource, decryptWith, generateKeyPair, passboltUser, type PbUser } from './helpers.js';

const keys = { ada: generateKeyPair('ada'), mallory: generateKeyPair('mallory') };

/** The client half of Passbolt's JWT login, as its SDKs do it with openpgp.js. */
async function challengeFor(
  hush: RunningHush,
  user: PbUser,
  fields: Record<string, unknown> = {},
  signWith = user.privateKey,
) {
  const verify = await hush.request('GET', '/auth/verify.json', { token: null });
  const serverKey = await openpgp.readKey({ armoredKey: verify.body.body.keydata });
  const verifyToken = randomUUID();
  const text = JSON.stringify({
    version: '1.0.0',
    domain: hush.url,
    verify_token: verifyToken,
    verify_token_expiry: Math.floor(Date.now() / 1000) + 120,
    ...fields,
  });
  const challenge = await openpgp.encrypt({
    message: await openpgp.createMessage({ text }),
    encryptionKeys: serverKey,
    signingKeys: await openpgp.readPrivateKey({ armoredKey: signWith }),
  });
  return { body: { user_id: user.id, challenge }, verifyToken, serverKey };
}

async function login(hush: RunningHush, user: PbUser) {
  const { body, verifyToken, serverKey } = await challengeFor(hush, user);
  const res = await hush.request('POST', '/auth/jwt/login.json', { token: null, body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { data, signatures } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: res.body.body.challenge }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: user.privateKey }),
    verificationKeys: serverKey,
    expectSigned: true,
  });
  assert.ok(await signatures[0]!.verified);
  const answer = JSON.parse(data as string);
  assert.equal(answer.verify_token, verifyToken);
  return { answer, body };
}

forEachDialect('passbolt JWT login', (dialect) => {
  let hush: RunningHush;
  let ada: PbUser;
  let mallory: PbUser;
  before(async () => {
    // These cases log in more often than one address may per minute; jwt-rate-limit.test.ts covers the limit.
    hush = await startHush({ databaseUrl: dialect.databaseUrl, env: { HUSH_PROVISION_RATE_LIMIT: '1000' } });
    ada = await passboltUser(hush, 'ada', await keys.ada);
    mallory = await passboltUser(hush, 'mallory', await keys.mallory);
  });
  after(() => hush.close());

  it("publishes the server's OpenPGP key and JWT key, keeping their private halves sealed", async () => {
    const verify = await hush.request('GET', '/auth/verify.json', { token: null });
    assert.equal(verify.status, 200);
    const key = await openpgp.readKey({ armoredKey: verify.body.body.keydata });
    assert.equal(key.isPrivate(), false);
    assert.equal(verify.body.body.fingerprint, key.getFingerprint().toUpperCase());
    const jwks = await hush.request('GET', '/auth/jwt/jwks.json', { token: null });
    assert.equal(jwks.body.body.keys[0].alg, 'RS256');
    assert.match(
      (await hush.request('GET', '/auth/jwt/rsa.json', { token: null })).body.body.keydata,
      /BEGIN PUBLIC KEY/,
    );
    const rows = await hush.app.core.db.selectFrom('passbolt_server_keys').selectAll().execute();
    assert.equal(rows.length, 2);
    for (const row of rows)
      assert.ok(!/PRIVATE KEY/.test(row.private_ct) && row.private_ct.startsWith('hush1.'), row.kind);
  });

  it('logs in with a signed challenge, uses the access token, refreshes once, and logs out', async () => {
    const { answer } = await login(hush, ada);
    assert.equal(answer.version, '1.0.0');
    assert.equal(answer.domain, `${hush.url}/`);
    const [, payload] = answer.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    assert.equal(claims.sub, ada.id);
    assert.ok(claims.exp > Date.now() / 1000);

    const jwtCall = bearer(hush, answer.access_token);
    const id = await createResource({ ...ada, call: jwtCall }, 'via-jwt', 'pw');
    const secret = await jwtCall('GET', `/secrets/resource/${id}.json`);
    assert.equal(await decryptWith(secret.body.body.data, ada.privateKey), 'pw');
    assert.equal((await jwtCall('GET', '/auth/is-authenticated.json')).status, 200);
    // The JWT is a Passbolt credential only: other engines do not take it.
    assert.equal((await jwtCall('GET', '/api/users/users/')).status, 403);

    const refreshed = await hush.request('POST', '/auth/jwt/refresh.json', {
      token: null,
      body: { user_id: ada.id, refresh_token: answer.refresh_token },
    });
    assert.equal(refreshed.status, 200);
    assert.match(refreshed.headers.get('set-cookie') ?? '', /refresh_token=.*HttpOnly/i);
    assert.equal((await bearer(hush, refreshed.body.body.access_token)('GET', '/users/me.json')).body.body.id, ada.id);
    const reused = await hush.request('POST', '/auth/jwt/refresh.json', {
      token: null,
      body: { user_id: ada.id, refresh_token: answer.refresh_token },
    });
    assert.equal(reused.status, 400);

    const out = await jwtCall('POST', '/auth/jwt/logout.json', { refresh_token: refreshed.body.body.refresh_token });
    assert.equal(out.status, 200);
    const afterLogout = await hush.request('POST', '/auth/jwt/refresh.json', {
      token: null,
      body: { user_id: ada.id, refresh_token: refreshed.body.body.refresh_token },
    });
    assert.equal(afterLogout.status, 400);
    const log = await hush.request('GET', '/api/core/audit-log/?engine=passbolt&action=session.login');
    assert.ok(log.body.count >= 1);
    assert.ok(!JSON.stringify(log.body).includes(answer.access_token));
  });

  it('refuses replayed, mis-signed, foreign-domain, expired and malformed challenges', async () => {
    const { body } = await login(hush, ada);
    const replay = await hush.request('POST', '/auth/jwt/login.json', { token: null, body });
    assert.equal(replay.status, 400);

    const forged = await challengeFor(hush, ada, {}, mallory.privateKey);
    const res = await hush.request('POST', '/auth/jwt/login.json', { token: null, body: forged.body });
    assert.equal(res.status, 400);
    assert.equal(res.body.header.status, 'error');

    for (const fields of [
      { domain: 'https://elsewhere.example' },
      { verify_token_expiry: Math.floor(Date.now() / 1000) - 10 },
      { version: '2.0.0' },
      { verify_token: 'nope' },
      { verify_token_expiry: Math.floor(Date.now() / 1000) + 86400 },
    ]) {
      const c = await challengeFor(hush, ada, fields);
      assert.equal(
        (await hush.request('POST', '/auth/jwt/login.json', { token: null, body: c.body })).status,
        400,
        JSON.stringify(fields),
      );
    }
    assert.equal(
      (await hush.request('POST', '/auth/jwt/login.json', { token: null, body: { user_id: 'x', challenge: 'y' } }))
        .status,
      400,
    );
    assert.equal(
      (await hush.request('POST', '/auth/jwt/login.json', { token: null, body: { user_id: ada.id, challenge: 'y' } }))
        .status,
      400,
    );
    assert.equal(
      (
        await hush.request('POST', '/auth/jwt/login.json', {
          token: null,
          body: { user_id: randomUUID(), challenge: body.challenge },
        })
      ).status,
      404,
    );
  });

  it('refuses tampered and foreign-signed access tokens with the 403 envelope', async () => {
    const { answer } = await login(hush, ada);
    const [h, p, s] = answer.access_token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: mallory.id })).toString('base64url')}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.x`;
    for (const token of [tampered, none]) {
      const res = await bearer(hush, token)('GET', '/users/me.json');
      assert.equal(res.status, 403);
      assert.equal(res.body.header.message, 'You need to login to access this location.');
      // Public routes (verify, login, refresh) still answer a client that sends a stale token along.
      assert.equal((await bearer(hush, token)('GET', '/auth/verify.json')).status, 200);
    }
    const refreshed = await bearer(hush, tampered)('POST', '/auth/jwt/refresh.json', {
      user_id: ada.id,
      refresh_token: answer.refresh_token,
    });
    assert.equal(refreshed.status, 200);
  });
});
