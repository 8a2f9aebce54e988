// Sign-in and lock against the real Go backend: the sign-in screen shows nothing of
// the cases and the demo password; a wrong password says so; the window locks after
// the idle time (shortened by --idle-lock-seconds) without case data, unlocks with
// the same password and keeps what was typed; "Anderer Benutzer" signs out.
// Everything by keyboard; axe on the sign-in and lock screens. scripts/e2e.sh runs
// this file against its own dev server (E2E_PHASE signin), whose window locks after
// 4 s; substitution.test.js runs in the demo phase.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, callGo, demoPassword, describeViolations, launch, openApp, screenshot, withShot } from '../harness.js';

const applies = process.env.E2E_PHASE === 'signin';
const skip = applies ? false : 'runs in the signin phase of scripts/e2e.sh (a short idle lock)';

let browser;
let page;

before(async () => {
  if (!applies) return;
  browser = await launch();
  page = await openApp(browser, { signIn: false });
  await callGo(page, 'SignOut');
  await page.reload({ waitUntil: 'domcontentloaded' });
});

after(async () => {
  await browser?.close();
});

const shot = (fn) => withShot(() => page, fn);

test('sign-in, idle lock and unlock', { skip }, async (t) => {
  await t.test('the sign-in screen: no case data, the demo password, axe', shot(async () => {
    await page.getByRole('heading', { level: 1, name: 'OZG-Cloud Desktop – Anmeldung' }).waitFor();
    assert.match(await page.getByTestId('demo-password').innerText(), new RegExp(demoPassword));
    assert.equal(await page.getByRole('grid').count(), 0, 'the case list before sign-in');
    const list = await callGo(page, 'ListCases', { search: '', statuses: [], filters: [], sort: 'fileNumber', desc: false, offset: 0, limit: 5 });
    assert.ok(!list.ok && list.error.code === 'NOT_SIGNED_IN', JSON.stringify(list));
    await screenshot(page, 'signin');
    const violations = await axe(page, 'signin');
    assert.deepEqual(violations, [], describeViolations(violations));
  }));

  await t.test('a wrong password says so; the right one signs in (keyboard only)', shot(async () => {
    const password = page.getByLabel('Passwort (Pflichtfeld)');
    await password.waitFor();
    assert.ok(await password.evaluate((el) => el === document.activeElement), 'the password field has no focus');
    // Martina Becker picks her name by typing it in the list, then tabs on.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type('Martina');
    assert.equal(await page.getByLabel('Benutzer (Pflichtfeld)').inputValue(), 'mbecker');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Falsches-Passwort-1');
    await page.keyboard.press('Enter');
    await page.getByTestId('signin-error').filter({ hasText: 'Das Passwort ist falsch.' }).waitFor();
    await password.focus();
    await page.keyboard.type(demoPassword);
    await page.keyboard.press('Enter');
    await page.getByRole('grid').waitFor();
    assert.match(await page.getByTestId('signed-in-as').innerText(), /Martina Becker/);
  }));

  await t.test('idle: the window locks without case data and keeps what was typed', shot(async () => {
    await page.getByRole('button', { name: 'Antrag erfassen' }).click();
    await page.getByLabel('Name (Pflichtfeld)').fill('Erika Ungespeichert');
    // --idle-lock-seconds 4: no input now.
    await page.getByTestId('lock-screen').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('workspace').isVisible(), false, 'case data visible while locked');
    assert.equal(await page.getByText('Erika Ungespeichert').count(), 0);
    await screenshot(page, 'lock');
    const violations = await axe(page, 'lock');
    assert.deepEqual(violations, [], describeViolations(violations));
    const res = await callGo(page, 'Counts');
    assert.ok(!res.ok && res.error.code === 'LOCKED', JSON.stringify(res));
  }));

  await t.test('unlock with the same password; the input is still there', shot(async () => {
    const password = page.getByLabel('Passwort (Pflichtfeld)');
    assert.ok(await password.evaluate((el) => el === document.activeElement), 'the unlock field has no focus');
    await page.keyboard.type('Falsches-Passwort-1');
    await page.keyboard.press('Enter');
    await page.getByTestId('unlock-error').filter({ hasText: 'Das Passwort ist falsch.' }).waitFor();
    await password.focus();
    await page.keyboard.type(demoPassword);
    await page.keyboard.press('Enter');
    await page.getByTestId('workspace').waitFor();
    assert.equal(await page.getByLabel('Name (Pflichtfeld)').inputValue(), 'Erika Ungespeichert');
  }));

  await t.test('"Anderer Benutzer" signs out', shot(async () => {
    const res = await callGo(page, 'Lock');
    assert.ok(res.ok, JSON.stringify(res));
    await page.getByTestId('lock-screen').waitFor();
    await page.getByRole('button', { name: 'Anderer Benutzer' }).click();
    await page.getByRole('heading', { level: 1, name: 'OZG-Cloud Desktop – Anmeldung' }).waitFor();
    const s = await callGo(page, 'Session');
    assert.ok(s.ok && !s.value.signedIn, JSON.stringify(s));
  }));

});
