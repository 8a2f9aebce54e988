// A clerk's day (issue 13) in the real UI against the real Go backend: "überfällig"
// whole in the list row at the usual screen widths; German date entry and the same
// receipt date in list and detail in a window with an English locale on a PC in New
// York.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, callGo, describeViolations, launch, openApp, screenshot, signInAs, withShot } from '../harness.js';

const applies = process.env.E2E_PHASE === undefined || process.env.E2E_PHASE === 'demo';

let browser;

before(async () => {
  if (applies) browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** overdueMarks measures every "überfällig" of the rows in view against its cell and the grid. */
async function overdueMarks(page) {
  return page.evaluate(() => {
    const grid = document.querySelector('[data-testid=case-grid]').getBoundingClientRect();
    return [...document.querySelectorAll('[data-testid=case-row] [data-testid=overdue-mark]')]
      .map((m) => {
        const r = m.getBoundingClientRect();
        const cell = m.closest('[role=gridcell]').getBoundingClientRect();
        return { text: m.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom, cellRight: cell.right, gridRight: grid.right, gridBottom: grid.bottom };
      })
      .filter((m) => m.bottom <= m.gridBottom);
  });
}

for (const [width, height] of [[1280, 800], [1600, 900], [1920, 1080]]) {
  test(`"überfällig" is whole in the list row at ${width} px`, { skip: !applies }, async () => {
    const page = await openApp(browser, { viewport: { width, height } });
    await withShot(() => page, async () => {
      await page.getByTestId('quick-overdue').click();
      await page.getByTestId('case-row').first().waitFor();
      await page.locator('[data-testid=overdue-mark]').first().waitFor();
      const marks = await overdueMarks(page);
      assert.ok(marks.length > 0, 'no overdue row in view');
      for (const m of marks) {
        assert.equal(m.text, 'überfällig');
        assert.ok(m.right <= m.cellRight + 0.5, `"überfällig" cut by its cell: ends at ${m.right}, the cell at ${m.cellRight}`);
        assert.ok(m.right <= m.gridRight, `"überfällig" outside the list: ${m.right} > ${m.gridRight}`);
      }
      await screenshot(page, `list-overdue-${width}`);
    })({ name: `overdue-${width}` });
    await page.context().close();
  });
}

const german = (iso) => iso.split('-').reverse().join('.');
function addDays(iso, n) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

test('German dates in an English window on a PC in New York', { skip: !applies }, async () => {
  const page = await openApp(browser, { locale: 'en-US', timezoneId: 'America/New_York' });
  await withShot(() => page, async () => {
    const session = (await callGo(page, 'Session')).value;
    const received = addDays(session.today, -1);
    await page.getByRole('button', { name: 'Antrag erfassen' }).click();
    const date = page.getByLabel('Eingangsdatum (Pflichtfeld)');
    assert.equal(await date.inputValue(), german(session.today), 'the receipt date does not start as today, TT.MM.JJJJ');
    assert.equal(await date.getAttribute('type'), 'text', 'the browser date input follows the system locale');
    await date.fill('31.02.2026');
    await date.press('Tab');
    await page.getByText('Den 31.02.2026 gibt es nicht.').waitFor();
    await date.fill(german(received));
    await page.getByLabel('Antragsart (Pflichtfeld)').selectOption('GEWERBE');
    await page.getByLabel('Name (Pflichtfeld)').fill('Erika Zeitzone (E2E)');
    const violations = await axe(page, 'new-case-date');
    assert.deepEqual(violations, [], describeViolations(violations));
    await page.getByRole('button', { name: 'Antrag speichern' }).click();
    const detail = page.getByTestId('case-detail');
    await detail.waitFor();
    const target = addDays(received, 14); // Gewerbeanmeldung: 14 days
    await detail.getByText(german(target)).first().waitFor();
    const fileNumber = (await detail.locator('.az').textContent()).trim();
    await detail.getByText(german(received)).first().waitFor();

    // A follow-up: typed, then a quick choice; the calendar is German.
    await detail.getByRole('tab', { name: /^Wiedervorlagen/ }).click();
    const due = detail.getByLabel(/^Fällig am/);
    await due.fill(german(addDays(session.today, 3)));
    await detail.getByRole('button', { name: 'Kalender: Fällig am' }).click();
    await detail.getByRole('columnheader', { name: 'Mo', exact: true }).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    assert.equal(await due.inputValue(), german(addDays(session.today, 4)));
    await detail.getByRole('button', { name: /^in 2 Wochen/ }).click();
    assert.equal(await due.inputValue(), german(addDays(session.today, 14)));
    await detail.getByLabel(/^Grund/).fill('Unterlagen nachfordern (E2E, en-US)');
    await detail.getByRole('button', { name: 'Wiedervorlage anlegen' }).click();
    await detail.getByText(`fällig am ${german(addDays(session.today, 14))}`).waitFor();

    // The list shows the same receipt date and deadline as the detail.
    await detail.getByRole('button', { name: 'Zurück zur Liste' }).click();
    await page.getByLabel('Suche').fill(fileNumber);
    const row = page.getByTestId('case-row').filter({ hasText: fileNumber });
    await row.waitFor();
    const text = await row.textContent();
    assert.ok(text.includes(german(received)), `row without the receipt date ${german(received)}: ${text}`);
    assert.ok(text.includes(german(target)), `row without the deadline ${german(target)}: ${text}`);
    await screenshot(page, 'german-dates-en-us');
  })({ name: 'german-dates' });
  await page.context().close();
});

test('at 200 % zoom (640x400) the list shows at least 8 rows', { skip: !applies }, async () => {
  const page = await openApp(browser, { viewport: { width: 640, height: 400 } });
  await withShot(() => page, async () => {
    const grid = page.getByRole('grid', { name: 'Vorgangsliste' });
    await page.getByTestId('case-row').first().waitFor();
    await grid.focus();
    await grid.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const rows = await page.evaluate(() => {
      const g = document.querySelector('[data-testid=case-grid]').getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid=case-row]')].filter((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= g.top && b.bottom <= Math.min(g.bottom, window.innerHeight) + 0.5;
      }).length;
    });
    assert.ok(rows >= 8, `only ${rows} rows in view at 640x400`);
    // The keyboard still moves through the list.
    await page.keyboard.press('ArrowDown');
    assert.equal(await grid.getAttribute('aria-activedescendant'), 'row-1');
    const violations = await axe(page, 'list-640x400');
    assert.deepEqual(violations, [], describeViolations(violations));
    await screenshot(page, 'list-640x400');
  })({ name: 'zoom-200' });
  await page.context().close();
});

test('the administration\'s header keeps its buttons on one row at 1280 px', { skip: !applies }, async () => {
  const page = await openApp(browser);
  await withShot(() => page, async () => {
    await signInAs(page, 'jwagner');
    await page.getByRole('button', { name: 'Signaturschlüssel' }).waitFor();
    const boxes = await page.locator('header.top .actions button').evaluateAll((bs) => bs.map((b) => {
      const r = b.getBoundingClientRect();
      return { text: b.textContent.trim(), top: Math.round(r.top), height: Math.round(r.height) };
    }));
    assert.ok(boxes.length >= 9, `only ${boxes.length} buttons: ${boxes.map((b) => b.text)}`);
    assert.equal(new Set(boxes.map((b) => b.top)).size, 1, `buttons on several rows: ${JSON.stringify(boxes)}`);
    assert.equal(new Set(boxes.map((b) => b.height)).size, 1, `a label wraps inside its button: ${JSON.stringify(boxes)}`);
    await screenshot(page, 'header-administration-1280');
    await signInAs(page, 'mbecker');
  })({ name: 'admin-header' });
  await page.context().close();
});
