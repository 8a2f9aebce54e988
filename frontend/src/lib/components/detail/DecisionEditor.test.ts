import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { FakeApi } from '../../fakeapi';
import { renderApp } from '../../../test/harness';

// case-5 of the fake is in work and held by the current clerk (c1).
const inWork = 'GEW-2026-0005-A7';

async function openCase(fake: FakeApi, fileNumber: string) {
  await renderApp(fake);
  await fireEvent.click(screen.getByText(fileNumber));
  await screen.findByRole('heading', { level: 1, name: new RegExp(fileNumber) });
}

async function openEditor(fake: FakeApi) {
  await openCase(fake, inWork);
  await fireEvent.click(screen.getByRole('button', { name: 'Bescheid erstellen …' }));
  return screen.findByTestId('decision-editor');
}

async function startAblehnung(fake: FakeApi) {
  const editor = await openEditor(fake);
  await fireEvent.click(await within(editor).findByLabelText('Ablehnung'));
  await fireEvent.click(within(editor).getByRole('button', { name: 'Entwurf anlegen' }));
  return editor;
}

// previewed waits until the clerk sees the letter: Go signs exactly that preview.
async function previewed(editor: HTMLElement) {
  await waitFor(() => expect(within(editor).getByTestId('preview-status')).toHaveTextContent('1 Seite'), { timeout: 3000 });
}

describe('Bescheid erstellen', () => {
  it('fills a template, asks for the missing value and previews the letter', async () => {
    const fake = new FakeApi();
    const editor = await startAblehnung(fake);
    expect(fake.called('StartDecision')[0].args).toEqual(['case-5', 'ablehnung']);
    const reason = await within(editor).findByLabelText('Grund der Ablehnung');
    await waitFor(() => expect(reason).toHaveFocus());
    await waitFor(() => expect(reason).toHaveAttribute('aria-invalid', 'true'));
    expect(reason).toHaveAccessibleDescription(/Grund der Ablehnung/);
    expect(screen.getByTestId('preview-status')).toHaveTextContent('Bitte geben Sie „Grund der Ablehnung“ an');

    await fireEvent.input(reason, { target: { value: 'Der Hund ist bereits angemeldet.' } });
    await waitFor(() => expect(screen.getByTestId('preview-status')).toHaveTextContent('1 Seite, Prüfcode 3F2A-91C0-77B4-0D1E'));
    expect(reason).not.toHaveAttribute('aria-invalid');
    const last = fake.called('UpdateDecisionDraft').at(-1)!.args[0] as { values: { value: string }[] };
    expect(last.values[0].value).toBe('Der Hund ist bereits angemeldet.');

    // The text blocks are editable; the edit reaches the backend after a pause.
    const tenor = within(editor).getByLabelText('Entscheidung (Tenor)');
    await fireEvent.input(tenor, { target: { value: 'Ihr Antrag wird abgelehnt.' } });
    await waitFor(() => {
      const d = fake.called('UpdateDecisionDraft').at(-1)!.args[0] as { blocks: { text: string }[] };
      expect(d.blocks[1].text).toBe('Ihr Antrag wird abgelehnt.');
    });
  });

  it('debounces typing: one preview for a burst of keystrokes', async () => {
    const fake = new FakeApi();
    const editor = await startAblehnung(fake);
    const reason = await within(editor).findByLabelText('Grund der Ablehnung');
    await waitFor(() => expect(fake.called('UpdateDecisionDraft')).toHaveLength(1));
    for (const v of ['D', 'De', 'Der', 'Der H', 'Der Hund']) await fireEvent.input(reason, { target: { value: v } });
    await waitFor(() => expect(screen.getByTestId('preview-status')).toHaveTextContent('1 Seite'));
    expect(fake.called('UpdateDecisionDraft')).toHaveLength(2);
  });

  it('keeps the draft when the clerk leaves and comes back', async () => {
    const fake = new FakeApi();
    const editor = await startAblehnung(fake);
    const reason = await within(editor).findByLabelText('Grund der Ablehnung');
    await fireEvent.input(reason, { target: { value: 'Halb geschrieben' } });
    await fireEvent.click(within(editor).getByRole('button', { name: 'Zurück zum Vorgang' }));
    await waitFor(() => expect(screen.queryByTestId('decision-editor')).toBeNull());
    await waitFor(() => expect(fake.drafts.get('case-5')?.values?.[0].value).toBe('Halb geschrieben'));

    await fireEvent.click(screen.getByRole('button', { name: 'Bescheid erstellen …' }));
    const again = await screen.findByTestId('decision-editor');
    expect(await within(again).findByLabelText('Grund der Ablehnung')).toHaveValue('Halb geschrieben');
    expect(within(again).getByRole('heading', { name: 'Bescheid erstellen: Ablehnung' })).toBeInTheDocument();
  });

  it('asks for the fee when the template has one', async () => {
    const fake = new FakeApi();
    const editor = await openEditor(fake);
    await fireEvent.click(await within(editor).findByLabelText('Gebührenbescheid (mit Gebühr)'));
    await fireEvent.click(within(editor).getByRole('button', { name: 'Entwurf anlegen' }));
    const amount = await within(editor).findByLabelText('Betrag in Euro');
    expect(within(editor).getByLabelText('Gebühr festsetzen')).toBeDisabled();
    await waitFor(() => expect(amount).toHaveAttribute('aria-invalid', 'true'));
    expect(within(editor).getByLabelText('Zu zahlen bis')).toHaveValue('10.04.2026');
    await fireEvent.input(amount, { target: { value: '25,00' } });
    await waitFor(() => expect(screen.getByTestId('preview-status')).toHaveTextContent('1 Seite'));
  });
});

describe('Unterschreiben', () => {
  it('refuses a wrong password, then signs; the case shows the decision', async () => {
    const fake = new FakeApi();
    const editor = await startAblehnung(fake);
    await fireEvent.input(await within(editor).findByLabelText('Grund der Ablehnung'), { target: { value: 'Schon angemeldet.' } });
    await previewed(editor);
    expect(within(editor).getByTestId('key-note')).toHaveTextContent('Demo-Schlüssel, nicht für echte Bescheide.');
    expect(within(editor).getByTestId('key-note')).toHaveTextContent('PKCS#12-Datei (fortgeschrittenes Siegel)');

    const secret = within(editor).getByLabelText('Passwort der Schlüsseldatei');
    await fireEvent.click(within(editor).getByRole('button', { name: 'Unterschreiben' }));
    expect(secret).toHaveAttribute('aria-invalid', 'true');
    expect(fake.called('SignDecision')).toHaveLength(0);

    await fireEvent.input(secret, { target: { value: 'falsch' } });
    await fireEvent.click(within(editor).getByRole('button', { name: 'Unterschreiben' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('Das Passwort für die Schlüsseldatei ist falsch.');
    await waitFor(() => expect(secret).toHaveFocus());
    expect(secret).toHaveValue('');
    expect(secret).toHaveAttribute('aria-invalid', 'true');

    await fireEvent.input(secret, { target: { value: 'demo' } });
    await fireEvent.click(within(editor).getByRole('button', { name: 'Unterschreiben' }));
    await waitFor(() => expect(screen.queryByTestId('decision-editor')).toBeNull());
    expect(screen.getByTestId('decision-notice')).toHaveTextContent('Der Bescheid ist unterschrieben und gespeichert. Prüfcode: 3F2A-91C0-77B4-0D1E.');
    expect(fake.called('SignDecision').at(-1)!.args[2]).toBe('demo');
    const panel = screen.getByRole('tabpanel');
    expect(within(panel).getByTestId('decision')).toHaveTextContent('Ablehnung');
    expect(within(panel).getByTestId('decision')).toHaveTextContent('gültig');
    expect(screen.getByRole('tab', { name: 'Bescheide (1)' })).toHaveAttribute('aria-selected', 'true');
  });

  it('signs only the preview shown: an edit not yet previewed is refused and the new preview shown', async () => {
    const fake = new FakeApi();
    const editor = await startAblehnung(fake);
    const reason = await within(editor).findByLabelText('Grund der Ablehnung');
    await fireEvent.input(reason, { target: { value: 'Schon angemeldet.' } });
    await previewed(editor);
    const before = fake.called('UpdateDecisionDraft').length;
    await fireEvent.input(reason, { target: { value: 'Schon angemeldet, Az. 12.' } });
    await fireEvent.input(within(editor).getByLabelText('Passwort der Schlüsseldatei'), { target: { value: 'demo' } });
    await fireEvent.click(within(editor).getByRole('button', { name: 'Unterschreiben' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('Der Bescheid hat sich seit der Vorschau geändert');
    expect(fake.called('SignDecision')[0].args[1]).toBe('');
    await waitFor(() => expect(fake.called('UpdateDecisionDraft').length).toBeGreaterThan(before));
    await previewed(editor);
    expect(screen.getByTestId('decision-editor')).toBeInTheDocument();

    await fireEvent.input(within(editor).getByLabelText('Passwort der Schlüsseldatei'), { target: { value: 'demo' } });
    await fireEvent.click(within(editor).getByRole('button', { name: 'Unterschreiben' }));
    await waitFor(() => expect(screen.queryByTestId('decision-editor')).toBeNull());
    expect(fake.called('SignDecision').at(-1)!.args[1]).toBe(fake.previewed.id);
  });

  it('a new decision supersedes the signed one; both stay listed', async () => {
    const fake = new FakeApi();
    let editor = await startAblehnung(fake);
    await fireEvent.input(await within(editor).findByLabelText('Grund der Ablehnung'), { target: { value: 'Schon angemeldet.' } });
    await previewed(editor);
    await fireEvent.input(within(editor).getByLabelText('Passwort der Schlüsseldatei'), { target: { value: 'demo' } });
    await fireEvent.click(within(editor).getByRole('button', { name: 'Unterschreiben' }));
    await waitFor(() => expect(screen.queryByTestId('decision-editor')).toBeNull());

    await fireEvent.click(screen.getAllByRole('button', { name: 'Neuer Bescheid (ersetzt „Ablehnung“) …' })[0]);
    editor = await screen.findByTestId('decision-editor');
    expect(await within(editor).findByText(/ersetzt den unterschriebenen Bescheid „Ablehnung“/)).toBeInTheDocument();
    await fireEvent.click(within(editor).getByLabelText('Bewilligung (mit Gebühr)'));
    await fireEvent.click(within(editor).getByRole('button', { name: 'Entwurf anlegen' }));
    await fireEvent.click(await within(editor).findByLabelText('Gebühr festsetzen'));
    await previewed(editor);
    await fireEvent.input(within(editor).getByLabelText('Passwort der Schlüsseldatei'), { target: { value: 'demo' } });
    await fireEvent.click(within(editor).getByRole('button', { name: 'Unterschreiben' }));
    await waitFor(() => expect(screen.queryByTestId('decision-editor')).toBeNull());

    const items = within(screen.getByRole('tabpanel')).getAllByTestId('decision');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('ersetzt durch „Änderungsbescheid: Bewilligung“');
    expect(items[1]).toHaveTextContent('gültig');
    expect(items[1]).toHaveTextContent('ersetzt „Ablehnung“');
  });

  it('explains why no decision can be made for a case not held by the clerk', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0002-A7');
    await fireEvent.click(screen.getByRole('button', { name: 'Bescheid erstellen …' }));
    const editor = await screen.findByTestId('decision-editor');
    expect(await within(editor).findByRole('status')).toHaveTextContent('erst erstellen, wenn');
    expect(within(editor).queryByRole('button', { name: 'Entwurf anlegen' })).toBeNull();
  });

  it('offers no decision for a new case', async () => {
    const fake = new FakeApi();
    await openCase(fake, 'GEW-2026-0000-A7');
    expect(screen.queryByRole('button', { name: 'Bescheid erstellen …' })).toBeNull();
  });
});
