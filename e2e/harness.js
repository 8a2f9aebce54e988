// Harness for the browser tests: launches the system Chromium through playwright-core
// against `wails dev` (the real Go backend), collects page errors, runs axe-core, and
// saves a screenshot when a test fails. scripts/e2e.sh starts the dev server and sets
// E2E_URL and E2E_ARTIFACTS.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const baseURL = process.env.E2E_URL || 'http://localhost:34115';
export const artifacts = path.resolve(
  process.env.E2E_ARTIFACTS || new URL('../test-artifacts/e2e', import.meta.url).pathname,
);
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

// Flags keep the browser from reaching the network (none here) and from needing a
// sandbox, which does not work as root.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Wails v2.17.1's dev-mode IPC script (/wails/ipc.js, served only by `wails dev` to a
 * browser) mounts its bundled reconnect overlay outside a component and throws this
 * on every page load; the IPC itself works. The production window never loads it.
 * Only that error from that script is ignored (see also wailsapp/wails#6061, a
 * console error of the v2.15 dev page in a browser).
 */
function isWailsDevOverlayBug(err) {
  return (
    err.message === "Cannot read properties of null (reading 'nodes')" &&
    /\/wails\/ipc\.js:\d+:\d+\)?\s*$/m.test(String(err.stack).split('\n')[1] || '')
  );
}

/** Launches Chromium; the caller closes it. */
export async function launch() {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

/**
 * Opens a fresh page at the app's URL with the desktop window's size, a German locale
 * and Berlin's zone (or the viewport, locale and zone given). Page errors and console
 * errors are collected in page.problems. On a demo store nobody or a locked window is
 * signed in as demoClerk, unless signIn is false.
 */
export async function openApp(browser, { signIn = true, viewport = { width: 1280, height: 800 }, locale = 'de-DE', timezoneId = 'Europe/Berlin' } = {}) {
  const context = await browser.newContext({ viewport, locale, timezoneId });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.problems = [];
  page.on('pageerror', (err) => {
    if (isWailsDevOverlayBug(err)) return;
    page.problems.push(`pageerror: ${err.message}`);
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium asks for /favicon.ico on its own; the desktop window never does.
    if (msg.location().url.endsWith('/favicon.ico')) return;
    page.problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  // The first page of a phase meets a cold Vite (it transforms the UI on demand),
  // which takes longer than 15 s on a busy machine.
  const response = await page.goto(baseURL, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  page.loadStatus = response ? response.status() : 0;
  // The Wails dev runtime injects window.go once the IPC bridge is up.
  await page.waitForFunction(() => Boolean(window.go?.app?.Desk), null, { timeout: 30_000 });
  if (signIn) {
    const s = await callGo(page, 'Session');
    if (s.ok && s.value.demo && (!s.value.signedIn || s.value.locked)) await signInAs(page, demoClerk);
  }
  return page;
}

/** The demo clerks' password (demo/password.go) and the clerk the tests work as. */
export const demoPassword = 'Musterhausen-Demo-2026';
export const demoClerk = 'mbecker';

/**
 * Signs the demo clerk id in through Go, as the sign-in screen does, and reloads the
 * page so that the window shows that clerk's workspace.
 */
export async function signInAs(page, id) {
  await callGo(page, 'SignOut');
  const res = await callGo(page, 'SignIn', id, demoPassword);
  if (!res.ok) throw new Error(`sign-in of ${id}: ${res.error.code}: ${res.error.message}`);
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => Boolean(window.go?.app?.Desk), null, { timeout: 30_000 });
  await page.getByTestId('workspace').waitFor();
  return res.value;
}

/**
 * Calls a bound Go method (of whichever app service binds it: app.Desk, app.Cases ...;
 * the names are unique) from the page and returns {ok, value} or {ok: false, error}:
 * a Go error rejects the promise with the JSON of app.Error.
 */
export async function callGo(page, method, ...args) {
  return page.evaluate(
    async ({ method, args }) => {
      try {
        const service = Object.values(window.go.app).find((s) => typeof s[method] === 'function');
        if (!service) throw new Error(`no bound service has ${method}`);
        return { ok: true, value: await service[method](...args) };
      } catch (err) {
        const text = typeof err === 'string' ? err : String(err?.message ?? err);
        let error;
        try {
          error = JSON.parse(text);
        } catch {
          error = { code: 'UNPARSED', message: text };
        }
        return { ok: false, error };
      }
    },
    { method, args },
  );
}

/** Saves a full-page screenshot under the artifacts folder and returns its path. */
export async function screenshot(page, name) {
  await mkdir(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

let axeScript;
async function axeSource() {
  axeScript ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeScript;
}

const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core (WCAG 2.1 A and AA) on the page, writes the full result to
 * ARTIFACTS/axe-NAME.json and returns the violations.
 */
export async function axe(page, name) {
  // Evaluated, not added as a <script>: the page's Content-Security-Policy refuses
  // inline scripts, and it must stay in force while the tests run.
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(await axeSource());
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    axeTags,
  );
  await mkdir(artifacts, { recursive: true });
  await writeFile(path.join(artifacts, `axe-${name}.json`), JSON.stringify(result, null, 2));
  return result.violations;
}

/** Formats axe violations for an assertion message. */
export function describeViolations(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`)
    .join('\n');
}

/**
 * Wraps a test body: on failure it saves a screenshot named after the test, so a red
 * run leaves a picture of what the clerk would have seen.
 */
export function withShot(getPage, fn) {
  return async (t) => {
    try {
      await fn(t);
    } catch (err) {
      const page = getPage();
      if (page) {
        const name = `failed-${t.name.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase()}`;
        await screenshot(page, name).catch(() => {});
      }
      throw err;
    }
  };
}
