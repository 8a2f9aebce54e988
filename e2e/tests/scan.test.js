// Virus scanning in the real app against a private clamd (scripts/e2e.sh starts it
// with scripts/clamd-private.sh; its only signature is the hash of a harmless test
// file): the file added to a case is quarantined. The status bar says the scanner
// runs, the list marks the case, the case names the finding, the file has no
// "Öffnen" and /files/ refuses it; axe-core (WCAG 2.1 AA) on the list and the case
// with the marks.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, callGo, describeViolations, launch, openApp, withShot } from '../harness.js';

// The same bytes as scripts/clamd-private.sh and clamav/clamdtest.File.
const testFile = 'OZG-Cloud Testanhang: harmlos, nur fuer den Test des Virenscanners.\n';

let browser;
let page;
let target;

before(async () => {
  browser = await launch();
  page = await openApp(browser);
  const list = await callGo(page, 'ListCases', {
    search: '', statuses: ['ANGENOMMEN'], filters: [], sort: 'received', desc: false, offset: 0, limit: 1,
  });
  assert.ok(list.ok, `ListCases failed: ${JSON.stringify(list.error)}`);
  assert.ok(list.value.rows.length > 0, 'the demo store has no accepted case');
  target = list.value.rows[0];
});

after(async () => {
  await browser?.close();
});

const shot = (fn) => withShot(() => page, fn);

test('virus scanning', async (t) => {
  let bad;

  await t.test('the status bar says the scanner runs', shot(async () => {
    const s = await callGo(page, 'ScanStatus');
    assert.ok(s.ok && s.value.state === 'ok', `ScanStatus: ${JSON.stringify(s)}`);
    await page.getByTestId('scan-status').filter({ hasText: 'Virenscanner aktiv' }).waitFor();
  }));

  await t.test('the test file is quarantined and /files/ refuses it', shot(async () => {
    const res = await callGo(page, 'AddAttachmentData', target.id, 'Rechnung.pdf', 'application/pdf', Buffer.from(testFile).toString('base64'));
    assert.ok(res.ok, `AddAttachmentData: ${JSON.stringify(res.error)}`);
    bad = res.value.attachments.find((a) => a.name === 'Rechnung.pdf');
    assert.equal(bad.scan, 'infected');
    assert.equal(bad.url, '');
    assert.match(res.value.scanNotices[0], /Schadsoftware \(Fund: OzgCloud\.Test\.Harmless/);
    const status = await page.evaluate(async (u) => (await fetch(u)).status, `/files/${encodeURIComponent(target.id)}/${encodeURIComponent(bad.id)}`);
    assert.equal(status, 403);
    const open = await callGo(page, 'OpenAttachment', target.id, bad.id);
    assert.ok(!open.ok && open.error.code === 'QUARANTINE', JSON.stringify(open));
  }));

  await t.test('the list marks the case; axe', shot(async () => {
    await page.getByLabel('Suche').fill(target.fileNumber);
    const cell = page.getByRole('gridcell', { name: new RegExp(`^${target.fileNumber}`) });
    await cell.getByTestId('scan-mark').filter({ hasText: 'Schadsoftware' }).waitFor();
    const violations = await axe(page, 'scan-list');
    assert.equal(violations.length, 0, describeViolations(violations));
  }));

  await t.test('the case names the finding, the file does not open; axe', shot(async () => {
    await page.getByRole('gridcell', { name: new RegExp(`^${target.fileNumber}`) }).click();
    const detail = page.getByTestId('case-detail');
    await detail.getByRole('region', { name: 'Virenprüfung' }).filter({ hasText: 'OzgCloud.Test.Harmless' }).waitFor();
    await detail.getByRole('tab', { name: /^Dokumente/ }).click();
    await detail.getByTestId('file-scan-mark').filter({ hasText: 'Schadsoftware gefunden' }).waitFor();
    assert.equal(await detail.getByRole('button', { name: 'Rechnung.pdf öffnen' }).count(), 0);
    assert.equal(await detail.getByRole('button', { name: 'Vorschau von Rechnung.pdf' }).count(), 0);
    const violations = await axe(page, 'scan-detail');
    assert.equal(violations.length, 0, describeViolations(violations));
  }));
});
