import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { FakeApi } from '../fakeapi';
import { renderApp } from '../../test/harness';
import { EventScanStatus } from '../events';
import type { AttachmentView } from '../types';

const file = (id: string, name: string, scan: string, scanLabel: string, scanMessage: string): AttachmentView => ({
  id, name, mediaType: 'application/pdf', size: 68, addedAt: '2026-03-10T10:00:00+01:00', addedBy: 'E-Mail-Eingang',
  url: scanMessage ? '' : `/files/case-1/${id}`, preview: scanMessage ? '' : 'pdf', scan, scanLabel, scanMessage,
});

const finding = 'Die Datei „Rechnung.pdf“ enthält Schadsoftware (Fund: OzgCloud.Test.Harmless.UNOFFICIAL). Sie ist in Quarantäne: Sie bleibt beim Vorgang, kann aber nicht geöffnet, angezeigt oder gedruckt werden. Bitte wenden Sie sich an die IT.';
const unchecked = 'Die Datei „Nachweis.pdf“ ist nicht geprüft: Der Virenscanner war nicht erreichbar.';

describe('Virenscanner', () => {
  it('says in the status bar when the scanner is down and when it is back', async () => {
    const fake = new FakeApi();
    fake.scanStatusValue = { state: 'ok', message: 'Virenscanner aktiv', since: '' };
    await renderApp(fake);
    const s = await screen.findByTestId('scan-status');
    expect(s).toHaveTextContent('Virenscanner aktiv');
    expect(s).toHaveAttribute('role', 'status');

    fake.emit(EventScanStatus, { state: 'down', message: 'Virenscanner nicht erreichbar: neue Anlagen bleiben „nicht geprüft“ und gesperrt', since: '2026-03-10T10:00:00+01:00' });
    await waitFor(() => expect(screen.getByTestId('scan-status')).toHaveTextContent('Virenscanner nicht erreichbar'));
    expect(screen.getByTestId('scan-status')).toHaveClass('error');
    fake.emit(EventScanStatus, { state: 'ok', message: 'Virenscanner aktiv', since: '' });
    await waitFor(() => expect(screen.getByTestId('scan-status')).not.toHaveClass('error'));
  });

  it('shows nothing on a PC without a scanner', async () => {
    await renderApp(new FakeApi());
    expect(screen.queryByTestId('scan-status')).toBeNull();
  });

  it('marks the case in the list and names the finding in the case, with no way to open the file', async () => {
    const fake = new FakeApi();
    fake.rowScan.set('case-1', 'infected');
    fake.rowScan.set('case-2', 'unchecked');
    const d = fake.detail('case-1');
    d.attachments = [
      file('a1', 'Rechnung.pdf', 'infected', 'Schadsoftware gefunden', finding),
      file('a2', 'Nachweis.pdf', 'unchecked', 'nicht geprüft', unchecked),
      file('a3', 'Antrag.pdf', 'clean', '', ''),
    ];
    d.scanNotices = [finding, unchecked];
    const pulled = 'Die Datei „Bescheid.pdf“ wird noch auf Schadsoftware geprüft. Bitte versuchen Sie es gleich noch einmal.';
    d.decisions = [{
      id: 'd1', title: 'Bescheid Gewerbe', createdAt: '2026-03-10T10:00:00+01:00', signed: true, signedAt: '2026-03-10T10:00:00+01:00',
      supersededBy: '', supersedes: '', posted: '', document: file('doc1', 'Bescheid.pdf', 'pending', 'wird geprüft', pulled),
    }];
    fake.details.set('case-1', d);
    await renderApp(fake);
    const marks = screen.getAllByTestId('scan-mark');
    expect(marks.map((m) => m.textContent)).toEqual(['Schadsoftware', 'nicht geprüft']);

    await fireEvent.click(screen.getByText('GEW-2026-0001-A7'));
    const notices = await screen.findByRole('region', { name: 'Virenprüfung' });
    expect(notices).toHaveTextContent('Fund: OzgCloud.Test.Harmless');
    expect(notices).toHaveTextContent('„Nachweis.pdf“ ist nicht geprüft');

    await fireEvent.click(screen.getByRole('tab', { name: /Dokumente/ }));
    expect(screen.getAllByTestId('file-scan-mark').map((m) => m.textContent)).toEqual(['Schadsoftware gefunden', 'nicht geprüft']);
    expect(screen.queryByRole('button', { name: 'Rechnung.pdf öffnen' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Vorschau von Rechnung.pdf' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Signatur prüfen: Rechnung.pdf' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Nachweis.pdf öffnen' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Antrag.pdf öffnen' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Signatur prüfen: Antrag.pdf' })).toBeInTheDocument();
    expect(screen.getAllByTestId('file-scan-message')[0]).toHaveTextContent(finding);

    await fireEvent.click(screen.getByRole('tab', { name: /Bescheide/ }));
    expect(await screen.findByTestId('decision-scan-message')).toHaveTextContent(pulled);
    expect(screen.queryByRole('button', { name: 'Bescheid Gewerbe öffnen' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Vorschau von Bescheid Gewerbe' })).toBeNull();
  });
});
