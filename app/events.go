package app

// Events the app emits to the UI, through the Window. The UI's names are kept in one
// place too (frontend/src/lib/events.ts), checked against these by a test.
const (
	// EventCasesChanged carries []CaseChange: the cases the store's change feed named,
	// whoever wrote them (ChangeForwarder).
	EventCasesChanged = "cases:changed"
	// EventFollowUpDue carries []DueFollowUp that fell due while the app runs
	// (FollowUpWatcher).
	EventFollowUpDue = "followup:due"
	// EventMailStatus carries the MailStatusView whenever the intake's state changes
	// (MailIntake).
	EventMailStatus = "mail:status"
	// EventSyncStatus carries the SyncStatusView whenever what the status bar shows
	// about the sync may have changed (SyncRunner).
	EventSyncStatus = "sync:status"
	// EventSessionChanged carries nothing: who works here changed (signed in, locked,
	// unlocked, signed out); the UI asks Session and shows the screen it needs.
	EventSessionChanged = "session:changed"
	// EventScanStatus carries the ScanStatusView whenever the virus scanner goes down
	// or comes back (Scan).
	EventScanStatus = "scan:status"
)
