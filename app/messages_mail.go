package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ozgcloud/desktop/mail"
)

// The German of the e-mail intake: package mail's errors (their Reason and what they
// are about) and what "Verbindung testen" found. See messages.go.

var mailReasons = map[mail.Reason]string{
	mail.ReasonPlainRemote:  "Ohne Verschlüsselung darf nur ein Server auf diesem Rechner (localhost) verwendet werden.",
	mail.ReasonCAUnreadable: "Die Zertifikatsdatei „%s“ kann nicht gelesen werden.",
	mail.ReasonCANoPEM:      "Die Zertifikatsdatei „%s“ enthält kein Zertifikat im PEM-Format.",
	mail.ReasonDial:         "Der Server %s ist nicht erreichbar. Bitte Servername, Port und Netzwerkverbindung prüfen.",
	mail.ReasonNoStartTLS:   "Der Server %s bietet keine verschlüsselte Verbindung (STARTTLS) an oder hat sie abgebrochen.",
	mail.ReasonNotIMAP:      "Der Server %s antwortet nicht wie ein IMAP-Server.",
	mail.ReasonNoTLS:        "Mit dem Server %s kam keine verschlüsselte Verbindung zustande. Bitte Port und Verschlüsselungsart prüfen.",
	mail.ReasonCertificate:  "Dem Zertifikat des Servers %s wird nicht vertraut (unbekannte Zertifizierungsstelle, falscher Name oder abgelaufen). Bitte die Zertifikatsdatei in den Einstellungen prüfen.",
	mail.ReasonLogin:        "Die Anmeldung als „%s“ ist fehlgeschlagen. Bitte Benutzername und Passwort prüfen.",
	mail.ReasonNoFolder:     "Der Ordner „%s“ ist im Postfach nicht vorhanden oder nicht lesbar.",
	mail.ReasonNewValidity:  "Der Ordner „%s“ wurde auf dem Server neu angelegt (UIDVALIDITY geändert); der Abruf beginnt von vorn.",
	mail.ReasonCreateFolder: "Der Ordner „%s“ konnte nicht angelegt werden.",
	mail.ReasonNoMoveMark:   "Der Server kann importierte E-Mails weder verschieben (MOVE/UIDPLUS) noch markieren (Schlüsselwort %s). So würde jede E-Mail immer wieder importiert.",
	mail.ReasonMoveGone:     "Der Server unterstützt weder MOVE noch UIDPLUS mehr; es wird nichts verschoben.",
	mail.ReasonTempFile:     "Die E-Mail konnte auf diesem Rechner nicht zwischengespeichert werden (Datenträger voll oder nicht beschreibbar).",
	mail.ReasonRefused:      "Der Server hat „%s“ abgelehnt oder die Verbindung verloren.",
	mail.ReasonTimeout:      "Der Server hat nicht rechtzeitig geantwortet; die Verbindung wurde getrennt und wird später erneut versucht.",
	mail.ReasonCommit:       "Die E-Mail konnte nicht als Vorgang gespeichert werden; sie wird beim nächsten Abruf erneut versucht.",
}

// mailCommands says the IMAP commands of mail.ReasonRefused in words.
var mailCommands = map[string]string{
	"CAPABILITY": "Fähigkeiten abfragen", "IDLE": "IDLE", "SEARCH": "E-Mails suchen", "FETCH": "E-Mails abrufen",
	"STORE": "E-Mails als importiert markieren", "MOVE": "E-Mails nach „" + mail.ImportedFolder + "“ verschieben",
}

const (
	msgMailTooLarge     = "Die E-Mail ist mit %s größer als die Grenze von %s; sie bleibt im Postfach."
	msgMailError        = "Beim Abruf der E-Mails ist ein Fehler aufgetreten."
	msgMailNotDelivered = "Der Server hat diese E-Mail nicht rechtzeitig geliefert; sie bleibt im Postfach."
	msgMailFetchRefused = "Der Server hat den Abruf dieser E-Mail abgelehnt oder dabei die Verbindung verloren; sie bleibt im Postfach."
	msgMailCheckLogin   = "Server erreicht, Anmeldung erfolgreich."
	msgMailCheckFolder  = "Ordner „%s“ ist lesbar."
	msgMailCheckMoves   = "Importierte E-Mails werden nach „%s“ verschoben."
	msgMailCheckKeyword = "Der Server unterstützt weder MOVE noch UIDPLUS. Importierte E-Mails werden deshalb nicht nach „%s“ verschoben, sondern bleiben im Ordner und erhalten das Schlüsselwort %s."
	msgMailCheckIdle    = "Neue E-Mails werden sofort gemeldet (IDLE)."
	msgMailCheckPolled  = "Der Server meldet neue E-Mails nicht von selbst (kein IDLE); das Postfach wird jede Minute abgefragt."
)

// mailMessage says an error of package mail in German; it never holds the password
// (mail's errors do not).
func mailMessage(err error) string {
	var e *mail.Error
	if !errors.As(err, &e) {
		if err == nil {
			return ""
		}
		return msgMailError
	}
	if e.Reason == mail.ReasonTooLarge {
		return fmt.Sprintf(msgMailTooLarge, megabytes(e.Size), megabytes(e.Limit))
	}
	text, ok := mailReasons[e.Reason]
	if !ok {
		return msgMailError
	}
	if !strings.Contains(text, "%s") {
		return text
	}
	subject := e.Subject
	if e.Reason == mail.ReasonRefused {
		if words, ok := mailCommands[subject]; ok {
			subject = words
		}
	}
	return fmt.Sprintf(text, subject)
}

// mailFailureReason says why one mail was not imported: a mail that could not even be
// fetched is spoken of, not the connection.
func mailFailureReason(f mail.Failure) string {
	switch {
	case f.Unfetched && errors.Is(f.Err, mail.ErrTimeout):
		return msgMailNotDelivered
	case f.Unfetched && errors.Is(f.Err, mail.ErrProtocol):
		return msgMailFetchRefused
	}
	return mailMessage(f.Err)
}

// mailCheckWords says what "Verbindung testen" found: what works and what works only
// in a weaker way.
func mailCheckWords(r mail.CheckResult) (passed, warnings []string) {
	passed = []string{msgMailCheckLogin, fmt.Sprintf(msgMailCheckFolder, r.Folder)}
	if r.Moves {
		passed = append(passed, fmt.Sprintf(msgMailCheckMoves, mail.ImportedFolder))
	} else {
		warnings = append(warnings, fmt.Sprintf(msgMailCheckKeyword, mail.ImportedFolder, mail.ImportedKeyword))
	}
	if r.Idle {
		passed = append(passed, msgMailCheckIdle)
	} else {
		warnings = append(warnings, msgMailCheckPolled)
	}
	return passed, warnings
}

// megabytes writes a size the German way: "12,5 MB".
func megabytes(n int64) string {
	return strings.Replace(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".", ",", 1) + " MB"
}
