import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { FakeApi, fakeSession } from '../../fakeapi';
import { renderApp } from '../../../test/harness';

function adminApi(): FakeApi {
  const fake = new FakeApi();
  fake.Session = async () => ({
    ...structuredClone(fakeSession),
    clerk: { id: 'c3', name: 'Jens Wagner', role: 'administration', roleLabel: 'Administration' },
  });
  return fake;
}

async function openSettings(fake: FakeApi) {
  await renderApp(fake);
  await fireEvent.click(screen.getByRole('button', { name: 'Briefeinstellungen' }));
  await screen.findByRole('heading', { level: 2, name: 'Briefkopf' });
}

describe('Briefeinstellungen', () => {
  it('is offered to the administration only', async () => {
    await renderApp(new FakeApi());
    expect(screen.queryByRole('button', { name: 'Briefeinstellungen' })).toBeNull();
  });

  it('saves the letterhead with a logo and shows field errors from the server', async () => {
    const fake = adminApi();
    await openSettings(fake);
    expect(screen.getByRole('region', { name: 'Noch zu erledigen' })).toHaveTextContent('{{iban}}');
    const iban = screen.getByLabelText('IBAN');
    await fireEvent.input(iban, { target: { value: 'DE03 1203 0000 0000 2020 51' } });
    fake.fail.SaveLetterhead = JSON.stringify({
      code: 'INVALID', message: 'Bitte prüfen Sie die markierten Angaben. Es wurde nichts gespeichert.',
      fields: { iban: 'Die IBAN ist nicht gültig: Die Prüfziffern stimmen nicht.' },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Briefkopf speichern' }));
    expect(await screen.findByText('Bitte prüfen Sie die markierten Angaben. Es wurde nichts gespeichert.')).toHaveAttribute('role', 'alert');
    await waitFor(() => expect(iban).toHaveAccessibleDescription('Die IBAN ist nicht gültig: Die Prüfziffern stimmen nicht.'));
    expect(iban).toHaveFocus();

    delete fake.fail.SaveLetterhead;
    await fireEvent.click(screen.getByRole('button', { name: 'PNG-Datei wählen …' }));
    expect(await screen.findByRole('img', { name: 'Logo der Behörde im Briefkopf' })).toBeInTheDocument();
    await fireEvent.input(iban, { target: { value: 'DE02 1203 0000 0000 2020 51' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Briefkopf speichern' }));
    await waitFor(() => expect(screen.getByText('Der Briefkopf wurde gespeichert.')).toBeInTheDocument());
    const saved = fake.called('SaveLetterhead').at(-1)!.args[0] as { iban: string; logo: string };
    expect(saved.iban).toBe('DE02 1203 0000 0000 2020 51');
    expect(saved.logo).toBe('iVBORw0KGgo=');
  });

  it('names the logo that is not a PNG', async () => {
    const fake = adminApi();
    await openSettings(fake);
    fake.fail.ChooseLetterLogo = JSON.stringify({ code: 'INVALID', message: 'Das Logo ist keine PNG-Datei.', fields: { logo: 'Das Logo ist keine PNG-Datei.' } });
    await fireEvent.click(screen.getByRole('button', { name: 'PNG-Datei wählen …' }));
    expect(await screen.findByText('Das Logo ist keine PNG-Datei.', { selector: '[role=alert]' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'PNG-Datei wählen …' })).toHaveAccessibleDescription('Das Logo ist keine PNG-Datei.');
  });

  it('edits a template, marks the block with a placeholder without a value, and resets it', async () => {
    const fake = adminApi();
    await openSettings(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Vorlagen' }));
    const text = await screen.findByLabelText('Text von Block 2');
    await fireEvent.input(text, { target: { value: 'Sehr geehrte {{antragsteler.name}}' } });
    fake.fail.SaveLetterTemplate = JSON.stringify({
      code: 'INVALID', message: 'Der Platzhalter {{antragsteler.name}} hat keinen Wert. Es wurde nichts gespeichert.',
      fields: { 'blocks.1.text': 'Der Platzhalter {{antragsteler.name}} hat keinen Wert.' },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Vorlage speichern' }));
    expect(await screen.findByText(/Der Platzhalter \{\{antragsteler.name\}\} hat keinen Wert. Es wurde/)).toHaveAttribute('role', 'alert');
    await waitFor(() => expect(text).toHaveAttribute('aria-invalid', 'true'));
    expect(text).toHaveAccessibleDescription('Der Platzhalter {{antragsteler.name}} hat keinen Wert.');

    delete fake.fail.SaveLetterTemplate;
    await fireEvent.input(text, { target: { value: 'Sehr geehrte {{antragsteller.name}}' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Block hinzufügen' }));
    expect(screen.getByLabelText('Text von Block 5')).toHaveFocus();
    await fireEvent.input(screen.getByLabelText('Text von Block 5'), { target: { value: 'Mit freundlichen Grüßen' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Block 5 nach oben' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Vorlage speichern' }));
    await screen.findByText('Die Vorlage „Bewilligung“ wurde gespeichert.');
    const saved = fake.called('SaveLetterTemplate').at(-1)!.args[0] as { blocks: { text: string }[] };
    expect(saved.blocks.map((b) => b.text)).toEqual([
      '{{vorgangsart}}: Ihr Antrag vom {{eingangsdatum}}', 'Sehr geehrte {{antragsteller.name}}', 'Bitte überweisen Sie {{gebuehr}} auf {{iban}}.',
      'Mit freundlichen Grüßen', '{{rechtsbehelf}}',
    ]);
    expect(screen.getByRole('option', { name: 'Bewilligung (geändert)' })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Auf Auslieferungszustand zurücksetzen' }));
    await waitFor(() => expect(screen.getByLabelText('Text von Block 2')).toHaveValue('Die Voraussetzungen sind erfüllt.'));
    expect(fake.called('ResetLetterTemplate')[0].args).toEqual(['bewilligung']);
  });

  it('sets a Klage at the court for a case type and previews the letter', async () => {
    const fake = adminApi();
    await openSettings(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'Rechtsbehelfe' }));
    const type = await screen.findByLabelText('Antragsart');
    await fireEvent.change(type, { target: { value: 'BAU' } });
    await fireEvent.click(screen.getByLabelText('Klage beim Verwaltungsgericht'));
    const body = screen.getByLabelText('Verwaltungsgericht (Pflichtfeld)');
    await fireEvent.input(body, { target: { value: 'Schleswig-Holsteinisches Verwaltungsgericht' } });
    await fireEvent.input(screen.getByLabelText('Anschrift (Sitz) (Pflichtfeld)'), { target: { value: 'Brockdorff-Rantzau-Straße 13, 24837 Schleswig' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Vorschau' }));
    const preview = await screen.findByRole('region', { name: 'Vorschau des Beispielbriefs' });
    expect(within(preview).getByText(/Beispielbrief mit 2 Seiten/)).toBeInTheDocument();
    const input = fake.called('PreviewLetter')[0].args[0] as { template: { id: string }; remedy: { caseType: string; kind: string; body: string } };
    expect(input.remedy).toMatchObject({ caseType: 'BAU', kind: 'KLAGE', body: 'Schleswig-Holsteinisches Verwaltungsgericht' });
    // Without bank details yet, the sample is a letter without a fee.
    expect(input.template.id).toBe('ablehnung');

    await fireEvent.click(screen.getByRole('button', { name: 'Rechtsbehelf speichern' }));
    await screen.findByText('Der Rechtsbehelf für „Bauantrag“ wurde gespeichert.');
    expect(screen.getByRole('option', { name: 'Bauantrag' })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Standard wiederherstellen' }));
    await screen.findByText('Für „Bauantrag“ gilt wieder der Widerspruch bei der Behörde.');
    expect(screen.getByRole('option', { name: 'Bauantrag (Standard)' })).toBeInTheDocument();
  });
});
