import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { FakeApi, fakeSession } from '../fakeapi';
import { renderApp } from '../../test/harness';

// Issue 13, problem 10: screens a clerk or the administration found wanting.
function adminFake() {
  const fake = new FakeApi();
  const admin = { id: 'c3', name: 'Jens Wagner', role: 'administration', roleLabel: 'Administration' };
  fake.Session = () => Promise.resolve({ ...structuredClone(fakeSession), clerk: admin });
  return fake;
}

describe('Issue 13: screens', () => {
  it('gives "Signaturschlüssel" a heading that takes the focus and a way back to the list', async () => {
    await renderApp(adminFake());
    await fireEvent.click(screen.getByRole('button', { name: 'Signaturschlüssel' }));
    const h1 = await screen.findByRole('heading', { level: 1, name: 'Signaturschlüssel' });
    await waitFor(() => expect(h1).toHaveFocus());
    await fireEvent.click(screen.getByRole('button', { name: 'Zurück zur Liste' }));
    expect(await screen.findByRole('grid', { name: 'Vorgangsliste' })).toBeInTheDocument();
  });

  it('names "Signatur prüfen" with its visible label first (axe label-content-name-mismatch)', async () => {
    const fake = new FakeApi();
    const d = fake.detail('case-0');
    d.attachments = [{ id: 'a1', name: 'Bescheid.pdf', mediaType: 'application/pdf', size: 1000, addedAt: '2026-03-10T10:00:00Z', addedBy: 'Anna Schmidt', url: '/files/case-0/a1', preview: 'pdf' } as never];
    fake.details.set('case-0', d);
    await renderApp(fake);
    await fireEvent.click(screen.getByText('GEW-2026-0000-A7'));
    await fireEvent.click(await screen.findByRole('tab', { name: /Dokumente/ }));
    const button = await screen.findByRole('button', { name: /Signatur prüfen/ });
    expect(button).toHaveTextContent('Signatur prüfen');
    expect(button.getAttribute('aria-label')).toContain(button.textContent!.trim());
  });

  it('shows a connect error once, at its field', async () => {
    const fake = adminFake();
    fake.sync.mayConnect = true;
    const message = 'Der Server antwortet nicht. Bitte prüfen Sie die Adresse.';
    fake.fail.ProbeSyncServer = JSON.stringify({ code: 'UNREACHABLE', message, fields: { server: message } });
    await renderApp(fake);
    await fireEvent.click(screen.getByRole('button', { name: 'OZG-Cloud' }));
    await fireEvent.input(await screen.findByLabelText('Adresse des Servers (Pflichtfeld)'), { target: { value: 'https://cloud.example' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Server prüfen' }));
    await waitFor(() => expect(screen.getByLabelText('Adresse des Servers (Pflichtfeld)')).toHaveAccessibleDescription(message));
    expect(screen.getAllByText(message)).toHaveLength(1);
  });
});
