// After the clerk workflow (workflow.test.js runs first and signs a decision today):
// Sammeldruck merges today's letters into one PDF and records the post once
// confirmed; then the administration's Briefeinstellungen with a sample letter
// rendered by pdf.js. axe-core (WCAG 2.1 AA) on both views.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, callGo, describeViolations, launch, openApp, screenshot, signInAs, withShot } from '../harness.js';

let browser;
let page;
let session;

before(async () => {
  browser = await launch();
  page = await openApp(browser);
  const res = await callGo(page, 'Session');
  assert.ok(res.ok, `Session() failed: ${JSON.stringify(res.error)}`);
  session = res.value;
});

after(async () => {
  // Leave the clerk of the other tests signed in.
  if (page && session) await signInAs(page, session.clerk.id).catch(() => {});
  await browser?.close();
});

const shot = (fn) => withShot(() => page, fn);

function germanDay(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

test('Sammeldruck and Briefeinstellungen', async (t) => {
  await t.test("Sammeldruck: today's signed letters as one file, then 'Alle Briefe wurden versandt'", shot(async () => {
    await page.getByRole('button', { name: 'Sammeldruck', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sammeldruck' }).waitFor();
    const rows = page.getByTestId('print-row');
    await rows.first().waitFor();
    const n = await rows.count();
    const letters = await callGo(page, 'PrintCandidates', { scope: 'today', caseIds: [] });
    assert.ok(letters.ok && letters.value.length === n, `candidates ${JSON.stringify(letters)}`);

    const violations = await axe(page, 'print-batch');
    assert.equal(violations.length, 0, describeViolations(violations));

    await page.getByRole('button', { name: /^Sammeldruck erstellen/ }).click();
    await page.getByText(/Die Druckdatei mit (einer Seite|\d+ Seiten)/).waitFor();
    await screenshot(page, 'print-batch');
    await page.getByRole('button', { name: 'Alle Briefe wurden versandt' }).click();
    await page.getByText(new RegExp(`per Post versandt am ${germanDay(session.today).replace(/\./g, '\\.')}`)).waitFor();

    const c = await callGo(page, 'GetCase', letters.value[0].caseId);
    assert.ok(c.ok, JSON.stringify(c.error));
    const posted = c.value.history.filter((h) => h.summary.includes('per Post versandt am'));
    assert.equal(posted.length, 1, `history ${JSON.stringify(c.value.history)}`);
  }));

  await t.test('Briefeinstellungen: only for the administration; sample letter rendered', shot(async () => {
    const admin = session.clerks.find((c) => c.role === 'administration');
    assert.ok(admin, 'the demo store has no administration clerk');
    await signInAs(page, admin.id);
    await page.getByRole('button', { name: 'Briefeinstellungen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Briefeinstellungen' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Briefkopf' }).waitFor();
    await page.getByRole('button', { name: 'Vorschau' }).click();
    const firstPage = page.getByRole('img', { name: /^Beispielbrief, Seite 1 von \d+$/ });
    await assert.doesNotReject(firstPage.waitFor({ timeout: 30000 }), 'pdf.js did not render the sample letter');
    await screenshot(page, 'letter-settings');
    const violations = await axe(page, 'letter-settings');
    assert.equal(violations.length, 0, describeViolations(violations));

    await page.getByRole('button', { name: 'Vorlagen', exact: true }).click();
    await page.getByLabel('Text von Block 1').waitFor();
    const tv = await axe(page, 'letter-templates');
    assert.equal(tv.length, 0, describeViolations(tv));

    await page.getByRole('button', { name: 'Rechtsbehelfe', exact: true }).click();
    await page.getByLabel('Antragsart', { exact: true }).waitFor();
    const rv = await axe(page, 'letter-remedies');
    assert.equal(rv.length, 0, describeViolations(rv));
  }));

  await t.test('no page errors', shot(async () => {
    assert.deepEqual(page.problems, []);
  }));
});
