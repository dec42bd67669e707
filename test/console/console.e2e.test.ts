import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  assertCleanRun,
  assertFitsPhoneWidth,
  assertNoSecretKept,
  browserUnavailableReason,
  consoleBuildProblem,
  launchChromium,
  openConsolePage,
  pageChecker,
  repoRoot,
  type Browser,
  type BrowserContext,
  type Page,
} from '../helpers/browser.js';
import { startHush, type RunningHush } from '../helpers/server.js';

const skip = browserUnavailableReason() ?? false;
if (skip) process.stderr.write(`!!! ${skip}\n`);

const PASSWORD = 'correct horse battery staple';

/**
 * The console in Debian's chromium against a real Hush on loopback: what a person does on a first day, each page
 * checked by axe-core, the page's CSP watched for any refusal, and no secret left in the address, the storage or
 * the page once hidden.
 */
describe('the console in a browser', { skip, timeout: 180_000 }, () => {
  let hush: RunningHush;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const a11y: Record<string, string[]> = {};

  before(async () => {
    const missing = consoleBuildProblem();
    assert.equal(missing, undefined, missing);
    hush = await startHush({ env: { HUSH_BOOTSTRAP_PASSWORD: PASSWORD } });
    browser = await launchChromium();
    // Clipboard access for the copy button; HUSH_CONSOLE_SCREENSHOTS=docs/console writes the README's screenshots.
    ({ context, page } = await openConsolePage(browser, {
      problems,
      grant: { permissions: ['clipboard-read', 'clipboard-write'], origin: hush.url },
    }));
  });

  after(async () => {
    await browser?.close();
    await hush?.close();
  });

  const checkPage = pageChecker(a11y);
  const check = (name: string) => checkPage(page, name);

  it('sends a browser at / to the sign-in page, and signs in with username and password', async () => {
    await page.goto(`${hush.url}/`);
    assert.equal(page.url(), `${hush.url}/ui/`);
    await page.getByRole('heading', { name: 'Sign in to Hush' }).waitFor();
    assert.equal(
      await page.evaluate<boolean>('window.__hushCspWatch === true'),
      true,
      'the CSP watch is not installed',
    );
    await check('sign-in');
    await page.getByRole('textbox', { name: 'Username' }).fill('admin');
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Invalid username or password.').waitFor();
    await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('shows the overview: who, what they reach, server health and version (time to interactive printed)', async () => {
    // A fresh load of the page (signed in, the files cached), timed from the navigation until the data is shown.
    await page.reload();
    // What each engine lets the user reach, counted by the server (GET /api/users/me/overview/).
    await page.getByRole('link', { name: '0 apps, 0 environments' }).waitFor();
    await page.getByRole('link', { name: '0 lists' }).waitFor();
    await page.getByRole('link', { name: '0 secrets, 0 devices, 0 virtual machines' }).waitFor();
    await page.getByRole('link', { name: '0 resources' }).waitFor();
    await page.getByText('ready', { exact: true }).waitFor();
    const tti = await page.evaluate<number>('Math.round(performance.now())');
    await page.getByText(/^Hush \d+\.\d+\.\d+/).waitFor();
    process.stdout.write(`# console: overview interactive ${tti} ms after navigation (loopback, warm cache)\n`);
    await check('overview');
  });

  let appUrl = '';
  it('creates a Phase app and lands on its first environment', async () => {
    await page.getByRole('link', { name: 'Phase apps' }).first().click();
    await page.getByText('No apps yet.', { exact: false }).waitFor();
    await check('phase-apps-empty');
    await page.getByRole('button', { name: 'New app' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('shop');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('tab', { name: 'Development' }).waitFor();
    await page.getByText('No secrets in Development yet.', { exact: false }).waitFor();
    appUrl = page.url();
    assert.match(appUrl, /#\/phase\/[^/]+\/Development$/);
  });

  it('adds a secret, masked until revealed, and out of the page once hidden', async () => {
    await page.getByRole('button', { name: 'Add secret' }).click();
    await page.getByRole('textbox', { name: 'Key' }).fill('db_password');
    await page.getByRole('textbox', { name: 'Value' }).fill('hunter2-first');
    await page.getByRole('textbox', { name: 'Comment' }).fill('the shop database');
    await page.getByRole('button', { name: 'Add secret' }).last().click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Reveal DB_PASSWORD' }).waitFor();
    assert.ok(!(await page.content()).includes('hunter2-first'), 'a hidden value is in the page');
    await page.getByRole('button', { name: 'Reveal DB_PASSWORD' }).click();
    assert.equal(await page.getByTestId('secret-value').textContent(), 'hunter2-first');
    await check('phase-secrets');
    await assertNoSecretKept(page, 'revealed', 'hunter2-first');
    await assertFitsPhoneWidth(page, 'the page');
    await check('phase-secrets-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Copy DB_PASSWORD' }).click();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), 'hunter2-first');
    await page.getByRole('button', { name: 'Hide DB_PASSWORD' }).click();
    assert.ok(!(await page.content()).includes('hunter2-first'), 'a hidden value is still in the page');
  });

  it('edits the secret; the server has the new value', async () => {
    await page.getByRole('button', { name: 'Edit DB_PASSWORD' }).click();
    await page.getByRole('textbox', { name: 'Value' }).fill('hunter2-second');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Reveal all' }).click();
    await page.getByText('hunter2-second', { exact: true }).waitFor();
    const appId = /#\/phase\/([^/]+)\//.exec(appUrl)![1]!;
    const stored = await hush.request('GET', `/v1/secrets/?app_id=${appId}&env=development`);
    assert.equal(stored.status, 200);
    assert.deepEqual(
      stored.body.map((s: { key: string; value: string }) => [s.key, s.value]),
      [['DB_PASSWORD', 'hunter2-second']],
    );
    await page.getByRole('button', { name: 'Hide all' }).click();
  });

  it('creates an API token, shown once, that works with fetch; revokes another', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByRole('button', { name: 'New token' }).click();
    await page.getByRole('textbox', { name: 'Description' }).fill('deploy job');
    await check('token-dialog');
    await page.getByRole('button', { name: 'Create token' }).click();
    const key = (await page.getByTestId('new-token').textContent())!.trim();
    assert.match(key, /^[0-9a-f]{40}$/);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByText('deploy job').waitFor();
    await check('tokens');
    assert.ok(!(await page.content()).includes(key), 'the key is still in the page');

    const me = await fetch(`${hush.url}/api/users/me/`, { headers: { authorization: `Token ${key}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { user: { username: string } }).user.username, 'admin');
    const appId = /#\/phase\/([^/]+)\//.exec(appUrl)![1]!;
    const secrets = await fetch(`${hush.url}/v1/secrets/?app_id=${appId}&env=Development`, {
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(((await secrets.json()) as { value: string }[])[0]?.value, 'hunter2-second');

    // The bootstrap token is the admin's other one: revoke it from the list.
    const bootstrapDisplay = (await hush.request('GET', '/api/users/tokens/')).body.results.find(
      (t: { description: string; display: string }) => t.description !== 'deploy job',
    ).display;
    await page.getByRole('button', { name: `Revoke token ${bootstrapDisplay}` }).click();
    await page.getByRole('button', { name: 'Revoke token', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    assert.equal(
      (await fetch(`${hush.url}/api/users/me/`, { headers: { authorization: `Token ${hush.token}` } })).status,
      403,
    );
    assert.equal(
      (await fetch(`${hush.url}/api/users/me/`, { headers: { authorization: `Token ${key}` } })).status,
      200,
    );
  });

  it('signs out: the session cookie no longer works', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'hush_session');
    assert.ok(cookie, 'no session cookie');
    const before = await fetch(`${hush.url}/api/users/me/`, { headers: { cookie: `hush_session=${cookie.value}` } });
    assert.equal(before.status, 200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Hush' }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    const afterwards = await fetch(`${hush.url}/api/users/me/`, {
      headers: { cookie: `hush_session=${cookie.value}` },
    });
    assert.equal(afterwards.status, 403);
    assert.equal(
      (await context.cookies()).find((c) => c.name === 'hush_session'),
      undefined,
    );
    await assertNoSecretKept(page, 'signed out', 'hunter2');
  });

  it('passes axe-core on every page (no serious or critical finding) and the CSP refused nothing', () => {
    assertCleanRun(a11y, problems);
    const assets = path.join(repoRoot, 'web', 'dist', 'assets');
    const gz = (ext: string) =>
      fs
        .readdirSync(assets)
        .filter((f) => f.endsWith(ext))
        .reduce((n, f) => n + gzipSync(fs.readFileSync(path.join(assets, f)), { level: 9 }).length, 0);
    process.stdout.write(
      `# console: JavaScript ${(gz('.js') / 1024).toFixed(1)} KB gzipped, CSS ${(gz('.css') / 1024).toFixed(1)} KB gzipped\n`,
    );
  });
});
