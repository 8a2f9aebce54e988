import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { FakeApi, fakeSession } from '../../fakeapi';
import { renderApp } from '../../../test/harness';

function asAdministration(fake: FakeApi) {
  fake.Session = async () => ({
    ...structuredClone(fakeSession),
    clerk: { id: 'c9', name: 'Jens Wagner', role: 'administration', roleLabel: 'Administration' },
  });
  return fake;
}

async function openSettings(fake = asAdministration(new FakeApi())) {
  await renderApp(fake);
  await fireEvent.click(screen.getByRole('button', { name: 'E-Mail-Postfach' }));
  await screen.findByRole('heading', { level: 1, name: 'E-Mail-Postfach für den Eingang' });
  await waitFor(() => expect(screen.getByLabelText('Server (Pflichtfeld)')).toBeInTheDocument());
  return fake;
}

describe('MailSettings', () => {
  it('is offered to the administration only', async () => {
    await renderApp(new FakeApi());
    expect(screen.queryByRole('button', { name: 'E-Mail-Postfach' })).toBeNull();
  });

  it('shows field errors from the backend and saves without ever echoing the password', async () => {
    const fake = await openSettings();
    expect(screen.getByLabelText('Ordner')).toHaveValue('INBOX');
    expect(screen.getByLabelText('Port (Pflichtfeld)')).toHaveValue(993);
    await fireEvent.input(screen.getByLabelText('Server (Pflichtfeld)'), { target: { value: 'imap.musterhausen.de' } });
    await fireEvent.change(screen.getByLabelText('Verschlüsselung (Pflichtfeld)'), { target: { value: 'none' } });
    expect(screen.getByLabelText('Port (Pflichtfeld)')).toHaveValue(143);
    await fireEvent.input(screen.getByLabelText('Benutzername (Pflichtfeld)'), { target: { value: 'poststelle' } });

    fake.fail.SaveMailSettings = JSON.stringify({
      code: 'INVALID', message: 'Bitte prüfen Sie die markierten Angaben. Es wurde nichts gespeichert.',
      fields: { tls: 'Ohne Verschlüsselung ist nur ein Server auf diesem Rechner erlaubt.', password: 'Bitte geben Sie das Passwort des Postfachs an.' },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Speichern' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Es wurde nichts gespeichert.');
    const tls = screen.getByLabelText('Verschlüsselung (Pflichtfeld)');
    expect(tls).toHaveAttribute('aria-invalid', 'true');
    expect(tls).toHaveAccessibleDescription('Ohne Verschlüsselung ist nur ein Server auf diesem Rechner erlaubt.');
    const password = screen.getByLabelText('Passwort (Pflichtfeld)');
    expect(password).toHaveAttribute('type', 'password');
    expect(password).toHaveAccessibleDescription('Bitte geben Sie das Passwort des Postfachs an.');
    await waitFor(() => expect(document.activeElement).toBe(tls));

    delete fake.fail.SaveMailSettings;
    await fireEvent.change(tls, { target: { value: 'tls' } });
    await fireEvent.input(password, { target: { value: 'Geheim-4711' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Speichern' }));
    await waitFor(() => expect(screen.getByTestId('mail-result')).toHaveTextContent('Gespeichert.'));
    expect(fake.called('SaveMailSettings').at(-1)!.args[0]).toMatchObject({
      host: 'imap.musterhausen.de', port: 993, tls: 'tls', user: 'poststelle', password: 'Geheim-4711', folder: 'INBOX', ca: '',
    });
    // The password went to the backend once and is shown nowhere afterwards.
    const stored = screen.getByLabelText('Passwort');
    expect(stored).toHaveValue('');
    expect(stored).toHaveAccessibleDescription('Ein Passwort ist gespeichert. Lassen Sie das Feld leer, um es zu behalten; es gilt nur für den gespeicherten Server, Port, Benutzernamen und die gespeicherte Verschlüsselung.');
    expect(document.body.innerHTML).not.toContain('Geheim-4711');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('tests the connection and says in German what is wrong, in a status region', async () => {
    const fake = await openSettings();
    fake.mailCheck = {
      ok: false, summary: 'Die Verbindung funktioniert nicht.', passed: [], warnings: [],
      problem: 'Die Anmeldung als „amt“ ist fehlgeschlagen. Bitte Benutzername und Passwort prüfen.',
    };
    await fireEvent.click(screen.getByRole('button', { name: 'Verbindung testen' }));
    const status = screen.getByTestId('mail-result');
    expect(status).toHaveAttribute('role', 'status');
    await waitFor(() => expect(status).toHaveTextContent('Die Verbindung funktioniert nicht.'));
    expect(status).toHaveTextContent('Die Anmeldung als „amt“ ist fehlgeschlagen.');
    expect(fake.called('SaveMailSettings')).toHaveLength(0);

    fake.mailCheck = {
      ok: true, summary: 'Die Verbindung funktioniert, mit Einschränkungen.', passed: ['Server erreicht, Anmeldung erfolgreich.'],
      warnings: ['Der Server unterstützt weder MOVE noch UIDPLUS.'], problem: '',
    };
    await fireEvent.click(screen.getByRole('button', { name: 'Verbindung testen' }));
    await waitFor(() => expect(status).toHaveTextContent('mit Einschränkungen'));
    expect(within(status).getByRole('list', { name: 'Hinweise' })).toHaveTextContent('weder MOVE noch UIDPLUS');
  });

  it('takes the CA file from the file dialog and can go back to the system certificates', async () => {
    const fake = await openSettings();
    // Go reads the file from the native dialog and tells only its name.
    fake.caChoice = { name: 'ca-musterhausen.pem' };
    await fireEvent.click(screen.getByRole('button', { name: 'Zertifikatsdatei wählen …' }));
    expect(await screen.findByText('Zertifizierungsstelle aus: ca-musterhausen.pem')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Zertifikate des Betriebssystems verwenden' }));
    expect(screen.getByText('Die Zertifikate des Betriebssystems werden verwendet.')).toBeInTheDocument();
  });
});
