// The events Go emits to the UI, with what each carries. The names are Go's
// (app.EventCasesChanged ...); app/events_test.go fails when a name or value here
// differs from Go or an event exists on one side only. Subscribe with
// api.on(EventX, (payload) => ...): the payload is typed by EventPayloads.

import type { DueFollowUp, MailStatusView, ScanStatusView, SyncStatusView } from './types';

/** The cases the store's change feed named: written by a clerk, a mail import, a pull. */
export const EventCasesChanged = 'cases:changed';
/** Follow-ups that fell due while the app runs. */
export const EventFollowUpDue = 'followup:due';
/** The mail intake's state, whenever it changes. */
export const EventMailStatus = 'mail:status';
/** The sync with the OZG-Cloud, whenever what the status bar shows changes. */
export const EventSyncStatus = 'sync:status';
/** Who works here changed (signed in, locked, unlocked, signed out): ask Session. */
export const EventSessionChanged = 'session:changed';
/** The virus scanner went down or came back. */
export const EventScanStatus = 'scan:status';

/** The payload of each event as Go sends it (a nil slice arrives as null). */
export interface EventPayloads {
  [EventCasesChanged]: CaseChange[] | null;
  [EventFollowUpDue]: DueFollowUp[] | null;
  [EventMailStatus]: MailStatusView;
  [EventSyncStatus]: SyncStatusView;
  [EventSessionChanged]: undefined;
  [EventScanStatus]: ScanStatusView;
}

export type EventName = keyof EventPayloads;

/**
 * One case of "cases:changed" (app.CaseChange, not a bound method's type, so Wails
 * generates no model of it): its ID and its revision after the change, "" when only
 * its list row changed. The UI reloads an open case only for a revision it does not
 * show.
 */
export interface CaseChange {
  id: string;
  revision: string;
}
