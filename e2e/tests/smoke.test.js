// Smoke test: the dev server serves the UI and the Go backend answers through the
// Wails bridge.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callGo, launch, openApp, screenshot, withShot } from '../harness.js';

let browser;
let page;

before(async () => {
  browser = await launch();
  page = await openApp(browser);
});

after(async () => {
  await browser?.close();
});

test(
  'the page loads',
  withShot(() => page, async () => {
    assert.equal(page.loadStatus, 200);
    assert.ok((await page.locator('body').innerHTML()).length > 0, 'empty body');
    await screenshot(page, 'smoke-start');
  }),
);

test(
  'the bound API is there',
  withShot(() => page, async () => {
    const methods = await page.evaluate(() => Object.values(window.go.app).flatMap((s) => Object.keys(s)).sort());
    for (const m of ['Session', 'ListCases', 'GetCase', 'Transition', 'Assign', 'AddComment', 'AddFollowUp', 'SignDecision', 'SyncStatus']) {
      assert.ok(methods.includes(m), `bound method ${m} missing (have: ${methods.join(', ')})`);
    }
    assert.equal(new Set(methods).size, methods.length, 'a method name is bound twice');
  }),
);

test(
  'Session() answers from Go',
  withShot(() => page, async () => {
    const res = await callGo(page, 'Session');
    // A Go error is also an answer from Go, but then it must be our JSON error type.
    if (!res.ok) {
      assert.ok(res.error.code && res.error.message, `not an app.Error: ${JSON.stringify(res.error)}`);
      assert.fail(`Session() failed: ${res.error.code}: ${res.error.message}`);
    }
    assert.equal(res.value.fatal, '', `the store did not open: ${res.value.fatal}`);
    assert.ok(res.value.clerk?.id, 'no current clerk');
    assert.ok(res.value.caseTypes?.length > 0, 'no case types');
  }),
);

test(
  'no page errors',
  withShot(() => page, async () => {
    assert.deepEqual(page.problems, []);
  }),
);
