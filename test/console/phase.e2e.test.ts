import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  accessibilityProblems,
  browserUnavailableReason,
  consoleBuildProblem,
  launchChromium,
  type Browser,
  type BrowserContext,
  type Page,
} from '../helpers/browser.js';
import { startHush, type RunningHush } from '../helpers/server.js';

const skip = browserUnavailableReason() ?? false;
if (skip) process.stderr.write(`!!! ${skip}\n`);

const PASSWORD = 'correct horse battery staple';
// HUSH_CONSOLE_SCREENSHOTS=docs/console writes the README's screenshots there.
const SHOTS = process.env.HUSH_CONSOLE_SCREENSHOTS;

/** playwright-core calls this test makes beyond those test/helpers/browser.ts types. */
type FullPage = Page & {
  setDefaultTimeout(ms: number): void;
  emulateMedia(options: { colorScheme: 'light' | 'dark' }): Promise<void>;
  keyboard: { press(key: string): Promise<void> };
  /** Answers the page's requests matching `url` itself (here: a read that fails). */
  route(
    url: string,
    handler: (route: { fulfill(r: { status: number; body: string }): Promise<void> }) => unknown,
  ): Promise<void>;
  unroute(url: string): Promise<void>;
};
/** Locator calls beyond those test/helpers/browser.ts types. */
const disabled = (l: unknown) => (l as { isDisabled(): Promise<boolean> }).isDisabled();

/**
 * The console's Phase and secret-lists pages in Debian's chromium against a real Hush on loopback: an app and its
 * secrets, a personal override, history with a diff and restore, a pasted .env, environments compared, app and
 * environment administration, a 1,000-secret environment, and secret lists with the render preview. Each page is
 * checked by axe-core, the CSP is watched for any refusal, and no secret is left in the address or the storage.
 */
describe('the console: Phase and secret lists', { skip, timeout: 300_000 }, () => {
  let hush: RunningHush;
  let browser: Browser;
  let context: BrowserContext;
  let page: FullPage;
  const problems: string[] = [];
  const a11y: Record<string, string[]> = {};
  let appId = '';

  before(async () => {
    const missing = consoleBuildProblem();
    assert.equal(missing, undefined, missing);
    hush = await startHush({ env: { HUSH_BOOTSTRAP_PASSWORD: PASSWORD } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hush.url });
    await context.addInitScript({
      content:
        "window.__hushCspWatch = true; document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP refused ${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));",
    });
    page = (await context.newPage()) as FullPage;
    // A step that waits longer than this has failed: the later ones then fail fast rather than each in 30 s.
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      // The browser's note of each refused request is not a problem: the test makes some on purpose.
      if (
        m.type() === 'error' &&
        !m.text().startsWith('Failed to load resource: the server responded with a status of')
      )
        problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await hush?.close();
  });

  async function check(name: string) {
    a11y[name] = await accessibilityProblems(page);
    if (SHOTS) {
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    }
  }

  async function noSecretKept(value: string, where: string) {
    assert.ok(!page.url().includes(value), `${where}: the address holds the value`);
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })',
    );
    assert.ok(!stored.includes(value), `${where}: browser storage holds the value`);
  }

  /** Every dialog gone (a confirmation inside another dialog closes with it). */
  /** Clicks `button` in the confirmation dialog titled `title`, once it is open (not the button that opened it). */
  const confirm = (title: RegExp, button: string) =>
    page.getByRole('dialog', { name: title }).getByRole('button', { name: button, exact: true }).click();
  const closed = async () => {
    for (let i = 0; i < 100; i++) {
      if ((await page.getByRole('dialog').count()) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('a dialog stayed open');
  };
  const secretsOf = async (env: string, id = appId) => {
    const r = await hush.request('GET', `/v1/secrets/?app_id=${id}&env=${env}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { id: string; key: string; value: string; path: string; tags: string[]; override: any }[];
  };
  const secret = async (env: string, key: string) => (await secretsOf(env)).find((s) => s.key === key);

  it('signs in and creates an app (server-side encryption on), landing on Development', async () => {
    await page.goto(`${hush.url}/ui/`);
    await page.getByRole('textbox', { name: 'Username' }).fill('admin');
    await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('link', { name: 'Phase apps' }).first().click();
    await page.getByRole('button', { name: 'New app' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('shop');
    await page.getByRole('checkbox', { name: 'Server-side encryption (SSE)' }).waitFor();
    await check('phase-new-app');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('tab', { name: 'Development' }).waitFor();
    await page.getByText('No secrets in Development yet.', { exact: false }).waitFor();
    appId = /#\/phase\/([^/]+)\//.exec(page.url())![1]!;
    await check('phase-env-empty');
  });

  it('adds secrets with a folder, tags and a reference; the reference is resolved on reveal', async () => {
    const add = async (key: string, value: string, folder = '/', tags: string[] = []) => {
      await page.getByRole('button', { name: 'Add secret' }).click();
      await page.getByRole('textbox', { name: 'Key' }).fill(key);
      await page.getByRole('textbox', { name: 'Value' }).fill(value);
      await page.getByRole('textbox', { name: 'Path' }).fill(folder);
      for (const t of tags) {
        await page.getByRole('combobox', { name: 'Tags' }).fill(t);
        await page.keyboard.press('Enter');
      }
      await page.getByRole('button', { name: 'Add secret' }).last().click();
      await closed();
      await page.getByRole('button', { name: `Reveal ${key}` }).waitFor();
    };
    await add('DB_HOST', 'db.internal');
    await add('DB_URL', 'postgres://${DB_HOST}/shop');
    await add('PG_PASS', 'pg-secret-1', '/backend', ['db']);
    const pg = await secret('development', 'PG_PASS');
    assert.deepEqual([pg?.path, pg?.tags], ['/backend', ['db']]);

    // Folders are rows of their own; tags are shown on their secrets.
    await page.locator('tr.hush-folder-row:has-text("/backend")').waitFor();
    assert.ok(!(await page.content()).includes('pg-secret-1'), 'a hidden value is in the page');
    await page.getByRole('button', { name: 'Reveal DB_URL' }).click();
    await page.getByText('postgres://db.internal/shop', { exact: true }).waitFor();
    // Revealed on its own, a secret with a reference also shows it as written.
    await page.getByTestId('row-as-written').waitFor();
    assert.equal(await page.getByTestId('row-as-written').textContent(), 'postgres://${DB_HOST}/shop');
    await check('phase-folders');
    await noSecretKept('db.internal', 'revealed');
    await page.getByRole('button', { name: 'Hide DB_URL' }).click();
    // Hidden, neither the value nor its form as written is left in the page.
    await page.getByTestId('row-as-written').waitFor({ state: 'detached' });
    const hidden = await page.content();
    assert.ok(!hidden.includes('postgres://db.internal/shop'), 'the hidden value stayed in the page');
    assert.ok(!hidden.includes('${DB_HOST}'), 'the value as written stayed in the page');

    // An edit that leaves the value alone keeps the reference, even when reading it as written fails (the field
    // would otherwise hold the resolved value and Save would turn the reference into a literal).
    const dbUrl = (await secret('development', 'DB_URL'))!;
    await page.route('**/history/**', (route) =>
      route.fulfill({ status: 503, body: '{"error": "down for the test"}' }),
    );
    await page.getByRole('button', { name: 'Edit DB_URL' }).click();
    await page.getByText('The value could not be read as written').first().waitFor();
    assert.ok(await disabled(page.getByRole('textbox', { name: 'Value' })));
    await page.getByRole('textbox', { name: 'Comment' }).fill('the shop database');
    await page.getByRole('button', { name: 'Save' }).click();
    await closed();
    await page.unroute('**/history/**');
    const kept = await hush.request('GET', `/v1/secrets/${dbUrl.id}/history/?app_id=${appId}&env=development&latest=1`);
    assert.deepEqual([kept.body[0].value, kept.body[0].comment], ['postgres://${DB_HOST}/shop', 'the shop database']);
    // And when it is read: the field holds the reference, not the resolved value.
    await page.getByRole('button', { name: 'Edit DB_URL' }).click();
    await page.locator('textarea:enabled.hush-value').waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Value' }).inputValue(), 'postgres://${DB_HOST}/shop');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await closed();

    // As written, in its history: the reference itself.
    await page.getByRole('button', { name: 'History of DB_URL' }).click();
    await page.getByRole('switch', { name: 'Reveal the values' }).click();
    assert.equal(await page.getByTestId('value-as-written').textContent(), 'postgres://${DB_HOST}/shop');
    await page.getByRole('button', { name: 'Close dialog' }).click();
    await closed();
  });

  it('filters by folder and by tag', async () => {
    await page.getByRole('combobox', { name: 'Filter by folder' }).click();
    await page.getByRole('option', { name: '/backend' }).click();
    await page.getByText('1 of 3 secrets').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Reveal DB_HOST' }).count(), 0);
    await page.getByRole('button', { name: 'Reveal PG_PASS' }).waitFor();
    // Filters live in the page only (not the address): a reload starts without them.
    await page.reload();
    await page.getByText('3 secrets', { exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Filter by tag' }).click();
    await page.getByRole('option', { name: 'db' }).click();
    await page.keyboard.press('Escape');
    await page.getByText('1 of 3 secrets').waitFor();
    await page.getByRole('button', { name: 'Reveal PG_PASS' }).waitFor();
    await page.reload();
    await page.getByText('3 secrets', { exact: true }).waitFor();
  });

  it('sets a personal override, shown beside the shared value, then removes it', async () => {
    await page.getByRole('button', { name: 'Personal override of DB_HOST' }).click();
    await page.getByRole('textbox', { name: 'Your value' }).fill('localhost');
    await page.getByRole('button', { name: 'Save override' }).click();
    await closed();
    await page.getByText('your override', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Reveal DB_HOST' }).click();
    assert.equal(await page.getByTestId('override-value').textContent(), 'localhost');
    assert.equal(await page.getByTestId('secret-value').first().textContent(), 'db.internal');
    await check('phase-override');
    // The admin's token is the same person: the API shows the override, the shared value unchanged.
    const withOverride = await secret('development', 'DB_HOST');
    assert.equal(withOverride?.value, 'db.internal');
    assert.equal(withOverride?.override?.value, 'localhost');
    await page.getByRole('button', { name: 'Hide DB_HOST' }).click();

    await page.getByRole('button', { name: 'Personal override of DB_HOST' }).click();
    await page.getByRole('button', { name: 'Remove override' }).click();
    await confirm(/^Remove your override of DB_HOST/, 'Remove override');
    await page.getByText('your override', { exact: true }).waitFor({ state: 'detached' });
    assert.equal((await secret('development', 'DB_HOST'))?.override, null);
  });

  it('edits a secret, shows each change as a diff in its history, and restores a version', async () => {
    await page.getByRole('button', { name: 'Edit DB_HOST' }).click();
    await page.getByRole('textbox', { name: 'Value' }).fill('db2.internal');
    await page.getByRole('button', { name: 'Save' }).click();
    await closed();
    assert.equal((await secret('development', 'DB_HOST'))?.value, 'db2.internal');

    await page.getByRole('button', { name: 'History of DB_HOST' }).click();
    await page.getByText('value changed').waitFor();
    assert.ok(!(await page.content()).includes('db2.internal'), 'the history shows values before a reveal');
    await page.getByRole('switch', { name: 'Reveal the values' }).click();
    await page.locator('.hush-diff-add').first().waitFor();
    // Told apart by more than colour: named for a screen reader, underlined (removed parts are struck through).
    assert.match((await page.locator('.hush-diff-add').first().textContent()) ?? '', /^added: .*db2/);
    assert.equal(
      await page.evaluate<string>(`getComputedStyle(document.querySelector('.hush-diff-add')).textDecorationLine`),
      'underline',
    );
    await check('phase-history');
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await confirm(/^Restore version 1 of /, 'Restore');
    await closed();
    assert.equal((await secret('development', 'DB_HOST'))?.value, 'db.internal');
  });

  it('pastes a .env: the preview says what is created, updated, unchanged; applied whole or not at all', async () => {
    await page.getByRole('button', { name: 'Paste .env' }).click();
    const box = page.getByRole('textbox', { name: '.env contents' });
    // A key Phase refuses: the dry run names it, nothing is stored.
    await box.fill('GOOD_ONE=1\nbad-key=2\n');
    await page.getByRole('button', { name: /^Preview/ }).click();
    await page.getByText('The file cannot be imported').waitFor();
    assert.equal(await secret('development', 'GOOD_ONE'), undefined);

    await box.fill(
      '# from the old server\nexport DB_HOST=db.internal\nDB_URL=postgres://db.internal/shop2\nNEW_KEY=one\nAPI_TOKEN="abc def"\n',
    );
    await page.getByRole('button', { name: 'Preview 4 keys' }).click();
    await page.getByText('2 to create, 1 to update, 1 unchanged.').waitFor();
    assert.equal(await secret('development', 'NEW_KEY'), undefined, 'the preview stored something');
    await check('phase-paste-env');
    // Someone changes a key after the preview: the apply is refused whole, and asks for a new preview.
    const url = (await secret('development', 'DB_URL'))!;
    const edit = await hush.request('PUT', `/v1/secrets/?app_id=${appId}&env=development`, {
      body: { secrets: [{ id: url.id, value: 'postgres://edited-meanwhile/shop' }] },
    });
    assert.equal(edit.status, 200, JSON.stringify(edit.body));
    await page.getByRole('button', { name: 'Apply 3 changes' }).click();
    await page.getByText('Changed since the preview: preview again').waitFor();
    const refused = await secretsOf('development');
    assert.equal(refused.find((s) => s.key === 'DB_URL')?.value, 'postgres://edited-meanwhile/shop');
    assert.equal(
      refused.find((s) => s.key === 'NEW_KEY'),
      undefined,
      'a stale preview was applied in part',
    );
    assert.equal(
      refused.find((s) => s.key === 'API_TOKEN'),
      undefined,
      'a stale preview was applied in part',
    );
    await page.getByRole('button', { name: 'Preview 4 keys' }).click();
    await page.getByText('2 to create, 1 to update, 1 unchanged.').waitFor();
    await page.getByRole('button', { name: 'Apply 3 changes' }).click();
    await page.getByText('2 created, 1 updated, 1 unchanged.').waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await closed();
    const after = await secretsOf('development');
    assert.equal(after.find((s) => s.key === 'API_TOKEN')?.value, 'abc def');
    assert.equal(after.find((s) => s.key === 'DB_URL')?.value, 'postgres://db.internal/shop2');
    assert.equal(after.length, 5);
  });

  it('compares the environments side by side: missing keys and differing values, masked until revealed', async () => {
    const staging = await hush.request('POST', `/v1/secrets/?app_id=${appId}&env=staging`, {
      body: {
        secrets: [
          { key: 'DB_HOST', value: 'db.staging' },
          { key: 'NEW_KEY', value: 'one' },
        ],
      },
    });
    assert.equal(staging.status, 200);
    await page.getByRole('tab', { name: 'Compare' }).click();
    const row = page.locator('tr[data-key="DB_HOST"]');
    await row.getByText('differs').waitFor();
    await row.getByText('missing in Production').waitFor();
    assert.ok(!(await page.content()).includes('db.staging'), 'a compared value is shown before a reveal');
    await check('phase-compare');
    await page.getByRole('button', { name: 'Reveal DB_HOST in every environment' }).click();
    await row.getByText('db.staging').waitFor();
    await page.getByRole('button', { name: 'Hide DB_HOST in every environment' }).click();
    assert.ok(!(await page.content()).includes('db.staging'), 'a hidden compared value is in the page');
    // Keys in every environment with one value drop out of "only keys that differ".
    await page.getByRole('switch', { name: 'Only keys that differ' }).click();
    await page.locator('tr[data-key="PG_PASS"]').waitFor();
  });

  it('renames the app, adds, renames and deletes an environment, and deletes another app, each confirmed', async () => {
    await page.getByRole('button', { name: 'App settings' }).click();
    await page.getByRole('textbox', { name: 'App name' }).fill('shop-eu');
    await page.getByRole('button', { name: 'Save app' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByRole('textbox', { name: 'New environment' }).fill('QA');
    await page.getByRole('button', { name: 'Add environment' }).click();
    await page.getByRole('textbox', { name: 'Name of environment QA' }).fill('QA2');
    await page.getByRole('button', { name: 'Rename environment QA' }).click();
    await page.getByRole('button', { name: 'Delete environment QA2' }).waitFor();
    await check('phase-app-settings');
    await page.getByRole('button', { name: 'Delete environment QA2' }).click();
    await page.getByRole('button', { name: 'Delete environment', exact: true }).click();
    await page.getByRole('button', { name: 'Delete environment QA2' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Close dialog' }).first().click();
    await closed();
    await page.getByRole('heading', { name: 'shop-eu' }).waitFor();
    const envs = await hush.request('GET', `/v1/environments/?app_id=${appId}`);
    assert.deepEqual(
      envs.body.data.map((e: { name: string }) => e.name),
      ['Development', 'Staging', 'Production'],
    );

    const scratch = await hush.request('POST', '/v1/apps/', { body: { name: 'scratch' } });
    // Renaming the open environment keeps it open, under its new name.
    await page.goto(`${hush.url}/ui/#/phase/${scratch.body.id}/Staging`);
    await page.getByRole('tab', { name: 'Staging', selected: true }).waitFor();
    await page.getByRole('button', { name: 'App settings' }).click();
    await page.getByRole('textbox', { name: 'Name of environment Staging' }).fill('Stage');
    await page.getByRole('button', { name: 'Rename environment Staging' }).click();
    await page.getByRole('button', { name: 'Delete environment Stage', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Close dialog' }).first().click();
    await closed();
    await page.getByRole('tab', { name: 'Stage', selected: true }).waitFor();
    assert.match(page.url(), new RegExp(`#/phase/${scratch.body.id}/Stage$`));

    // Server-side encryption off: the page says what that means and offers to turn it on again.
    await page.getByRole('button', { name: 'App settings' }).click();
    await page.getByRole('button', { name: 'Turn off SSE' }).click();
    await confirm(/^Turn off server-side encryption for scratch/, 'Turn off SSE');
    await closed();
    await page.getByText('This app keeps its secrets end-to-end encrypted', { exact: false }).waitFor();
    assert.equal((await hush.request('GET', `/v1/apps/${scratch.body.id}/`)).status, 403);
    await check('phase-sse-off');
    await page.getByRole('button', { name: 'Turn on server-side encryption' }).click();
    await page.getByRole('tab', { name: 'Stage', selected: true }).waitFor();
    assert.equal((await hush.request('GET', `/v1/apps/${scratch.body.id}/`)).body.sseEnabled, true);

    await page.getByRole('button', { name: 'App settings' }).click();
    await page.getByRole('button', { name: 'Delete app' }).click();
    await confirm(/^Delete the app scratch/, 'Delete app');
    await page.getByRole('heading', { name: 'Phase apps' }).waitFor();
    assert.equal((await hush.request('GET', `/v1/apps/${scratch.body.id}/`)).status, 404);
  });

  it('shows the secrets page at 390 px and in the dark theme', async () => {
    await page.goto(`${hush.url}/ui/#/phase/${appId}/Development`);
    await page.getByRole('button', { name: 'Reveal DB_HOST' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok((await page.evaluate<number>('document.documentElement.scrollWidth')) <= 390, 'wider than 390 px');
    await check('phase-folders-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await check('phase-secrets-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('offers a read-only user only what they may do: no add, edit, delete, override, settings or restore', async () => {
    const viewer = await hush.request('POST', '/api/users/users/', {
      body: { username: 'viewer', password: PASSWORD },
    });
    assert.equal(viewer.status, 201, JSON.stringify(viewer.body));
    const grant = await hush.request('POST', '/api/users/permissions/', {
      body: {
        name: 'viewer-reads',
        object_types: ['phase.app', 'phase.secret', 'lists.list'],
        actions: ['view'],
        users: [viewer.body.id],
      },
    });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await other.newPage();
      await p.goto(`${hush.url}/ui/`);
      await p.getByRole('textbox', { name: 'Username' }).fill('viewer');
      await p.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('heading', { name: 'Overview' }).waitFor();
      await p.goto(`${hush.url}/ui/#/phase/${appId}/Development`);
      await p.getByRole('button', { name: 'Reveal DB_HOST' }).waitFor();
      for (const name of [
        'Add secret',
        'Paste .env',
        'Edit DB_HOST',
        'Delete DB_HOST',
        'App settings',
        'Personal override of DB_HOST',
      ])
        assert.equal(await p.getByRole('button', { name, exact: true }).count(), 0, `${name} is offered`);
      await p.getByRole('button', { name: 'History of DB_HOST' }).click();
      await p.getByText('Version 1', { exact: true }).waitFor();
      assert.equal(await p.getByRole('button', { name: /^Restore version/ }).count(), 0, 'restore is offered');
      await p.goto(`${hush.url}/ui/#/lists`);
      await p.getByRole('heading', { name: 'Secret lists' }).waitFor();
      await p.getByRole('link', { name: 'Render preview' }).waitFor();
      assert.equal(await p.getByRole('button', { name: 'New list' }).count(), 0, 'New list is offered');
    } finally {
      await other.close();
    }
  });

  it('renders and filters a 1,000-secret environment, only the rows in view in the page (times printed)', async () => {
    const big = await hush.request('POST', '/v1/apps/', { body: { name: 'big' } });
    const secrets = Array.from({ length: 1000 }, (_, i) => ({
      key: `KEY_${String(i).padStart(4, '0')}`,
      value: `value-${i}`,
      path: i % 10 === 0 ? '/group' : '/',
    }));
    const created = await hush.request('POST', `/v1/secrets/?app_id=${big.body.id}&env=development`, {
      body: { secrets },
    });
    assert.equal(created.status, 200);
    await page.goto(`${hush.url}/ui/#/phase/${big.body.id}/Development`);
    await page.getByText('1000 secrets', { exact: true }).waitFor();
    // A fresh load of that address, timed from the navigation until the first rows can be clicked.
    await page.reload();
    await page.getByRole('button', { name: 'Reveal KEY_0001' }).waitFor();
    const tti = await page.evaluate<number>('Math.round(performance.now())');
    const inPage = await page.evaluate<number>('document.querySelectorAll("tr[data-key]").length');
    assert.ok(inPage < 200, `${inPage} rows in the page: the table is not virtualized`);
    const t0 = await page.evaluate<number>('performance.now()');
    await page.getByRole('textbox', { name: 'Filter secrets' }).fill('KEY_0999');
    await page.getByText('1 of 1000 secrets').waitFor();
    const filtered = Math.round((await page.evaluate<number>('performance.now()')) - t0);
    await page.getByRole('button', { name: 'Reveal KEY_0999' }).waitFor();
    process.stdout.write(
      `# console: 1,000-secret environment interactive ${tti} ms after navigation, ${inPage} rows in the page, filtered in ${filtered} ms (loopback, warm cache)\n`,
    );
    await page.getByRole('textbox', { name: 'Filter secrets' }).fill('');
    await check('phase-1000');
  });

  it('manages secret lists: create, add, edit, history with restore, rename, delete', async () => {
    await page.getByRole('link', { name: 'Secret lists' }).first().click();
    await page.getByText('No secret lists yet.', { exact: false }).waitFor();
    await check('lists-empty');
    await page.getByRole('button', { name: 'New list' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('web');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('heading', { name: 'web' }).waitFor();
    await page.getByRole('button', { name: 'Add value' }).click();
    await page.getByRole('textbox', { name: 'Key' }).fill('WEB_PASSWORD');
    await page.getByRole('textbox', { name: 'Value' }).fill('s3cret-one');
    await page.getByRole('button', { name: 'Add value' }).last().click();
    await closed();
    await page.getByRole('button', { name: 'Reveal WEB_PASSWORD' }).click();
    assert.equal(await page.getByTestId('list-value').textContent(), 's3cret-one');
    await check('lists-values');
    await page.getByRole('button', { name: 'Hide WEB_PASSWORD' }).click();
    assert.ok(!(await page.content()).includes('s3cret-one'), 'a hidden list value is in the page');

    await page.getByRole('button', { name: 'Edit WEB_PASSWORD' }).click();
    await page.getByRole('textbox', { name: 'Value' }).fill('s3cret-two');
    await page.getByRole('button', { name: 'Save' }).click();
    await closed();
    await page.getByRole('button', { name: 'History of WEB_PASSWORD' }).click();
    await page.getByText('value changed').waitFor();
    await page.getByRole('switch', { name: 'Reveal the values' }).click();
    await page.locator('.hush-diff-add').first().waitFor();
    await check('lists-history');
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await confirm(/^Restore version 1 of /, 'Restore');
    await closed();
    const restored = await hush.request('GET', '/api/secrets/lists/web/values/WEB_PASSWORD');
    assert.deepEqual([restored.body.secret_value, restored.body.version], ['s3cret-one', 3]);

    await page.getByRole('button', { name: 'Rename list' }).click();
    await page.getByRole('textbox', { name: 'New name' }).fill('web-prod');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByRole('heading', { name: 'web-prod' }).waitFor();
    assert.equal((await hush.request('GET', '/api/secrets/lists/web-prod')).status, 200);
    await noSecretKept('s3cret', 'lists');
  });

  it('previews a cloud-init render: the text with values, or the missing references named', async () => {
    await page.getByRole('link', { name: 'Secret lists' }).first().click();
    await page.getByRole('link', { name: 'Render preview' }).click();
    await page.getByRole('heading', { name: 'Render preview' }).waitFor();
    const template = page.getByRole('textbox', { name: 'Template' });
    await template.fill('#cloud-config\npassword: ${{ secret.WEB_PASSWORD }}\ntoken: ${{secret.NOPE}}\n');
    await page.getByRole('button', { name: 'Render', exact: true }).click();
    await page.getByText('Not rendered: references that cannot be resolved').waitFor();
    await page.getByText('NOPE', { exact: false }).first().waitFor();
    await check('lists-render-missing');
    await template.fill('#cloud-config\npassword: ${{ secret.WEB_PASSWORD }}\n');
    await page.getByRole('button', { name: 'Render', exact: true }).click();
    await page.getByText('Rendered: every reference resolved.').waitFor();
    assert.ok(!(await page.content()).includes('s3cret-one'), 'the rendered text is shown before asked');
    await page.getByRole('switch', { name: 'Show the rendered text' }).click();
    assert.equal(await page.getByTestId('rendered').textContent(), '#cloud-config\npassword: s3cret-one\n');
    await check('lists-render');
    await noSecretKept('s3cret', 'render');

    // Deleting the list, after its confirmation, takes its values along.
    await page.goto(`${hush.url}/ui/#/lists/web-prod`);
    await page.getByRole('button', { name: 'Delete list' }).click();
    await confirm(/^Delete the list web-prod/, 'Delete list');
    await page.getByText('No secret lists yet.', { exact: false }).waitFor();
    assert.equal((await hush.request('GET', '/api/secrets/lists/web-prod')).status, 404);
  });

  it('passes axe-core on every page (no serious or critical finding) and the CSP refused nothing', () => {
    const found = Object.entries(a11y).flatMap(([name, list]) => list.map((p) => `${name}: ${p}`));
    assert.deepEqual(found, []);
    assert.deepEqual(problems, []);
  });
});
