import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../App.svelte';
import { FakeApi } from '../fakeapi';
import { lastQuery, renderApp } from '../../test/harness';

describe('Vorgangsliste', () => {
  it('shows rows from the API with German dates and the total', async () => {
    await renderApp(new FakeApi(30));
    const grid = screen.getByRole('grid', { name: 'Vorgangsliste' });
    expect(within(grid).getByText('GEW-2026-0001-A7')).toBeInTheDocument();
    expect(within(grid).getAllByText('01.03.2026').length).toBeGreaterThan(0);
    expect(within(grid).getAllByText('überfällig').length).toBeGreaterThan(0);
    expect(screen.getByTestId('total')).toHaveTextContent('30 Vorgänge');
    expect(grid).toHaveAttribute('aria-rowcount', '31');
    const first = screen.getAllByTestId('case-row')[0];
    expect(first).toHaveAttribute('aria-rowindex', '2');
  });

  it('keeps the DOM small for 100,000 cases and fetches pages, not everything', async () => {
    const { fake } = await renderApp(new FakeApi(100000));
    expect(screen.getByTestId('total')).toHaveTextContent('100.000 Vorgänge');
    const rows = screen.getAllByTestId('case-row');
    expect(rows.length).toBeLessThan(60);
    expect(fake.queries.every((q) => q.limit <= 50)).toBe(true);
    expect(screen.getByRole('grid')).toHaveAttribute('aria-rowcount', '100001');

    // End jumps to the last case: its page is fetched and it becomes the active row.
    const grid = screen.getByRole('grid');
    grid.focus();
    await fireEvent.keyDown(grid, { key: 'End' });
    await waitFor(() => expect(lastQuery(fake).offset).toBe(99950));
    await waitFor(() => expect(screen.getByText('GEW-2026-99999-A7')).toBeInTheDocument());
    expect(screen.getAllByTestId('case-row').length).toBeLessThan(60);
    expect(grid.getAttribute('aria-activedescendant')).toBe('row-99999');
  });

  it('sorts by a column header and says so in aria-sort', async () => {
    const { fake } = await renderApp();
    const button = screen.getByRole('button', { name: /Antragsteller\/in/ });
    const header = button.closest('[role="columnheader"]')!;
    expect(header).toHaveAttribute('aria-sort', 'none');
    await fireEvent.click(button);
    await waitFor(() => expect(lastQuery(fake)).toMatchObject({ sort: 'applicant', desc: false, offset: 0 }));
    expect(header).toHaveAttribute('aria-sort', 'ascending');
    await fireEvent.click(button);
    await waitFor(() => expect(lastQuery(fake)).toMatchObject({ sort: 'applicant', desc: true }));
    expect(header).toHaveAttribute('aria-sort', 'descending');
    expect(screen.getByRole('button', { name: /Eingang/ }).closest('[role="columnheader"]')).toHaveAttribute('aria-sort', 'none');
  });

  it('moves with the arrow keys and opens the active case with Enter', async () => {
    const { fake } = await renderApp();
    const grid = screen.getByRole('grid');
    grid.focus();
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    await fireEvent.keyDown(grid, { key: 'ArrowUp' });
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(grid).toHaveAttribute('aria-activedescendant', 'row-2');
    expect(document.getElementById('row-2')).toHaveTextContent('GEW-2026-0002-A7');
    await fireEvent.keyDown(grid, { key: 'Enter' });
    await waitFor(() => expect(fake.called('GetCase').map((c) => c.args[0])).toEqual(['case-2']));
    const heading = await screen.findByRole('heading', { level: 1, name: /GEW-2026-0002-A7/ });
    expect(heading).toBeInTheDocument();

    // Escape returns to the list with the same active row.
    await fireEvent.keyDown(heading, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('case-detail')).toBeNull());
    expect(screen.getByRole('grid')).toHaveAttribute('aria-activedescendant', 'row-2');
  });

  it('toggles the row checkbox with Space and runs a bulk action with its result', async () => {
    const { fake } = await renderApp();
    const grid = screen.getByRole('grid');
    grid.focus();
    await fireEvent.keyDown(grid, { key: ' ' });
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    await fireEvent.keyDown(grid, { key: ' ' });
    expect(screen.getByRole('checkbox', { name: 'Auswählen: GEW-2026-0001-A7' })).toBeChecked();
    expect(document.getElementById('row-1')).toHaveAttribute('aria-selected', 'true');
    const bar = screen.getByRole('region', { name: 'Sammelaktionen' });
    expect(bar).toHaveTextContent('2 ausgewählt');
    await fireEvent.click(within(bar).getByRole('button', { name: 'Annehmen' }));
    await waitFor(() => expect(fake.called('BulkTransition')[0].args).toEqual([['case-0', 'case-1'], 'annehmen']));
    const result = await screen.findByText('1 Vorgang geändert.');
    expect(result.closest('[role="status"]')).toHaveTextContent('GEW-2026-0000-A7: „Annehmen“ ist im Status „Angenommen“ nicht möglich; nicht geändert.');
  });
});

describe('Sammelaktion Zuweisen', () => {
  // Issue 13: bulk assign took a colleague's case in work without asking.
  async function selectRows(n: number) {
    const r = await renderApp();
    const grid = screen.getByRole('grid');
    grid.focus();
    for (let i = 0; i < n; i++) {
      await fireEvent.keyDown(grid, { key: ' ' });
      await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    }
    return r;
  }

  it('asks before taking a colleague\'s case and takes only that one after "Trotzdem zuweisen"', async () => {
    const { fake } = await selectRows(4);
    const bar = screen.getByRole('region', { name: 'Sammelaktionen' });
    await fireEvent.change(within(bar).getByLabelText('Zuweisen an …'), { target: { value: 'c1' } });
    await fireEvent.click(within(bar).getByRole('button', { name: 'Zuweisen' }));
    const ask = await screen.findByRole('alertdialog', { name: 'Ein Vorgang wird gerade von anderen bearbeitet' });
    await waitFor(() => expect(within(ask).getByRole('heading')).toHaveFocus());
    expect(ask).toHaveTextContent('GEW-2026-0003-A7: Bernd Weber ist zuständig (Status „In Bearbeitung“)');
    expect(fake.called('BulkAssign')).toHaveLength(1);
    expect(fake.called('BulkAssign')[0].args).toEqual([['case-0', 'case-1', 'case-2', 'case-3'], 'c1', false]);
    await fireEvent.click(within(ask).getByRole('button', { name: 'Trotzdem zuweisen' }));
    await waitFor(() => expect(fake.called('BulkAssign')[1].args).toEqual([['case-3'], 'c1', true]));
    expect(await screen.findByText('4 Vorgänge geändert.')).toBeInTheDocument();
  });

  it('leaves the colleague\'s case alone after "Nicht übernehmen" and says so', async () => {
    const { fake } = await selectRows(4);
    const bar = screen.getByRole('region', { name: 'Sammelaktionen' });
    await fireEvent.change(within(bar).getByLabelText('Zuweisen an …'), { target: { value: 'c1' } });
    await fireEvent.click(within(bar).getByRole('button', { name: 'Zuweisen' }));
    const ask = await screen.findByRole('alertdialog');
    await fireEvent.click(within(ask).getByRole('button', { name: 'Nicht übernehmen' }));
    const result = await screen.findByText('3 Vorgänge geändert.');
    expect(result.closest('[role="status"]')).toHaveTextContent('GEW-2026-0003-A7: Nicht übernommen: Bernd Weber ist zuständig (Status „In Bearbeitung“).');
    expect(fake.called('BulkAssign')).toHaveLength(1);
  });
});

describe('Vorgangsliste: leer', () => {
  it('says so when nothing matches', async () => {
    const fake = new FakeApi(0);
    render(App, { props: { api: fake } });
    expect(await screen.findByTestId('empty')).toHaveTextContent('Keine Vorgänge gefunden.');
    expect(screen.getByTestId('total')).toHaveTextContent('0 Vorgänge');
    expect(screen.queryAllByTestId('case-row')).toHaveLength(0);
  });
});
