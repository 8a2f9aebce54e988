import { afterEach, describe, expect, it } from 'vitest';
import { guardNavigation, leavesApp } from './navguard';

describe('navigation guard', () => {
  let remove: () => void = () => {};
  afterEach(() => {
    remove();
    document.body.replaceChildren();
  });

  it('knows which links leave the page', () => {
    const here = new URL('http://wails.localhost/');
    expect(leavesApp('https://evil.example/', here)).toBe(true);
    expect(leavesApp('file:///C:/Windows/System32/calc.exe', here)).toBe(true);
    expect(leavesApp('\\\\host\\share\\x.exe', here)).toBe(true); // resolves to a path of the page's origin
    expect(leavesApp('/files/c/a', here)).toBe(true);
    expect(leavesApp('javascript:alert(1)', here)).toBe(true);
    expect(leavesApp('#abschnitt', here)).toBe(false);
  });

  function click(href: string): boolean {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = 'Link';
    const span = document.createElement('span');
    a.append(span);
    document.body.append(a);
    const e = new MouseEvent('click', { bubbles: true, cancelable: true });
    span.dispatchEvent(e);
    return e.defaultPrevented;
  }

  it('refuses links that leave the app, window.open and stray drops', () => {
    remove = guardNavigation(window);
    expect(click('https://evil.example/')).toBe(true);
    expect(click('/files/case/att')).toBe(true);
    expect(click('#oben')).toBe(false);
    expect(window.open('https://evil.example/')).toBeNull();
    const drop = new Event('drop', { cancelable: true });
    window.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
  });
});
