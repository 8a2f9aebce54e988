// E-Mail-Postfach (administration) and Nicht eingelesene E-Mails in the real app:
// the settings saved against a mailbox that does not exist (a closed port on this
// machine), "Verbindung testen" announcing the problem in the role=status region,
// and axe-core (WCAG 2.1 AA) on both views. The mailbox is removed again afterwards,
// so later tests see no intake.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { axe, callGo, describeViolations, launch, openApp, screenshot, signInAs, withShot } from '../harness.js';

let browser;
let page;
let session;

function closedPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  browser = await launch();
  page = await openApp(browser);
  const res = await callGo(page, 'Session');
  assert.ok(res.ok, `Session() failed: ${JSON.stringify(res.error)}`);
  session = res.value;
});

after(async () => {
  if (page && session) {
    // Remove the mailbox as the administration, then sign the clerk in again.
    const admin = session.clerks.find((c) => c.role === 'administration');
    if (admin) {
      await signInAs(page, admin.id);
      await callGo(page, 'ClearMailSettings');
    }
    await signInAs(page, session.clerk.id);
  }
  await browser?.close();
});

const shot = (fn) => withShot(() => page, fn);

test('E-Mail-Postfach and Nicht eingelesene E-Mails', async (t) => {
  await t.test('settings: saved, Verbindung testen names the problem in the status region, axe', shot(async () => {
    const admin = session.clerks.find((c) => c.role === 'administration');
    assert.ok(admin, 'the demo store has no administration clerk');
    await signInAs(page, admin.id);
    await page.getByTestId('mail-settings-button').click();
    await page.getByRole('heading', { level: 1, name: 'E-Mail-Postfach für den Eingang' }).waitFor();
    await page.locator('#mail-host').waitFor();
    const empty = await axe(page, 'mail-settings');
    assert.equal(empty.length, 0, describeViolations(empty));

    const port = await closedPort();
    await page.locator('#mail-tls').selectOption('none');
    await page.locator('#mail-host').fill('127.0.0.1');
    await page.locator('#mail-port').fill(String(port));
    await page.locator('#mail-user').fill('eingang@musterhausen.de');
    await page.locator('#mail-password').fill('geheim-e2e');
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    const result = page.locator('[role="status"][data-testid="mail-result"]');
    await result.getByText('Gespeichert.', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Verbindung testen', exact: true }).click();
    await result.getByText('Die Verbindung funktioniert nicht.').waitFor({ timeout: 40_000 });
    const text = await result.innerText();
    assert.match(text, /nicht erreichbar/, `status region says: ${text}`);
    await screenshot(page, 'mail-settings-error');
    const withError = await axe(page, 'mail-settings-error');
    assert.equal(withError.length, 0, describeViolations(withError));

    const saved = await callGo(page, 'MailSettings');
    assert.ok(saved.ok && saved.value.configured && saved.value.passwordSet && saved.value.port === port,
      `stored settings ${JSON.stringify(saved)}`);
    assert.ok(!JSON.stringify(saved.value).includes('geheim-e2e'), 'the password left the Go side');
  }));

  await t.test('Nicht eingelesene E-Mails: reachable from the settings, axe', shot(async () => {
    await page.getByRole('button', { name: 'Nicht eingelesene E-Mails', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Nicht eingelesene E-Mails' }).waitFor();
    await page.getByText('Alle E-Mails wurden eingelesen.').waitFor();
    // The intake cannot reach the mailbox: the status bar says so in words.
    await page.getByTestId('mail-intake').getByText('E-Mail-Eingang gestört', { exact: false }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'mail-failures');
    const violations = await axe(page, 'mail-failures');
    assert.equal(violations.length, 0, describeViolations(violations));
  }));

  await t.test('no page errors', shot(async () => {
    assert.deepEqual(page.problems, []);
  }));
});
