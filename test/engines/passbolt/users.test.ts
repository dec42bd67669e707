import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startHush, type RunningHush } from '../../helpers/server.js';
import { bearer, createResource, generateKeyPair, passboltUser, type PbUser } from './helpers.js';

let hush: RunningHush;
let ada: PbUser;
before(async () => {
  hush = await startHush();
  ada = await passboltUser(hush, 'ada@example.com', await generateKeyPair('ada'));
});
after(() => hush.close());

it('shows users as Passbolt models them: e-mail username, profile with names and avatar, role, active, deleted', async () => {
  const me = (await ada.call('GET', '/users/me.json')).body.body;
  assert.equal(me.username, 'ada@example.com');
  assert.deepEqual([me.profile.first_name, me.profile.last_name], ['Ada@example.com', 'Test']);
  assert.deepEqual(me.profile.avatar.url, { medium: 'img/avatar/user_medium.png', small: 'img/avatar/user.png' });
  assert.deepEqual([me.role.name, me.active, me.deleted], ['user', true, false]);
});

it('a user made before names were asked for (none set) still works, showing its username; superusers are admins', async () => {
  const created = await hush.request('POST', '/api/users/users/', {
    body: { username: 'old-timer', is_superuser: true },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const token = (await hush.request('POST', '/api/users/tokens/', { body: { user: created.body.id } })).body.key;
  const call = bearer(hush, token);
  const { publicKey } = await generateKeyPair('old-timer');
  assert.equal((await call('POST', '/gpgkeys.json', { armored_key: publicKey })).status, 200);
  const me = (await call('GET', '/users/me.json')).body.body;
  assert.deepEqual([me.profile.first_name, me.profile.last_name, me.role.name], ['old-timer', 'old-timer', 'admin']);
  const listed = (await ada.call('GET', '/users.json')).body.body.map((u: any) => u.username);
  assert.deepEqual(listed.sort(), ['ada@example.com', 'old-timer']);
});

it('/share/search-aros.json finds users to share with; permissions contain their holders on request', async () => {
  const found = (await ada.call('GET', '/share/search-aros.json?filter[search]=OLD')).body.body;
  assert.deepEqual(
    found.map((u: any) => u.username),
    ['old-timer'],
  );
  assert.ok(found[0].gpgkey.armored_key.includes('BEGIN PGP PUBLIC KEY'));
  const everyone = (await ada.call('GET', '/share/search-aros.json')).body.body;
  assert.deepEqual(
    everyone.map((u: any) => u.profile.first_name),
    ['Ada@example.com', 'old-timer'],
  );

  const id = await createResource(ada, 'shared', 'pw');
  const bare = (await ada.call('GET', `/permissions/resource/${id}.json`)).body.body;
  assert.equal(bare[0].user, undefined);
  const full = (await ada.call('GET', `/permissions/resource/${id}.json?contain[user.profile]=1&contain[group]=1`)).body
    .body;
  assert.equal(full[0].user.username, 'ada@example.com');
  assert.equal(full[0].user.profile.last_name, 'Test');
  assert.equal(full[0].group, null);
  assert.equal((await hush.request('GET', '/share/search-aros.json', { token: null })).status, 403);
});
