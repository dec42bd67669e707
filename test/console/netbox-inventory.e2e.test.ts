import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  accessibilityProblems,
  assertCleanRun,
  assertFitsPhoneWidth,
  browserUnavailableReason,
  consoleBuildProblem,
  launchChromium,
  openConsolePage,
  pageChecker,
  signIn,
  type Browser,
  type Locator,
  type Page,
} from '../helpers/browser.js';
import { startHush, tempDir, type RunningHush } from '../helpers/server.js';
import { P, secretBody, unlockedAdmin, type Call } from '../engines/netbox/helpers.js';

const skip = browserUnavailableReason() ?? false;
if (skip) process.stderr.write(`!!! ${skip}\n`);

const PASSWORD = 'correct horse battery staple';
const DAVE_PASSWORD = 'dave password 123';
const ERIN_PASSWORD = 'erin password 123';
const VM = 'virtualization.virtualmachine';

/** What the tests use of playwright beyond test/helpers/browser.ts: the keyboard, focus and file inputs. */
type KeyboardPage = Page & { keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> } };
type FocusLocator = Locator & { focus(): Promise<void> };
type FileLocator = Locator & { setInputFiles(file: string): Promise<void> };

/**
 * The console's NetBox devices and virtual machines in Debian's chromium against a real Hush on loopback: the
 * lists searched and paged by the server, a device created from the keyboard, renamed and deleted (its secrets with
 * it, counted in the confirmation), a VM created and deleted, a device's and a VM's secrets (the plugin's
 * `device_id` / `virtual_machine_id` filters, the address keeping the filter, the role filter on top, a new secret
 * assigned to the device shown), and users who may not create or delete not offered it; axe-core on each page, in the
 * dark theme and at 390 px, the CSP watched.
 */
describe('the NetBox devices and virtual machines pages in a browser', { skip, timeout: 240_000 }, () => {
  let hush: RunningHush;
  let browser: Browser;
  let page: KeyboardPage;
  let call: Call;
  const files = tempDir('hush-console-inventory-');
  const keyFile = path.join(files, 'admin-netbox-key.pem');
  const ids: Record<string, number> = {};
  const problems: string[] = [];
  const a11y: Record<string, string[]> = {};

  before(async () => {
    const missing = consoleBuildProblem();
    assert.equal(missing, undefined, missing);
    hush = await startHush({ env: { HUSH_BOOTSTRAP_PASSWORD: PASSWORD } });
    // The admin's key and session key, a role "Login Credentials" and the device "MyTestDevice" (made through the API).
    const setup = await unlockedAdmin(hush);
    call = setup.call;
    fs.writeFileSync(keyFile, setup.pair.privateKey, { mode: 0o600 });
    ids.MyTestDevice = setup.deviceId;
    ids.login = setup.roleId;
    const snmp = await call('POST', `${P}/secret-roles/`, { name: 'SNMP', slug: 'snmp' });
    ids.snmp = snmp.body.id;
    const core = await call('POST', '/api/dcim/devices/', { name: 'core-switch-1', description: 'row 4' });
    ids['core-switch-1'] = core.body.id;
    const vm = await call('POST', '/api/virtualization/virtual-machines/', { name: 'db-vm-1' });
    ids['db-vm-1'] = vm.body.id;
    // Thirty more devices in one bulk create, so the list has a second page (25 a page).
    const racks = Array.from({ length: 30 }, (_, i) => ({ name: `rack-${String(i + 1).padStart(2, '0')}` }));
    assert.equal((await call('POST', '/api/dcim/devices/', racks)).status, 201);
    for (const [object, role, name] of [
      [ids['core-switch-1'], ids.login, 'enable'],
      [ids['core-switch-1'], ids.snmp, 'community'],
      [ids.MyTestDevice, ids.login, 'console'],
    ] as const) {
      const made = await call('POST', `${P}/secrets/`, secretBody(object!, role!, name));
      assert.equal(made.status, 201, JSON.stringify(made.body));
      ids[`secret ${name}`] = made.body.id;
    }
    const root = await call('POST', `${P}/secrets/`, {
      ...secretBody(ids['db-vm-1']!, ids.login!, 'root'),
      assigned_object_type: VM,
    });
    assert.equal(root.status, 201, JSON.stringify(root.body));
    // The browser unlocks by itself: the API's session key goes (the rest of the test reads no plaintext).
    assert.equal((await call('DELETE', `${P}/session-key/`)).status, 204);

    browser = await launchChromium();
    page = (await openConsolePage(browser, { problems })).page as KeyboardPage;
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
  // The README shows two of these pages (HUSH_CONSOLE_SCREENSHOTS=docs/console).
  const checkPage = pageChecker(a11y, (name) => name === 'netbox-devices' || name === 'netbox-device-secrets');
  const check = (name: string) => checkPage(page, name);
  const cell = (name: string) => page.getByRole('cell', { name, exact: true });
  const search = () => page.getByRole('searchbox', { name: 'Search devices' });

  it('lists the devices by name, 25 a page, and pages and searches on the server', async () => {
    await signIn(page, hush.url, 'admin', PASSWORD);
    await page.getByRole('link', { name: 'NetBox secrets' }).click();
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await page.getByRole('heading', { name: 'NetBox devices' }).waitFor();
    await expect(page.getByText('32 devices; page 1 of 2.'));
    await cell('core-switch-1').waitFor();
    assert.equal(await cell('rack-30').count(), 0, 'the second page is shown on the first');
    await check('netbox-devices');
    await page.getByRole('button', { name: 'Page 2' }).click();
    await expect(cell('rack-30'));
    assert.equal(await cell('core-switch-1').count(), 0);

    await search().fill('core');
    await expect(page.getByText('1 device matches “core”.'));
    await cell('core-switch-1').waitFor();
    assert.equal(await cell('rack-30').count(), 0);
    await search().fill('no-such-device');
    await expect(page.getByText('No device matches “no-such-device”.'));
    await check('netbox-devices-no-match');
    await search().fill('');
    await expect(page.getByText('32 devices; page 1 of 2.'));
  });

  it('creates a device from the keyboard', async () => {
    await (page.getByRole('button', { name: 'New device' }) as FocusLocator).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'New device' }).waitFor();
    // The name field has the focus; Tab reaches the description, Shift+Tab comes back, Enter submits.
    await page.keyboard.type('edge-fw-1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('the edge firewall');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect(cell('edge-fw-1'));
    await expect(page.getByText('33 devices; page 1 of 2.'));
    const made = await call('GET', '/api/dcim/devices/?name=edge-fw-1');
    assert.equal(made.body.count, 1);
    assert.equal(made.body.results[0].description, 'the edge firewall');
    ids['edge-fw-1'] = made.body.results[0].id;
  });

  it('renames it', async () => {
    await page.getByRole('button', { name: 'Rename edge-fw-1' }).click();
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    assert.equal(await name.inputValue(), 'edge-fw-1');
    await name.fill('edge-fw-2');
    await check('netbox-device-rename');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect(cell('edge-fw-2'));
    assert.equal(await cell('edge-fw-1').count(), 0);
    const renamed = await call('GET', `/api/dcim/devices/${ids['edge-fw-1']}/`);
    assert.equal(renamed.body.name, 'edge-fw-2');
  });

  it("opens a device's secrets: the server filters by device_id, the role filter narrows them", async () => {
    await search().fill('core');
    await page.getByRole('link', { name: 'Secrets of core-switch-1' }).click();
    await page.waitForURL(new RegExp(`#/netbox/devices/${ids['core-switch-1']}$`));
    await page.getByRole('heading', { name: 'NetBox secrets' }).waitFor();
    await expect(page.getByText('The secrets of the device core-switch-1.'));
    await expect(cell('enable'));
    await cell('community').waitFor();
    assert.equal(await cell('console').count(), 0, "another device's secret is listed");
    assert.equal(await cell('root').count(), 0, "a VM's secret is listed");
    await check('netbox-device-secrets');

    await page.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'SNMP' }).click();
    await cell('enable').waitFor({ state: 'detached' });
    await cell('community').waitFor();

    // The address holds the filter: a reload (or a link) opens the same device's secrets.
    await page.reload();
    await expect(page.getByText('The secrets of the device core-switch-1.'));
    await cell('enable').waitFor();
    assert.equal(await cell('console').count(), 0);
  });

  it('assigns a new secret to the device whose secrets are shown, once unlocked', async () => {
    await (page.locator('input[type=file]').first() as FileLocator).setInputFiles(keyFile);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByText('Unlocked', { exact: true }));
    await page.getByRole('button', { name: 'New secret' }).click();
    assert.equal(await page.getByRole('combobox', { name: 'Device', exact: true }).inputValue(), 'core-switch-1');
    await page.getByRole('combobox', { name: 'Role', exact: true }).last().click();
    await page.getByRole('option', { name: 'Login Credentials' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('bmc');
    await page.locator('input[type=password]').first().fill('bmc-Value-4410');
    await page.getByRole('button', { name: 'Create secret' }).click();
    await expect(cell('bmc'));
    const mine = await call('GET', `${P}/secrets/?device_id=${ids['core-switch-1']}&name=bmc&omit=plaintext`);
    assert.equal(mine.body.count, 1);
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.getByText('Locked', { exact: true }).waitFor();
  });

  it("switches to a VM's secrets with the picker, and back to all", async () => {
    await page.getByRole('combobox', { name: 'Device or virtual machine' }).click();
    await page.getByRole('option', { name: 'db-vm-1 (Virtual machine)' }).click();
    await page.waitForURL(new RegExp(`#/netbox/vms/${ids['db-vm-1']}$`));
    await expect(page.getByText('The secrets of the virtual machine db-vm-1.'));
    await expect(cell('root'));
    assert.equal(await cell('enable').count(), 0);
    await page.getByRole('link', { name: 'All secrets' }).click();
    await page.waitForURL(/#\/netbox$/);
    for (const name of ['enable', 'community', 'console', 'root', 'bmc']) await expect(cell(name));
  });

  it('deletes a device after a confirmation that counts the secrets it takes along', async () => {
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await page.getByRole('button', { name: 'Delete MyTestDevice' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete the device MyTestDevice?' });
    await expect(dialog.getByText('MyTestDevice is deleted for everyone, and with it its 1 secret.', { exact: false }));
    await check('netbox-device-delete');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await cell('MyTestDevice').waitFor();

    await page.getByRole('button', { name: 'Delete MyTestDevice' }).click();
    await page.getByRole('button', { name: 'Delete device' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await cell('MyTestDevice').waitFor({ state: 'detached' });
    assert.equal((await call('GET', `/api/dcim/devices/${ids.MyTestDevice}/`)).status, 404);
    assert.equal((await call('GET', `${P}/secrets/${ids['secret console']}/?omit=plaintext`)).status, 404);
  });

  it('lists, creates and deletes virtual machines', async () => {
    await page.getByRole('link', { name: 'Virtual machines', exact: true }).click();
    await page.getByRole('heading', { name: 'NetBox virtual machines' }).waitFor();
    await expect(cell('db-vm-1'));
    await expect(page.getByText('1 virtual machine.'));
    await page.getByRole('button', { name: 'New virtual machine' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('app-vm-2');
    await page.getByRole('button', { name: 'Create virtual machine' }).click();
    await expect(cell('app-vm-2'));
    await check('netbox-vms');
    await page.getByRole('button', { name: 'Delete app-vm-2' }).click();
    await expect(page.getByText('app-vm-2 is deleted for everyone, and with it no secret (it holds none).'));
    await page.getByRole('button', { name: 'Delete virtual machine' }).click();
    await cell('app-vm-2').waitFor({ state: 'detached' });
    assert.equal((await call('GET', '/api/virtualization/virtual-machines/')).body.count, 1);
  });

  it('fits 390 px', async () => {
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await cell('core-switch-1').waitFor();
    await assertFitsPhoneWidth(page, 'the devices page');
    await check('netbox-devices-narrow');
    await page.getByRole('link', { name: 'Secrets of core-switch-1' }).click();
    await cell('enable').waitFor();
    await assertFitsPhoneWidth(page, "a device's secrets");
    await check('netbox-device-secrets-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('offers a user only what their grants allow: no create or delete, rename of the one device granted', async () => {
    const users: Record<string, number> = {};
    for (const [username, password] of [
      ['dave', DAVE_PASSWORD],
      ['erin', ERIN_PASSWORD],
    ] as const) {
      const made = await hush.request('POST', '/api/users/users/', { body: { username, password } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      users[username] = made.body.id;
    }
    for (const grant of [
      // Dave sees devices, VMs and secrets, and may change one device only; Erin sees secrets alone.
      {
        name: 'dave-sees',
        object_types: ['dcim.device', VM, 'netbox_secrets.secret'],
        actions: ['view'],
        users: [users.dave],
      },
      {
        name: 'dave-renames-core',
        object_types: ['dcim.device'],
        actions: ['change'],
        users: [users.dave],
        constraints: { id: ids['core-switch-1'] },
      },
      { name: 'erin-sees-secrets', object_types: ['netbox_secrets.secret'], actions: ['view'], users: [users.erin] },
    ]) {
      const res = await hush.request('POST', '/api/users/permissions/', { body: grant });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }

    const dave = await openConsolePage(browser, { problems, label: 'dave' });
    try {
      const p = dave.page;
      await signIn(p, hush.url, 'dave', DAVE_PASSWORD);
      await p.getByRole('link', { name: 'NetBox secrets' }).click();
      await p.getByRole('link', { name: 'Devices', exact: true }).click();
      await p.getByRole('cell', { name: 'core-switch-1', exact: true }).waitFor();
      for (const action of ['New device', 'Delete core-switch-1', 'Delete rack-01', 'Rename rack-01'])
        assert.equal(await p.getByRole('button', { name: action }).count(), 0, `${action} is offered to dave`);
      await p.getByRole('button', { name: 'Rename core-switch-1' }).waitFor();
      a11y['restricted user (devices)'] = await accessibilityProblems(p);
      await p.getByRole('link', { name: 'Secrets of core-switch-1' }).click();
      await p.getByRole('cell', { name: 'enable', exact: true }).waitFor();
      assert.equal(await p.getByRole('button', { name: 'New secret' }).count(), 0);
      await p.getByRole('link', { name: 'Virtual machines', exact: true }).click();
      await p.getByRole('cell', { name: 'db-vm-1', exact: true }).waitFor();
      for (const action of ['New virtual machine', 'Delete db-vm-1', 'Rename db-vm-1'])
        assert.equal(await p.getByRole('button', { name: action }).count(), 0, `${action} is offered to dave`);
    } finally {
      await dave.context.close();
    }

    const erin = await openConsolePage(browser, { problems, label: 'erin' });
    try {
      const p = erin.page;
      await signIn(p, hush.url, 'erin', ERIN_PASSWORD);
      await p.getByRole('link', { name: 'NetBox secrets' }).click();
      await p.getByRole('link', { name: 'Devices', exact: true }).click();
      await p.getByText('You may not see devices (dcim.device view)', { exact: false }).waitFor();
      // Her secrets page lists what she may see, the devices named from the secrets themselves.
      await p.goto(`${hush.url}/ui/#/netbox/devices/${ids['core-switch-1']}`);
      await p.getByRole('cell', { name: 'enable', exact: true }).waitFor();
      await p.getByText('The secrets of the device core-switch-1.').waitFor();
      a11y['restricted user (no devices)'] = await accessibilityProblems(p);
    } finally {
      await erin.context.close();
    }
  });

  it('passes axe-core in the dark theme too', async () => {
    const dark = await openConsolePage(browser, { colorScheme: 'dark', problems, label: 'dark' });
    try {
      const p = dark.page;
      await signIn(p, hush.url, 'admin', PASSWORD);
      await p.goto(`${hush.url}/ui/#/netbox/devices`);
      await p.getByRole('cell', { name: 'core-switch-1', exact: true }).waitFor();
      a11y['devices (dark)'] = await accessibilityProblems(p);
      await p.getByRole('button', { name: 'Delete core-switch-1' }).click();
      await p
        .getByText('core-switch-1 is deleted for everyone, and with it its 3 secrets.', { exact: false })
        .waitFor();
      a11y['device delete (dark)'] = await accessibilityProblems(p);
      await p.getByRole('button', { name: 'Cancel' }).click();
      await p.goto(`${hush.url}/ui/#/netbox/vms/${ids['db-vm-1']}`);
      await p.getByRole('cell', { name: 'root', exact: true }).waitFor();
      a11y['VM secrets (dark)'] = await accessibilityProblems(p);
    } finally {
      await dark.context.close();
    }
  });

  it('found no serious or critical accessibility problem, and the CSP refused nothing', () => {
    assertCleanRun(a11y, problems);
  });
});
