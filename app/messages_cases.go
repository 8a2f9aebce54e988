package app

// The German texts of the case list, the case detail and its actions (see
// messages.go for the catalog's rules).
const (
	msgConfirmVerwerfen = "Der Vorgang wird verworfen und nicht weiter bearbeitet. Mit „Zurückholen“ kann er wieder geöffnet werden."
	msgFollowUpNotOpen  = "Diese Wiedervorlage ist nicht mehr offen."
	fieldFollowUpPast   = "Eine Wiedervorlage kann nicht in der Vergangenheit liegen. Bitte ein Datum ab heute wählen."
	labelAssign         = "Zuweisen"
	msgBulkNotNow       = "„%s“ ist im Status „%s“ nicht möglich; nicht geändert."
	// A bulk assignment leaves these alone.
	msgBulkAssignFinished = "Nicht zugewiesen: der Vorgang ist im Status „%s“ und wird nicht mehr bearbeitet."
	msgBulkAssignAlready  = "Nicht geändert: %s ist bereits zuständig."
	msgBulkAssignHeld     = "%s ist zuständig (Status „%s“); nur nach Rückfrage übernehmen."
	msgConfirmLoeschen    = "Der Vorgang wird zur Löschung vorgemerkt. Nach Ablauf der Aufbewahrungsfrist wird er endgültig gelöscht; bis dahin kann die Löschanforderung zurückgenommen werden."
)
