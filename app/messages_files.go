package app

import (
	"fmt"
	"strings"

	"github.com/ozgcloud/desktop/filekind"
)

// The German texts of "Öffnen", "Speichern unter …" and "Drucken" for files from
// strangers: why a file is not opened, what to know before opening one that may
// hold macros. Each reason code of filekind has its own text.

const (
	titleSaveFile         = "Kopie der Datei speichern"
	msgFileNotSaved       = "Die Datei konnte nicht gespeichert werden: %v"
	msgPrintNotVerified   = "„%s“ ist kein gültig unterschriebenes PDF und wird nicht zum Drucken geöffnet. Bitte prüfen Sie die Signatur."
	msgPrintMergeUnsigned = "Der Bescheid zu %s ist kein gültig unterschriebenes PDF und wird nicht gedruckt. Bitte prüfen Sie die Signatur."

	// msgSaveOnly ends every refusal: what the clerk can still do.
	msgSaveOnly = " Sie können mit „Speichern unter …“ eine Kopie ablegen, etwa um sie von der IT prüfen zu lassen."

	msgRefusedDangerousName    = "„%s“ wird nicht geöffnet: Dateien vom Typ %s können Programme oder Skripte ausführen und sind ein häufiger Weg für Schadsoftware."
	msgRefusedDangerousContent = "„%s“ wird nicht geöffnet: Die Datei enthält ein Programm, ein Skript, eine Webseite oder ein Abbild, das Programme ausführen kann."
	msgRefusedDisguised        = "„%s“ wird nicht geöffnet: Die Datei gibt sich als %s aus, enthält aber ein Programm, ein Skript oder eine Webseite. Das ist ein typisches Zeichen für Schadsoftware."
	msgRefusedMismatch         = "„%s“ wird nicht geöffnet: Der Inhalt passt nicht zur Dateiendung %s. Die Datei ist verdächtig."
	msgRefusedHiddenMacros     = "„%s“ wird nicht geöffnet: Das Dokument enthält Makros, obwohl Dateien vom Typ %s keine enthalten dürfen. Die Datei ist verdächtig."
	msgRefusedEmpty            = "„%s“ ist leer und kann nicht geöffnet werden."
	msgRefusedNotAllowed       = "„%s“ wird nicht geöffnet: Dateien vom Typ %s öffnet OZG-Cloud Desktop nicht. Geöffnet werden PDF, Bilder (PNG, JPEG, GIF, TIFF), Text sowie Office- und OpenDocument-Dokumente."
	msgRefusedUnknown          = "„%s“ wird nicht geöffnet: Der Dateityp ist unbekannt."
	msgRefusedArchiveTooLarge  = "„%s“ wird nicht geöffnet: Das Archiv ist zu groß, um seinen Inhalt anzuzeigen."
	msgRefusedArchiveBroken    = "„%s“ wird nicht geöffnet: Das Archiv ist beschädigt oder kein ZIP-Archiv."

	msgWarnMacros       = "„%s“ ist ein Office-Dokument mit Makros. Makros können Schadsoftware ausführen. Öffnen Sie es nur, wenn Sie den Absender kennen und das Dokument erwartet haben, und aktivieren Sie keine Makros."
	msgWarnLegacyOffice = "„%s“ ist ein Office-Dokument im alten Format (%s), das Makros enthalten kann. Makros können Schadsoftware ausführen. Öffnen Sie es nur, wenn Sie den Absender kennen und das Dokument erwartet haben, und aktivieren Sie keine Makros."

	msgArchive          = "„%s“ ist ein ZIP-Archiv. OZG-Cloud Desktop entpackt es nicht; es enthält:"
	msgArchiveDangerous = "„%s“ ist ein ZIP-Archiv. OZG-Cloud Desktop entpackt es nicht. Achtung: Es enthält Programme, Skripte oder verschlüsselte Dateien (markiert). Es enthält:"
)

// typeName names the file type for the clerk by its extension (".EXE"), or says
// that it has none.
func typeName(ext string) string {
	if ext == "" {
		return "ohne Dateiendung"
	}
	return strings.ToUpper(ext)
}

// refusal says why a file is not opened, by the classifier's reason code.
func refusal(r filekind.Result, name string) string {
	var msg string
	switch r.Reason {
	case filekind.ReasonDangerousName:
		msg = fmt.Sprintf(msgRefusedDangerousName, name, typeName(r.Ext))
	case filekind.ReasonDangerousContent:
		msg = fmt.Sprintf(msgRefusedDangerousContent, name)
	case filekind.ReasonDisguised:
		msg = fmt.Sprintf(msgRefusedDisguised, name, typeName(r.Ext))
	case filekind.ReasonMismatch:
		msg = fmt.Sprintf(msgRefusedMismatch, name, typeName(r.Ext))
	case filekind.ReasonHiddenMacros:
		msg = fmt.Sprintf(msgRefusedHiddenMacros, name, typeName(r.Ext))
	case filekind.ReasonEmpty:
		return fmt.Sprintf(msgRefusedEmpty, name)
	case filekind.ReasonNotAllowed:
		msg = fmt.Sprintf(msgRefusedNotAllowed, name, typeName(r.Ext))
	case filekind.ReasonArchiveTooLarge:
		msg = fmt.Sprintf(msgRefusedArchiveTooLarge, name)
	case filekind.ReasonArchiveBroken:
		msg = fmt.Sprintf(msgRefusedArchiveBroken, name)
	default:
		msg = fmt.Sprintf(msgRefusedUnknown, name)
	}
	return msg + msgSaveOnly
}

// warning is what the clerk reads before opening a file that may hold macros.
func warning(r filekind.Result, name string) string {
	if r.Reason == filekind.ReasonLegacyOffice {
		return fmt.Sprintf(msgWarnLegacyOffice, name, typeName(r.Ext))
	}
	return fmt.Sprintf(msgWarnMacros, name)
}

// archiveNote heads the list of a ZIP's entries.
func archiveNote(r filekind.Result, name string) string {
	if r.Reason == filekind.ReasonArchiveDangerous {
		return fmt.Sprintf(msgArchiveDangerous, name)
	}
	return fmt.Sprintf(msgArchive, name)
}
