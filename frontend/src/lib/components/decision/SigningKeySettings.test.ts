import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { FakeApi, fakeSession } from '../../fakeapi';
import { renderApp } from '../../../test/harness';

function adminFake() {
  const fake = new FakeApi();
  const admin = { id: 'c3', name: 'Jens Wagner', role: 'administration', roleLabel: 'Administration' };
  fake.Session = () => Promise.resolve({ ...structuredClone(fakeSession), clerk: admin });
  fake.key.mayEdit = true;
  return fake;
}

describe('Signaturschlüssel (Administration)', () => {
  it('is offered to the administration only', async () => {
    await renderApp(new FakeApi());
    expect(screen.queryByRole('button', { name: 'Signaturschlüssel' })).toBeNull();
  });

  it('switches the office to a token, with field errors kept by the backend', async () => {
    const fake = adminFake();
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Signaturschlüssel' }));
    await screen.findByRole('heading', { name: 'Signaturschlüssel für Bescheide' });
    expect(screen.getByTestId('key-note')).toHaveTextContent('Demo-Schlüssel, nicht für echte Bescheide.');

    await fireEvent.click(screen.getByLabelText(/^Token oder Signaturkarte/));
    // The library is chosen from the PC's list, never typed.
    const lib = screen.getByLabelText('PKCS#11-Bibliothek');
    expect(lib.tagName).toBe('SELECT');
    expect(fake.called('SigningModules')).toHaveLength(1);
    await fireEvent.change(lib, { target: { value: '/usr/lib/softhsm/libsofthsm2.so' } });
    await fireEvent.input(screen.getByLabelText('Name (Label) des Tokens'), { target: { value: 'Rathaus' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Speichern' }));
    await waitFor(() => expect(fake.called('SaveSigningKey')[0].args[0]).toEqual({
      kind: 'pkcs11', module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'Rathaus', keyLabel: '', tsaUrl: '',
    }));
    await waitFor(() => expect(screen.getByTestId('key-note')).toHaveTextContent('Token (qualifiziertes Siegel möglich)'));
    expect(screen.getByTestId('key-note')).not.toHaveTextContent('Demo-Schlüssel');

    fake.fail.SaveSigningKey = JSON.stringify({ code: 'INVALID', message: 'Bitte prüfen Sie die markierten Angaben.', fields: { tsaUrl: 'Bitte eine Adresse mit http:// oder https:// angeben.' } });
    await fireEvent.input(screen.getByLabelText(/^Zeitstempeldienst/), { target: { value: 'ftp://x' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Speichern' }));
    await waitFor(() => expect(screen.getByLabelText(/^Zeitstempeldienst/)).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByLabelText(/^Zeitstempeldienst/)).toHaveAccessibleDescription('Bitte eine Adresse mit http:// oder https:// angeben.');
  });

  it('takes the timestamp service certificate from the native dialog and can go back to the system', async () => {
    const fake = adminFake();
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Signaturschlüssel' }));
    expect(await screen.findByTestId('tsa-roots')).toHaveTextContent('keines gewählt');
    await fireEvent.click(screen.getByRole('button', { name: 'Zertifikat des Zeitstempeldienstes wählen …' }));
    await waitFor(() => expect(screen.getByTestId('tsa-roots')).toHaveTextContent('Zertifikat des Zeitstempeldienstes: tsa-ca.pem'));
    await fireEvent.click(screen.getByRole('button', { name: 'Zertifikate des Betriebssystems verwenden' }));
    await waitFor(() => expect(screen.getByTestId('tsa-roots')).toHaveTextContent('keines gewählt'));
    expect(fake.called('ClearTSACertificate')).toHaveLength(1);
  });

  it('checks the key with its password and forgets the password', async () => {
    const fake = adminFake();
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Signaturschlüssel' }));
    const secret = await screen.findByLabelText(/^Passwort der Schlüsseldatei/);
    await fireEvent.input(secret, { target: { value: 'demo' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Schlüssel prüfen' }));
    await waitFor(() => expect(screen.getByTestId('key-test')).toHaveTextContent('Der Schlüssel lässt sich öffnen: Demo-Siegel Gemeinde Musterhausen, ECDSA P-256, gültig bis 10.03.2031.'));
    expect(secret).toHaveValue('');
  });
});
