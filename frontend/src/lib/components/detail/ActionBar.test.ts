import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { FakeApi } from '../../fakeapi';
import { renderApp } from '../../../test/harness';
import { EventCasesChanged } from '../../events';

async function openCase(fake: FakeApi, fileNumber: string) {
  await renderApp(fake);
  await fireEvent.click(screen.getByText(fileNumber));
  await screen.findByRole('heading', { level: 1, name: new RegExp(fileNumber) });
  return screen.getByRole('group', { name: 'Aktionen' });
}

describe('Aktionen', () => {
  it('offers exactly the actions the backend allows', async () => {
    const fake = new FakeApi();
    const bar = await openCase(fake, 'GEW-2026-0000-A7');
    const names = within(bar).getAllByRole('button').map((b) => b.textContent?.trim());
    expect(names).toEqual(['Annehmen', 'Verwerfen …']);
  });

  it('runs an action and shows the new state and "Gespeichert."', async () => {
    const fake = new FakeApi();
    const bar = await openCase(fake, 'GEW-2026-0000-A7');
    await fireEvent.click(within(bar).getByRole('button', { name: 'Annehmen' }));
    await waitFor(() => expect(screen.getByTestId('case-status')).toHaveTextContent('Angenommen'));
    expect(fake.called('Transition')[0].args).toEqual(['case-0', 'annehmen', '']);
    expect(screen.getByTestId('saved')).toHaveTextContent('Gespeichert.');
    const names = within(screen.getByRole('group', { name: 'Aktionen' })).getAllByRole('button').map((b) => b.textContent?.trim());
    expect(names).toEqual(['Bearbeitung beginnen']);
  });

  it('asks for a reason before an action that needs one', async () => {
    const fake = new FakeApi();
    const bar = await openCase(fake, 'GEW-2026-0000-A7');
    await fireEvent.click(within(bar).getByRole('button', { name: 'Verwerfen …' }));
    const dialog = screen.getByRole('dialog', { name: /Grund angeben/ });
    const reason = within(dialog).getByLabelText('Grund');
    await waitFor(() => expect(reason).toHaveFocus());

    await fireEvent.click(within(dialog).getByRole('button', { name: 'Verwerfen' }));
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(reason).toHaveAccessibleDescription('Bitte geben Sie einen Grund an.');
    expect(fake.called('Transition')).toHaveLength(0);

    await fireEvent.input(reason, { target: { value: 'Doppelt eingegangen' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Verwerfen' }));
    await waitFor(() => expect(fake.called('Transition')[0].args).toEqual(['case-0', 'verwerfen', 'Doppelt eingegangen']));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows the German message of a refused call and keeps the form', async () => {
    const fake = new FakeApi();
    fake.fail.Transition = '{"code":"INVALID","message":"Der Grund ist zu kurz.","fields":{"reason":"Mindestens 10 Zeichen."}}';
    const bar = await openCase(fake, 'GEW-2026-0000-A7');
    await fireEvent.click(within(bar).getByRole('button', { name: 'Verwerfen …' }));
    const dialog = screen.getByRole('dialog');
    const reason = within(dialog).getByLabelText('Grund');
    await fireEvent.input(reason, { target: { value: 'kurz' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Verwerfen' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Der Grund ist zu kurz.');
    expect(reason).toHaveValue('kurz');
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(reason).toHaveAccessibleDescription('Mindestens 10 Zeichen.');
    expect(screen.getByTestId('case-status')).toHaveTextContent('Neu');
  });

  it('shows the message when a plain action is refused', async () => {
    const fake = new FakeApi();
    fake.fail.Transition = new Error('{"code":"NOT_ALLOWED","message":"Annehmen ist im Status Angenommen nicht möglich."}');
    const bar = await openCase(fake, 'GEW-2026-0000-A7');
    await fireEvent.click(within(bar).getByRole('button', { name: 'Annehmen' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Annehmen ist im Status Angenommen nicht möglich.');
  });

  it('offers other clerks in "Zuweisen" only when allowed', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0000-A7');
    const select = screen.getByRole('combobox', { name: 'Zuweisen' });
    let options = within(select).getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(['Bitte wählen', 'Mir (Anna Schmidt)']);

    const d = fake.detail('case-0');
    d.mayAssignOthers = true;
    d.assignee = 'c1';
    fake.details.set('case-0', d);
    fake.emit(EventCasesChanged, [{ id: 'case-0', revision: 'changed-elsewhere' }]);
    await waitFor(() => {
      options = within(screen.getByRole('combobox', { name: 'Zuweisen' })).getAllByRole('option').map((o) => o.textContent);
      expect(options).toEqual(['Bitte wählen', 'Bernd Weber (Sachgebietsleitung)', 'Zuständigkeit aufheben']);
    });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Zuweisen' }), { target: { value: 'c2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Zuweisen' }));
    await waitFor(() => expect(fake.called('Assign')[0].args).toEqual(['case-0', 'c2']));
    await waitFor(() => expect(screen.getByTestId('case-assignee')).toHaveTextContent('Bernd Weber'));
  });
});

describe('Aktionen: focus', () => {
  it('keeps focus in the action bar after the used button is gone', async () => {
    const fake = new FakeApi();
    const bar = await openCase(fake, 'GEW-2026-0000-A7');
    const accept = within(bar).getByRole('button', { name: 'Annehmen' });
    accept.focus();
    await fireEvent.click(accept);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Bearbeitung beginnen' })).toHaveFocus());
  });
});
