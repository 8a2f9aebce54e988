// What a script in the page can make the PC open without calling an app method: the
// Wails runtime's BrowserOpenURL. Wails v2.9.2 handed any URL to the OS opener
// (ShellExecute on Windows), so a file: URL or a UNC path to a program ran it. This
// calls the real runtime path (page -> IPC -> Go -> Wails' URL check -> the desktop's
// opener) and proves that file: URLs and UNC paths reach Go and are refused there,
// while an https: address does reach the opener (so the recorder would have seen the
// others). scripts/e2e.sh runs this file in its open-url phase, where xdg-open on the
// dev server's PATH only records what it was asked to open (E2E_OPENED); Wails' log
// is the dev server's (E2E_DEVLOG).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { baseURL, launch, openApp, withShot } from '../harness.js';

const applies = process.env.E2E_PHASE === 'open-url';
const skip = applies ? false : 'runs in the open-url phase of scripts/e2e.sh (a recording xdg-open on PATH)';
const openedFile = process.env.E2E_OPENED;
const devLog = process.env.E2E_DEVLOG;

let browser;
let page;

before(async () => {
  if (!applies) return;
  browser = await launch();
  // A cold Vite on a busy machine can take longer than the harness's 15 s to serve
  // the page's modules the first time: load the page once, with time, first.
  const warm = await browser.newPage();
  await warm.goto(baseURL, { waitUntil: 'load', timeout: 300_000 });
  await warm.close();
  page = await openApp(browser, { signIn: false });
});

after(async () => {
  await browser?.close();
});

async function text(file) {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return '';
    throw err;
  }
}

// Waits until ok(text of file) holds; returns the text, or throws with it.
async function waitFor(file, ok, what) {
  const end = Date.now() + 15_000;
  let t = await text(file);
  while (!ok(t)) {
    if (Date.now() > end) throw new Error(`${what}; ${file} holds:\n${t.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
    t = await text(file);
  }
  return t;
}

const refusals = (log) => (log.match(/Invalid URL/g) || []).length;

test(
  'file: URLs and UNC paths are refused by the runtime; only https: reaches the opener',
  { skip },
  withShot(() => page, async () => {
    const refused = [
      'file:///etc/passwd',
      'file:///tmp/Rechnung.pdf.exe',
      'file://fileserver/share/x.exe',
      'FILE:///C:/Windows/System32/calc.exe',
      '\\\\fileserver\\share\\x.exe',
      '//fileserver/share/x.exe',
      'javascript:alert(1)',
    ];
    const before = refusals(await text(devLog));
    for (const url of refused) {
      await page.evaluate((u) => window.runtime.BrowserOpenURL(u), url);
    }
    // Each reached Go and was refused by Wails' check (its log says "Invalid URL").
    await waitFor(devLog, (log) => refusals(log) >= before + refused.length, `not all ${refused.length} refusals logged`);

    // The control: an https: address is handed to the opener, so the recorder works
    // and would have recorded any of the above.
    const probe = 'https://example.invalid/ozg-e2e-probe';
    await page.evaluate((u) => window.runtime.BrowserOpenURL(u), probe);
    const opened = await waitFor(openedFile, (t) => t.includes(probe), 'the https: probe never reached the opener');
    assert.deepEqual(opened.trim().split('\n'), [probe], `the opener was asked to open more than the probe:\n${opened}`);
    assert.deepEqual(page.problems, []);
  }),
);
