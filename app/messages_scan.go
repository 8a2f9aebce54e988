package app

// The German of the virus scanner (scan.go). See messages.go.
const (
	msgScanInfected  = "Die Datei „%s“ enthält Schadsoftware (Fund: %s). Sie ist in Quarantäne: Sie bleibt beim Vorgang, kann aber nicht geöffnet, angezeigt oder gedruckt werden. Bitte wenden Sie sich an die IT."
	msgScanUnchecked = "Die Datei „%s“ ist nicht geprüft: Der Virenscanner war nicht erreichbar. Sie kann erst geöffnet werden, wenn der Scanner sie geprüft hat; das geschieht von selbst, sobald er wieder läuft."
	msgScanTooLarge  = "Die Datei „%s“ ist nicht geprüft: Sie ist größer, als der Virenscanner annimmt (StreamMaxLength in clamd.conf). Sie kann erst geöffnet werden, wenn der Scanner sie geprüft hat."
	msgScanPending   = "Die Datei „%s“ wird noch auf Schadsoftware geprüft. Bitte versuchen Sie es gleich noch einmal."
	msgScanReady     = "Virenscanner aktiv"
	msgScanDown      = "Virenscanner nicht erreichbar: neue Anlagen bleiben „nicht geprüft“ und gesperrt"

	notifyScanFinding     = "Schadsoftware gefunden"
	notifyScanFindingBody = "Eine eingegangene Datei enthält Schadsoftware (Fund: %s). Sie ist in Quarantäne und kann nicht geöffnet werden; der Vorgang ist in der Liste markiert."

	labelScanInfected  = "Schadsoftware gefunden"
	labelScanUnchecked = "nicht geprüft"
	labelScanPending   = "wird geprüft"
)
