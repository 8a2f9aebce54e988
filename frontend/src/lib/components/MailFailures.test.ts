import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { FakeApi } from '../fakeapi';
import { renderApp } from '../../test/harness';
import { EventMailStatus } from '../events';

function withIntake() {
  const fake = new FakeApi();
  fake.mailStatusValue = {
    configured: true, state: 'ok', lastCheck: '2026-03-10T10:42:00+01:00', importedToday: 3, failed: 2,
    errors: 0, lastError: '', lastErrorAt: '',
  };
  fake.mailFailureList = [
    { uid: 7, folder: 'INBOX', reason: 'Die E-Mail konnte nicht als Vorgang gespeichert werden.', since: '2026-03-10T09:00:00+01:00', lastTry: '2026-03-10T10:42:00+01:00', attempts: 3, retrying: false },
    { uid: 9, folder: 'INBOX', reason: 'Die E-Mail konnte nicht gelesen werden.', since: '2026-03-10T10:00:00+01:00', lastTry: '2026-03-10T10:42:00+01:00', attempts: 1, retrying: false },
  ];
  return fake;
}

describe('E-Mail-Eingang', () => {
  it('shows the intake in the status bar and follows "mail:status"', async () => {
    const fake = withIntake();
    await renderApp(fake);
    const intake = await screen.findByTestId('mail-intake');
    expect(intake).toHaveTextContent(/E-Mail-Eingang: geprüft \d\d:\d\d, heute 3 E-Mails eingelesen/);
    expect(screen.getByRole('button', { name: '2 E-Mails nicht eingelesen' })).toBeInTheDocument();

    fake.emit(EventMailStatus, { ...fake.mailStatusValue, state: 'error', errors: 2, lastError: 'Der Server 127.0.0.1:993 ist nicht erreichbar.' });
    await waitFor(() => expect(screen.getByTestId('mail-intake')).toHaveTextContent('E-Mail-Eingang gestört (2 Fehlversuche'));
    expect(screen.getByTestId('mail-intake')).toHaveTextContent('ist nicht erreichbar.');
  });

  it('shows nothing in the status bar without a mailbox', async () => {
    await renderApp(new FakeApi());
    expect(screen.queryByTestId('mail-intake')).toBeNull();
  });

  it('lists the mails that failed with the reason and retries one or all', async () => {
    const fake = withIntake();
    await renderApp(fake);
    await fireEvent.click(await screen.findByRole('button', { name: '2 E-Mails nicht eingelesen' }));
    await screen.findByRole('heading', { level: 1, name: 'Nicht eingelesene E-Mails' });
    await waitFor(() => expect(screen.getAllByTestId('mail-failure')).toHaveLength(2));
    expect(screen.getAllByTestId('mail-failure')[0]).toHaveTextContent('Nr. 7 im Ordner „INBOX“');
    expect(screen.getAllByTestId('mail-failure')[0]).toHaveTextContent('Die E-Mail konnte nicht als Vorgang gespeichert werden.');

    await fireEvent.click(screen.getByRole('button', { name: 'E-Mail Nr. 7 erneut versuchen' }));
    await waitFor(() => expect(fake.called('RetryMail').at(-1)!.args).toEqual([7]));
    expect(await screen.findByText('wird erneut versucht …')).toBeInTheDocument();
    expect(screen.getByTestId('mail-failures-status')).toHaveTextContent('E-Mail Nr. 7 wird jetzt erneut eingelesen.');
    expect(screen.queryByRole('button', { name: 'E-Mail Nr. 7 erneut versuchen' })).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Alle erneut versuchen' }));
    await waitFor(() => expect(fake.called('RetryAllMail')).toHaveLength(1));

    // The intake read them in: the list says so after the next status.
    fake.mailFailureList = [];
    fake.emit(EventMailStatus, { ...fake.mailStatusValue, failed: 0, importedToday: 5 });
    expect(await screen.findByText('Alle E-Mails wurden eingelesen.')).toBeInTheDocument();
  });
});
