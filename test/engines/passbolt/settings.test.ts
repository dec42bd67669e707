import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { passboltUser, type PbUser } from './helpers.js';

// Settings read no engine table that differs between dialects; SQLite alone exercises them.
let hush: RunningHush;
let ada: PbUser;
before(async () => {
  hush = await startHush();
  ada = await passboltUser(hush, 'ada');
});
after(() => hush.close());

it('/settings.json: the public part for guests, the capabilities Hush serves once logged in', async () => {
  const guest = await hush.request('GET', '/settings.json', { token: null });
  assert.equal(guest.status, 200);
  assert.equal(guest.body.body.app.url, `${hush.url}/`);
  assert.deepEqual(guest.body.body.passbolt.plugins, {});
  assert.equal(guest.body.body.app.version, undefined);

  const settings = (await ada.call('GET', '/settings.json')).body.body;
  const plugins = settings.passbolt.plugins;
  assert.equal(plugins.jwtAuthentication.enabled, true);
  assert.equal(plugins.passwordPolicies.enabled, true);
  // Absent means "not served" to the extension's canIUse(): v4 metadata, no folders, tags, MFA or recovery.
  for (const absent of ['metadata', 'folders', 'tags', 'multiFactorAuthentication', 'accountRecovery', 'rbacs'])
    assert.equal(plugins[absent], undefined, absent);
  assert.equal(typeof settings.app.version.number, 'string');
});

it('serves account settings, password policies, roles, UI permissions and the health probe', async () => {
  assert.deepEqual((await ada.call('GET', '/account/settings.json')).body.body, []);
  assert.deepEqual((await ada.call('GET', '/rbacs/me.json')).body.body, []);
  const policies = (await ada.call('GET', '/password-policies/settings.json')).body.body;
  assert.equal(policies.default_generator, 'password');
  assert.equal(policies.password_generator_settings.length, 18);
  assert.equal(policies.passphrase_generator_settings.words, 9);
  const roles = (await ada.call('GET', '/roles.json')).body.body;
  assert.deepEqual(
    roles.map((r: any) => r.name),
    ['admin', 'user', 'guest'],
  );
  const me = (await ada.call('GET', '/users/me.json')).body.body;
  assert.ok(roles.some((r: any) => r.id === me.role_id));
  const health = await hush.request('GET', '/healthcheck/status.json', { token: null });
  assert.deepEqual([health.status, health.body.body, health.body.header.message], [200, 'OK', 'OK']);
  assert.equal((await hush.request('GET', '/roles.json', { token: null })).status, 403);
});

it("answers Passbolt's paths Hush does not serve with a 404 in Passbolt's envelope", async () => {
  for (const path of [
    '/folders.json',
    '/metadata/types/settings.json',
    '/mfa/verify/error.json',
    '/account-recovery/organization-policies.json',
    '/password-expiry/settings.json',
    '/tags.json',
    '/favorites/resource/x.json',
  ]) {
    const res = await ada.call('GET', path);
    assert.equal(res.status, 404, path);
    assert.deepEqual([res.body.header.status, res.body.header.code, res.body.body], ['error', 404, null], path);
  }
});
