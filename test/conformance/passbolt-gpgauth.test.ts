import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import { gpg } from '../helpers/gpg.js';
import { forEachDialect } from '../helpers/dialects.js';
import { startHush, tempDir, type RunningHush } from '../helpers/server.js';
import { generateKeyPair, passboltUser, type PbUser } from '../engines/passbolt/helpers.js';

const exec = promisify(execFile);

// A GPGAuth login written from the Passbolt API documentation, independently of Hush's code: every OpenPGP step is
// Debian's gpg on the command line (each in its own GNUPGHOME), every request a form post (`curl -d` style), the
// session a cookie.

const nonce = () => `gpgauthv1.3.0|36|${randomUUID()}|gpgauthv1.3.0`;

/** PHP's urldecode then stripslashes, as the Passbolt docs tell a client to read X-GPGAuth-User-Auth-Token. */
const unquote = (header: string) =>
  decodeURIComponent(header.replace(/\+/g, '%20')).replace(/\\(.)/g, (_m, c: string) => c);

const pair = generateKeyPair('gpgauth-user');
const stranger = generateKeyPair('stranger');

forEachDialect('passbolt GPGAuth login with gpg on the command line', (dialect) => {
  let hush: RunningHush;
  let user: PbUser;
  let home: string;
  let fingerprint: string;

  async function form(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) body.append(`data[gpg_auth][${k}]`, v);
    const res = await fetch(hush.url + path, { method: 'POST', body, headers });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  }

  /** Stages 1 and 2; returns the stage-2 answer and the cookies it set. */
  async function login() {
    const stage1 = await form('/auth/login.json', { keyid: fingerprint });
    const armored = unquote(stage1.headers.get('x-gpgauth-user-auth-token') ?? '');
    const clear = await gpg(home, ['--decrypt'], armored);
    assert.equal(clear.code, 0, clear.stderr);
    const stage2 = await form('/auth/login.json', { keyid: fingerprint, user_token_result: clear.stdout });
    const cookies = Object.fromEntries(
      stage2.headers.getSetCookie().map((c) => {
        const [pairText] = c.split(';');
        const at = pairText!.indexOf('=');
        return [pairText!.slice(0, at), pairText!.slice(at + 1)];
      }),
    );
    return { stage1, clear: clear.stdout, stage2, cookies };
  }

  before(async () => {
    // Each login is two or three requests; this file makes more than the default budget a minute allows.
    hush = await startHush({ databaseUrl: dialect.databaseUrl, env: { HUSH_PROVISION_RATE_LIMIT: '100' } });
    user = await passboltUser(hush, 'gpgauth', await pair);
    home = tempDir('hush-gnupg-');
    fs.chmodSync(home, 0o700);
    for (const key of [user.privateKey, (await stranger).publicKey]) {
      const imported = await gpg(home, ['--import'], key);
      assert.equal(imported.code, 0, imported.stderr);
    }
    const server = await fetch(`${hush.url}/auth/verify.json`).then((r) => r.json() as Promise<any>);
    assert.equal((await gpg(home, ['--import'], server.body.keydata)).code, 0);
    fingerprint = (await user.call('GET', '/users/me.json')).body.body.gpgkey.fingerprint;
  });
  after(async () => {
    await hush.close();
    await exec('gpgconf', ['--homedir', home, '--kill', 'all']).catch(() => undefined);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('stage 0: the server decrypts a nonce made by gpg for its key, and cannot for another key', async () => {
    const server = await fetch(`${hush.url}/auth/verify.json`).then((r) => r.json() as Promise<any>);
    const token = nonce();
    const enc = await gpg(
      home,
      ['--armor', '--trust-model', 'always', '--encrypt', '--recipient', server.body.fingerprint],
      token,
    );
    const res = await form('/auth/verify.json', { keyid: fingerprint, server_verify_token: enc.stdout });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-gpgauth-version'), '1.3.0');
    assert.equal(res.headers.get('x-gpgauth-authenticated'), 'false');
    assert.equal(res.headers.get('x-gpgauth-progress'), 'stage0');
    assert.equal(res.headers.get('x-gpgauth-verify-response'), token);
    assert.equal(res.headers.get('x-gpgauth-error'), null);
    // Passbolt answers the stage as an error envelope with status 200; the extension relies on it.
    assert.deepEqual([res.body.header.status, res.body.header.code], ['error', 200]);

    const strangerFp = (await gpg(home, ['--with-colons', '--fingerprint', 'stranger'], '')).stdout.match(
      /^fpr:+([0-9A-F]{40}):/m,
    )![1]!;
    const wrong = await gpg(home, ['--armor', '--trust-model', 'always', '--encrypt', '-r', strangerFp], token);
    const refused = await form('/auth/verify.json', { keyid: fingerprint, server_verify_token: wrong.stdout });
    assert.equal(refused.headers.get('x-gpgauth-verify-response'), null);
    assert.equal(refused.headers.get('x-gpgauth-error'), 'true');

    const garbage = await form('/auth/verify.json', { keyid: fingerprint, server_verify_token: 'not pgp' });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.body.header.message, 'The server verify token is missing or invalid.');
  });

  it('stage 0: refuses a compressed message that inflates beyond a nonce, and still answers the next one', async () => {
    const server = await fetch(`${hush.url}/auth/verify.json`).then((r) => r.json() as Promise<any>);
    // 4 MB of one letter after a well-formed nonce compresses to a few KB: without a bound, the server would inflate
    // whatever a caller sends (gigabytes from a few hundred KB) on its event loop.
    const bomb = await gpg(
      home,
      ['--armor', '--trust-model', 'always', '--compress-algo', 'zlib', '--encrypt', '-r', server.body.fingerprint],
      `${nonce()}\n${'A'.repeat(4 * 1024 * 1024)}`,
    );
    assert.equal(bomb.code, 0, bomb.stderr);
    assert.ok(bomb.stdout.length < 64 * 1024, `the compressed message is ${bomb.stdout.length} characters`);
    const refused = await form('/auth/verify.json', { keyid: fingerprint, server_verify_token: bomb.stdout });
    assert.equal(refused.headers.get('x-gpgauth-verify-response'), null);
    assert.equal(refused.headers.get('x-gpgauth-error'), 'true');

    const token = nonce();
    const enc = await gpg(
      home,
      ['--armor', '--trust-model', 'always', '--encrypt', '-r', server.body.fingerprint],
      token,
    );
    const ok = await form('/auth/verify.json', { keyid: fingerprint, server_verify_token: enc.stdout });
    assert.equal(ok.headers.get('x-gpgauth-verify-response'), token);
  });

  it("refuses another user's registration of a key already registered, so a fingerprint names one account", async () => {
    await assert.rejects(
      passboltUser(hush, 'mallory', await pair),
      /key register failed: 400 .*already registered for another user/,
    );
    // The owner's login is unaffected.
    const { stage2 } = await login();
    assert.equal(stage2.headers.get('x-gpgauth-authenticated'), 'true');
  });

  it('stages 1 and 2: a signed nonce gpg decrypts opens a cookie session that works, with CSRF on writes', async () => {
    const { stage1, clear, stage2, cookies } = await login();
    assert.equal(stage1.status, 200);
    assert.equal(stage1.headers.get('x-gpgauth-progress'), 'stage1');
    assert.match(clear, /^gpgauthv1\.3\.0\|36\|[0-9a-f-]{36}\|gpgauthv1\.3\.0$/);
    // The nonce is signed by the server's key.
    const armored = unquote(stage1.headers.get('x-gpgauth-user-auth-token')!);
    assert.match((await gpg(home, ['--decrypt'], armored)).stderr, /Good signature/);

    assert.equal(stage2.status, 200);
    assert.equal(stage2.body.header.message, 'You are successfully logged in.');
    assert.equal(stage2.headers.get('x-gpgauth-progress'), 'complete');
    assert.equal(stage2.headers.get('x-gpgauth-authenticated'), 'true');
    assert.equal(stage2.headers.get('x-gpgauth-refer'), '/');
    assert.equal(stage2.body.body.id, user.id);
    assert.ok(cookies.passbolt_session && cookies.csrfToken);

    const cookie = `passbolt_session=${cookies.passbolt_session}; csrfToken=${cookies.csrfToken}`;
    const me = await hush.request('GET', '/users/me.json', { token: null, headers: { cookie } });
    assert.equal(me.status, 200);
    assert.equal(me.body.body.id, user.id);
    assert.equal(
      (await hush.request('GET', '/auth/is-authenticated.json', { token: null, headers: { cookie } })).status,
      200,
    );

    const body = { name: 'by cookie', secrets: [{ data: 'x' }] };
    const noCsrf = await hush.request('POST', '/resources.json', { token: null, headers: { cookie }, body });
    assert.equal(noCsrf.status, 403);
    assert.equal(
      noCsrf.body.header.message,
      'CSRF token from either the request body or request headers did not match or is missing.',
    );
    const withCsrf = await hush.request('POST', '/resources.json', {
      token: null,
      headers: { cookie, 'x-csrf-token': cookies.csrfToken },
      body,
    });
    // Past the CSRF check: the made-up secret is refused by validation, not by authentication.
    assert.equal(withCsrf.status, 400);

    const logoutNoCsrf = await hush.request('POST', '/auth/logout.json', { token: null, headers: { cookie } });
    assert.equal(logoutNoCsrf.status, 403);
    const out = await hush.request('POST', '/auth/logout.json', {
      token: null,
      headers: { cookie, 'x-csrf-token': cookies.csrfToken },
    });
    assert.equal(out.status, 200);
    assert.equal(out.body.header.message, 'You are successfully logged out.');
    const gone = await hush.request('GET', '/users/me.json', { token: null, headers: { cookie } });
    assert.equal(gone.status, 403);
    assert.equal(gone.body.header.message, 'You need to login to access this location.');

    const log = await hush.request('GET', '/api/core/audit-log/?engine=passbolt&action=session.logout');
    assert.ok(log.body.results.some((e: any) => e.details?.method === 'gpgauth'));
  });

  it('refuses replayed, made-up and expired login tokens, and unknown or malformed fingerprints', async () => {
    const { clear } = await login();
    const replay = await form('/auth/login.json', { keyid: fingerprint, user_token_result: clear });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.header.message, 'The authentication failed.');
    assert.equal(replay.headers.get('x-gpgauth-error'), 'true');
    assert.equal(replay.headers.get('x-gpgauth-authenticated'), 'false');
    assert.equal(replay.headers.getSetCookie().length, 0);

    const madeUp = await form('/auth/login.json', { keyid: fingerprint, user_token_result: nonce() });
    assert.equal(madeUp.status, 400);
    const malformed = await form('/auth/login.json', { keyid: fingerprint, user_token_result: 'gpgauthv1.3.0|36|x' });
    assert.equal(malformed.status, 400);

    // A token left past its five minutes: its row is aged in the database itself.
    const stage1 = await form('/auth/login.json', { keyid: fingerprint });
    const late = (await gpg(home, ['--decrypt'], unquote(stage1.headers.get('x-gpgauth-user-auth-token')!))).stdout;
    const db = hush.app.core.store.db as any;
    await db
      .updateTable('passbolt_auth_tokens')
      .set({ expires: new Date(Date.now() - 1000).toISOString() })
      .where('type', '=', 'login')
      .where('active', '=', 1)
      .execute();
    const expired = await form('/auth/login.json', { keyid: fingerprint, user_token_result: late });
    assert.equal(expired.status, 400);

    const log = await hush.request('GET', '/api/core/audit-log/?engine=passbolt&action=session.refused');
    assert.ok(log.body.count >= 4, JSON.stringify(log.body));

    const unknown = await form('/auth/login.json', { keyid: 'A'.repeat(40) });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.header.message, 'There is no user associated with this key. User not found.');
    assert.equal(unknown.headers.get('x-gpgauth-debug'), 'There is no user associated with this key. User not found.');
    const bad = await form('/auth/login.json', { keyid: 'not-a-fingerprint' });
    assert.equal(bad.body.header.message, 'There is no user associated with this key. Invalid fingerprint.');
    const none = await form('/auth/login.json', {});
    assert.equal(none.body.header.message, 'There is no user associated with this key. No key id set.');
  });

  it('reads the stages as multipart/form-data too, as the browser extension sends them', async () => {
    const body = new FormData();
    body.append('data[gpg_auth][keyid]', fingerprint);
    const res = await fetch(`${hush.url}/auth/login.json`, { method: 'POST', body });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-gpgauth-user-auth-token'));
  });
});

forEachDialect('passbolt GPGAuth login rate limit', (dialect) => {
  let hush: RunningHush;
  before(async () => {
    hush = await startHush({ databaseUrl: dialect.databaseUrl, env: { HUSH_PROVISION_RATE_LIMIT: '3' } });
  });
  after(() => hush.close());

  it('answers 429 in the envelope once a client address spends its logins for the minute', async () => {
    const statuses: number[] = [];
    let last: any;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${hush.url}/auth/login.json`, {
        method: 'POST',
        body: new URLSearchParams({ 'data[gpg_auth][keyid]': 'B'.repeat(40) }),
      });
      statuses.push(res.status);
      last = { headers: res.headers, body: await res.json() };
    }
    assert.deepEqual(statuses, [400, 400, 400, 429]);
    assert.equal(last.body.header.code, 429);
    assert.ok(last.headers.get('retry-after'));
  });
});
