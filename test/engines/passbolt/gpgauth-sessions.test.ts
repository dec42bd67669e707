import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import * as openpgp from 'openpgp';
import { forEachDialect } from '../../helpers/dialects.js';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { bearer, generateKeyPair, passboltUser, type PbUser } from './helpers.js';

/**
 * Who a GPGAuth session is, and where it answers: a key replaced ends the sessions made with the old one; a refused
 * login names nobody as its actor; the console's cookie in the same browser neither blocks nor stands in for a
 * Passbolt login; a Passbolt session reaches only Passbolt's routes; service accounts cannot log in with GPGAuth.
 */
const exec = promisify(execFile);
const HUSH_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/cli/bin.js');
const PASSWORD = 'console session password';
const keys = { ada: generateKeyPair('ada'), ada2: generateKeyPair('ada-new'), bot: generateKeyPair('bot') };

type Answer = { status: number; headers: Headers; body: any };

async function form(hush: RunningHush, fields: Record<string, string>, cookie?: string): Promise<Answer> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) body.append(`data[gpg_auth][${k}]`, v);
  const res = await fetch(`${hush.url}/auth/login.json`, { method: 'POST', body, headers: cookie ? { cookie } : {} });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const unquote = (header: string) =>
  decodeURIComponent(header.replace(/\+/g, '%20')).replace(/\\(.)/g, (_m, c: string) => c);

/** GPGAuth stages 1 and 2 with openpgp.js; `cookie` is what the browser sends along (the console's, say). */
async function gpgauthLogin(hush: RunningHush, fingerprint: string, privateKey: string, cookie?: string) {
  const stage1 = await form(hush, { keyid: fingerprint }, cookie);
  assert.equal(stage1.status, 200, JSON.stringify(stage1.body));
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: unquote(stage1.headers.get('x-gpgauth-user-auth-token')!) }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
  });
  const stage2 = await form(hush, { keyid: fingerprint, user_token_result: String(data) }, cookie);
  const cookies = Object.fromEntries(
    stage2.headers.getSetCookie().map((c) => {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      return [pair!.slice(0, at), pair!.slice(at + 1)];
    }),
  );
  return { stage2, session: cookies.passbolt_session as string, csrf: cookies.csrfToken as string };
}

/** The client half of the JWT login; returns the tokens. */
async function jwtLogin(hush: RunningHush, user: PbUser) {
  const verify = await hush.request('GET', '/auth/verify.json', { token: null });
  const text = JSON.stringify({
    version: '1.0.0',
    domain: hush.url,
    verify_token: crypto.randomUUID(),
    verify_token_expiry: Math.floor(Date.now() / 1000) + 120,
  });
  const challenge = await openpgp.encrypt({
    message: await openpgp.createMessage({ text }),
    encryptionKeys: await openpgp.readKey({ armoredKey: verify.body.body.keydata }),
    signingKeys: await openpgp.readPrivateKey({ armoredKey: user.privateKey }),
  });
  const res = await hush.request('POST', '/auth/jwt/login.json', {
    token: null,
    body: { user_id: user.id, challenge },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: res.body.body.challenge }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: user.privateKey }),
  });
  return JSON.parse(String(data)) as { access_token: string; refresh_token: string };
}

forEachDialect('passbolt GPGAuth sessions', (dialect) => {
  let hush: RunningHush;
  let ada: PbUser;
  let fingerprint: string;
  let consoleCookie: string;
  const withCookie = (cookie: string, headers: Record<string, string> = {}) => ({
    token: null,
    headers: { cookie, ...headers },
  });

  before(async () => {
    hush = await startHush({
      databaseUrl: dialect.databaseUrl,
      env: { HUSH_PROVISION_RATE_LIMIT: '1000', HUSH_BOOTSTRAP_PASSWORD: PASSWORD },
    });
    ada = await passboltUser(hush, 'ada', await keys.ada);
    fingerprint = (await ada.call('GET', '/users/me.json')).body.body.gpgkey.fingerprint;
    const login = await fetch(`${hush.url}/api/users/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    assert.equal(login.status, 200);
    consoleCookie = login.headers.get('set-cookie')!.split(';')[0]!;
  });
  after(() => hush.close());

  it("logs in and works with Passbolt's cookie while the browser also holds the console's session", async () => {
    // The console's cookie rides along on every request of the browser, the login's included.
    const { stage2, session, csrf } = await gpgauthLogin(hush, fingerprint, ada.privateKey, consoleCookie);
    assert.equal(stage2.status, 200, JSON.stringify(stage2.body));
    const both = `${consoleCookie}; passbolt_session=${session}; csrfToken=${csrf}`;
    const me = await hush.request('GET', '/users/me.json', withCookie(both));
    assert.equal(me.status, 200);
    assert.equal(me.body.body.id, ada.id, 'the Passbolt session, not the console one, is the caller');
    const write = await hush.request('POST', '/gpgkeys.json', {
      ...withCookie(both, { 'x-csrf-token': csrf }),
      body: { armored_key: (await keys.ada).publicKey },
    });
    // Past authentication and CSRF: Ada already has a key, so the registration is refused as a conflict.
    assert.notEqual(write.status, 403, JSON.stringify(write.body));
    // Passbolt's open routes answer a browser whose console session has expired.
    const stale = 'hush_session=expired-or-unknown';
    assert.equal((await hush.request('GET', '/auth/verify.json', withCookie(stale))).status, 200);
    assert.equal((await hush.request('GET', '/settings.json', withCookie(stale))).status, 200);
    // A Passbolt logout ends the Passbolt session only.
    const out = await hush.request('POST', '/auth/logout.json', withCookie(both, { 'x-csrf-token': csrf }));
    assert.equal(out.status, 200);
    assert.equal((await hush.request('GET', '/api/users/me/', withCookie(consoleCookie))).status, 200);
  });

  it("a Passbolt session answers on Passbolt's routes only, and the console's is no Passbolt session", async () => {
    const { session } = await gpgauthLogin(hush, fingerprint, ada.privateKey);
    assert.equal((await hush.request('GET', '/users/me.json', withCookie(`passbolt_session=${session}`))).status, 200);
    for (const cookie of [`passbolt_session=${session}`, `hush_session=${session}`]) {
      for (const route of ['/api/users/me/', '/v1/secrets/?app_id=x&env=y', '/api/secrets/lists']) {
        const res = await hush.request('GET', route, withCookie(cookie));
        assert.ok([401, 403].includes(res.status), `${cookie.split('=')[0]} on ${route}: ${res.status}`);
      }
    }
    const consoleSecret = consoleCookie.split('=')[1]!;
    const asPassbolt = await hush.request('GET', '/users/me.json', withCookie(`passbolt_session=${consoleSecret}`));
    assert.equal(asPassbolt.status, 403);
  });

  it('a refused login is logged with no actor, the account it tried in its details', async () => {
    const stage2 = await form(hush, {
      keyid: fingerprint,
      user_token_result: `gpgauthv1.3.0|36|${crypto.randomUUID()}|gpgauthv1.3.0`,
    });
    assert.equal(stage2.status, 400);
    const jwt = await hush.request('POST', '/auth/jwt/login.json', {
      token: null,
      body: {
        user_id: ada.id,
        challenge: '-----BEGIN PGP MESSAGE-----\n\nbm90IGEgbWVzc2FnZQ==\n-----END PGP MESSAGE-----',
      },
    });
    assert.equal(jwt.status, 400);
    const log = await hush.request('GET', '/api/core/audit-log/?engine=passbolt&action=session.refused');
    const methods = new Set<string>();
    for (const e of log.body.results) {
      assert.equal(e.actor, null, JSON.stringify(e));
      assert.equal(e.username ?? null, null, JSON.stringify(e));
      methods.add(e.details.method);
      if (e.details.method === 'gpgauth') {
        assert.equal(e.details.fingerprint, fingerprint);
        assert.equal(e.details.username, 'ada');
      } else assert.equal(e.details.user_id, ada.id);
    }
    assert.deepEqual([...methods].sort(), ['gpgauth', 'jwt']);
  });

  it("refuses a service account's GPGAuth login with Passbolt's answer", async () => {
    const created = await hush.request('POST', '/api/users/users/', {
      body: { username: 'deploy-bot', kind: 'service' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const token = (await hush.request('POST', '/api/users/tokens/', { body: { user: created.body.id } })).body.key;
    const reg = await bearer(hush, token)('POST', '/gpgkeys.json', { armored_key: (await keys.bot).publicKey });
    assert.equal(reg.status, 200, JSON.stringify(reg.body));
    const stage1 = await form(hush, { keyid: reg.body.body.fingerprint });
    assert.equal(stage1.status, 400);
    assert.equal(stage1.body.header.status, 'error');
    assert.equal(stage1.body.header.message, 'There is no user associated with this key. User not found.');
    // Nor with Passbolt's JWT login: the same rule for both of Passbolt's logins.
    await assert.rejects(
      jwtLogin(hush, { id: reg.body.body.user_id, privateKey: (await keys.bot).privateKey } as PbUser),
      /404/,
    );
    assert.equal(stage1.headers.get('x-gpgauth-error'), 'true');
    assert.equal(stage1.headers.get('x-gpgauth-authenticated'), 'false');
    assert.equal(stage1.headers.get('x-gpgauth-user-auth-token'), null);
  });

  it("replacing a user's key ends their GPGAuth sessions and JWT tokens", async () => {
    const gpg = await gpgauthLogin(hush, fingerprint, ada.privateKey);
    const cookie = `passbolt_session=${gpg.session}`;
    assert.equal((await hush.request('GET', '/users/me.json', withCookie(cookie))).status, 200);
    const tokens = await jwtLogin(hush, ada);
    const access = { token: null, headers: { authorization: `Bearer ${tokens.access_token}` } };
    assert.equal((await hush.request('GET', '/users/me.json', access)).status, 200);

    // The administrator's `key-set --replace`, run as an operator would while the server runs.
    const keyFile = path.join(hush.dataDir, 'ada-new.asc');
    fs.writeFileSync(keyFile, (await keys.ada2).publicKey);
    const args = [HUSH_BIN, 'admin', 'passbolt', 'key-set', 'ada', keyFile, '--replace', '--data-dir', hush.dataDir];
    if (dialect.databaseUrl) args.push('--database-url', dialect.databaseUrl);
    await exec(process.execPath, args, { env: { ...process.env, HUSH_LOG_LEVEL: 'silent' } });

    assert.equal((await hush.request('GET', '/users/me.json', withCookie(cookie))).status, 403, 'GPGAuth session');
    assert.equal((await hush.request('GET', '/users/me.json', access)).status, 403, 'access token');
    const refresh = await hush.request('POST', '/auth/jwt/refresh.json', {
      token: null,
      body: { user_id: ada.id, refresh_token: tokens.refresh_token },
    });
    assert.equal(refresh.status, 400, 'refresh token');
    // The new key logs in.
    const again = await gpgauthLogin(
      hush,
      (await keyFingerprint((await keys.ada2).publicKey))!,
      (await keys.ada2).privateKey,
    );
    assert.equal(again.stage2.status, 200);
  });
});

async function keyFingerprint(armored: string) {
  return (await openpgp.readKey({ armoredKey: armored })).getFingerprint().toUpperCase();
}
