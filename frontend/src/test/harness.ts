import { expect } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import App from '../App.svelte';
import { FakeApi } from '../lib/fakeapi';

/** renderApp mounts the whole UI on a FakeApi and waits for the first list page. */
export async function renderApp(fake = new FakeApi()) {
  const r = render(App, { props: { api: fake } });
  await waitFor(() => expect(screen.getAllByTestId('case-row').length).toBeGreaterThan(0));
  await waitFor(() => expect(screen.queryByText('Wird geladen …')).toBeNull());
  return { ...r, fake };
}

export function lastQuery(fake: FakeApi) {
  return fake.queries[fake.queries.length - 1];
}
