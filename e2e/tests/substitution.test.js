// Substitution and the users of a PC without the OZG-Cloud, against the real Go
// backend of the demo phase: Becker records her absence, Schulz finds her cases
// marked "Vertretung für Martina Becker" in "Meine Vorgänge"; the administration adds
// a user, who sets her own password with the one-time code on the sign-in screen.
// axe on "Vertretung" and "Benutzer". It leaves the store as it found it for the
// tests after it (the absence deleted, the new user deactivated, Becker signed in).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, callGo, demoClerk, describeViolations, launch, openApp, screenshot, signInAs, withShot } from '../harness.js';

const applies = process.env.E2E_PHASE === 'demo';
const skip = applies ? false : 'runs in the demo phase of scripts/e2e.sh';

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

const shot = (fn) => withShot(() => page, fn);

test('substitution and the users of this PC', { skip }, async (t) => {
  await t.test('substitution: Becker is away, Schulz sees her cases marked in "Meine Vorgänge"', shot(async () => {
    await signInAs(page, 'mbecker');
    const q = { search: '', statuses: [], filters: ['mine'], sort: 'fileNumber', desc: false, offset: 0, limit: 5 };
    const mine = await callGo(page, 'ListCases', q);
    assert.ok(mine.ok, JSON.stringify(mine));
    if (mine.value.total === 0) {
      const all = await callGo(page, 'ListCases', { ...q, filters: ['unassigned'] });
      assert.ok(all.ok && all.value.total > 0, JSON.stringify(all));
      const a = await callGo(page, 'Assign', all.value.rows[0].id, 'mbecker');
      assert.ok(a.ok, JSON.stringify(a));
    }
    await page.getByRole('button', { name: 'Vertretung', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Vertretung' }).waitFor();
    const v = await axe(page, 'substitution');
    assert.deepEqual(v, [], describeViolations(v));
    await page.getByLabel('Vertretung (Pflichtfeld)').selectOption('tschulz');
    await page.getByRole('button', { name: 'Abwesenheit eintragen' }).click();
    await page.getByTestId('absence').filter({ hasText: 'Thomas Schulz' }).waitFor();

    await signInAs(page, 'tschulz');
    assert.match(await page.getByTestId('stands-in-for').innerText(), /Vertretung für Martina Becker/);
    await page.getByTestId('quick-mine').click();
    await page.getByTestId('substitute-mark').filter({ hasText: 'Vertretung für Martina Becker' }).first().waitFor();
    await screenshot(page, 'substitution');

    // Becker is back: the absence goes, and Schulz's list is his own again.
    await signInAs(page, 'mbecker');
    await page.getByRole('button', { name: 'Vertretung', exact: true }).click();
    await page.getByRole('button', { name: 'Abwesenheit von Martina Becker löschen' }).click();
    await page.getByText('Es ist keine Abwesenheit eingetragen.').waitFor();
  }));

  await t.test('Benutzer: the administration adds a user, who sets a password with the code', shot(async () => {
    await signInAs(page, 'jwagner');
    await page.getByRole('button', { name: 'Benutzer', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Benutzer dieses PCs' }).waitFor();
    await page.getByLabel('Name (Pflichtfeld)').fill('Petra Neu');
    await page.getByRole('button', { name: 'Hinzufügen und Einladungscode erstellen' }).click();
    const code = (await page.getByTestId('invitation').locator('code').innerText()).trim();
    assert.match(code, /\S{8,}/, `no code: ${code}`);
    const v = await axe(page, 'users');
    assert.deepEqual(v, [], describeViolations(v));

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByRole('button', { name: 'Einladungscode einlösen' }).click();
    await page.getByLabel('Einladungscode (Pflichtfeld)').fill(code);
    await page.getByLabel('Neues Passwort (Pflichtfeld)').fill('Blauer-Himmel-ueber-Kiel');
    await page.getByLabel('Neues Passwort wiederholen (Pflichtfeld)').fill('Blauer-Himmel-ueber-Kiel');
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-as').filter({ hasText: 'Petra Neu' }).waitFor();

    // The administration deactivates her again; the other tests work as Becker.
    await signInAs(page, 'jwagner');
    const users = await callGo(page, 'ListUsers');
    const petra = users.value.users.find((u) => u.name === 'Petra Neu');
    const off = await callGo(page, 'DeactivateUser', petra.id);
    assert.ok(off.ok, JSON.stringify(off));
    await signInAs(page, demoClerk);
    assert.deepEqual(page.problems, []);
  }));
});
