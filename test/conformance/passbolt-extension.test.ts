import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as openpgp from 'openpgp';
import { after, before, it } from 'node:test';
import { startHush, tempDir, type RunningHush } from '../helpers/server.js';
import { generateKeyPair, passboltUser } from '../engines/passbolt/helpers.js';

/**
 * Passbolt's browser extension, its own code unchanged, logging in to a real Hush: the harness folder holds the
 * packages (installed here with `npm ci` when missing) and esbuild bundles the services for node. The browser
 * globals they use are supplied: `self` (crypto), `document.cookie` (the CSRF token) and a fetch with a cookie jar.
 */
const harness = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test/conformance/passbolt-extension',
);

function bundle(): string {
  if (!fs.existsSync(path.join(harness, 'node_modules'))) {
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: harness, stdio: 'inherit' });
  }
  const out = path.join(tempDir('hush-pbx-'), 'extension.mjs');
  execFileSync(
    path.join(harness, 'node_modules/.bin/esbuild'),
    [
      'entry.js',
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--loader:.js=jsx',
      '--log-level=warning',
      `--outfile=${out}`,
    ],
    { cwd: harness, stdio: 'inherit' },
  );
  return out;
}

const jar = new Map<string, string>();
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const platformFetch = globalThis.fetch;
function installBrowserGlobals() {
  globalThis.fetch = async (input: any, init: any = {}) => {
    const headers = new Headers(init.headers ?? {});
    if (jar.size) headers.set('cookie', cookieHeader());
    const res = await platformFetch(input, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      const value = pair!.slice(at + 1);
      if (value && !/expires=Thu, 01 Jan 1970/i.test(c)) jar.set(pair!.slice(0, at), value);
      else jar.delete(pair!.slice(0, at));
    }
    return res;
  };
  (globalThis as any).self = globalThis;
  (globalThis as any).document = {
    get cookie() {
      return cookieHeader();
    },
  };
}

let hush: RunningHush;
let ext: any;
before(async () => {
  ext = await import(pathToFileURL(bundle()).href);
  installBrowserGlobals();
  hush = await startHush({ env: { HUSH_PROVISION_RATE_LIMIT: '100' } });
});
after(() => hush.close());

it("logs in with the extension's own GPGAuth services, uses the session, and logs out", async () => {
  const keys = await generateKeyPair('ada');
  const ada = await passboltUser(hush, 'ada@example.com', keys);
  const fingerprint = (await ada.call('GET', '/users/me.json')).body.body.gpgkey.fingerprint;
  const options = () => new ext.ApiClientOptions().setBaseUrl(hush.url);

  const serverKey = await new ext.AuthVerifyServerKeyService(options()).getServerKey();
  await new ext.AuthVerifyServerChallengeService(options()).verifyAndValidateServerChallenge(
    fingerprint,
    serverKey.armored_key,
  );
  // The extension keeps the user's key passphrase-protected and decrypts it for the challenge.
  const locked = await openpgp.encryptKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey: keys.privateKey }),
    passphrase: 'a passphrase',
  });
  await new ext.AuthVerifyLoginChallengeService(options()).verifyAndValidateLoginChallenge(
    fingerprint,
    locked.armor(),
    'a passphrase',
  );
  assert.ok(jar.has('passbolt_session') && jar.has('csrfToken'));

  const me = await fetch(`${hush.url}/users/me.json`).then((r) => r.json() as Promise<any>);
  assert.equal(me.body.id, ada.id);

  // What the extension loads next, read by its own services and checked by its own entity classes.
  const settings = new ext.SiteSettings(await new ext.OrganizationSettingsService(options()).find());
  assert.equal(settings.canIUse('metadata'), false, 'v4 metadata');
  assert.equal(settings.canIUse('folders'), false);
  assert.equal(settings.canIUse('export'), true);
  const users = new ext.UsersCollection(await new ext.UserService(options()).findAll({ profile: true, gpgkey: true }));
  assert.deepEqual(
    users.items.map((u: any) => u.username),
    ['ada@example.com'],
  );
  const types = new ext.ResourceTypesCollection(await new ext.ResourceTypeService(options()).findAll());
  assert.ok(types.items.some((t: any) => t.slug === 'password-and-description'));

  const session = jar.get('passbolt_session');
  await new ext.AuthLogoutService(options()).logout();
  assert.ok(!jar.has('passbolt_session'), 'the logout clears the cookie');
  const ended = await platformFetch(`${hush.url}/auth/is-authenticated.json`, {
    headers: { cookie: `passbolt_session=${session}` },
  });
  assert.equal(ended.status, 403);
});
