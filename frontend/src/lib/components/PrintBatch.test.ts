import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { FakeApi, type fakePrintLetters } from '../fakeapi';
import { renderApp } from '../../test/harness';

async function openPrint(fake: FakeApi) {
  await renderApp(fake);
  await fireEvent.click(screen.getByRole('button', { name: 'Sammeldruck' }));
  await screen.findByRole('heading', { level: 1, name: 'Sammeldruck' });
}

type Letter = ReturnType<typeof fakePrintLetters>[number];

describe('Sammeldruck', () => {
  it("prints today's letters as one file and records the post once confirmed", async () => {
    const fake = new FakeApi();
    await openPrint(fake);
    await waitFor(() => expect(screen.getAllByTestId('print-row')).toHaveLength(2));
    expect(fake.called('PrintCandidates')[0].args[0]).toEqual({ scope: 'today', caseIds: [] });
    const second = screen.getByRole('checkbox', { name: 'GEW-2026-0002-A7 (Person 2) in den Sammeldruck' });
    await fireEvent.click(second);
    expect(second).not.toBeChecked();
    await fireEvent.click(screen.getByRole('button', { name: 'Sammeldruck erstellen (1 Bescheid)' }));
    expect(await screen.findByText(/Die Druckdatei mit 2 Seiten wurde im PDF-Programm geöffnet/)).toBeInTheDocument();
    expect((fake.called('PrintBatch')[0].args[0] as Letter[]).map((l) => l.decisionId)).toEqual(['d1']);

    const confirm = screen.getByRole('button', { name: 'Alle Briefe wurden versandt' });
    await waitFor(() => expect(confirm).toHaveFocus());
    await fireEvent.click(confirm);
    expect(await screen.findByText('Für einen Vorgang wurde vermerkt: per Post versandt am 10.03.2026.')).toBeInTheDocument();
    expect((fake.called('ConfirmPosted')[0].args[0] as Letter[]).map((l) => l.decisionId)).toEqual(['d1']);
    // Posted letters stay listed but are not chosen again.
    await waitFor(() => expect(screen.getByRole('checkbox', { name: /GEW-2026-0001-A7/ })).not.toBeChecked());
    expect(screen.queryByRole('button', { name: 'Alle Briefe wurden versandt' })).toBeNull();
  });

  it('offers every unposted letter and prints one on its own', async () => {
    const fake = new FakeApi();
    await openPrint(fake);
    await fireEvent.click(screen.getByLabelText('Alle noch nicht versandten'));
    await waitFor(() => expect(screen.getAllByTestId('print-row')).toHaveLength(3));
    const row = screen.getAllByTestId('print-row')[2];
    await fireEvent.click(within(row).getByRole('button', { name: /Einzeln drucken.*GEW-2026-0003-A7/ }));
    expect(fake.called('PrintDecision')[0].args).toEqual(['case-3', 'd3']);
    expect(await screen.findByText(/Der Bescheid zu GEW-2026-0003-A7 wurde im PDF-Programm geöffnet/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Keine auswählen' }));
    expect(screen.getByRole('button', { name: /Sammeldruck erstellen \(0 Bescheide\)/ })).toBeDisabled();
  });

  it('shows the reason when the letters cannot be merged', async () => {
    const fake = new FakeApi();
    await openPrint(fake);
    await waitFor(() => expect(screen.getAllByTestId('print-row')).toHaveLength(2));
    fake.fail.PrintBatch = JSON.stringify({ code: 'NOT_FOUND', message: 'Der unterschriebene Bescheid zu GEW-2026-0001-A7 fehlt auf diesem Rechner.' });
    await fireEvent.click(screen.getByRole('button', { name: 'Sammeldruck erstellen (2 Bescheide)' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('fehlt auf diesem Rechner');
    expect(screen.queryByRole('button', { name: 'Alle Briefe wurden versandt' })).toBeNull();
  });

  it('prints one decision from the case and shows when it went out by post', async () => {
    const fake = new FakeApi();
    const d = fake.detail('case-1');
    d.decisions = [{
      id: 'd1', title: 'Bewilligung', createdAt: '2026-03-10T08:00:00+01:00', signed: true, signedAt: '2026-03-10T09:00:00+01:00',
      supersededBy: '', supersedes: '', posted: '2026-03-10',
      document: { id: 'doc1', name: 'Bescheid GEW-2026-0001-A7.pdf', mediaType: 'application/pdf', size: 40000, addedAt: '2026-03-10T09:00:00+01:00', addedBy: 'Anna Schmidt', url: '/files/case-1/doc1', preview: 'pdf', scan: '', scanLabel: '', scanMessage: '' },
    }];
    fake.details.set('case-1', d);
    await renderApp(fake);
    await fireEvent.click(screen.getByText('GEW-2026-0001-A7'));
    await fireEvent.click(await screen.findByRole('tab', { name: 'Bescheide (1)' }));
    expect(screen.getByTestId('decision')).toHaveTextContent('per Post versandt am 10.03.2026');
    await fireEvent.click(screen.getByRole('button', { name: 'Bewilligung drucken' }));
    expect(fake.called('PrintDecision')[0].args).toEqual(['case-1', 'd1']);
  });
});
