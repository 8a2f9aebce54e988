// Files from strangers against the real Go backend of the demo phase (issue 17): an
// HTML attachment whose script would mark the page (localStorage, the title, a
// comment on the case through the bindings) is added, its preview URL is loaded as
// a page, in a frame and as an object, and "Öffnen" is clicked; the script must
// never run. "Öffnen" shows the German reason and offers only "Speichern unter …";
// axe on that message. The page's Content-Security-Policy is read off the response
// and an inline script is shown to be refused.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, baseURL, callGo, describeViolations, launch, openApp, screenshot, withShot } from '../harness.js';

const applies = process.env.E2E_PHASE === 'demo';
const skip = applies ? false : 'runs in the demo phase of scripts/e2e.sh';

let browser;
let page;
let target;

// The stranger's file: every way it could run marks the page so the test sees it.
const marker = 'ozg-e2e-fremdes-skript';
const html = `<!DOCTYPE html><html><head><title>Formular</title>
<script>
localStorage.setItem('${marker}', 'lief');
try { window.top.document.title = '${marker}'; } catch (e) {}
try { window.top.go.app.Cases.AddComment(window.top.__caseID, '${marker}'); } catch (e) {}
</script></head>
<body><img src="x" onerror="localStorage.setItem('${marker}', 'lief-onerror')"><p>Antrag</p></body></html>`;

before(async () => {
  if (!applies) return;
  browser = await launch();
  page = await openApp(browser);
  const list = await callGo(page, 'ListCases', { search: '', statuses: ['NEU'], filters: [], sort: 'received', desc: true, offset: 0, limit: 1 });
  assert.ok(list.ok && list.value.rows.length > 0, JSON.stringify(list));
  target = list.value.rows[0];
});

after(async () => {
  await browser?.close();
});

const shot = (fn) => withShot(() => page, fn);
const detail = () => page.getByTestId('case-detail');

// Problems the page reports when the policy refuses something, which is what these
// tests provoke; any other problem still fails them.
function otherProblems() {
  return page.problems.filter((p) => !/Content Security Policy|403 \(Forbidden\)/.test(p));
}

async function scriptRan() {
  const comments = await callGo(page, 'GetCase', target.id);
  assert.ok(comments.ok, JSON.stringify(comments));
  return {
    storage: await page.evaluate((k) => localStorage.getItem(k), marker),
    title: (await page.title()) === marker,
    comment: comments.value.comments.some((c) => c.text.includes(marker)),
  };
}

const never = { storage: null, title: false, comment: false };

test('an HTML attachment never runs', { skip }, async (t) => {
  let att;

  await t.test('the page is served with a strict policy that refuses inline script', shot(async () => {
    const res = await page.request.get(baseURL + '/');
    const csp = res.headers()['content-security-policy'] ?? '';
    for (const d of ["script-src 'self'", "object-src 'none'", "frame-src 'none'", "frame-ancestors 'none'", "default-src 'none'", "worker-src 'self'", "img-src 'self'"]) {
      assert.ok(csp.includes(d), `policy lacks ${d}: ${csp}`);
    }
    assert.ok(!/script-src[^;]*unsafe/.test(csp), `scripts may be inline or eval: ${csp}`);
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true;';
      document.head.append(s);
      return window.__inlineRan === true;
    });
    assert.equal(ran, false, 'an inline script ran');
  }));

  await t.test('the attachment is added as the sender sent it', shot(async () => {
    await page.evaluate((id) => { window.__caseID = id; }, target.id);
    const data = Buffer.from(html).toString('base64');
    const res = await callGo(page, 'AddAttachmentData', target.id, 'Formular.html', 'text/html', data);
    assert.ok(res.ok, JSON.stringify(res));
    att = res.value.attachments.find((a) => a.name === 'Formular.html');
    assert.ok(att, 'attachment not listed');
    assert.deepEqual(await scriptRan(), never);
  }));

  await t.test('its preview URL serves nothing: as a page, in a frame, as an object', shot(async () => {
    const res = await page.request.get(baseURL + att.url);
    assert.ok([403, 404].includes(res.status()), `preview URL answered ${res.status()}`);
    assert.ok(!(await res.text()).includes('<script'), 'the refusal carries the file');
    await page.evaluate((url) => {
      const f = document.createElement('iframe');
      f.src = url;
      f.title = 'Versuch';
      const o = document.createElement('object');
      o.data = url;
      o.type = 'text/html';
      document.body.append(f, o);
    }, att.url);
    // A second window of the same origin, as a link to the file would open.
    const other = await page.context().newPage();
    const nav = await other.goto(baseURL + att.url);
    assert.ok([403, 404].includes(nav.status()), `navigating to the file answered ${nav.status()}`);
    await page.waitForTimeout(1500);
    await other.close();
    await page.evaluate(() => document.querySelectorAll('body > iframe, body > object').forEach((e) => e.remove()));
    assert.deepEqual(await scriptRan(), never);
  }));

  await t.test('"Öffnen" refuses it in German and offers only "Speichern unter …"', shot(async () => {
    await page.getByLabel('Suche').fill(target.fileNumber);
    await page.getByRole('gridcell', { name: target.fileNumber, exact: true }).click();
    await detail().getByRole('heading', { level: 1, name: new RegExp(target.fileNumber) }).waitFor();
    await detail().getByRole('tab', { name: /^Dokumente/ }).click();
    assert.equal(await detail().getByRole('button', { name: 'Vorschau von Formular.html' }).count(), 0, 'an HTML file has a preview');
    await detail().getByRole('button', { name: 'Formular.html öffnen' }).click();
    const box = detail().getByRole('alertdialog', { name: 'Datei wird nicht geöffnet' });
    await box.waitFor();
    assert.match(await box.textContent(), /Dateien vom Typ \.HTML können Programme oder Skripte ausführen/);
    assert.equal(await box.getByRole('button', { name: 'Speichern unter …' }).count(), 1);
    assert.equal(await box.getByRole('button', { name: 'Trotzdem öffnen' }).count(), 0);
    await screenshot(page, 'attachment-refused');
    assert.deepEqual(await scriptRan(), never);
  }));

  await t.test('axe: the refusal has no WCAG 2.1 AA violations', shot(async () => {
    const violations = await axe(page, 'attachment-refused');
    assert.equal(violations.length, 0, describeViolations(violations));
    assert.deepEqual(otherProblems(), []);
  }));
});
