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

/** The cookie jar of the browser profile in use: each user logs in from their own. */
let jar = new Map<string, string>();
const useJar = (j: Map<string, string>) => (jar = j);
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const platformFetch = globalThis.fetch;
function installBrowserGlobals() {
  globalThis.fetch = async (input: any, init: any = {}) => {
    const own = jar; // the profile that sent the request keeps the cookies of its answer
    const headers = new Headers(init.headers ?? {});
    if (own.size) headers.set('cookie', cookieHeader());
    const res = await platformFetch(input, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      const value = pair!.slice(at + 1);
      if (value && !/expires=Thu, 01 Jan 1970/i.test(c)) own.set(pair!.slice(0, at), value);
      else own.delete(pair!.slice(0, at));
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

/** A browser profile: its cookie jar, the user's keys (private key passphrase-protected, as the extension keeps it). */
interface Profile {
  jar: Map<string, string>;
  id: string;
  fingerprint: string;
  publicKey: string;
  lockedKey: string;
}

const PASSPHRASE = 'a passphrase';
const options = () => new ext.ApiClientOptions().setBaseUrl(hush.url);

async function profileOf(username: string): Promise<Profile> {
  const keys = await generateKeyPair(username.split('@')[0]!);
  const user = await passboltUser(hush, username, keys);
  const fingerprint = (await user.call('GET', '/users/me.json')).body.body.gpgkey.fingerprint;
  const locked = await openpgp.encryptKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey: keys.privateKey }),
    passphrase: PASSPHRASE,
  });
  return { jar: new Map(), id: user.id, fingerprint, publicKey: keys.publicKey, lockedKey: locked.armor() };
}

/** The extension's login: server key check, server challenge, user challenge (GPGAuth stages 0, 1 and 2). */
async function logIn(p: Profile) {
  useJar(p.jar);
  const serverKey = await new ext.AuthVerifyServerKeyService(options()).getServerKey();
  await new ext.AuthVerifyServerChallengeService(options()).verifyAndValidateServerChallenge(
    p.fingerprint,
    serverKey.armored_key,
  );
  await new ext.AuthVerifyLoginChallengeService(options()).verifyAndValidateLoginChallenge(
    p.fingerprint,
    p.lockedKey,
    PASSPHRASE,
  );
  assert.ok(p.jar.has('passbolt_session'), 'logged in');
}

/** The user's private key decrypted by the extension's own service, as its decrypt and encrypt steps get it. */
const privateKeyOf = (p: Profile) => ext.DecryptPrivateKeyService.decryptArmoredKey(p.lockedKey, PASSPHRASE);

/** ResourceModel.serializePlaintextDto for password-and-description: the secret is the JSON of both fields. */
async function encryptSecret(plaintext: { password: string; description: string }, to: Profile, signer: Profile) {
  return ext.EncryptMessageService.encrypt(
    JSON.stringify(plaintext),
    await ext.OpenpgpAssertion.readKeyOrFail(to.publicKey),
    [await privateKeyOf(signer)],
  );
}

/** What the extension's decrypt step does with a secret it fetched (DecryptAndParseResourceSecretService). */
async function decryptSecret(armored: string, p: Profile) {
  const message = await ext.OpenpgpAssertion.readMessageOrFail(armored);
  return JSON.parse(await ext.DecryptMessageService.decrypt(message, await privateKeyOf(p)));
}

it("creates, finds, shares, updates and deletes a resource through the extension's own services", async () => {
  const ada = await profileOf('ada.lovelace@example.com');
  const bob = await profileOf('bob.babbage@example.com');
  const cleo = await profileOf('cleo.clark@example.com');
  // Ada administers (a Hush superuser is a Passbolt admin): she may create groups.
  const adaUser = (await hush.request('GET', '/api/users/users/?username=ada.lovelace@example.com')).body.results[0];
  assert.equal(
    (await hush.request('PATCH', `/api/users/users/${adaUser.id}/`, { body: { is_superuser: true } })).status,
    200,
  );
  await logIn(ada);

  // ResourceCreateService.save: a v4 resource (metadata in clear) with the creator's secret, answered with
  // the contains the extension asks for and read back by its ResourceEntity.
  const types = new ext.ResourceTypesCollection(await new ext.ResourceTypeService(options()).findAll());
  const type = types.items.find((t: any) => t.slug === 'password-and-description');
  const draft = new ext.ResourceEntity({
    resource_type_id: type.id,
    metadata: {
      object_type: 'PASSBOLT_RESOURCE_METADATA',
      resource_type_id: type.id,
      name: 'staging database',
      username: 'app',
      uris: ['https://db.example.com'],
      description: null,
    },
  });
  draft.secrets = new ext.ResourceSecretsCollection([
    { data: await encryptSecret({ password: 's3cret', description: 'rotate monthly' }, ada, ada) },
  ]);
  const resources = new ext.ResourceService(options());
  const created = new ext.ResourceEntity(
    await resources.create(draft.toV4Dto({ secrets: true }), { permission: true, favorite: true, tags: true }),
  );
  assert.equal(created.metadata.name, 'staging database');
  assert.equal(created.permission.type, 15, 'the creator owns it');
  const id = created.id;

  // FindResourcesService.findAllForLocalStorage: the list the extension keeps, validated whole (no entity ignored).
  const listed = new ext.ResourcesCollection(await resources.findAll({ permission: true, favorite: true, tag: true }));
  assert.deepEqual(
    listed.items.map((r: any) => [r.id, r.metadata.name, r.metadata.uris[0]]),
    [[id, 'staging database', 'https://db.example.com']],
  );
  const forShare = new ext.ResourcesCollection(await resources.findAll({ secret: true }, { 'has-id': [id] }));
  assert.equal(forShare.items[0].secrets.length, 1);

  // The secret through SecretService, checked by SecretEntity and decrypted by the extension's DecryptMessageService.
  const secret = new ext.SecretEntity(await new ext.SecretService(options()).findByResourceId(id));
  assert.equal(secret.resourceId, id);
  assert.deepEqual(await decryptSecret(secret.data, ada), { password: 's3cret', description: 'rotate monthly' });

  // The share dialog: search AROs, simulate, then share with the secret encrypted for the new holder.
  const shares = new ext.ShareService(options());
  const found = new ext.UserAndGroupSearchResultsCollection(
    await shares.searchUsersAndGroups('bob', { profile: true, user_count: true }),
  );
  assert.deepEqual(
    found.toDto().map((a: any) => a.id),
    [bob.id],
  );
  const changes = new ext.PermissionChangesCollection([
    { aro: 'User', aro_foreign_key: bob.id, aco: 'Resource', aco_foreign_key: id, type: 1 },
  ]);
  const simulated = await shares.simulateShareResource(id, changes.items);
  const needed = new ext.NeededSecretsCollection(
    simulated.changes.added.map((u: any) => ({ resource_id: id, user_id: u.User.id })),
  );
  assert.deepEqual(
    needed.items.map((n: any) => n.userId),
    [bob.id],
  );
  const plaintext = JSON.stringify(await decryptSecret(forShare.items[0].secrets.items[0].data, ada));
  const forBob = new ext.SecretsCollection([
    {
      resource_id: id,
      user_id: bob.id,
      data: await ext.EncryptMessageService.encrypt(
        plaintext,
        await ext.OpenpgpAssertion.readKeyOrFail(bob.publicKey),
        [await privateKeyOf(ada)],
      ),
    },
  ]);
  await shares.shareResource(id, { permissions: changes.items, secrets: forBob.items });

  // FindPermissionsService.findAllByAcoForeignKeyForDisplay: the holders with users and profiles.
  const holders = await new ext.FindPermissionsService(null, options()).findAllByAcoForeignKeyForDisplay(id);
  assert.ok(holders instanceof ext.PermissionsCollection);
  assert.deepEqual(
    holders.items.map((h: any) => [h.aroForeignKey, h.type]).sort(),
    [
      [ada.id, 15],
      [bob.id, 1],
    ].sort(),
  );
  // Groups: Ada, an administrator, makes a group with the extension's GroupApiService and shares the resource with it;
  // then adds Cleo through the extension's update flow (GroupUpdateEntity from the diff, the dry run's needed secrets
  // encrypted for her, one update per change), and Cleo reads her copy.
  const groupsApi = new ext.GroupApiService(options());
  const group = new ext.GroupEntity(
    await groupsApi.create({ name: 'Operators', groups_users: [{ user_id: ada.id, is_admin: true }] }),
  );
  const toGroup = new ext.PermissionChangesCollection([
    { aro: 'Group', aro_foreign_key: group.id, aco: 'Resource', aco_foreign_key: id, type: 7 },
  ]);
  const groupSimulated = await shares.simulateShareResource(id, toGroup.items);
  assert.deepEqual(groupSimulated.changes.added, [], 'the only member holds it already');
  await shares.shareResource(id, { permissions: toGroup.items, secrets: [] });
  const kept = new ext.GroupsCollection(await groupsApi.findAll({ groups_users: true, my_group_user: true }));
  const original = kept.items.find((g: any) => g.id === group.id);
  assert.equal(original.myGroupUser.isAdmin, true);
  const withCleo = new ext.GroupEntity({
    ...original.toDto({ groups_users: true }),
    groups_users: [...original.groupsUsers.toDto(), { user_id: cleo.id, is_admin: false }],
  });
  const groupUpdate = ext.GroupUpdateEntity.createFromGroupsDiff(original, withCleo);
  const dryRun = new ext.GroupUpdateDryRunResultEntity(await groupsApi.updateDryRun(group.id, groupUpdate.toDto()));
  assert.deepEqual(
    dryRun.neededSecrets.items.map((n: any) => [n.resourceId, n.userId]),
    [[id, cleo.id]],
  );
  const decrypted = await ext.DecryptMessageService.decrypt(
    await ext.OpenpgpAssertion.readMessageOrFail(dryRun.secrets.items[0].data),
    await privateKeyOf(ada),
  );
  groupUpdate.secrets = new ext.GroupUpdateSecretsCollection([
    {
      resource_id: id,
      user_id: cleo.id,
      data: await ext.EncryptMessageService.encrypt(
        decrypted,
        await ext.OpenpgpAssertion.readKeyOrFail(cleo.publicKey),
        [await privateKeyOf(ada)],
      ),
    },
  ]);
  for (const operation of ext.GroupUpdatesCollection.createFromGroupUpdateEntity(groupUpdate).items)
    new ext.GroupEntity(await groupsApi.update(operation.id, operation.toDto()));
  await logIn(cleo);
  const cleosCopy = new ext.SecretEntity(await new ext.SecretService(options()).findByResourceId(id));
  assert.deepEqual(await decryptSecret(cleosCopy.data, cleo), { password: 's3cret', description: 'rotate monthly' });
  useJar(ada.jar);

  // Bob, from his own browser, logs in and reads his copy.
  await logIn(bob);
  const bobsCopy = new ext.SecretEntity(await new ext.SecretService(options()).findByResourceId(id));
  assert.deepEqual(await decryptSecret(bobsCopy.data, bob), { password: 's3cret', description: 'rotate monthly' });

  // ResourceUpdateService: Ada encrypts the new secret for everyone with access and sends it with the resource.
  useJar(ada.jar);
  const withAccess = new ext.UsersCollection(await new ext.UserService(options()).findAll({}, { 'has-access': id }));
  const holderIds = withAccess.items.map((u: any) => u.id).sort();
  assert.deepEqual(holderIds, [ada.id, bob.id, cleo.id].sort());
  const profiles = new Map([
    [ada.id, ada],
    [bob.id, bob],
    [cleo.id, cleo],
  ]);
  const edited = new ext.ResourceEntity(created.toDto());
  edited.secrets = new ext.ResourceSecretsCollection(
    await Promise.all(
      holderIds.map(async (userId: string) => ({
        user_id: userId,
        data: await encryptSecret({ password: 'n3w', description: 'rotated' }, profiles.get(userId)!, ada),
      })),
    ),
  );
  const updated = new ext.ResourceEntity(
    await resources.update(id, edited.toV4Dto({ secrets: true }), { permission: true, favorite: true, tag: true }),
  );
  assert.equal(updated.id, id);
  useJar(bob.jar);
  const bobsNew = new ext.SecretEntity(await new ext.SecretService(options()).findByResourceId(id));
  assert.deepEqual(await decryptSecret(bobsNew.data, bob), { password: 'n3w', description: 'rotated' });
  await new ext.AuthLogoutService(options()).logout();

  // ResourceDeleteService: the resource goes, and the list no longer has it.
  useJar(ada.jar);
  await resources.delete(id);
  assert.deepEqual(await resources.findAll({ permission: true }), []);

  const session = ada.jar.get('passbolt_session');
  await new ext.AuthLogoutService(options()).logout();
  const ended = await platformFetch(`${hush.url}/resources.json`, {
    headers: { cookie: `passbolt_session=${session}` },
  });
  assert.equal(ended.status, 403);
});
