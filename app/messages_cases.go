package app

// The German texts of the case list, the case detail and its actions (see
// messages.go for the catalog's rules).
const (
	msgConfirmVerwerfen = "Der Vorgang wird verworfen und nicht weiter bearbeitet. Mit „Zurückholen“ kann er wieder geöffnet werden."
	msgConfirmLoeschen  = "Der Vorgang wird zur Löschung vorgemerkt. Nach Ablauf der Aufbewahrungsfrist wird er endgültig gelöscht; bis dahin kann die Löschanforderung zurückgenommen werden."
)
