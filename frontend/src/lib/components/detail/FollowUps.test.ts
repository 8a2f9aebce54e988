import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { FakeApi } from '../../fakeapi';
import { renderApp } from '../../../test/harness';

// Issue 13, problem 7: the due list showed the whole office's follow-ups with no
// owner; closing a case left its follow-ups falling due; none could be given away.
const due = (id: string, owner: string, mine: boolean) => ({
  caseId: 'case-1', fileNumber: 'GEW-2026-0001-A7', applicant: 'Person 1', followUpId: id,
  due: '2026-03-10', reason: `Prüfen ${id}`, overdue: false, owner, mine,
});

describe('Wiedervorlagen', () => {
  it("lists mine by default with the owner, the office's on request", async () => {
    const fake = new FakeApi();
    fake.due = [due('f1', 'Anna Schmidt', true), due('f2', 'Bernd Weber', false)];
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: /^Wiedervorlagen/ }));
    await screen.findByRole('heading', { name: 'Fällige Wiedervorlagen' });
    await waitFor(() => expect(screen.getAllByTestId('due-owner').map((o) => o.textContent)).toEqual(['für mich (Anna Schmidt)']));
    expect(fake.called('DueFollowUps').at(-1)!.args).toEqual([false]);
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Alle der Dienststelle zeigen, nicht nur meine' }));
    await waitFor(() => expect(screen.getAllByTestId('due-owner').map((o) => o.textContent)).toEqual(['für mich (Anna Schmidt)', 'für Bernd Weber']));
    expect(fake.called('DueFollowUps').at(-1)!.args).toEqual([true]);
  });

  it('gives a follow-up to a colleague', async () => {
    const fake = new FakeApi();
    await renderApp(fake);
    await fireEvent.click(screen.getByText('GEW-2026-0000-A7'));
    await screen.findByRole('heading', { level: 1, name: /GEW-2026-0000-A7/ });
    await fireEvent.click(screen.getByRole('tab', { name: /Wiedervorlagen/ }));
    await fireEvent.click(screen.getByRole('button', { name: /^in 1 Woche/ }));
    await fireEvent.input(screen.getByLabelText('Grund (Pflichtfeld)'), { target: { value: 'Rückruf' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Wiedervorlage anlegen' }));
    expect(await screen.findByTestId('followup-owner')).toHaveTextContent('für Anna Schmidt');
    await fireEvent.change(screen.getByLabelText('Wiedervorlage vom 17.03.2026 weitergeben an'), { target: { value: 'c2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Wiedervorlage vom 17.03.2026 weitergeben' }));
    await waitFor(() => expect(fake.called('HandFollowUp')[0].args).toEqual(['case-0', 'f0', 'c2']));
    await waitFor(() => expect(screen.getAllByTestId('followup-owner').map((o) => o.textContent)).toContain('für Bernd Weber'));
  });

  it('offers to complete the open follow-ups when the case is closed', async () => {
    const fake = new FakeApi();
    const d = fake.detail('case-2'); // In Bearbeitung
    d.followUps = [{ id: 'f9', due: '2026-03-20', reason: 'Nachweis', by: 'Anna Schmidt', owner: 'Anna Schmidt', mine: true, done: false, doneAt: '', state: 'open' }];
    fake.details.set('case-2', d);
    await renderApp(fake);
    await fireEvent.click(screen.getByText('GEW-2026-0002-A7'));
    const bar = await screen.findByRole('group', { name: 'Aktionen' });
    await fireEvent.click(within(bar).getByRole('button', { name: 'Abschließen …' }));
    const dialog = screen.getByRole('dialog', { name: 'Abschließen: bitte bestätigen' });
    const box = within(dialog).getByRole('checkbox', { name: 'Die offene Wiedervorlage als erledigt markieren' });
    expect(box).toBeChecked();
    expect(dialog).toHaveTextContent('Nachweis (für Anna Schmidt)');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Abschließen' }));
    await waitFor(() => expect(fake.called('CompleteFollowUp')[0]?.args).toEqual(['case-2', 'f9']));
    expect(fake.called('Transition')[0].args).toEqual(['case-2', 'abschliessen', '']);
  });
});
