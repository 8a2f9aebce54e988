// A production start on an empty data folder (no --demo): no cases, no clerks, no
// demo key; the window says calmly what to do: connect the PC to the OZG-Cloud.
// scripts/e2e.sh runs this file against its second dev server (E2E_PHASE
// first-start); against the demo server of the first phase it does not apply.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, callGo, describeViolations, launch, openApp, screenshot, withShot } from '../harness.js';

const applies = process.env.E2E_PHASE === 'first-start';
const skip = applies ? false : 'runs in the first-start phase of scripts/e2e.sh (a data folder without demo data)';

let browser;
let page;

before(async () => {
  if (!applies) return;
  browser = await launch();
  page = await openApp(browser);
});

after(async () => {
  await browser?.close();
});

test(
  'a production start on an empty folder has zero cases and says to connect the PC',
  { skip },
  withShot(() => page, async () => {
    const heading = page.getByRole('heading', { level: 1, name: 'Willkommen bei OZG-Cloud Desktop' });
    await heading.waitFor();
    assert.match(await page.getByTestId('first-start-empty').innerText(), /noch keine Vorgänge/);
    assert.ok(await page.getByLabel('Adresse des Servers').isVisible(), 'no way to connect the PC');
    await screenshot(page, 'first-start');

    // Nobody is signed in: the case services refuse (nothing of the cases before sign-in).
    const list = await callGo(page, 'ListCases', { search: '', statuses: [], filters: [], sort: 'fileNumber', desc: false, offset: 0, limit: 50 });
    assert.ok(!list.ok && list.error.code === 'NOT_SIGNED_IN', JSON.stringify(list));
    const session = await callGo(page, 'Session');
    assert.ok(session.ok && session.value.needsSetup && !session.value.demo && !session.value.signedIn, JSON.stringify(session));
    assert.deepEqual(session.value.clerks, []);
    assert.deepEqual(session.value.signInClerks, []);
    assert.equal(session.value.demoPassword, '', 'a demo password offered by a production store');
    const key = await callGo(page, 'SigningKey');
    assert.ok(!key.ok && key.error.code === 'NOT_SIGNED_IN', `the signing key before sign-in: ${JSON.stringify(key)}`);

    const violations = await axe(page, 'first-start');
    assert.deepEqual(violations, [], describeViolations(violations));
    assert.deepEqual(page.problems, []);
  }),
);
