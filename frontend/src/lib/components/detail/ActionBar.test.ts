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
  // Issue 13: Enter twice made two status changes, because the focus jumped to the
  // next action button. Now it goes to the status, which names the new one.
  it('moves the focus to the new status after an action, so a second Enter changes nothing', async () => {
    const fake = new FakeApi();
    const bar = await openCase(fake, 'GEW-2026-0000-A7');
    const accept = within(bar).getByRole('button', { name: 'Annehmen' });
    accept.focus();
    await fireEvent.click(accept);
    const status = await waitFor(() => {
      const el = document.activeElement as HTMLElement;
      expect(el.id).toBe('case-status-box');
      return el;
    });
    expect(status).toHaveTextContent('Angenommen');
    expect(status.tagName).not.toBe('BUTTON');
    expect(within(status).queryByRole('button')).toBeNull();
    await fireEvent.keyDown(status, { key: 'Enter' });
    await fireEvent.keyUp(status, { key: 'Enter' });
    expect(fake.called('Transition')).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Bearbeitung beginnen' })).not.toHaveFocus();
  });

  it('moves the focus to who holds the case after "Zuweisen", not to the page', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0000-A7');
    await fireEvent.change(screen.getByRole('combobox', { name: 'Zuweisen' }), { target: { value: 'c1' } });
    const button = screen.getByRole('button', { name: 'Zuweisen' });
    button.focus();
    await fireEvent.click(button);
    await waitFor(() => expect(document.activeElement?.id).toBe('case-assignee-box'));
    expect(document.activeElement).not.toBe(document.body);
    expect(document.activeElement).toHaveTextContent('Anna Schmidt');
  });
});

describe('Aktionen: what gives a case up', () => {
  it('sets "Verwerfen" apart, says what happens and changes nothing when cancelled', async () => {
    const fake = new FakeApi();
    const bar = await openCase(fake, 'GEW-2026-0000-A7');
    const discard = within(bar).getByRole('button', { name: 'Verwerfen …' });
    expect(discard).toHaveClass('danger');
    expect(within(bar).getByRole('button', { name: 'Annehmen' })).not.toHaveClass('danger');
    await fireEvent.click(discard);
    const dialog = screen.getByRole('dialog', { name: /Verwerfen/ });
    expect(dialog).toHaveAccessibleDescription(/Achtung: Der Vorgang wird verworfen/);
    expect(within(dialog).getByRole('button', { name: 'Verwerfen' })).toHaveClass('danger-confirm');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Abbrechen' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(discard).toHaveFocus();
    expect(fake.called('Transition')).toHaveLength(0);
  });

  it('asks before "Löschung anfordern", which needs no reason', async () => {
    const fake = new FakeApi();
    const d = fake.detail('case-0');
    fake.setStatus(d, 'ABGESCHLOSSEN');
    fake.details.set('case-0', d);
    const bar = await openCase(fake, 'GEW-2026-0000-A7');
    await fireEvent.click(within(bar).getByRole('button', { name: 'Löschung anfordern …' }));
    const dialog = screen.getByRole('dialog', { name: 'Löschung anfordern: bitte bestätigen' });
    await waitFor(() => expect(dialog).toHaveFocus());
    expect(within(dialog).queryByLabelText('Grund')).toBeNull();
    expect(fake.called('Transition')).toHaveLength(0);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Löschung anfordern' }));
    await waitFor(() => expect(fake.called('Transition')[0].args).toEqual(['case-0', 'loeschen_anfordern', '']));
  });
});
