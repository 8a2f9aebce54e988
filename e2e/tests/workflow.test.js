// The clerk's workflow in the real UI against the real Go backend: search, open a
// case, accept, start work, comment, add a follow-up, assign, and see each step in
// the history; make, preview and sign a decision (Bescheid) with the demo key and
// decide the case; axe-core (WCAG 2.1 AA) on the list, the detail view and the editor.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, callGo, describeViolations, launch, openApp, screenshot, signInAs, withShot } from '../harness.js';

let browser;
let page;
let session;
let target; // the case under test: a new, unassigned case from the demo store

before(async () => {
  browser = await launch();
  page = await openApp(browser);
  const res = await callGo(page, 'Session');
  assert.ok(res.ok, `Session() failed: ${JSON.stringify(res.error)}`);
  session = res.value;
  const list = await callGo(page, 'ListCases', {
    search: '', statuses: ['NEU'], filters: ['unassigned'], sort: 'received', desc: true, offset: 0, limit: 1,
  });
  assert.ok(list.ok, `ListCases failed: ${JSON.stringify(list.error)}`);
  assert.ok(list.value.rows.length > 0, 'the demo store has no new, unassigned case');
  target = list.value.rows[0];
});

after(async () => {
  await browser?.close();
});

const shot = (fn) => withShot(() => page, fn);

function isoDay(day, plus) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + plus);
  return d.toISOString().slice(0, 10);
}

function germanDay(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

const detail = () => page.getByTestId('case-detail');

async function expectSaved() {
  await assert.doesNotReject(detail().getByTestId('saved').filter({ hasText: 'Gespeichert.' }).waitFor());
}

test('clerk workflow', async (t) => {
  const comment = `E2E-Kommentar ${Date.now()}`;
  const followUpReason = 'Unterlagen nachfordern (E2E)';
  const followUpDue = isoDay(session.today, 7);

  await t.test('the list shows demo cases', shot(async () => {
    const grid = page.getByRole('grid', { name: 'Vorgangsliste' });
    await grid.waitFor();
    await page.getByRole('gridcell').first().waitFor();
    await assert.doesNotReject(page.getByRole('columnheader', { name: /Aktenzeichen/ }).waitFor());
    await screenshot(page, 'list');
  }));

  await t.test('axe: the list has no WCAG 2.1 AA violations', shot(async () => {
    const violations = await axe(page, 'list');
    assert.equal(violations.length, 0, describeViolations(violations));
  }));

  await t.test('search finds the case by file number', shot(async () => {
    await page.getByLabel('Suche').fill(target.fileNumber);
    await page.getByRole('gridcell', { name: target.fileNumber, exact: true }).waitFor();
    await page.getByTestId('total').filter({ hasText: /^1 Vorgang$/ }).waitFor();
  }));

  await t.test('search finds the applicant by a prefix, folded', shot(async () => {
    // Lower case, no umlauts: "Müller" must be found as "muell" and "mull".
    const surname = target.applicant.split(/\s+/).pop();
    const prefix = surname.slice(0, 4).toLowerCase().replace('ä', 'ae').replace('ö', 'oe').replace('ü', 'ue').replace('ß', 'ss');
    await page.getByLabel('Suche').fill(prefix);
    await page.getByRole('gridcell', { name: target.fileNumber, exact: true }).waitFor();
    await page.getByLabel('Suche').fill(target.fileNumber);
    await page.getByTestId('total').filter({ hasText: /^1 Vorgang$/ }).waitFor();
  }));

  await t.test('search folds German letters (Müller = mueller = muller)', shot(async () => {
    // The demo data depend on the minute they were made: take a surname with an
    // umlaut that is there (Müller when it is), not one that may be missing.
    const all = await callGo(page, 'ListCases', { search: '', statuses: [], filters: [], sort: 'applicant', desc: false, offset: 0, limit: 500 });
    assert.ok(all.ok, JSON.stringify(all.error));
    const surnames = all.value.rows.map((r) => r.applicant.split(/\s+/).pop()).filter((n) => /^[A-ZÄÖÜ][a-zäöüß]+$/.test(n) && /[äöü]/.test(n));
    const name = surnames.find((n) => n === 'Müller') ?? surnames[0];
    assert.ok(name, 'no surname with an umlaut among 500 demo cases');
    const fold = (n, to) => n.replace(/[äöü]/g, (c) => to[c]);
    // Lower case first: a name may begin with an umlaut (Öztürk).
    const lower = name.toLowerCase();
    const queries = [name, fold(lower, { ä: 'ae', ö: 'oe', ü: 'ue' }), fold(lower, { ä: 'a', ö: 'o', ü: 'u' })];
    const totals = [];
    for (const q of queries) {
      const res = await callGo(page, 'ListCases', { search: q, statuses: [], filters: [], sort: 'fileNumber', desc: false, offset: 0, limit: 1 });
      assert.ok(res.ok, JSON.stringify(res.error));
      totals.push(res.value.total);
    }
    assert.ok(totals[0] > 0, `no ${name} among the demo cases`);
    assert.deepEqual(totals, [totals[0], totals[0], totals[0]], `totals for ${queries} differ: ${totals}`);
    await page.getByLabel('Suche').fill(queries[1]);
    await page.getByRole('gridcell', { name: new RegExp(name) }).first().waitFor();
    await page.getByLabel('Suche').fill(target.fileNumber);
    await page.getByTestId('total').filter({ hasText: /^1 Vorgang$/ }).waitFor();
  }));

  await t.test('open the case', shot(async () => {
    await page.getByRole('gridcell', { name: target.fileNumber, exact: true }).click();
    await detail().getByRole('heading', { level: 1, name: new RegExp(target.fileNumber) }).waitFor();
    assert.equal(await detail().getByTestId('case-status').textContent(), 'Neu');
    await screenshot(page, 'detail');
  }));

  await t.test('axe: the detail view has no WCAG 2.1 AA violations', shot(async () => {
    const violations = await axe(page, 'detail');
    assert.equal(violations.length, 0, describeViolations(violations));
  }));

  await t.test('the application form previews inline (PDF through the Go file handler)', shot(async () => {
    await detail().getByRole('tab', { name: /^Dokumente/ }).click();
    await detail().getByRole('button', { name: 'Vorschau von Antrag.pdf' }).click();
    const firstPage = detail().getByRole('img', { name: /^Antrag\.pdf, Seite 1 von \d+$/ });
    await assert.doesNotReject(firstPage.waitFor({ timeout: 30000 }), 'pdf.js did not render the representation');
    const painted = await firstPage.evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 128 && d[i + 3] > 0) dark++;
      return dark;
    });
    assert.ok(painted > 500, `the rendered page is blank (${painted} dark pixels)`);
    await screenshot(page, 'preview');
    await detail().getByRole('tab', { name: /^Übersicht/ }).click();
  }));

  await t.test('accept (Annehmen)', shot(async () => {
    await detail().getByRole('button', { name: 'Annehmen', exact: true }).click();
    await detail().getByTestId('case-status').filter({ hasText: /^Angenommen$/ }).waitFor();
    await expectSaved();
  }));

  await t.test('start work (Bearbeitung beginnen)', shot(async () => {
    await detail().getByRole('button', { name: 'Bearbeitung beginnen', exact: true }).click();
    await detail().getByTestId('case-status').filter({ hasText: /^In Bearbeitung$/ }).waitFor();
    // Only the actions allowed now are offered.
    assert.equal(await detail().getByRole('button', { name: 'Annehmen', exact: true }).count(), 0);
  }));

  await t.test('comment', shot(async () => {
    await detail().getByRole('tab', { name: /^Kommentare/ }).click();
    await detail().getByRole('textbox', { name: /^Kommentar/ }).fill(comment);
    await detail().getByRole('button', { name: 'Kommentar speichern' }).click();
    await detail().getByRole('tabpanel').getByText(comment).waitFor();
  }));

  await t.test('follow-up (Wiedervorlage)', shot(async () => {
    await detail().getByRole('tab', { name: /^Wiedervorlagen/ }).click();
    await detail().getByLabel(/^Fällig am/).fill(followUpDue.split('-').reverse().join('.')); // German entry, TT.MM.JJJJ
    await detail().getByLabel(/^Grund/).fill(followUpReason);
    await detail().getByRole('button', { name: 'Wiedervorlage anlegen' }).click();
    await detail().getByRole('tabpanel').getByText(followUpReason).waitFor();
  }));

  await t.test('assign to me', shot(async () => {
    const select = detail().getByLabel('Zuweisen', { exact: true });
    const mine = await select.locator('option', { hasText: /^Mir / }).getAttribute('value');
    assert.equal(mine, session.clerk.id);
    await select.selectOption(mine);
    await detail().getByRole('button', { name: 'Zuweisen', exact: true }).click();
    await detail().getByTestId('case-assignee').filter({ hasText: session.clerk.name }).waitFor();
  }));

  await t.test('the history shows every step', shot(async () => {
    await detail().getByRole('tab', { name: /^Verlauf/ }).click();
    const history = detail().getByRole('tabpanel').getByRole('listitem');
    const want = [
      /Annehmen: Neu → Angenommen/,
      /Bearbeitung beginnen: Angenommen → In Bearbeitung/,
      new RegExp(`Kommentar: ${comment}`),
      new RegExp(`Wiedervorlage am ${germanDay(followUpDue).replaceAll('.', '\\.')}: ${followUpReason.replace(/[()]/g, '\\$&')}`),
      /Zugewiesen an /,
    ];
    for (const re of want) {
      await assert.doesNotReject(history.filter({ hasText: re }).first().waitFor(), `history lacks ${re}`);
    }
    await detail().getByRole('button', { name: 'Verlauf prüfen' }).click();
    await detail().getByTestId('verify-result').filter({ hasText: /\S/ }).waitFor();
    const verify = await callGo(page, 'VerifyHistory', target.id);
    assert.ok(verify.ok && verify.value.ok, `history chain broken: ${JSON.stringify(verify)}`);
    await screenshot(page, 'history');
  }));

  await t.test('the store agrees', shot(async () => {
    const res = await callGo(page, 'GetCase', target.id);
    assert.ok(res.ok, JSON.stringify(res.error));
    const c = res.value;
    assert.equal(c.status, 'IN_BEARBEITUNG');
    assert.equal(c.assignee, session.clerk.id);
    assert.ok(c.comments.some((x) => x.text === comment), 'comment missing');
    assert.ok(c.followUps.some((f) => f.reason === followUpReason && f.due === followUpDue), 'follow-up missing');
  }));

  await t.test('Bescheid erstellen: template, own value, live preview of the real PDF', shot(async () => {
    await detail().getByTestId('compose-decision').click();
    const editor = detail().getByTestId('decision-editor');
    await editor.getByLabel('Ablehnung', { exact: true }).check();
    await editor.getByRole('button', { name: 'Entwurf anlegen' }).click();
    const reason = editor.getByLabel('Grund der Ablehnung');
    await reason.waitFor();
    await editor.getByTestId('preview-status').filter({ hasText: /Grund der Ablehnung/ }).waitFor();
    await reason.fill('Für Ihren Hund besteht bereits eine Anmeldung unter einem anderen Aktenzeichen.');
    await editor.getByTestId('preview-status').filter({ hasText: /Prüfcode [0-9A-F]{4}-/ }).waitFor();
    const firstPage = editor.getByRole('img', { name: /^Bescheid, Seite 1 von \d+$/ });
    await assert.doesNotReject(firstPage.waitFor({ timeout: 30000 }), 'pdf.js did not render the letter');
    const painted = await firstPage.evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 128 && d[i + 3] > 0) dark++;
      return dark;
    });
    assert.ok(painted > 500, `the letter page is blank (${painted} dark pixels)`);
    await assert.doesNotReject(editor.getByTestId('key-note').filter({ hasText: 'Demo-Schlüssel, nicht für echte Bescheide.' }).waitFor());
    await screenshot(page, 'decision-editor');
  }));

  await t.test('axe: the decision editor has no WCAG 2.1 AA violations', shot(async () => {
    const violations = await axe(page, 'decision-editor');
    assert.equal(violations.length, 0, describeViolations(violations));
  }));

  await t.test('Unterschreiben: a wrong password stores nothing, the demo key signs', shot(async () => {
    const editor = detail().getByTestId('decision-editor');
    const secret = editor.getByLabel('Passwort der Schlüsseldatei');
    await secret.fill('falsch');
    await editor.getByRole('button', { name: 'Unterschreiben' }).click();
    await editor.getByRole('alert').filter({ hasText: 'Das Passwort für die Schlüsseldatei ist falsch.' }).waitFor();
    let res = await callGo(page, 'GetCase', target.id);
    assert.equal(res.value.decisions.length, 0, 'a decision was stored after a wrong password');

    await secret.fill('demo');
    await editor.getByRole('button', { name: 'Unterschreiben' }).click();
    await detail().getByTestId('decision-notice').filter({ hasText: /unterschrieben und gespeichert\. Prüfcode: / }).waitFor();
    await detail().getByTestId('decision').filter({ hasText: 'gültig' }).waitFor();

    res = await callGo(page, 'GetCase', target.id);
    const [dec] = res.value.decisions;
    assert.ok(dec.signed && dec.document, `decision ${JSON.stringify(dec)}`);
    const check = await callGo(page, 'CheckSignature', target.id, dec.document.id);
    assert.ok(check.ok && check.value.signatures.length === 1 && check.value.signatures[0].valid && check.value.signatures[0].wholeDocument,
      `signature check ${JSON.stringify(check)}`);
    await screenshot(page, 'decision-signed');
  }));

  await t.test('Bescheiden: the case may now be decided', shot(async () => {
    await detail().getByRole('button', { name: 'Bescheiden', exact: true }).click();
    await detail().getByTestId('case-status').filter({ hasText: /^Beschieden$/ }).waitFor();
  }));

  await t.test('sync: the status bar says the PC works offline; axe on Mit OZG-Cloud verbinden (administration)', shot(async () => {
    await page.getByTestId('connection').filter({ hasText: 'Offline-Betrieb, nicht mit der OZG-Cloud verbunden' }).waitFor();
    const admin = session.clerks.find((c) => c.role === 'administration');
    assert.ok(admin, 'the demo store has no administration clerk');
    await signInAs(page, admin.id);
    await page.getByRole('button', { name: 'OZG-Cloud', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Mit OZG-Cloud verbinden' }).waitFor();
    await page.getByLabel('Adresse des Servers (Pflichtfeld)').waitFor();
    await page.getByTestId('sync-connect').waitFor();
    const violations = await axe(page, 'sync-connect');
    assert.equal(violations.length, 0, describeViolations(violations));
    await signInAs(page, session.clerk.id);
  }));

  await t.test('no page errors', () => {
    assert.deepEqual(page.problems, []);
  });
});
