/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: their code is typed against the DOM.
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { WEB_ROOT } from '../../src/web-interface/web-interface';
import { startTestApp, type TestApp } from './test-app';

/**
 * Browser tests: Debian's chromium driven by playwright-core, never a downloaded browser. Where
 * chromium is absent they are skipped with a message saying how to install it; `.ci/run`
 * installs it. The interface must be built (`npm test` builds it first: `pretest`).
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const browserAvailable = existsSync(CHROMIUM_PATH);
export const webBuilt = existsSync(`${WEB_ROOT}/index.html`);

/** `describe` when the browser tests can run, else a skip that says why and how to fix it. */
export function describeInBrowser(name: string, body: () => void): void {
  if (browserAvailable && webBuilt) {
    describe(name, body);
    return;
  }
  const why = !browserAvailable
    ? `chromium is not installed at ${CHROMIUM_PATH}: install it with \`apt-get install chromium\` (Debian), or run \`bash .ci/run\``
    : 'the web interface is not built: run `npm run build:web`';
  describe.skip(`${name} (skipped: ${why})`, body);
  console.warn(`Browser tests "${name}" skipped: ${why}`);
}

export interface WebApp extends TestApp {
  url: string;
}

/** The real server, listening on a free port on 127.0.0.1, as a browser reaches it. */
export async function startWebApp(overrides: Record<string, string> = {}): Promise<WebApp> {
  const t = await startTestApp(overrides);
  await t.app.listen(0, '127.0.0.1');
  const address = t.app.getHttpServer().address() as AddressInfo;
  return { ...t, url: `http://127.0.0.1:${address.port}` };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
  });
}

/**
 * A page that records what the browser console says, CSP violations included, so a test can
 * check that nothing was refused and that no token or limb was written there.
 */
export interface WatchedPage {
  page: Page;
  console: string[];
  failedRequests: string[];
}

export async function openPage(
  browser: Browser,
  url: string,
  locale = 'en-GB',
): Promise<WatchedPage> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watched: WatchedPage = { page, console: [], failedRequests: [] };
  page.on('console', (message: ConsoleMessage) => watched.console.push(message.text()));
  page.on('pageerror', (error) => watched.console.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => watched.failedRequests.push(request.url()));
  await page.goto(url);
  return watched;
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's WCAG 2.x A and AA rules on the page as it is now; answers the serious and critical
 * violations. axe is evaluated through the DevTools protocol, which the page's CSP (rightly)
 * does not let a script tag do.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })) as {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    };
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => JSON.stringify(node.target)),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
