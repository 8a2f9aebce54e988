import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { lastQuery, renderApp } from '../../test/harness';

describe('Filter', () => {
  it('shows the counts beside the quick filters and statuses', async () => {
    await renderApp();
    const nav = screen.getByRole('navigation', { name: 'Filter' });
    await waitFor(() => expect(within(nav).getByRole('button', { name: /Meine Vorgänge/ })).toHaveTextContent('7'));
    expect(within(nav).getByRole('button', { name: /Alle Vorgänge/ })).toHaveTextContent('30');
    expect(within(nav).getByRole('button', { name: /Nicht zugewiesen/ })).toHaveTextContent('5');
    expect(within(nav).getByRole('button', { name: /Überfällig/ })).toHaveTextContent('3');
    expect(within(nav).getByRole('button', { name: /Wiedervorlage fällig/ })).toHaveTextContent('2');
    expect(within(nav).getByRole('checkbox', { name: /In Bearbeitung/ }).closest('label')).toHaveTextContent('(10)');
    expect(screen.getByTestId('pending')).toHaveTextContent('4 Änderungen warten auf Übertragung');
  });

  it('combines quick filter, statuses and search in one ListQuery', async () => {
    const { fake } = await renderApp();
    expect(lastQuery(fake)).toMatchObject({ search: '', statuses: [], filters: [], offset: 0 });

    const mine = screen.getByRole('button', { name: /Meine Vorgänge/ });
    await fireEvent.click(mine);
    await waitFor(() => expect(lastQuery(fake).filters).toEqual(['mine']));
    expect(mine).toHaveAttribute('aria-pressed', 'true');

    await fireEvent.click(screen.getByRole('checkbox', { name: /Neu/ }));
    await fireEvent.click(screen.getByRole('checkbox', { name: /In Bearbeitung/ }));
    await waitFor(() => expect(lastQuery(fake).statuses).toEqual(['NEU', 'IN_BEARBEITUNG']));

    const search = screen.getByRole('searchbox', { name: 'Suche' });
    await fireEvent.input(search, { target: { value: 'Mül' } });
    await waitFor(() => expect(lastQuery(fake).search).toBe('Mül'));
    expect(lastQuery(fake)).toMatchObject({ search: 'Mül', filters: ['mine'], statuses: ['NEU', 'IN_BEARBEITUNG'], offset: 0 });

    await fireEvent.click(screen.getByRole('checkbox', { name: /Neu/ }));
    await waitFor(() => expect(lastQuery(fake).statuses).toEqual(['IN_BEARBEITUNG']));

    await fireEvent.click(screen.getByRole('button', { name: /Alle Vorgänge/ }));
    await waitFor(() => expect(lastQuery(fake)).toMatchObject({ filters: [], statuses: [], search: 'Mül' }));
  });

  it('debounces the search: typing fast asks once', async () => {
    const { fake } = await renderApp();
    const before = fake.queries.length;
    const search = screen.getByRole('searchbox', { name: 'Suche' });
    for (const v of ['M', 'Mu', 'Mue', 'Muel']) await fireEvent.input(search, { target: { value: v } });
    await waitFor(() => expect(lastQuery(fake).search).toBe('Muel'));
    await new Promise((r) => setTimeout(r, 250));
    expect(fake.queries.slice(before).map((q) => q.search)).toEqual(['Muel']);
  });

  it('focuses the search with "/"', async () => {
    await renderApp();
    await fireEvent.keyDown(document.body, { key: '/' });
    await waitFor(() => expect(screen.getByRole('searchbox', { name: 'Suche' })).toHaveFocus());
  });
});
