// How many calls into Go one click costs. Before the change feed and revisions, saving
// a comment made 11: the action, then counts, dueFollowUps and the list page twice
// (once after the answer, once after "cases:changed"), the conflicts three times and
// the case it had just returned once more (getCase).
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { FakeApi } from '../../fakeapi';
import { EventCasesChanged } from '../../events';
import { renderApp } from '../../../test/harness';

const settle = () => new Promise((r) => setTimeout(r, 50));

async function openCase(fake: FakeApi, fileNumber: string) {
  await renderApp(fake);
  await fireEvent.click(screen.getByText(fileNumber));
  await screen.findByRole('heading', { level: 1, name: new RegExp(fileNumber) });
  await settle();
}

function callsSince(fake: FakeApi, before: number): string[] {
  return fake.calls.slice(before).map((c) => c.name).sort();
}

describe('calls into Go per click', () => {
  it('saving a comment calls the action and refreshes counts and list once, never the case', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0001-A7');
    await fireEvent.click(screen.getByRole('tab', { name: /Kommentare/ }));
    await fireEvent.input(screen.getByLabelText('Kommentar (Pflichtfeld)'), { target: { value: 'Rückruf vereinbart' } });
    const before = fake.calls.length;
    await fireEvent.click(screen.getByRole('button', { name: 'Kommentar speichern' }));
    expect(await screen.findByText('Rückruf vereinbart')).toBeInTheDocument();
    await settle();
    expect(callsSince(fake, before)).toEqual(['AddComment', 'Counts', 'DueFollowUps', 'ListCases']);
  });

  it('an event that arrives before the answer does not reload the case either', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0002-A7');
    const assign = fake.Assign;
    fake.Assign = async (id, clerk) => {
      const d = await assign(id, clerk);
      fake.emit(EventCasesChanged, [{ id, revision: d.revision }]);
      await settle();
      return d;
    };
    const before = fake.calls.length;
    await fireEvent.change(screen.getByLabelText('Zuweisen'), { target: { value: 'c1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Zuweisen' }));
    await waitFor(() => expect(screen.getByTestId('case-assignee')).toHaveTextContent('Anna Schmidt'));
    await settle();
    expect(callsSince(fake, before)).not.toContain('GetCase');
  });

  it('a change made elsewhere reloads the open case once', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0001-A7');
    const before = fake.calls.length;
    fake.emit(EventCasesChanged, [{ id: 'case-1', revision: 'from-elsewhere' }, { id: 'case-2', revision: 'r9' }]);
    await settle();
    expect(callsSince(fake, before).filter((n) => n === 'GetCase')).toHaveLength(1);
    const again = fake.calls.length;
    fake.emit(EventCasesChanged, [{ id: 'case-2', revision: 'r10' }]);
    await settle();
    expect(callsSince(fake, again)).not.toContain('GetCase');
  });

  it('a new case opens as createCase returned it', async () => {
    const fake = new FakeApi();
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Antrag erfassen' }));
    await fireEvent.input(screen.getByLabelText('Name (Pflichtfeld)'), { target: { value: 'Erika Mustermann' } });
    const before = fake.calls.length;
    await fireEvent.click(screen.getByRole('button', { name: 'Antrag speichern' }));
    expect(await screen.findByRole('heading', { level: 1, name: /GEW-2026-9999-A7/ })).toBeInTheDocument();
    await settle();
    // The conflicts are the new view's own (the notice of open conflicts of the case).
    expect(callsSince(fake, before)).toEqual(['Counts', 'CreateCase', 'DueFollowUps', 'ListCases', 'SyncConflicts']);
  });
});
