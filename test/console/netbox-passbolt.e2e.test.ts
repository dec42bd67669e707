import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as openpgp from 'openpgp';
import {
  accessibilityProblems,
  assertCleanRun,
  assertFitsPhoneWidth,
  assertNoSecretKept,
  browserUnavailableReason,
  consoleBuildProblem,
  launchChromium,
  openConsolePage,
  pageChecker,
  signIn,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from '../helpers/browser.js';
import { startHush, tempDir, type RunningHush } from '../helpers/server.js';
import { decryptWith, passboltUser, type PbUser } from '../engines/passbolt/helpers.js';
import { P, rsaPair } from '../engines/netbox/helpers.js';

const skip = browserUnavailableReason() ?? false;
if (skip) process.stderr.write(`!!! ${skip}\n`);

const PASSWORD = 'correct horse battery staple';
const NETBOX_VALUE = 'nb-Router-enable-7731';
const PASSBOLT_VALUE = 'pb-Postgres-root-5512';
const PASSBOLT_EDITED = 'pb-Postgres-rotated-9044';
const PASSPHRASE = 'the admin passphrase';

/** What the tests use of playwright beyond test/helpers/browser.ts: file inputs and downloads. */
type FileLocator = Locator & { setInputFiles(file: string): Promise<void> };
type Download = { saveAs(file: string): Promise<void> };
type PageWithDownloads = Page & { waitForEvent(event: 'download'): Promise<Download> };
type Cookie = { name: string; value: string; httpOnly: boolean };

/**
 * The console's NetBox and Passbolt pages in Debian's chromium against a real Hush on loopback: a NetBox key pair
 * made in the browser, unlocking with its private key file, a secret created and read; a Passbolt key made here,
 * resources decrypted, created, edited and shared in the browser, checked by decrypting what the server stores with
 * the recipients' keys. axe-core on every page, the CSP watched, and no private key or plaintext left in the address
 * or the browser's storage.
 */
describe('the NetBox and Passbolt pages in a browser', { skip, timeout: 240_000 }, () => {
  let hush: RunningHush;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let bob: PbUser;
  const files = tempDir('hush-console-keys-');
  const netboxKeyFile = path.join(files, 'netbox-private-key.pem');
  const passboltKeyFile = path.join(files, 'admin-private.asc');
  let adminPgp: { publicKey: string; privateKey: string };
  const problems: string[] = [];
  const a11y: Record<string, string[]> = {};

  before(async () => {
    const missing = consoleBuildProblem();
    assert.equal(missing, undefined, missing);
    hush = await startHush({ env: { HUSH_BOOTSTRAP_PASSWORD: PASSWORD } });
    // The inventory NetBox owns (Hush serves it for the plugin), and a colleague with keys of both kinds.
    assert.equal((await hush.request('POST', '/api/dcim/devices/', { body: { name: 'edge-router-1' } })).status, 201);
    bob = await passboltUser(hush, 'bob');
    // The admin's OpenPGP key, made here, passphrase-protected; only the public half reaches the server.
    const pair = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ name: 'Admin', email: 'admin@example.com' }],
      passphrase: PASSPHRASE,
      format: 'armored',
    });
    adminPgp = { publicKey: pair.publicKey, privateKey: pair.privateKey };
    fs.writeFileSync(passboltKeyFile, pair.privateKey, { mode: 0o600 });
    const reg = await hush.request('POST', '/gpgkeys.json', {
      token: null,
      headers: { authorization: `Bearer ${hush.token}` },
      body: { armored_key: pair.publicKey },
    });
    assert.equal(reg.status, 200, JSON.stringify(reg.body));
    // A team Bob belongs to: the resource is shared with the group, which reaches him.
    const group = await hush.request('POST', '/groups.json', {
      token: null,
      headers: { authorization: `Bearer ${hush.token}` },
      body: {
        name: 'Reviewers',
        groups_users: [
          { user_id: reg.body.body.user_id, is_admin: true },
          { user_id: bob.id, is_admin: false },
        ],
      },
    });
    assert.equal(group.status, 200, JSON.stringify(group.body));

    browser = await launchChromium();
    ({ context, page } = await openConsolePage(browser, { problems }));
  });

  after(async () => {
    await browser?.close();
    await hush?.close();
    fs.rmSync(files, { recursive: true, force: true });
  });

  /** Waits for `locator`; a timeout names the alerts the page shows (a refusal's sentence says why). */
  async function expect(locator: Locator) {
    try {
      await locator.waitFor({ timeout: 15_000 });
    } catch (e) {
      const alerts = await page.evaluate<string>(
        "[...document.querySelectorAll('[role=alert]')].map((a) => a.textContent).join(' | ')",
      );
      throw new Error(`${(e as Error).message.split('\n')[0]} (alerts: ${alerts || 'none'})`);
    }
  }

  const checkPage = pageChecker(a11y);
  const check = (name: string) => checkPage(page, name);
  const nothingKept = (where: string, ...values: string[]) => assertNoSecretKept(page, where, ...values);

  // Each page has one file input (Mantine's FileInput hides it behind its button) and one password field.
  const fileInput = () => page.locator('input[type=file]').first() as FileLocator;
  const passwordField = () => page.locator('input[type=password]').first();

  it('signs in and opens the NetBox roles page: empty, then a new role', async () => {
    await signIn(page, hush.url, 'admin', PASSWORD);
    await page.getByRole('link', { name: 'NetBox secrets' }).click();
    await page.getByRole('heading', { name: 'NetBox secrets' }).waitFor();
    await page.getByText('No NetBox secrets yet.', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'Roles' }).click();
    await page.getByText('No roles yet.', { exact: false }).waitFor();
    await check('netbox-roles-empty');
    await page.getByRole('button', { name: 'New role' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Login credentials');
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('cell', { name: 'login-credentials' }).waitFor();
    await check('netbox-roles');
  });

  it('generates a NetBox key pair in the browser: the public key uploaded, the private key downloaded', async () => {
    await page.getByRole('link', { name: 'User keys' }).click();
    await page.getByText('You have no user key yet', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Generate a key pair' }).click();
    await page.getByRole('button', { name: 'Generate and upload' }).click();
    const downloading = (page as PageWithDownloads).waitForEvent('download');
    await page.getByRole('button', { name: 'Download private key' }).click();
    await (await downloading).saveAs(netboxKeyFile);
    const pem = fs.readFileSync(netboxKeyFile, 'utf8');
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
    await page.getByRole('button', { name: 'Done' }).click();
    // The first key of the instance is active at once (it holds the new master key).
    const keys = await hush.request('GET', `${P}/user-keys/`);
    const mine = keys.body.results.find((k: { user: { username: string } }) => k.user.username === 'admin');
    assert.equal(mine.is_active, true);
    assert.ok(!mine.public_key.includes('PRIVATE'), 'the server holds only the public key');
    await nothingKept('after generating', pem.split('\n')[1]!);
  });

  it("activates a colleague's key with the private key file", async () => {
    // Bob's public key, added for him by the admin (the plugin takes `user`); it starts inactive.
    const made = await hush.request('POST', `${P}/user-keys/`, {
      body: { user: { username: 'bob' }, public_key: rsaPair().publicKey },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const bobNetboxKeyId = made.body.id as number;
    await page.reload();
    await page.getByRole('checkbox', { name: /^bob / }).click();
    await fileInput().setInputFiles(netboxKeyFile);
    await page.getByRole('button', { name: 'Activate 1 key' }).click();
    await expect(page.getByText('Successfully activated 1 user key.'));
    await check('netbox-user-keys');
    const bobKey = await hush.request('GET', `${P}/user-keys/${bobNetboxKeyId}/`);
    assert.equal(bobKey.body.is_active, true);
  });

  it('unlocks with the private key file, creates a secret and shows it only on request', async () => {
    await page.getByRole('link', { name: 'Secrets', exact: true }).click();
    await page.getByText('Locked', { exact: true }).waitFor();
    await check('netbox-secrets-locked');
    await fileInput().setInputFiles(netboxKeyFile);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByText('Unlocked', { exact: true }));
    // The session key lives in the plugin's HttpOnly cookie, out of the page's reach.
    const cookie = ((await context.cookies()) as Cookie[]).find((c) => c.name === 'netbox_secrets_sessionid');
    assert.ok(cookie?.httpOnly, 'the session key cookie is missing or readable by scripts');
    assert.equal(await page.evaluate<string>('document.cookie'), '');

    await page.getByRole('button', { name: 'New secret' }).click();
    await page.getByRole('combobox', { name: 'Device', exact: true }).click();
    await page.getByRole('option', { name: 'edge-router-1' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('enable');
    await passwordField().fill(NETBOX_VALUE);
    await page.getByRole('button', { name: 'Create secret' }).click();
    await expect(page.getByRole('cell', { name: 'enable', exact: true }));
    assert.ok(!(await page.content()).includes(NETBOX_VALUE), 'a hidden value is in the page');

    await page.getByRole('button', { name: 'Show enable' }).click();
    await page.getByText(NETBOX_VALUE).waitFor();
    await check('netbox-secrets');
    await page.getByRole('button', { name: 'Hide enable' }).click();
    await page.getByText(NETBOX_VALUE).waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(NETBOX_VALUE), 'a hidden value stayed in the page');
    await nothingKept('netbox', NETBOX_VALUE, fs.readFileSync(netboxKeyFile, 'utf8').split('\n')[1]!);

    // The server encrypted what the browser sent: read back with the admin's token and the session key cookie.
    const secrets = await hush.request('GET', `${P}/secrets/`, {
      headers: { cookie: `netbox_secrets_sessionid=${cookie.value}` },
    });
    assert.equal(secrets.body.results[0].plaintext, NETBOX_VALUE);
  });

  it('locks again: the session key is gone from the server', async () => {
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByText('Locked', { exact: true }).waitFor();
    assert.equal((await hush.request('GET', `${P}/session-key/`)).status, 404);
  });

  it('decrypts nothing before the Passbolt key is unlocked in the page, and refuses a wrong passphrase', async () => {
    await page.getByRole('link', { name: 'Passbolt' }).click();
    await page.getByRole('heading', { name: 'Passbolt resources' }).waitFor();
    await page.getByText('No resources yet.', { exact: false }).waitFor();
    await check('passbolt-empty');
    await fileInput().setInputFiles(passboltKeyFile);
    await passwordField().fill('not the passphrase');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('Wrong passphrase for this key.').waitFor();
  });

  let resourceId = '';
  it('unlocks, creates a resource encrypted in the browser, and decrypts it on request', async () => {
    await fileInput().setInputFiles(passboltKeyFile);
    await passwordField().fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByText('Unlocked in this page'));
    await page.getByRole('button', { name: 'New resource' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('orders database');
    await page.getByRole('textbox', { name: 'Username' }).fill('postgres');
    await passwordField().fill(PASSBOLT_VALUE);
    await page.getByRole('textbox', { name: 'Description (encrypted)' }).fill('primary, eu-west');
    await page.getByRole('button', { name: 'Create resource' }).click();
    await expect(page.getByRole('cell', { name: 'orders database is owner', exact: true }));
    assert.ok(!(await page.content()).includes(PASSBOLT_VALUE), 'a hidden value is in the page');

    // The server holds an OpenPGP message only the admin's key opens.
    const list = await hush.request('GET', '/resources.json', {
      token: null,
      headers: { authorization: `Bearer ${hush.token}` },
    });
    resourceId = list.body.body[0].id as string;
    const copy = await hush.request('GET', `/secrets/resource/${resourceId}.json`, {
      token: null,
      headers: { authorization: `Bearer ${hush.token}` },
    });
    assert.ok(!String(copy.body.body.data).includes(PASSBOLT_VALUE));
    const unlockedKey = await openpgp.decryptKey({
      privateKey: await openpgp.readPrivateKey({ armoredKey: adminPgp.privateKey }),
      passphrase: PASSPHRASE,
    });
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: copy.body.body.data }),
      decryptionKeys: unlockedKey,
    });
    assert.deepEqual(JSON.parse(String(data)), { password: PASSBOLT_VALUE, description: 'primary, eu-west' });

    await page.getByRole('button', { name: 'Decrypt orders database' }).click();
    await page.getByText(PASSBOLT_VALUE).waitFor();
    await check('passbolt-resources');
    await page.getByRole('button', { name: 'Hide orders database' }).click();
    await page.getByText(PASSBOLT_VALUE).waitFor({ state: 'detached' });
  });

  it("shares with a colleague's group: simulated first, then a copy encrypted for each new member in the browser", async () => {
    await page.getByRole('button', { name: 'Share orders database' }).click();
    await page.getByRole('combobox', { name: 'Add a user or group' }).click();
    await page.getByRole('option', { name: 'Reviewers (group)' }).click();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Preview changes' }).click();
    await expect(page.getByText('Bob Test gains access', { exact: false }));
    await check('passbolt-share');
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const bobCopy = await bob.call('GET', `/secrets/resource/${resourceId}.json`);
    assert.equal(bobCopy.status, 200, JSON.stringify(bobCopy.body));
    assert.equal(JSON.parse(await decryptWith(bobCopy.body.body.data, bob.privateKey)).password, PASSBOLT_VALUE);
    const holders = await bob.call('GET', `/permissions/resource/${resourceId}.json`);
    assert.deepEqual(holders.body.body.map((p: any) => p.aro).sort(), ['Group', 'User']);
    // The dialog names the group's permission by the group's name.
    await page.getByRole('button', { name: 'Share orders database' }).click();
    await page.getByRole('cell', { name: 'Reviewers (group)', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('edits the password: encrypted again for everyone with access', async () => {
    await page.getByRole('button', { name: 'Edit orders database' }).click();
    // The form is filled from the decrypted copy.
    const password = passwordField();
    for (let i = 0; (await password.inputValue()) !== PASSBOLT_VALUE; i++) {
      assert.ok(i < 100, 'the edit form was not filled with the decrypted password');
      await new Promise((r) => setTimeout(r, 100));
    }
    await password.fill(PASSBOLT_EDITED);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const bobCopy = await bob.call('GET', `/secrets/resource/${resourceId}.json`);
    assert.equal(JSON.parse(await decryptWith(bobCopy.body.body.data, bob.privateKey)).password, PASSBOLT_EDITED);
    await nothingKept('passbolt', PASSBOLT_VALUE, PASSBOLT_EDITED, PASSPHRASE, adminPgp.privateKey.split('\n')[3]!);
  });

  it('forgets the key when the page is left, and fits 390 px', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('link', { name: 'Passbolt' }).click();
    await page.getByText('Locked', { exact: true }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('cell', { name: 'orders database is owner', exact: true }).waitFor();
    await assertFitsPhoneWidth(page, 'the Passbolt page');
    await check('passbolt-narrow');
    await page.getByRole('link', { name: 'NetBox secrets' }).click();
    await page.getByRole('cell', { name: 'enable', exact: true }).waitFor();
    await assertFitsPhoneWidth(page, 'the NetBox page');
    await check('netbox-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("offers a user only what they may do: view-only NetBox secrets, no user keys, Passbolt's key registration", async () => {
    const carol = await hush.request('POST', '/api/users/users/', {
      body: { username: 'carol', password: 'carol password 123' },
    });
    assert.equal(carol.status, 201, JSON.stringify(carol.body));
    const grant = await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: 'carol-reads-netbox',
        object_types: ['netbox_secrets.secret', 'netbox_secrets.secretrole', 'dcim.device'],
        actions: ['view'],
        users: [carol.body.id],
      },
    });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await other.newPage();
      await signIn(p, hush.url, 'carol', 'carol password 123');
      await p.getByRole('link', { name: 'NetBox secrets' }).click();
      await p.getByRole('cell', { name: 'enable', exact: true }).waitFor();
      for (const action of ['New secret', 'Edit enable', 'Delete enable'])
        assert.equal(await p.getByRole('button', { name: action }).count(), 0, `${action} is offered`);
      // Without a user key of her own she cannot unlock: the server's refusal is a sentence.
      await p.locator('input[type=file]').first().waitFor({ state: 'attached' });
      await (p.locator('input[type=file]').first() as FileLocator).setInputFiles(netboxKeyFile);
      await p.getByRole('button', { name: 'Unlock' }).click();
      await p.getByRole('alert').getByText('Not unlocked').waitFor();
      await p.getByRole('link', { name: 'User keys' }).click();
      await p.getByText('You may not see user keys', { exact: false }).waitFor();
      await p.getByRole('link', { name: 'Passbolt' }).click();
      await p.getByText('Register your OpenPGP key').waitFor();
      a11y['restricted user (passbolt)'] = await accessibilityProblems(p);
    } finally {
      await other.close();
    }
  });

  it('passes axe-core on every page in the dark theme too', async () => {
    const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    try {
      const p = await dark.newPage();
      await signIn(p, hush.url, 'admin', PASSWORD);
      for (const [link, ready] of [
        ['NetBox secrets', 'enable'],
        ['Passbolt', 'orders database is owner'],
      ] as const) {
        await p.getByRole('link', { name: link }).click();
        await p.getByRole('cell', { name: ready, exact: true }).waitFor();
        a11y[`${link} (dark)`] = await accessibilityProblems(p);
      }
    } finally {
      await dark.close();
    }
  });

  it('found no serious or critical accessibility problem, and the CSP refused nothing', () => {
    assertCleanRun(a11y, problems);
  });
});
