// browser.mjs — a headless Chromium for the web app's tests.
//
//   const b = await startBrowser();                 // Debian's chromium via playwright-core
//   const page = await b.newPage(h.base);           // a fresh context (own cookies, storage)
//   await b.shot(page, '01-sign-in');               // test-artifacts/browser/01-sign-in.png
//   b.problems                                      // console errors, CSP violations, page errors
//   await b.close();
//
// The browser is $CHROMIUM or /usr/bin/chromium (scripts/install-deps.sh
// installs it). --no-sandbox only when running as root, where Chromium
// refuses to start otherwise.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ARTIFACTS = resolve(process.env.HEED_ARTIFACTS || 'test-artifacts', 'browser');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Chromium logs every error answer; these the tests cause on purpose (asking
// for the session while signed out, a refused status change).
const EXPECTED = /Failed to load resource: the server responded with a status of (401|409)/;

export async function startBrowser() {
  const args = [];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  const problems = [];
  mkdirSync(ARTIFACTS, { recursive: true });

  /** A new page in its own context, its base URL `base`, watched for problems. */
  async function newPage(base, options = {}) {
    const context = await browser.newContext({ baseURL: base, ...options });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !EXPECTED.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // CSP violations reach the page as events; report them through the console.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    return page;
  }

  /** Save a screenshot (of the whole page unless fullPage: false) as ARTIFACTS/<name>.png. */
  async function shot(page, name, { fullPage = true } = {}) {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
  }

  return { browser, newPage, shot, problems, close: () => browser.close() };
}
