import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { FakeApi } from '../../fakeapi';
import { renderApp } from '../../../test/harness';
import type { AttachmentView } from '../../types';

const file = (id: string, name: string): AttachmentView => ({
  id, name, mediaType: 'application/octet-stream', size: 1200, addedAt: '2026-03-10T10:00:00Z', addedBy: 'Anna Schmidt', url: `/files/case-1/${id}`, preview: '', scan: 'clean', scanLabel: '', scanMessage: '',
});

async function documentsOf(fake: FakeApi) {
  const d = fake.detail('case-1');
  d.attachments = [file('exe', 'Rechnung.pdf.exe'), file('xlsm', 'Tabelle.xlsm'), file('zip', 'Unterlagen.zip')];
  fake.details.set('case-1', d);
  await renderApp(fake);
  await fireEvent.click(screen.getByText(d.fileNumber));
  await fireEvent.click(await screen.findByRole('tab', { name: /Dokumente/ }));
}

describe('Öffnen of files from strangers', () => {
  it('shows why a file is refused and offers only Speichern unter', async () => {
    const fake = new FakeApi();
    fake.openResults.exe = { outcome: 'refused', message: '„Rechnung.pdf.exe“ wird nicht geöffnet: Dateien vom Typ .EXE können Programme oder Skripte ausführen.', entries: [], truncated: false, maySave: true };
    await documentsOf(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Rechnung.pdf.exe öffnen' }));
    const box = await screen.findByRole('alertdialog', { name: 'Datei wird nicht geöffnet' });
    expect(box).toHaveTextContent('Dateien vom Typ .EXE können Programme');
    expect(box).toHaveFocus();
    expect(within(box).queryByRole('button', { name: 'Trotzdem öffnen' })).toBeNull();
    await fireEvent.click(within(box).getByRole('button', { name: 'Speichern unter …' }));
    await waitFor(() => expect(screen.getByTestId('file-saved')).toHaveTextContent('Kopie gespeichert: /home/amt/Kopie.pdf'));
    expect(fake.calls.map((c) => c.name)).not.toContain('OpenAttachmentConfirmed');
  });

  it('opens a macro document only after the clerk confirms', async () => {
    const fake = new FakeApi();
    fake.openResults.xlsm = { outcome: 'confirm', message: '„Tabelle.xlsm“ ist ein Office-Dokument mit Makros.', entries: [], truncated: false, maySave: true };
    await documentsOf(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Tabelle.xlsm öffnen' }));
    const box = await screen.findByRole('alertdialog', { name: 'Achtung: Dokument mit Makros' });
    expect(fake.calls.map((c) => c.name)).not.toContain('OpenAttachmentConfirmed');
    await fireEvent.click(within(box).getByRole('button', { name: 'Trotzdem öffnen' }));
    await waitFor(() => expect(screen.queryByTestId('open-notice')).toBeNull());
    expect(fake.calls.filter((c) => c.name === 'OpenAttachmentConfirmed').map((c) => c.args)).toEqual([['case-1', 'xlsm']]);
  });

  it('lists an archive with names and sizes', async () => {
    const fake = new FakeApi();
    fake.openResults.zip = {
      outcome: 'archive', message: '„Unterlagen.zip“ ist ein ZIP-Archiv.', truncated: false, maySave: true,
      entries: [{ name: 'Antrag.pdf', size: 2048, dangerous: false }, { name: 'Rechnung.pdf.exe', size: 100, dangerous: true }],
    };
    await documentsOf(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Unterlagen.zip öffnen' }));
    const box = await screen.findByRole('dialog', { name: 'Inhalt des ZIP-Archivs' });
    const rows = within(box).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('Antrag.pdf');
    expect(rows[2]).toHaveTextContent('Rechnung.pdf.exe');
    expect(rows[2]).toHaveTextContent('kann Programme ausführen');
  });
});
