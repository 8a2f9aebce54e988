import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import App from '../../App.svelte';
import { FakeApi, fakeSession } from '../fakeapi';

describe('first start without demo data', () => {
  it('says there is nothing yet and offers to connect the PC, without the workspace', async () => {
    const fake = new FakeApi(0);
    fake.Session = async () => ({ ...structuredClone(fakeSession), municipality: '', demo: false, needsSetup: true,
      clerk: { id: '', name: '', role: '', roleLabel: '' }, clerks: [] });
    const status = fake.SyncStatus;
    fake.SyncStatus = async () => ({ ...(await status()), enrolled: false, mayConnect: true });
    render(App, { props: { api: fake } });
    expect(await screen.findByRole('heading', { level: 1, name: 'Willkommen bei OZG-Cloud Desktop' })).toHaveFocus();
    expect(screen.getByTestId('first-start-empty')).toHaveTextContent('noch keine Vorgänge');
    expect(await screen.findByLabelText('Adresse des Servers (Pflichtfeld)')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Zurück zur Liste' })).toBeNull();
    expect(screen.queryByRole('grid')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Antrag erfassen' })).toBeNull();
    expect(fake.called('ListCases')).toHaveLength(0);
  });
});
