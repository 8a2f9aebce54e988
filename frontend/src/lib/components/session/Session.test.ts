import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../../../App.svelte';
import { FakeApi, fakePassword, makeRow } from '../../fakeapi';
import { EventFollowUpDue, EventSessionChanged } from '../../events';
import { renderApp } from '../../../test/harness';

function signedOut(fake = new FakeApi()) {
  void fake.SignOut();
  fake.calls = [];
  return fake;
}

describe('sign-in and lock', () => {
  it('opens on the sign-in screen with no case data, says a wrong password and signs in by keyboard', async () => {
    const fake = signedOut();
    render(App, { props: { api: fake } });
    const password = await screen.findByLabelText('Passwort (Pflichtfeld)');
    await waitFor(() => expect(password).toHaveFocus());
    expect(screen.queryByRole('grid')).toBeNull();
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(fake.called('ListCases')).toHaveLength(0);
    expect(fake.called('Counts')).toHaveLength(0);
    expect(screen.getByTestId('demo-password')).toHaveTextContent(fakePassword);
    expect(screen.getByLabelText('Benutzer (Pflichtfeld)')).toHaveValue('c1');

    await fireEvent.input(password, { target: { value: 'Falsches-Passwort' } });
    await fireEvent.submit(password.closest('form')!);
    expect(await screen.findByRole('alert')).toHaveTextContent('Das Passwort ist falsch.');
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveValue('');
    await waitFor(() => expect(password).toHaveFocus());

    await fireEvent.input(password, { target: { value: fakePassword } });
    await fireEvent.submit(password.closest('form')!);
    await waitFor(() => expect(screen.getAllByTestId('case-row').length).toBeGreaterThan(0));
    expect(fake.called('SignIn').at(-1)!.args).toEqual(['c1', fakePassword]);
    expect(screen.getByTestId('signed-in-as')).toHaveTextContent('Anna Schmidt');
  });

  it('shows the demo password only for a demo store', async () => {
    const fake = signedOut();
    fake.session.demo = false;
    fake.session.demoPassword = '';
    render(App, { props: { api: fake } });
    await screen.findByLabelText('Passwort (Pflichtfeld)');
    expect(screen.queryByTestId('demo-password')).toBeNull();
  });

  it('sets the password with an invitation code', async () => {
    const fake = signedOut();
    render(App, { props: { api: fake } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Einladungscode einlösen' }));
    const code = screen.getByLabelText('Einladungscode (Pflichtfeld)');
    await waitFor(() => expect(code).toHaveFocus());
    await fireEvent.input(code, { target: { value: 'ABCD-EFGH-JKLM' } });
    await fireEvent.input(screen.getByLabelText('Neues Passwort (Pflichtfeld)'), { target: { value: 'Ein-neues-Passwort' } });
    await fireEvent.input(screen.getByLabelText('Neues Passwort wiederholen (Pflichtfeld)'), { target: { value: 'Ein-anderes-Passwort' } });
    await fireEvent.submit(code.closest('form')!);
    expect(screen.getByLabelText('Neues Passwort wiederholen (Pflichtfeld)')).toHaveAccessibleDescription('Die beiden Passwörter stimmen nicht überein.');
    expect(fake.called('Activate')).toHaveLength(0);
    await fireEvent.input(screen.getByLabelText('Neues Passwort (Pflichtfeld)'), { target: { value: 'Ein-neues-Passwort' } });
    await fireEvent.input(screen.getByLabelText('Neues Passwort wiederholen (Pflichtfeld)'), { target: { value: 'Ein-neues-Passwort' } });
    await fireEvent.submit(code.closest('form')!);
    await waitFor(() => expect(screen.getAllByTestId('case-row').length).toBeGreaterThan(0));
    expect(fake.called('Activate')[0].args).toEqual(['ABCD-EFGH-JKLM', 'Ein-neues-Passwort']);
  });

  it('locks without showing case data and keeps unsaved input for the same clerk', async () => {
    const fake = new FakeApi();
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Antrag erfassen' }));
    const name = screen.getByLabelText('Name (Pflichtfeld)');
    await fireEvent.input(name, { target: { value: 'Erika Mustermann' } });

    await fireEvent.click(screen.getByRole('button', { name: 'Sperren' }));
    const unlock = await screen.findByLabelText('Passwort (Pflichtfeld)');
    expect(screen.getByRole('heading', { level: 1, name: 'Bildschirm gesperrt' })).toBeInTheDocument();
    await waitFor(() => expect(unlock).toHaveFocus());
    expect(screen.getByTestId('workspace')).not.toBeVisible();
    expect(screen.queryByRole('grid')).toBeNull(); // hidden: not in the accessibility tree

    await fireEvent.input(unlock, { target: { value: 'falsch' } });
    await fireEvent.submit(unlock.closest('form')!);
    expect(await screen.findByTestId('unlock-error')).toHaveTextContent('Das Passwort ist falsch.');
    await fireEvent.input(unlock, { target: { value: fakePassword } });
    await fireEvent.submit(unlock.closest('form')!);
    await waitFor(() => expect(screen.queryByTestId('lock-screen')).toBeNull());
    expect(screen.getByTestId('workspace')).toBeVisible();
    expect(screen.getByLabelText('Name (Pflichtfeld)')).toHaveValue('Erika Mustermann');
  });

  it('follows a lock from Go (idle time) and signs out as "Anderer Benutzer"', async () => {
    const fake = new FakeApi();
    await renderApp(fake);
    await fake.Lock();
    fake.session.lockReason = 'Der Bildschirm wurde gesperrt, weil eine Weile nichts eingegeben wurde.';
    fake.emit(EventSessionChanged, undefined);
    expect(await screen.findByTestId('lock-reason')).toHaveTextContent('weil eine Weile nichts eingegeben wurde');
    expect(screen.getByTestId('lock-who')).toHaveTextContent('Anna Schmidt');
    await fireEvent.click(screen.getByRole('button', { name: 'Anderer Benutzer' }));
    expect(await screen.findByLabelText('Benutzer (Pflichtfeld)')).toBeInTheDocument();
    expect(screen.queryByTestId('workspace')).toBeNull();
  });

  it('tells Go of input, a few times per idle period', async () => {
    const fake = new FakeApi();
    await renderApp(fake);
    for (let i = 0; i < 5; i++) await fireEvent.keyDown(window, { key: 'ArrowDown' });
    expect(fake.called('Touch')).toHaveLength(1);
  });
});

describe('due follow-ups at sign-in', () => {
  it('shows the first three and the count of the rest, with the way to the due list', async () => {
    const fake = new FakeApi();
    await renderApp(fake);
    fake.emit(EventFollowUpDue, [1, 2, 3, 4, 5].map((i) => ({
      caseId: `case-${i}`, fileNumber: makeRow(i).fileNumber, applicant: `Person ${i}`, followUpId: `f${i}`, due: '2026-03-10', reason: 'Prüfen', overdue: false, owner: 'Anna Schmidt', mine: true,
    })));
    expect(await screen.findByTestId('due-banner-more')).toHaveTextContent('… und 2 weitere fällige Wiedervorlagen');
    expect(screen.getAllByRole('button', { name: /^Vorgang .* öffnen$/ })).toHaveLength(3);
    await fireEvent.click(screen.getByRole('button', { name: 'Alle fälligen Wiedervorlagen anzeigen' }));
    await waitFor(() => expect(screen.queryByTestId('due-banner-more')).toBeNull());
    expect(fake.called('DueFollowUps').length).toBeGreaterThan(0);
  });
});

describe('substitution and cases not accepted', () => {
  it('marks the cases of an absent clerk in the list and says so in the header', async () => {
    const fake = new FakeApi();
    fake.session.standsInFor = [{ id: 'c2', name: 'Bernd Weber', role: 'leitung', roleLabel: 'Sachgebietsleitung' }];
    const list = fake.ListCases;
    fake.ListCases = async (q) => {
      const page = await list(q);
      page.rows = (page.rows ?? []).map((r, i) => (i === 0 ? { ...r, assigneeName: 'Bernd Weber', substitute: 'Vertretung für Bernd Weber' } : r));
      return page;
    };
    await renderApp(fake);
    expect(screen.getByTestId('stands-in-for')).toHaveTextContent('Vertretung für Bernd Weber');
    expect(screen.getAllByTestId('substitute-mark')[0]).toHaveTextContent('Vertretung für Bernd Weber');
  });

  it('records an absence', async () => {
    const fake = new FakeApi();
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Vertretung' }));
    const sub = await screen.findByLabelText('Vertretung (Pflichtfeld)');
    await fireEvent.change(sub, { target: { value: 'c2' } });
    await fireEvent.input(screen.getByLabelText('Erster Tag (Pflichtfeld)'), { target: { value: '10.03.2026' } });
    await fireEvent.input(screen.getByLabelText('Letzter Tag (Pflichtfeld)'), { target: { value: '12.03.2026' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Abwesenheit eintragen' }));
    expect(await screen.findByTestId('absence')).toHaveTextContent('Bernd Weber');
    expect(fake.called('RecordAbsence')[0].args[0]).toEqual({ absent: '', substitute: 'c2', from: '2026-03-10', to: '2026-03-12' });
  });

  it('shows a case the OZG-Cloud did not accept and submits it again', async () => {
    const fake = new FakeApi();
    const row = makeRow(1);
    const d = fake.detail(row.id);
    d.notAccepted = 'Anna Schmidt war auf diesem PC nicht angemeldet.';
    fake.details.set(row.id, d);
    await renderApp(fake);
    await fireEvent.click(screen.getByText(row.fileNumber));
    expect(await screen.findByTestId('not-accepted')).toHaveTextContent('nicht angemeldet');
    await fireEvent.click(screen.getByRole('button', { name: 'Erneut einreichen' }));
    await waitFor(() => expect(screen.queryByTestId('not-accepted')).toBeNull());
    expect(fake.called('ResubmitCase')).toHaveLength(1);
  });
});

describe('Benutzer (administration)', () => {
  it('adds a user and shows the one-time code once, resets and deactivates, sets the idle time', async () => {
    const fake = new FakeApi();
    fake.session.clerk = { id: 'admin', name: 'Jens Wagner', role: 'administration', roleLabel: 'Administration' };
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Benutzer' }));
    await fireEvent.input(await screen.findByLabelText('Name (Pflichtfeld)'), { target: { value: 'Petra Neu' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Hinzufügen und Einladungscode erstellen' }));
    expect(await screen.findByTestId('invitation')).toHaveTextContent('ABCD-EFGH-JKLM');
    expect(fake.called('AddUser')[0].args).toEqual(['Petra Neu', 'sachbearbeitung']);
    await fireEvent.click(screen.getByRole('button', { name: 'Passwort zurücksetzen für Anna Schmidt' }));
    await waitFor(() => expect(screen.getByTestId('invitation')).toHaveTextContent('NPQR-STUV-WXYZ'));
    await fireEvent.click(screen.getByRole('button', { name: 'Anna Schmidt deaktivieren' }));
    expect(await screen.findByText('Anna Schmidt wurde deaktiviert.')).toBeInTheDocument();
    const minutes = screen.getByLabelText('Sperren nach so vielen Minuten ohne Eingabe (Pflichtfeld)');
    await fireEvent.input(minutes, { target: { value: '3' } });
    await fireEvent.submit(minutes.closest('form')!);
    await waitFor(() => expect(fake.called('SetIdleLock')[0]?.args).toEqual([3]));
  });
});
