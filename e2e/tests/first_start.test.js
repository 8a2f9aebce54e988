// A production start on an empty data folder (no --demo): no cases, no clerks, no
// demo key; the window says calmly what to do: connect the PC to the OZG-Cloud, or
// make the first administrator of a PC that works without it.
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

test(
  'a PC without the OZG-Cloud makes its first administrator, who is signed in at once',
  { skip },
  withShot(() => page, async () => {
    await page.getByText('Diesen PC ohne OZG-Cloud einrichten').click();
    await page.getByLabel('Ihr Name (Pflichtfeld)').fill('Jana Admin');
    await page.getByLabel('Passwort (mindestens 10 Zeichen) (Pflichtfeld)').fill('kurz');
    await page.getByLabel('Passwort wiederholen (Pflichtfeld)').fill('kurz');
    await page.getByRole('button', { name: 'Als Administration einrichten' }).click();
    await page.getByRole('alert').filter({ hasText: /Passwort/ }).first().waitFor();
    const violations = await axe(page, 'first-start-local');
    assert.deepEqual(violations, [], describeViolations(violations));

    await page.getByLabel('Passwort (mindestens 10 Zeichen) (Pflichtfeld)').fill('Gruene-Wiese-am-Deich');
    await page.getByLabel('Passwort wiederholen (Pflichtfeld)').fill('Gruene-Wiese-am-Deich');
    await page.getByRole('button', { name: 'Als Administration einrichten' }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: 'Jana Admin (Administration)' }).waitFor();
    const s = await callGo(page, 'Session');
    assert.ok(s.ok && s.value.signedIn && !s.value.needsSetup && s.value.clerk.role === 'administration', JSON.stringify(s));
    const users = await callGo(page, 'ListUsers');
    assert.ok(users.ok && users.value.managed && users.value.users.length === 1, JSON.stringify(users));
    assert.deepEqual(page.problems, []);
  }),
);
