import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { FakeApi, fakeConflict, fakeFingerprint, fakeRejected, fakeSession } from '../../fakeapi';
import { renderApp } from '../../../test/harness';
import { EventSyncStatus } from '../../events';

function asAdministration(fake: FakeApi) {
  fake.Session = async () => ({
    ...structuredClone(fakeSession),
    clerk: { id: 'c9', name: 'Jens Wagner', role: 'administration', roleLabel: 'Administration' },
  });
  fake.sync.mayConnect = true;
  return fake;
}

function enrolled(fake: FakeApi) {
  fake.sync = { ...fake.sync, enrolled: true, server: 'https://ozg.example.de:8443', tenant: 'musterhausen', online: true, pending: 0, lastSync: '2026-03-10T10:15:00+01:00' };
  return fake;
}

describe('sync in the status bar', () => {
  it('says in words that the PC works offline and what waits', async () => {
    await renderApp(new FakeApi());
    await waitFor(() => expect(screen.getByTestId('connection')).toHaveTextContent('Offline-Betrieb, nicht mit der OZG-Cloud verbunden'));
    expect(screen.getByTestId('pending')).toHaveTextContent('4 Änderungen warten auf Übertragung');
    expect(screen.queryByRole('button', { name: 'Jetzt synchronisieren' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Mit OZG-Cloud verbinden' })).toBeNull();
  });

  it('shows the state, follows sync:status and syncs now on request', async () => {
    const fake = enrolled(new FakeApi());
    await renderApp(fake);
    await waitFor(() => expect(screen.getByTestId('connection')).toHaveTextContent(/OZG-Cloud: verbunden, zuletzt synchronisiert/));
    expect(screen.getByTestId('pending')).toHaveTextContent('Alle Änderungen übertragen');

    fake.emit(EventSyncStatus, { ...fake.sync, online: false, pending: 2, lastError: 'Keine Verbindung zur OZG-Cloud.', openConflicts: 1, rejected: 2 });
    await waitFor(() => expect(screen.getByTestId('connection')).toHaveTextContent(/OZG-Cloud: keine Verbindung/));
    expect(screen.getByTestId('pending')).toHaveTextContent('2 Änderungen warten auf Übertragung');
    expect(screen.getByTestId('sync-error')).toHaveTextContent('Keine Verbindung zur OZG-Cloud.');
    expect(screen.getByRole('button', { name: '1 Konflikt klären' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '2 abgelehnte Änderungen' })).toBeInTheDocument();

    await fireEvent.click(screen.getByRole('button', { name: 'Jetzt synchronisieren' }));
    await waitFor(() => expect(fake.called('SyncNow')).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId('connection')).toHaveTextContent(/verbunden/));
  });
});

describe('the note after a restored or copied data folder', () => {
  it('stays in the status bar until the clerk says Verstanden', async () => {
    const fake = enrolled(new FakeApi());
    const note = 'Die Daten dieses PCs wurden auf einen anderen PC kopiert. Es ist nichts verloren gegangen.';
    fake.sync = { ...fake.sync, notice: note };
    await renderApp(fake);
    await waitFor(() => expect(screen.getByTestId('sync-notice')).toHaveTextContent(note));
    await fireEvent.click(screen.getByRole('button', { name: 'Verstanden' }));
    await waitFor(() => expect(fake.called('DismissSyncNotice')).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId('sync-notice')).toBeNull());
  });
});

describe('Mit OZG-Cloud verbinden', () => {
  it('is offered to the administration only', async () => {
    await renderApp(new FakeApi());
    expect(screen.queryByRole('button', { name: 'OZG-Cloud' })).toBeNull();
  });

  it('checks the server, asks to confirm the fingerprint, then connects with the code', async () => {
    const fake = asAdministration(new FakeApi());
    await renderApp(fake);
    await fireEvent.click(await screen.findByRole('button', { name: 'Mit OZG-Cloud verbinden' }));
    await screen.findByRole('heading', { level: 1, name: 'Mit OZG-Cloud verbinden' });

    await fireEvent.click(screen.getByRole('button', { name: 'Server prüfen' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Bitte prüfen Sie die Adresse des Servers.'));
    expect(screen.getByLabelText('Adresse des Servers (Pflichtfeld)')).toHaveAttribute('aria-invalid', 'true');

    await fireEvent.input(screen.getByLabelText('Adresse des Servers (Pflichtfeld)'), { target: { value: 'ozg.example.de:8443' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Server prüfen' }));
    expect(await screen.findByTestId('sync-fingerprint')).toHaveTextContent(fakeFingerprint);

    // Not confirmed: nothing is sent.
    await fireEvent.input(screen.getByLabelText('Anmeldecode (Pflichtfeld)'), { target: { value: 'K7PQ-2M4X' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Verbinden' }));
    expect(await screen.findByText('Bitte bestätigen Sie den Fingerabdruck oder wählen Sie eine Zertifikatsdatei.')).toBeInTheDocument();
    expect(fake.called('ConnectSync')).toHaveLength(0);

    await fireEvent.click(screen.getByLabelText(/Der Fingerabdruck stimmt/));
    await fireEvent.click(screen.getByRole('button', { name: 'Verbinden' }));
    await waitFor(() => expect(fake.called('ConnectSync')).toHaveLength(1));
    expect(fake.called('ConnectSync')[0].args[0]).toEqual({ server: 'https://ozg.example.de:8443', code: 'K7PQ-2M4X', fingerprint: fakeFingerprint, ca: '' });
    expect(await screen.findByTestId('sync-connected')).toHaveTextContent('https://ozg.example.de:8443');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Jetzt synchronisieren' })).toBeInTheDocument());
  });

  it('trusts a CA file instead and shows a wrong code at the field', async () => {
    const fake = asAdministration(new FakeApi());
    await renderApp(fake);
    await fireEvent.click(await screen.findByRole('button', { name: 'OZG-Cloud' }));
    await fireEvent.input(await screen.findByLabelText('Adresse des Servers (Pflichtfeld)'), { target: { value: 'https://ozg.intern' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Server prüfen' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Zertifikatsdatei wählen …' }));
    expect(await screen.findByTestId('sync-ca')).toHaveTextContent('ozg-ca.pem');
    await fireEvent.input(screen.getByLabelText('Anmeldecode (Pflichtfeld)'), { target: { value: 'FALSCH' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Verbinden' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/Anmeldecode ist unbekannt/));
    expect(screen.getByLabelText('Anmeldecode (Pflichtfeld)')).toHaveAttribute('aria-invalid', 'true');
    expect(fake.called('ConnectSync')[0].args[0]).toMatchObject({ fingerprint: '', ca: 'ozg-ca.pem' });
  });

  it('refuses plain http:// to anything but a loopback IP and says "Testbetrieb" only after reaching one', async () => {
    const fake = asAdministration(new FakeApi());
    await renderApp(fake);
    await fireEvent.click(await screen.findByRole('button', { name: 'OZG-Cloud' }));
    const address = await screen.findByLabelText('Adresse des Servers (Pflichtfeld)');
    for (const bad of ['http://ozg.example.de', 'http://localhost:8080', 'http://192.168.1.10']) {
      await fireEvent.input(address, { target: { value: bad } });
      await fireEvent.click(screen.getByRole('button', { name: 'Server prüfen' }));
      // The refusal is the address field's error, shown there once (issue 13, problem 10).
      await waitFor(() => expect(address).toHaveAccessibleDescription(expect.stringContaining('Bitte verwenden Sie https://')));
      expect(screen.getAllByText(/Bitte verwenden Sie https:\/\//)).toHaveLength(1);
      expect(address).toHaveAttribute('aria-invalid', 'true');
      expect(screen.getByTestId('sync-connect-status')).not.toHaveTextContent('Testbetrieb');
      expect(screen.queryByText(/unverschlüsselt erreichbar/)).toBeNull();
      expect(screen.queryByRole('button', { name: 'Verbinden' })).toBeNull();
    }
    await fireEvent.input(address, { target: { value: 'http://127.0.0.1:8080' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Server prüfen' }));
    await waitFor(() => expect(screen.getByTestId('sync-connect-status')).toHaveTextContent('Testbetrieb ohne Verschlüsselung auf diesem PC'));
    expect(screen.getByText(/unverschlüsselt erreichbar/)).toBeInTheDocument();
  });
});

describe('Konflikte klären', () => {
  it('opens from the status bar as a modal, shows both values and authors, traps focus and closes with Escape', async () => {
    const fake = enrolled(new FakeApi());
    fake.conflicts = [fakeConflict()];
    await renderApp(fake);
    const opener = await screen.findByRole('button', { name: '1 Konflikt klären' });
    opener.focus();
    await fireEvent.click(opener);
    const dialog = await screen.findByRole('dialog', { name: 'Konflikte klären' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    await waitFor(() => expect(within(dialog).getByTestId('conflict')).toHaveTextContent('Zuständigkeit'));
    const c = within(dialog).getByTestId('conflict');
    expect(c).toHaveTextContent('Anna Schmidt');
    expect(c).toHaveTextContent('geändert von Bernd Müller');
    await waitFor(() => expect(document.activeElement).toBe(dialog));

    // Tab from the last button wraps to the first, Shift+Tab from the first to the last.
    const buttons = within(dialog).getAllByRole('button');
    buttons[buttons.length - 1].focus();
    await fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(buttons[0]);
    await fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(buttons[buttons.length - 1]);

    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(opener);
  });

  it('keeps the other value and is reachable from the case', async () => {
    const fake = enrolled(new FakeApi());
    fake.conflicts = [fakeConflict()];
    await renderApp(fake);
    await fireEvent.click(screen.getAllByTestId('case-row')[1]);
    const notice = await screen.findByTestId('case-conflict');
    expect(notice).toHaveTextContent('Bei „Zuständigkeit“ gibt es einen Konflikt: Anna Schmidt und Bernd Müller');
    await fireEvent.click(within(notice).getByRole('button', { name: 'Konflikt klären …' }));
    const dialog = await screen.findByRole('dialog', { name: 'Konflikte klären' });
    await fireEvent.click(await within(dialog).findByRole('button', { name: '„Bernd Müller“ übernehmen' }));
    await waitFor(() => expect(fake.called('ResolveConflict')).toHaveLength(1));
    expect(fake.called('ResolveConflict')[0].args[0]).toEqual({ id: 'k1', keep: 'client', value: '' });
    expect(await within(dialog).findByText('Es gibt keine offenen Konflikte in diesem Vorgang.')).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Schließen' }));
    await waitFor(() => expect(screen.queryByTestId('case-conflict')).toBeNull());
  });

  it('takes another date for a deadline', async () => {
    const fake = enrolled(new FakeApi());
    fake.conflicts = [fakeConflict({ field: 'targetDeadline', fieldLabel: 'Zielfrist', kind: 'date', serverValue: '10.12.2026', clientValue: '20.12.2026', serverRaw: '2026-12-10', clientRaw: '2026-12-20' })];
    await renderApp(fake);
    await fireEvent.click(await screen.findByRole('button', { name: '1 Konflikt klären' }));
    const dialog = await screen.findByRole('dialog');
    const input = await within(dialog).findByLabelText('Anderes Datum');
    expect(input).toHaveValue('10.12.2026');
    await fireEvent.input(input, { target: { value: '24.12.2026' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Dieses Datum übernehmen' }));
    await waitFor(() => expect(fake.called('ResolveConflict')[0].args[0]).toEqual({ id: 'k1', keep: 'merged', value: '2026-12-24' }));
    expect(await within(dialog).findByRole('status')).toHaveTextContent('Der Konflikt bei „Zielfrist“');
  });
});

describe('Abgelehnte Änderungen', () => {
  it('lists the reason, links the case and dismisses', async () => {
    const fake = enrolled(new FakeApi());
    fake.rejected = [fakeRejected()];
    await renderApp(fake);
    await fireEvent.click(await screen.findByRole('button', { name: '1 abgelehnte Änderung' }));
    await screen.findByRole('heading', { level: 1, name: 'Abgelehnte Änderungen' });
    const row = await screen.findByTestId('rejected');
    expect(row).toHaveTextContent('Den Vorgang gibt es in der OZG-Cloud nicht.');
    expect(row).toHaveTextContent('Notiz hinzugefügt');
    await fireEvent.click(within(row).getByRole('button', { name: /ausblenden/ }));
    await waitFor(() => expect(fake.called('DismissRejected')[0].args).toEqual([7]));
    expect(await screen.findByText('Es gibt keine abgelehnten Änderungen.')).toBeInTheDocument();
  });

  it('opens the case from the list', async () => {
    const fake = enrolled(new FakeApi());
    fake.rejected = [fakeRejected()];
    await renderApp(fake);
    await fireEvent.click(await screen.findByRole('button', { name: '1 abgelehnte Änderung' }));
    const row = await screen.findByTestId('rejected');
    await fireEvent.click(within(row).getByRole('button', { name: fakeRejected().fileNumber }));
    await waitFor(() => expect(fake.called('GetCase').some((c) => c.args[0] === 'case-2')).toBe(true));
  });
});

describe('Weiterleiten', () => {
  it('names one of the OZG-Cloud org units once they are known', async () => {
    const fake = enrolled(new FakeApi());
    fake.orgUnits = [{ value: 'ou-1', label: 'Bürgerbüro' }, { value: 'ou-2', label: 'Bauamt' }];
    const d = fake.detail('case-0');
    fake.details.set('case-0', { ...d, actions: [...(d.actions ?? []), { action: 'weiterleiten', label: 'Weiterleiten', needsReason: true, destructive: false, confirm: '' }] });
    await renderApp(fake);
    await fireEvent.click(screen.getAllByTestId('case-row')[0]);
    await fireEvent.click(await screen.findByRole('button', { name: 'Weiterleiten …' }));
    const select = await screen.findByLabelText('An Stelle');
    await fireEvent.input(screen.getByLabelText('Grund'), { target: { value: 'Zuständig ist das Bauamt.' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Weiterleiten' }));
    expect(await screen.findByText('Bitte eine Stelle wählen.')).toBeInTheDocument();
    expect(fake.called('Forward')).toHaveLength(0);
    await fireEvent.change(select, { target: { value: 'ou-2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Weiterleiten' }));
    await waitFor(() => expect(fake.called('Forward')[0]?.args).toEqual(['case-0', 'ou-2', 'Zuständig ist das Bauamt.']));
    expect(fake.called('Transition')).toHaveLength(0);
  });
});

describe('clerks of a connected PC', () => {
  it('offers no clerk switch, connected or not: the header names who signed in, Sperren and Abmelden', async () => {
    for (const fake of [enrolled(new FakeApi()), new FakeApi()]) {
      fake.Session = async () => ({ ...structuredClone(fakeSession), demo: false });
      const { unmount } = await renderApp(fake);
      expect(screen.getByTestId('signed-in-as')).toHaveTextContent('Angemeldet: Anna Schmidt (Sachbearbeitung)');
      expect(screen.queryByRole('combobox', { name: /Angemeldet/ })).toBeNull();
      expect(screen.getByRole('button', { name: 'Sperren' })).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Abmelden' })).toBeInTheDocument();
      unmount();
    }
  });
});
