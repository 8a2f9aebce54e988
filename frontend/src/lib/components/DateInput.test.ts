import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { FakeApi } from '../fakeapi';
import { renderApp } from '../../test/harness';
import { germanDate, monthGrid, parseGermanDate } from '../dates';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parseGermanDate', () => {
  it('reads TT.MM.JJJJ and says in German what is wrong', () => {
    expect(parseGermanDate('21.12.2026')).toEqual({ iso: '2026-12-21', error: '' });
    expect(parseGermanDate(' 1.2.2027 ')).toEqual({ iso: '2027-02-01', error: '' });
    expect(parseGermanDate('21122026')).toEqual({ iso: '2026-12-21', error: '' });
    expect(parseGermanDate('29.02.2028').iso).toBe('2028-02-29');
    expect(parseGermanDate('')).toEqual({ iso: '', error: '' });
    expect(parseGermanDate('29.02.2027').error).toBe('Den 29.02.2027 gibt es nicht.');
    expect(parseGermanDate('12.13.2026').error).toMatch(/^Einen Monat 13 gibt es nicht/);
    for (const bad of ['12/21/2026', '2026-12-21', '21.12.26', 'morgen']) {
      expect(parseGermanDate(bad).error).toBe('Bitte das Datum als TT.MM.JJJJ eingeben, zum Beispiel 21.12.2026.');
    }
    expect(germanDate('2026-12-21')).toBe('21.12.2026');
  });

  it('lays out a month Monday first', () => {
    const weeks = monthGrid(2026, 12); // 1 December 2026 is a Tuesday
    expect(weeks[0]).toEqual(['', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(weeks.flat().filter(Boolean)).toHaveLength(31);
  });
});

async function followUpForm(fake: FakeApi) {
  await renderApp(fake);
  await fireEvent.click(screen.getByText('GEW-2026-0000-A7'));
  await screen.findByRole('heading', { level: 1, name: /GEW-2026-0000-A7/ });
  await fireEvent.click(screen.getByRole('tab', { name: /Wiedervorlagen/ }));
  return screen.getByRole('form', { name: 'Wiedervorlage anlegen' });
}

// The fake's today is 2026-03-10. The window's locale is jsdom's (en-US) and the PC
// is in New York: neither changes the German entry.
describe('Datumseingabe', () => {
  it('takes 21.12.2026 typed, whatever the locale and zone', async () => {
    vi.stubEnv('TZ', 'America/New_York');
    const fake = new FakeApi();
    const form = await followUpForm(fake);
    const due = within(form).getByLabelText('Fällig am (Pflichtfeld)');
    expect(due).toHaveAttribute('placeholder', 'TT.MM.JJJJ');
    expect(due).toHaveAccessibleDescription('Format TT.MM.JJJJ');
    await fireEvent.input(due, { target: { value: '21.12.2026' } });
    await fireEvent.input(within(form).getByLabelText('Grund (Pflichtfeld)'), { target: { value: 'Nachfragen' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Wiedervorlage anlegen' }));
    await waitFor(() => expect(fake.called('AddFollowUp')[0].args).toEqual(['case-0', '2026-12-21', 'Nachfragen']));
    expect(await screen.findByText('fällig am 21.12.2026')).toBeInTheDocument();
  });

  it('explains a wrong or past date in German and sends nothing', async () => {
    const fake = new FakeApi();
    const form = await followUpForm(fake);
    const due = within(form).getByLabelText('Fällig am (Pflichtfeld)');
    await fireEvent.input(within(form).getByLabelText('Grund (Pflichtfeld)'), { target: { value: 'Nachfragen' } });
    await fireEvent.input(due, { target: { value: '31.02.2026' } });
    await fireEvent.blur(due);
    expect(due).toHaveAttribute('aria-invalid', 'true');
    expect(due).toHaveAccessibleDescription('Format TT.MM.JJJJ Den 31.02.2026 gibt es nicht.');
    await fireEvent.input(due, { target: { value: '12/21/2026' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Wiedervorlage anlegen' }));
    expect(due).toHaveAccessibleDescription(/Bitte das Datum als TT.MM.JJJJ eingeben/);
    await fireEvent.input(due, { target: { value: '09.03.2026' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Wiedervorlage anlegen' }));
    expect(due).toHaveAccessibleDescription(/Eine Wiedervorlage kann nicht in der Vergangenheit liegen/);
    expect(fake.called('AddFollowUp')).toHaveLength(0);
    expect(due).toHaveValue('09.03.2026'); // nothing typed is lost
  });

  it('offers "in 1 Woche", "in 2 Wochen" and "in 1 Monat"', async () => {
    const fake = new FakeApi();
    const form = await followUpForm(fake);
    const due = within(form).getByLabelText('Fällig am (Pflichtfeld)');
    await fireEvent.click(within(form).getByRole('button', { name: /^in 2 Wochen/ }));
    expect(due).toHaveValue('24.03.2026');
    await fireEvent.click(within(form).getByRole('button', { name: 'in 1 Monat (10.04.2026)' }));
    expect(due).toHaveValue('10.04.2026');
    await fireEvent.click(within(form).getByRole('button', { name: /^in 1 Woche/ }));
    expect(due).toHaveValue('17.03.2026');
    await fireEvent.input(within(form).getByLabelText('Grund (Pflichtfeld)'), { target: { value: 'Nachfragen' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Wiedervorlage anlegen' }));
    await waitFor(() => expect(fake.called('AddFollowUp')[0].args[1]).toBe('2026-03-17'));
  });

  it('picks a date in a German calendar by keyboard', async () => {
    const fake = new FakeApi();
    const form = await followUpForm(fake);
    const open = within(form).getByRole('button', { name: 'Kalender: Fällig am' });
    await fireEvent.click(open);
    const cal = within(form).getByRole('dialog', { name: 'März 2026' });
    expect(within(cal).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So']);
    const today = within(cal).getByRole('button', { name: '10. März 2026, Dienstag' });
    await waitFor(() => expect(today).toHaveFocus());
    expect(today).toHaveAttribute('aria-current', 'date');
    // Yesterday cannot be picked for a follow-up.
    expect(within(cal).getByRole('button', { name: '9. März 2026, Montag' })).toBeDisabled();
    await fireEvent.keyDown(today, { key: 'ArrowDown' });
    await fireEvent.keyDown(document.activeElement!, { key: 'PageDown' });
    const picked = await within(form).findByRole('button', { name: '17. April 2026, Freitag' });
    await waitFor(() => expect(picked).toHaveFocus());
    expect(within(form).getByRole('dialog', { name: 'April 2026' })).toBeInTheDocument();
    await fireEvent.click(picked);
    const due = within(form).getByLabelText('Fällig am (Pflichtfeld)');
    expect(due).toHaveValue('17.04.2026');
    await waitFor(() => expect(due).toHaveFocus());

    await fireEvent.click(open);
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(within(form).queryByRole('dialog')).toBeNull();
    expect(open).toHaveFocus();
  });
});
