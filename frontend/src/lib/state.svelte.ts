// App-wide state shared by the screens through context: who works here, the list
// query, which screen is shown, and the refresh counter that invalidates cached pages.

import type { Api, Counts, DueFollowUp, ListQuery, QuickFilter, Session, SortKey, SyncStatusView } from './types';
import { parseError } from './errors';
import type { EventCasesChanged, EventPayloads } from './events';

export type View =
  | { kind: 'list' }
  | { kind: 'case'; id: string }
  | { kind: 'due' }
  | { kind: 'letter-settings' }
  | { kind: 'print'; caseIds: string[] }
  | { kind: 'settings-mail' }
  | { kind: 'mail-failures' }
  | { kind: 'new' }
  | { kind: 'signing-key' }
  | { kind: 'sync-connect' }
  | { kind: 'sync-rejected' };

export const emptyCounts: Counts = {
  all: 0, mine: 0, unassigned: 0, overdue: 0, followUp: 0, byStatus: {}, pending: 0,
};

export class AppState {
  session = $state<Session | null>(null);
  loadError = $state('');
  counts = $state<Counts>(emptyCounts);
  search = $state('');
  quick = $state<QuickFilter | null>(null);
  statuses = $state<string[]>([]);
  sort = $state<SortKey>('received');
  desc = $state(true);
  view = $state<View>({ kind: 'list' });
  /** Bumped when cases changed in the store: cached list pages are stale. */
  version = $state(0);
  /** Bumped when the open case changed in the store. */
  caseVersion = $state(0);
  dueBanner = $state<DueFollowUp[]>([]);
  dueCount = $state(0);
  /** The sync with the OZG-Cloud as the status bar shows it ("sync:status"). */
  sync = $state<SyncStatusView | null>(null);
  /** The conflict dialog: open for one case (caseId "" = all open conflicts), or null. */
  conflictDialog = $state<{ caseId: string } | null>(null);

  constructor(readonly api: Api) {}

  /** query returns the list query for a page, combining filters, statuses and search. */
  query(offset: number, limit: number): ListQuery {
    return {
      search: this.search.trim(),
      statuses: [...this.statuses],
      filters: this.quick ? [this.quick] : [],
      sort: this.sort,
      desc: this.desc,
      offset,
      limit,
    };
  }

  async load(): Promise<void> {
    try {
      this.session = await this.api.Session();
    } catch (e) {
      this.loadError = parseError(e).message;
      return;
    }
    if (!this.session.fatal) await this.refreshCounts();
  }

  async refreshCounts(): Promise<void> {
    try {
      this.counts = await this.api.Counts();
    } catch {
      // counts are a convenience; the list still works and shows its own errors
    }
    try {
      this.dueCount = (await this.api.DueFollowUps())?.length ?? 0;
    } catch {
      // as above
    }
  }

  /** changed reacts to "cases:changed": new pages, new counts, a fresh open case. */
  changed(ids: EventPayloads[typeof EventCasesChanged]): void {
    this.version++;
    const v = this.view;
    if (v.kind === 'case' && (!Array.isArray(ids) || ids.includes(v.id))) this.caseVersion++;
    void this.refreshCounts();
  }

  open(id: string): void {
    this.view = { kind: 'case', id };
  }

  toList(): void {
    this.view = { kind: 'list' };
  }

  setSort(key: SortKey): void {
    if (this.sort === key) this.desc = !this.desc;
    else {
      this.sort = key;
      this.desc = false;
    }
  }
}
