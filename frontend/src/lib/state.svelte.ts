// App-wide state shared by the screens through context: who works here (signed in,
// locked or nobody), the list query, which screen is shown, and the refresh counter
// that invalidates cached pages.

import type { Api, CaseDetail, Counts, DueFollowUp, ListQuery, QuickFilter, Session, SortKey, SyncStatusView } from './types';
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
  | { kind: 'sync-rejected' }
  | { kind: 'substitution' }
  | { kind: 'users' };

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
  /** Bumped when the open case changed in the store after the detail view loaded it. */
  caseVersion = $state(0);
  dueBanner = $state<DueFollowUp[]>([]);
  dueCount = $state(0);
  /** The sync with the OZG-Cloud as the status bar shows it ("sync:status"). */
  sync = $state<SyncStatusView | null>(null);
  /** The conflict dialog: open for one case (caseId "" = all open conflicts), or null. */
  conflictDialog = $state<{ caseId: string } | null>(null);

  // The open case as the detail view shows it (its revision), the newest revision a
  // "cases:changed" event announced for it (null: none since), and the actions on it
  // still waiting for their answer. An event that arrives while an action runs waits
  // for the action's answer: usually it announces just what the answer brings.
  private shownRevision = '';
  private announced: string | null = null;
  private acting = 0;
  // A case an action has just returned, for the detail view to show without loading.
  private prefetched: CaseDetail | null = null;
  // refreshCounts in flight, and whether another change came meanwhile.
  private counting: Promise<void> | null = null;
  private countAgain = false;

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
      this.setSession(await this.api.Session());
    } catch (e) {
      this.loadError = parseError(e).message;
    }
  }

  /** working: a clerk is signed in and the window is not locked. */
  get working(): boolean {
    return !!this.session && !this.session.fatal && this.session.signedIn && !this.session.locked;
  }

  /**
   * setSession takes who works here now (from Session, a sign-in, Lock, SignOut). A
   * different clerk starts from a fresh workspace, so nothing of the one before is
   * shown to them; the same clerk after a lock finds everything as it was.
   */
  setSession(s: Session): void {
    const before = this.session;
    this.session = s;
    if (s.fatal) return;
    if (!before || before.clerk.id !== s.clerk.id) {
      this.view = { kind: 'list' };
      this.quick = null;
      this.search = '';
      this.statuses = [];
      this.dueBanner = [];
      this.dueCount = 0;
      this.counts = emptyCounts;
      this.conflictDialog = null;
    }
    if (this.working && (!before || !before.signedIn || before.locked || before.clerk.id !== s.clerk.id)) {
      this.version++;
      void this.refreshCounts();
    }
  }

  /** reloadSession asks Go who works here ("session:changed"). */
  async reloadSession(): Promise<void> {
    try {
      this.setSession(await this.api.Session());
    } catch {
      // the next event or action asks again
    }
  }

  private lastTouch = 0;

  /**
   * touch tells Go that the clerk uses the window, so the idle lock waits; at most a
   * few times per idle period, so typing does not flood the bridge.
   */
  touch(now = Date.now()): void {
    if (!this.working) return;
    const every = Math.min(15_000, ((this.session?.idleLockSeconds ?? 600) * 1000) / 4);
    if (now - this.lastTouch < every) return;
    this.lastTouch = now;
    this.api.Touch().catch(() => {});
  }

  /** refreshCounts reloads the counts; calls while one runs make one more after it. */
  refreshCounts(): Promise<void> {
    if (this.counting) {
      this.countAgain = true;
      return this.counting;
    }
    this.counting = this.loadCounts().finally(() => {
      this.counting = null;
      if (this.countAgain) {
        this.countAgain = false;
        void this.refreshCounts();
      }
    });
    return this.counting;
  }

  private async loadCounts(): Promise<void> {
    try {
      this.counts = await this.api.Counts();
    } catch {
      // counts are a convenience; the list still works and shows its own errors
    }
    try {
      this.dueCount = (await this.api.DueFollowUps(false))?.length ?? 0;
    } catch {
      // as above
    }
  }

  /**
   * changed reacts to "cases:changed" (the cases with their revisions) or to a change
   * the UI made itself (null: everything may have changed): new pages, new counts, and
   * the open case reloaded unless it shows that revision already.
   */
  changed(cases: EventPayloads[typeof EventCasesChanged]): void {
    this.version++;
    void this.refreshCounts();
    const v = this.view;
    if (v.kind !== 'case') return;
    if (!cases) {
      this.announced = '';
    } else {
      for (const c of cases) if (c.id === v.id) this.announced = c.revision;
    }
    this.settle();
  }

  /** shown records the revision of the open case the detail view shows now. */
  shown(d: CaseDetail): void {
    this.shownRevision = d.revision;
    this.settle();
  }

  /**
   * act runs an action on the open case and returns the case as the action left it;
   * the events it causes do not load the case again.
   */
  async act(f: () => Promise<CaseDetail>): Promise<CaseDetail> {
    this.acting++;
    try {
      const d = await f();
      this.shownRevision = d.revision;
      return d;
    } finally {
      this.acting--;
      this.settle();
    }
  }

  // settle reloads the open case when an event announced a revision it does not show
  // ("" = unknown), once no action is waiting for its answer.
  private settle(): void {
    if (this.acting > 0 || this.announced === null) return;
    if (this.announced === '' || this.announced !== this.shownRevision) this.caseVersion++;
    this.announced = null;
  }

  /** open shows a case; detail, when an action has just returned it, is shown as it is. */
  open(id: string, detail?: CaseDetail): void {
    this.prefetched = detail ?? null;
    this.shownRevision = detail?.revision ?? '';
    this.announced = null;
    this.view = { kind: 'case', id };
  }

  /** takePrefetched returns the case open() was given for id, once. */
  takePrefetched(id: string): CaseDetail | null {
    const d = this.prefetched;
    this.prefetched = null;
    return d?.id === id ? d : null;
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
