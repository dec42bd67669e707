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
  getByRole(role: string, options?: { name?: string | RegExp; exact?: boolean }): Locator;
  getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
}

export interface Page {
  goto(url: string): Promise<unknown>;
  reload(): Promise<unknown>;
  url(): string;
  content(): Promise<string>;
  getByRole(role: string, options?: { name?: string | RegExp; exact?: boolean }): Locator;
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

/** axe-core's serious and critical findings on the page as it is now, as readable lines. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
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
