import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../App.svelte';
import { FakeApi, fakeSession } from '../fakeapi';
import { renderApp } from '../../test/harness';
import { EventCasesChanged, EventFilesDropped, EventFollowUpDue } from '../events';

async function openCase(fake: FakeApi, fileNumber: string) {
  await renderApp(fake);
  await fireEvent.click(screen.getByText(fileNumber));
  await screen.findByRole('heading', { level: 1, name: new RegExp(fileNumber) });
}

describe('Screens', () => {
  it('shows only the fatal message when the store cannot be opened', async () => {
    const fake = new FakeApi();
    fake.Session = async () => ({ ...structuredClone(fakeSession), fatal: 'OZG-Cloud Desktop läuft bereits.' });
    render(App, { props: { api: fake } });
    expect(await screen.findByRole('alert')).toHaveTextContent('OZG-Cloud Desktop läuft bereits.');
    expect(screen.queryByRole('grid')).toBeNull();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('announces a follow-up that fell due and opens its case', async () => {
    const fake = new FakeApi();
    await renderApp(fake);
    fake.emit(EventFollowUpDue, [{ caseId: 'case-3', fileNumber: 'GEW-2026-0003-A7', applicant: 'Person 3', followUpId: 'f1', due: '2026-03-10', reason: 'Nachweis prüfen', overdue: false, owner: 'Anna Schmidt', mine: true }]);
    const banner = screen.getByTestId('due-banner');
    await waitFor(() => expect(banner).toHaveTextContent('Wiedervorlage fällig: GEW-2026-0003-A7 – Nachweis prüfen'));
    expect(banner).toHaveAttribute('aria-live', 'polite');
    await fireEvent.click(within(banner).getByRole('button', { name: 'Vorgang GEW-2026-0003-A7 öffnen' }));
    expect(await screen.findByRole('heading', { level: 1, name: /GEW-2026-0003-A7/ })).toBeInTheDocument();
  });

  it('refreshes the list on "cases:changed"', async () => {
    const fake = new FakeApi(30);
    await renderApp(fake);
    const before = fake.queries.length;
    fake.total = 31;
    fake.emit(EventCasesChanged, [{ id: 'case-30', revision: 'r1' }]);
    await waitFor(() => expect(screen.getByTestId('total')).toHaveTextContent('31 Vorgänge'));
    expect(fake.queries.length).toBeGreaterThan(before);
  });

  it('validates "Antrag erfassen", shows server field errors and opens the new case', async () => {
    const fake = new FakeApi();
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Antrag erfassen' }));
    expect(screen.getByLabelText('Eingangsdatum (Pflichtfeld)')).toHaveValue('10.03.2026');
    await fireEvent.click(screen.getByRole('button', { name: 'Antrag speichern' }));
    const name = screen.getByLabelText('Name (Pflichtfeld)');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription('Bitte geben Sie den Namen an.');
    expect(fake.called('CreateCase')).toHaveLength(0);

    await fireEvent.input(name, { target: { value: 'Erika Mustermann' } });
    fake.fail.CreateCase = '{"code":"INVALID","message":"Bitte prüfen Sie die Eingaben.","fields":{"city":"Ort fehlt."}}';
    await fireEvent.click(screen.getByRole('button', { name: 'Antrag speichern' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Bitte prüfen Sie die Eingaben.');
    expect(screen.getByLabelText('Ort')).toHaveAccessibleDescription('Ort fehlt.');
    expect(name).toHaveValue('Erika Mustermann');

    delete fake.fail.CreateCase;
    await fireEvent.click(screen.getByRole('button', { name: 'Antrag speichern' }));
    await waitFor(() => expect(fake.called('CreateCase').at(-1)!.args[0]).toMatchObject({ name: 'Erika Mustermann', type: 'GEWERBE', channel: 'POST', received: '2026-03-10' }));
    expect(await screen.findByRole('heading', { level: 1, name: /GEW-2026-9999-A7/ })).toBeInTheDocument();
  });

  it('adds comments, follow-ups and messages', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0001-A7');
    await fireEvent.click(screen.getByRole('tab', { name: /Kommentare/ }));
    await fireEvent.input(screen.getByLabelText('Kommentar (Pflichtfeld)'), { target: { value: 'Rückruf vereinbart' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Kommentar speichern' }));
    expect(await screen.findByText('Rückruf vereinbart')).toBeInTheDocument();
    expect(screen.getByTestId('saved')).toHaveTextContent('Gespeichert.');

    await fireEvent.click(screen.getByRole('tab', { name: /Wiedervorlagen/ }));
    await fireEvent.input(screen.getByLabelText('Fällig am (Pflichtfeld)'), { target: { value: '01.04.2026' } });
    await fireEvent.input(screen.getByLabelText('Grund (Pflichtfeld)'), { target: { value: 'Unterlagen' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Wiedervorlage anlegen' }));
    expect(await screen.findByText('fällig am 01.04.2026')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Wiedervorlage vom 01.04.2026 erledigt' }));
    await waitFor(() => expect(fake.called('CompleteFollowUp')).toHaveLength(1));

    await fireEvent.click(screen.getByRole('tab', { name: /Nachrichten/ }));
    await fireEvent.input(screen.getByLabelText('Betreff (Pflichtfeld)'), { target: { value: 'Nachweis' } });
    await fireEvent.input(screen.getByLabelText('Text (Pflichtfeld)'), { target: { value: 'Bitte senden Sie …' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Nachricht senden' }));
    expect(await screen.findByText('wartet auf Versand')).toBeInTheDocument();
  });

  it('moves between tabs with the arrow keys', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0001-A7');
    const first = screen.getByRole('tab', { name: 'Übersicht' });
    first.focus();
    await fireEvent.keyDown(first, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: /Dokumente/ })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: /Dokumente/ })).toHaveFocus();
    await fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(screen.getByRole('tab', { name: /Bescheide/ })).toHaveFocus();
  });

  it('refuses a dropped file over the limit and sends a small one as base64', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0001-A7');
    await fireEvent.click(screen.getByRole('tab', { name: /Dokumente/ }));
    const zone = screen.getByTestId('drop-zone');
    const big = new File([new Uint8Array(2 * 1024 * 1024)], 'scan.pdf', { type: 'application/pdf' });
    await fireEvent.drop(zone, { dataTransfer: { files: [big] } });
    expect(await screen.findByRole('alert')).toHaveTextContent('Datei zu groß (max. 1 MB): scan.pdf');
    expect(fake.called('AddAttachmentData')).toHaveLength(0);

    const small = new File(['Hallo'], 'notiz.txt', { type: 'text/plain' });
    await fireEvent.drop(zone, { dataTransfer: { files: [small] } });
    await waitFor(() => expect(fake.called('AddAttachmentData')[0].args).toEqual(['case-1', 'notiz.txt', 'text/plain', btoa('Hallo')]));
  });

  it('answers a drop onto the desktop window with the open case and the drop, never a path', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0001-A7');
    await fireEvent.click(screen.getByRole('tab', { name: /Dokumente/ }));
    fake.emit(EventFilesDropped, { id: '7', names: ['Scan.pdf'] });
    await waitFor(() => expect(fake.called('AddDroppedFiles')).toHaveLength(1));
    expect(fake.called('AddDroppedFiles')[0].args).toEqual(['case-1', '7']);
  });

  it('verifies the history and says the result', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0001-A7');
    await fireEvent.click(screen.getByRole('tab', { name: /Verlauf/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Verlauf prüfen' }));
    await waitFor(() => expect(screen.getByTestId('verify-result')).toHaveTextContent('Der Verlauf ist unverändert (3 Einträge).'));
  });

  it('checks the signature of a PDF from disk and says the result', async () => {
    const fake = new FakeApi();
    fake.CheckSignatureFromDialog = () =>
      Promise.resolve({
        file: 'Bescheid.pdf',
        signatures: [{ valid: false, signer: 'Testsiegel', organization: '', signingTime: '', keyType: 'RSA 3072', wholeDocument: true, timestamped: false, problem: 'verändert' }],
        summary: 'Die Signatur ist NICHT gültig: verändert.',
      });
    await openCase(fake, 'GEW-2026-0001-A7');
    await fireEvent.click(screen.getByRole('tab', { name: /Dokumente/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Andere PDF-Datei prüfen …' }));
    await waitFor(() => expect(screen.getByTestId('signature-check')).toHaveTextContent('Bescheid.pdf: Die Signatur ist NICHT gültig: verändert.'));
  });
});
