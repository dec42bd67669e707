import assert from 'node:assert/strict';
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
  type BrowserContext,
  type Page,
} from '../helpers/browser.js';
import { startHush, type RunningHush } from '../helpers/server.js';

const skip = browserUnavailableReason() ?? false;
if (skip) process.stderr.write(`!!! ${skip}\n`);

const ADMIN_PASSWORD = 'correct horse battery staple';
const ERIN_PASSWORD = 'erin first passphrase';
const ERIN_NEW_PASSWORD = 'erin second passphrase';
/** The pages the README shows (HUSH_CONSOLE_SCREENSHOTS=docs/console); every page is checked by axe-core either way. */
const README_SHOTS = new Set([
  'admin-users',
  'admin-permission-dialog',
  'admin-audit',
  'restricted-refused-dark',
  'admin-token-dialog',
  'account-dark',
]);

/** A browser context that reports CSP refusals and page errors into `problems`, each labelled with its theme. */
function watchedContext(browser: Browser, problems: string[], colorScheme: 'light' | 'dark') {
  return openConsolePage(browser, { colorScheme, problems, label: colorScheme });
}

/** Picks `option` in the Mantine Select or MultiSelect labelled `label`. */
async function choose(page: Page, label: string, option: string | RegExp) {
  // The label names the Select's input (a combobox) or the MultiSelect's search field.
  await page
    .getByLabel(new RegExp(`^${label.replace(/[()]/g, '\\$&')}\\s*\\*?$`))
    .first()
    .click();
  await page.getByRole('option', { name: option }).first().click();
}

/**
 * The administration pages in Debian's chromium against a real Hush: users, a permission granted with the pickers,
 * the restricted user's narrower console, scoped tokens used with fetch, the audit log of those reads and its
 * chain, a password change and a sign-out; axe-core on each page in the light and the dark theme.
 */
describe('the console administration pages', { skip, timeout: 240_000 }, () => {
  let hush: RunningHush;
  let browser: Browser;
  let admin: { context: BrowserContext; page: Page };
  let erin: { context: BrowserContext; page: Page };
  const problems: string[] = [];
  const a11y: Record<string, string[]> = {};
  let shop = '';
  let blog = '';
  let erinKey = '';

  before(async () => {
    const missing = consoleBuildProblem();
    assert.equal(missing, undefined, missing);
    hush = await startHush({ env: { HUSH_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD, HUSH_CONSOLE_IDLE_MINUTES: '20' } });
    // Two apps with a secret each, made through Phase's API as a script would.
    for (const name of ['shop', 'blog']) {
      const app = await hush.request('POST', '/v1/apps/', { body: { name } });
      assert.equal(app.status, 201, JSON.stringify(app.body));
      const made = await hush.request('POST', `/v1/secrets/?app_id=${app.body.id}&env=Development`, {
        body: { secrets: [{ key: `${name.toUpperCase()}_KEY`, value: `${name}-value`, comment: '', path: '/' }] },
      });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      if (name === 'shop') shop = app.body.id;
      else blog = app.body.id;
    }
    browser = await launchChromium();
    admin = await watchedContext(browser, problems, 'light');
  });

  after(async () => {
    await browser?.close();
    await hush?.close();
  });

  const check = pageChecker(a11y, (name) => README_SHOTS.has(name));

  async function fitsPhoneWidth(page: Page, name: string) {
    await assertFitsPhoneWidth(page, name);
    a11y[`${name}-narrow`] = await accessibilityProblems(page);
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  it('creates a person and a service account, and deactivates one after a confirmation', async () => {
    const { page } = admin;
    await signIn(page, hush.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByRole('textbox', { name: 'Username' }).fill('erin');
    await page.getByRole('dialog').getByRole('textbox', { name: 'Password' }).fill(ERIN_PASSWORD);
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByRole('textbox', { name: 'Username' }).fill('ci-bot');
    await choose(page, 'Kind', /Service account/);
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByText('service account', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Deactivate ci-bot' }).click();
    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByText('deactivated', { exact: true }).waitFor();
    const users = (await hush.request('GET', '/api/users/users/')).body.results as {
      username: string;
      kind: string;
      is_active: boolean;
      is_superuser: boolean;
    }[];
    const byName = new Map(users.map((u) => [u.username, u]));
    assert.deepEqual(
      [byName.get('erin')?.kind, byName.get('erin')?.is_active, byName.get('erin')?.is_superuser],
      ['person', true, false],
    );
    assert.deepEqual([byName.get('ci-bot')?.kind, byName.get('ci-bot')?.is_active], ['service', false]);
    await check(page, 'admin-users');
    await fitsPhoneWidth(page, 'admin-users');
  });

  it('grants erin view on one app, picked from the apps that exist', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Permissions' }).click();
    await page.getByText('No permissions yet', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Grant a permission' }).click();
    await choose(page, 'Object type', 'phase.app');
    await page.getByRole('checkbox', { name: 'view' }).click();
    await choose(page, 'Only this object (optional)', 'shop');
    await choose(page, 'Users', 'erin');
    await page.getByRole('textbox', { name: 'Name' }).fill('erin reads shop');
    await check(page, 'admin-permission-dialog');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByText('erin reads shop').waitFor();
    const granted = (await hush.request('GET', '/api/users/permissions/')).body.results[0];
    assert.deepEqual(
      [
        granted.object_types,
        granted.actions,
        granted.constraints,
        granted.users.map((u: { username: string }) => u.username),
      ],
      [['phase.app'], ['view'], { id: shop }, ['erin']],
    );
    await check(page, 'admin-permissions');
  });

  it('shows erin a narrower console: only what she may do, and a refusal as a sentence', async () => {
    erin = await watchedContext(browser, problems, 'dark');
    const { page } = erin;
    await signIn(page, hush.url, 'erin', ERIN_PASSWORD);
    assert.equal(
      await page.getByRole('heading', { name: 'Recent activity' }).count(),
      0,
      'erin is shown the audit log on the overview',
    );
    // Her figures are counted through her grants: the one app she may view, nothing of the other engines.
    await page.getByRole('link', { name: /^1 app, \d+ environments?$/ }).waitFor();
    await page.getByRole('link', { name: '0 lists' }).waitFor();
    for (const hidden of ['Users', 'Permissions', 'Audit log'])
      assert.equal(await page.getByRole('link', { name: hidden }).count(), 0, `erin is offered ${hidden}`);
    await page.getByRole('link', { name: 'Phase apps' }).first().click();
    await page.getByRole('link', { name: 'shop' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'blog' }).count(), 0, 'erin sees an app she may not');
    assert.equal(await page.getByRole('button', { name: 'New app' }).count(), 0, 'erin is offered a new app');
    await check(page, 'restricted-phase-apps-dark');
    // Typed in by hand: the server refuses, and the page says so.
    await page.goto(`${hush.url}/ui/#/users`);
    await page.getByText('Could not load the users').waitFor();
    await page
      .getByText(/permission/i)
      .first()
      .waitFor();
    await check(page, 'restricted-refused-dark');
    await page.goto(`${hush.url}/ui/#/audit`);
    await page.getByText('Could not load the audit log').waitFor();
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText('after 20 minutes without activity', { exact: false }).waitFor();
    // Her own tokens she manages; nobody else's is offered.
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    assert.equal(await page.getByLabel(/^Whose tokens/).count(), 0, "erin is offered others' tokens");
    await page.getByRole('button', { name: 'New token' }).click();
    assert.equal(await page.getByLabel(/^For\s*$/).count(), 0, 'erin is offered tokens for others');
    await page.getByRole('textbox', { name: 'Description' }).fill('erin laptop');
    await page.getByRole('button', { name: 'Create token' }).click();
    erinKey = (await page.getByTestId('new-token').textContent())!.trim();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    assert.equal(
      (await fetch(`${hush.url}/api/users/me/`, { headers: { authorization: `Token ${erinKey}` } })).status,
      200,
    );
  });

  let engineKey = '';
  it('creates a token confined to the Phase API, shown once, that works with fetch there only', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('button', { name: 'New token' }).click();
    await page.getByRole('textbox', { name: 'Description' }).fill('phase reader');
    await page.getByRole('switch', { name: /write enabled/ }).click();
    await choose(page, 'Works on', 'Only the phase API');
    await check(page, 'admin-token-dialog');
    await page.getByRole('button', { name: 'Create token' }).click();
    engineKey = (await page.getByTestId('new-token').textContent())!.trim();
    assert.match(engineKey, /^[0-9a-f]{40}$/);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    assert.ok(!(await page.content()).includes(engineKey), 'the key is still in the page');
    await page.getByText('phase only').waitFor();
    const auth = { authorization: `Token ${engineKey}` };
    const secrets = await fetch(`${hush.url}/v1/secrets/?app_id=${shop}&env=Development`, { headers: auth });
    assert.equal(secrets.status, 200);
    assert.equal(((await secrets.json()) as { value: string }[])[0]?.value, 'shop-value');
    assert.equal((await fetch(`${hush.url}/api/users/me/`, { headers: auth })).status, 403);
    const write = await fetch(`${hush.url}/v1/apps/`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'nope' }),
    });
    assert.equal(write.status, 403, 'a read-only token wrote');
  });

  it('creates a Phase-format token narrowed to one app; its bearer reads that app only', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'New token' }).click();
    await page.getByRole('textbox', { name: 'Description' }).fill('shop cli');
    await page.getByRole('switch', { name: /Phase format/ }).click();
    await choose(page, 'Only these apps', 'shop');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent())!.trim();
    assert.match(token, /^pss_user:v1:[0-9a-f]{64}:/);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    const bearer = token.split(':')[2]!;
    const headers = { authorization: `Bearer User ${bearer}` };
    const own = await fetch(`${hush.url}/v1/secrets/?app_id=${shop}&env=Development`, { headers });
    assert.equal(own.status, 200);
    const other = await fetch(`${hush.url}/v1/secrets/?app_id=${blog}&env=Development`, { headers });
    assert.ok([403, 404].includes(other.status), `the narrowed token read another app: ${other.status}`);
    await page.getByText('shop cli').waitFor();
    await check(page, 'admin-tokens');
  });

  it("shows a superuser everyone's tokens, and revokes erin's after a confirmation", async () => {
    const { page } = admin;
    await choose(page, 'Whose tokens', "Everyone's");
    await page.getByText('erin laptop').waitFor();
    const erinToken = (
      (await hush.request('GET', '/api/users/tokens/')).body.results as {
        display: string;
        description: string;
      }[]
    ).find((t) => t.description === 'erin laptop')!;
    await page.getByRole('button', { name: `Revoke token ${erinToken.display}` }).click();
    await page.getByRole('button', { name: 'Revoke token', exact: true }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByText('erin laptop').waitFor({ state: 'detached' });
    assert.equal(
      (await fetch(`${hush.url}/api/users/me/`, { headers: { authorization: `Token ${erinKey}` } })).status,
      403,
    );
  });

  it('shows the reads just made in the audit log, with their details, and verifies the chain', async () => {
    const { page } = admin;
    // The overview's recent activity is the log's newest entries, as the server lists them.
    await page.goto(`${hush.url}/ui/#/`);
    await page.getByRole('heading', { name: 'Recent activity' }).waitFor();
    const newest = (await hush.request('GET', '/api/core/audit-log/?limit=1')).body.results as { action: string }[];
    await page
      .getByRole('list', { name: 'Recent activity' })
      .getByText(newest[0]!.action, { exact: false })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('The chain is intact').waitFor();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('textbox', { name: 'Action' }).fill('secret.read');
    await page.getByRole('button', { name: 'Filter' }).click();
    // The reads made with the two tokens above, as the server lists them.
    const tokens = (await hush.request('GET', '/api/users/tokens/')).body.results as {
      id: number;
      description: string;
    }[];
    const tokenIds = new Set(
      tokens.filter((t) => ['phase reader', 'shop cli'].includes(t.description)).map((t) => t.id),
    );
    assert.equal(tokenIds.size, 2);
    const log = (await hush.request('GET', '/api/core/audit-log/?action=secret.read')).body.results as {
      seq: number;
      token_id: number | null;
      engine: string;
    }[];
    const ours = log.filter((e) => e.token_id !== null && tokenIds.has(e.token_id));
    assert.equal(ours.length, 2, JSON.stringify(log));
    assert.ok(ours.every((e) => e.engine === 'phase'));
    await page.getByText(`${log.length} ${log.length === 1 ? 'entry' : 'entries'} match`, { exact: false }).waitFor();
    assert.equal(await page.locator('tr[data-action="secret.read"]').count(), log.length);
    for (const e of ours) await page.locator(`tr[data-seq="${e.seq}"]`).waitFor();
    await page.getByRole('button', { name: `Details of entry ${ours[0]!.seq}` }).click();
    await page.getByRole('dialog', { name: `Audit entry ${ours[0]!.seq}` }).waitFor();
    await page.getByText(`token ${ours[0]!.token_id}`, { exact: true }).waitFor();
    await check(page, 'admin-audit-entry');
    await page.getByRole('button', { name: 'Close dialog' }).click();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('The chain is intact').waitFor();
    await check(page, 'admin-audit');
    await fitsPhoneWidth(page, 'admin-audit');
  });

  it("changes erin's password: her other session ends, the new password works", async () => {
    const { page } = erin;
    const other = await fetch(`${hush.url}/api/users/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'erin', password: ERIN_PASSWORD }),
    });
    const otherCookie = other.headers.getSetCookie()[0]!.split(';')[0]!;
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel(/^New password\s*\*?$/).fill(ERIN_NEW_PASSWORD);
    await page.getByLabel('New password again').fill(ERIN_NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('is not your current password', { exact: false }).waitFor();
    await page.getByLabel('Current password').fill(ERIN_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your 1 other session was signed out.', { exact: false }).waitFor();
    await check(page, 'account-dark');
    assert.equal((await fetch(`${hush.url}/api/users/me/`, { headers: { cookie: otherCookie } })).status, 403);
    const again = await fetch(`${hush.url}/api/users/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'erin', password: ERIN_NEW_PASSWORD }),
    });
    assert.equal(again.status, 200);
  });

  it('signs erin out: her session cookie no longer works', async () => {
    const cookie = (await erin.context.cookies()).find((c) => c.name === 'hush_session');
    assert.ok(cookie);
    const headers = { cookie: `hush_session=${cookie.value}` };
    assert.equal((await fetch(`${hush.url}/api/users/me/`, { headers })).status, 200);
    await erin.page.getByRole('button', { name: 'Sign out' }).click();
    await erin.page.getByText('You have signed out.').waitFor();
    assert.equal((await fetch(`${hush.url}/api/users/me/`, { headers })).status, 403);
  });

  it('passes axe-core on the administration pages in the dark theme too', async () => {
    const dark = await watchedContext(browser, problems, 'dark');
    await signIn(dark.page, hush.url, 'admin', ADMIN_PASSWORD);
    for (const [link, heading, name] of [
      ['Users', 'Users', 'dark-users'],
      ['Permissions', 'Permissions', 'dark-permissions'],
      ['API tokens', 'API tokens', 'dark-tokens'],
      ['Audit log', 'Audit log', 'dark-audit'],
      ['Account', 'Your account', 'dark-account'],
    ] as const) {
      await dark.page.getByRole('link', { name: link }).click();
      await dark.page.getByRole('heading', { name: heading }).waitFor();
      // Checked once the page's data is in, not its loading state.
      await dark.page.locator('[aria-label^="Loading"]').first().waitFor({ state: 'detached' });
      await check(dark.page, name);
    }
    await dark.context.close();
  });

  it('found no serious or critical axe finding and no CSP refusal', () => {
    assertCleanRun(a11y, problems);
  });
});
