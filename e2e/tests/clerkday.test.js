// A clerk's day (issue 13) in the real UI against the real Go backend: "überfällig"
// whole in the list row at the usual screen widths.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, openApp, screenshot, withShot } from '../harness.js';

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
