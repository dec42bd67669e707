import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Debian's chromium driven by playwright-core, which the console's own dependencies (web/package.json) bring: no
 * browser is downloaded, and the server's dependencies stay free of browser tooling. Only the few calls the console
 * tests make are typed here, since web/node_modules does not exist when the server is compiled on a fresh clone.
 */

export const CHROMIUM = '/usr/bin/chromium';

/** The repository: three levels above dist/test/helpers, two above test/helpers. */
export const repoRoot = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.resolve(here, '../../..'), path.resolve(here, '../..')].find((dir) =>
    fs.existsSync(path.join(dir, 'web', 'package.json')),
  )!;
})();

export interface Locator {
  click(): Promise<void>;
  fill(value: string): Promise<void>;
  waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  textContent(): Promise<string | null>;
  inputValue(): Promise<string>;
  count(): Promise<number>;
  first(): Locator;
  last(): Locator;
  getByRole(role: string, options?: { name?: string | RegExp; exact?: boolean; selected?: boolean }): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
}

export interface Page {
  goto(url: string): Promise<unknown>;
  reload(): Promise<unknown>;
  url(): string;
  content(): Promise<string>;
  getByRole(role: string, options?: { name?: string | RegExp; exact?: boolean; selected?: boolean }): Locator;
  getByTestId(id: string): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
  getByLabel(text: string | RegExp, options?: { exact?: boolean }): Locator;
  locator(selector: string): Locator;
  /** An expression, evaluated in the page (the test's compiler knows no DOM, so no functions). */
  evaluate<T>(expression: string): Promise<T>;
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  waitForURL(url: string | RegExp): Promise<void>;
}

export interface BrowserContext {
  newPage(): Promise<Page>;
  cookies(): Promise<{ name: string; value: string }[]>;
  addInitScript(script: { content: string }): Promise<void>;
  grantPermissions(permissions: string[], options?: { origin: string }): Promise<void>;
  close(): Promise<void>;
}

export interface Browser {
  newContext(options?: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
  }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Why the browser tests cannot run here, or undefined. Only a missing chromium skips them. */
export function browserUnavailableReason(): string | undefined {
  if (!fs.existsSync(CHROMIUM))
    return `${CHROMIUM} is not installed (apt-get install -y chromium); the console's browser tests are SKIPPED`;
  return undefined;
}

/** What the console tests need besides chromium; missing, they fail saying how to get it (not skip). */
export function consoleBuildProblem(): string | undefined {
  if (!fs.existsSync(path.join(repoRoot, 'web', 'dist', 'index.html')))
    return 'web/dist/index.html is missing: build the console with npm run build';
  if (!fs.existsSync(path.join(repoRoot, 'web', 'node_modules', 'playwright-core')))
    return 'web/node_modules/playwright-core is missing: npm run build installs web/ dependencies';
  return undefined;
}

export async function launchChromium(): Promise<Browser> {
  const entry = pathToFileURL(path.join(repoRoot, 'web', 'node_modules', 'playwright-core', 'index.mjs')).href;
  const { chromium } = (await import(entry)) as { chromium: { launch(options: object): Promise<Browser> } };
  // No sandbox: CI runs as root in a container, where chromium's sandbox cannot start.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/**
 * Waits until no animation or transition that ends (a spinner never does) runs in the page, seen twice 100 ms apart (a Mantine transition starts a
 * frame after its element mounts). A dialog or notice half faded in or out has text at a fraction of its contrast,
 * which axe-core reports as a real finding; the page a person reads is the settled one.
 */
export async function waitForStillness(page: Page, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let still = 0;
  while (still < 2) {
    if (Date.now() > until) assert.fail(`the page was still animating after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const running = await page.evaluate<number>(
      `document.getAnimations().filter((a) => (a.playState === 'running' || a.pending) && a.effect?.getComputedTiming().endTime !== Infinity).length`,
    );
    still = running === 0 ? still + 1 : 0;
  }
}

/** axe-core's serious and critical findings on the page once it is still, as readable lines. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await waitForStillness(page);
  const source = fs.readFileSync(path.join(repoRoot, 'web', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script> would be refused).
  await page.evaluate(`${source}\n;void 0`);
  type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };
  const violations = (await page.evaluate(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  )) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The browser's note of each refused request: expected, since the tests make some (a wrong password, a 403 page). */
const REFUSED_REQUEST = 'Failed to load resource: the server responded with a status of';

/**
 * A new context and page in `browser`, watched: any refusal by the page's CSP (reported to an init script, which the
 * CSP does not govern; it also sets `window.__hushCspWatch`), any error the page logs and any uncaught exception are
 * pushed onto `problems` (a new list unless one is given), each prefixed by `label` when there is one.
 */
export async function openConsolePage(
  browser: Browser,
  options: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
    problems?: string[];
    label?: string;
    grant?: { permissions: string[]; origin: string };
  } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const problems = options.problems ?? [];
  const prefix = options.label ? `${options.label}: ` : '';
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ...(options.colorScheme ? { colorScheme: options.colorScheme } : {}),
  });
  if (options.grant) await context.grantPermissions(options.grant.permissions, { origin: options.grant.origin });
  await context.addInitScript({
    content:
      "window.__hushCspWatch = true; document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP refused ${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));",
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith(REFUSED_REQUEST)) problems.push(`${prefix}${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${prefix}uncaught: ${e.message}`));
  return { context, page, problems };
}

/**
 * A `check(page, name)` that records axe-core's findings on the page under `name` in `a11y`, and, when
 * HUSH_CONSOLE_SCREENSHOTS names a folder (docs/console for the README), writes the page there as `name`.png
 * (only for the names `screenshot` accepts, when given).
 */
export function pageChecker(
  a11y: Record<string, string[]>,
  screenshot: (name: string) => boolean = () => true,
): (page: Page, name: string) => Promise<void> {
  const shots = process.env.HUSH_CONSOLE_SCREENSHOTS;
  return async (page, name) => {
    a11y[name] = await accessibilityProblems(page);
    if (shots && screenshot(name)) {
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    }
  };
}

/** Neither the page's address nor its history length nor the browser's storage holds any of `values`. */
export async function assertNoSecretKept(page: Page, where: string, ...values: string[]): Promise<void> {
  const stored = await page.evaluate<string>(
    'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href + history.length',
  );
  for (const v of values) {
    assert.ok(!page.url().includes(v), `${where}: the address holds a secret`);
    assert.ok(!stored.includes(v), `${where}: browser storage holds a secret`);
  }
}

/** Signs in at /ui/ with a username and password, and waits for the overview. */
export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/ui/`);
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

/** At a phone's width (390 px) the page does not scroll sideways (a table may, inside its own box). */
export async function assertFitsPhoneWidth(page: Page, what: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok(
    (await page.evaluate<number>('document.documentElement.scrollWidth')) <= 390,
    `${what} is wider than 390 px`,
  );
}

/** The run's end: no serious or critical axe-core finding on any page checked, and no problem the pages reported. */
export function assertCleanRun(a11y: Record<string, string[]>, problems: string[]): void {
  const found = Object.entries(a11y).flatMap(([name, list]) => list.map((p) => `${name}: ${p}`));
  assert.deepEqual(found, []);
  assert.deepEqual(problems, []);
}
