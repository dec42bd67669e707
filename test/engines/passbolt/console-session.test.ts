import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { encryptFor, generateKeyPair } from './helpers.js';

/**
 * The console calls Passbolt's routes with the core's login session (HttpOnly cookie plus the session's CSRF token),
 * not a JWT: the engine's authenticator leaves any credential that is not a JWT to the core, which accepts the
 * session and refuses an unsafe request without its CSRF token, in Passbolt's envelope.
 */
const PASSWORD = 'console session password';
let hush: RunningHush;
let cookie = '';
let csrf = '';
let publicKey = '';
before(async () => {
  hush = await startHush({ env: { HUSH_BOOTSTRAP_PASSWORD: PASSWORD } });
  const login = await fetch(`${hush.url}/api/users/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  assert.equal(login.status, 200);
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  csrf = ((await login.json()) as { csrf_token: string }).csrf_token;
  publicKey = (await generateKeyPair('admin')).publicKey;
});
after(() => hush.close());

const withSession = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  hush.request(method, path, { token: null, headers: { cookie, ...headers }, ...(body === undefined ? {} : { body }) });

it('registers a key and creates a resource with the session and its CSRF token', async () => {
  const reg = await withSession('POST', '/gpgkeys.json', { armored_key: publicKey }, { 'x-csrf-token': csrf });
  assert.equal(reg.status, 200, JSON.stringify(reg.body));
  const made = await withSession(
    'POST',
    '/resources.json',
    { name: 'via the console', secrets: [{ data: await encryptFor('s3cret', publicKey) }] },
    { 'x-csrf-token': csrf },
  );
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const list = await withSession('GET', '/resources.json');
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.body.body.map((r: { name: string }) => r.name),
    ['via the console'],
  );
});

it('refuses an unsafe request without the CSRF token, in the Passbolt envelope, and writes nothing', async () => {
  const refused = await withSession('POST', '/resources.json', {
    name: 'forged',
    secrets: [{ data: await encryptFor('x', publicKey) }],
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.header.status, 'error');
  const list = await withSession('GET', '/resources.json');
  assert.ok(!list.body.body.some((r: { name: string }) => r.name === 'forged'));
});
