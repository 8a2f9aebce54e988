package app

import (
	"errors"

	"github.com/ozgcloud/desktop/sign"
)

// The app's German texts for the window, in one place so that their wording is
// reviewed together: the messages of errors and notices here, the messages of form
// fields in messages_forms.go, the labels of choices in labels.go. Texts with %
// verbs are formats (fmt.Sprintf). The German of other packages' errors is made at
// this boundary too: errors.go (store, model), signMessage (sign).

const (
	msgDialogFailed              = "Der Dateidialog konnte nicht geöffnet werden."
	msgCheckFields               = "Bitte prüfen Sie die markierten Angaben."
	msgCheckFieldsNothingSaved   = "Bitte prüfen Sie die markierten Angaben. Es wurde nichts gespeichert."
	msgCheckFieldsNothingChanged = "Bitte prüfen Sie die markierten Angaben. Es wurde nichts geändert."
	msgNothingSaved              = "%s Es wurde nichts gespeichert."
	msgFatalLocked               = "OZG-Cloud Desktop läuft bereits. Bitte verwenden Sie das bereits geöffnete Fenster. (Datenordner: %s)"
	msgFatalCorrupt              = "Die Datenbank in %s ist beschädigt und kann nicht gelesen werden. Sie wurde nicht verändert. Bitte wenden Sie sich an die Administration, um sie aus der Sicherung wiederherzustellen."
	msgFatalTooNew               = "Die Daten in %s stammen von einer neueren Version von OZG-Cloud Desktop. Bitte installieren Sie die aktuelle Version."
	msgFatalOther                = "OZG-Cloud Desktop konnte seine Daten in %s nicht öffnen: %v"
	msgFatalDirLink              = "Der Datenordner %s ist eine Verknüpfung auf einen anderen Ort. OZG-Cloud Desktop verwendet ihn nicht, weil nicht feststeht, wem der Ort gehört, auf den sie zeigt. Es wurde nichts verändert. Bitte bitten Sie die Administration, die Verknüpfung durch den Ordner selbst zu ersetzen."
	msgFatalDirNotDir            = "An der Stelle des Datenordners %s liegt eine Datei, kein Ordner. Es wurde nichts verändert. Bitte wenden Sie sich an die Administration."
	msgFatalDirForeign           = "Der Datenordner %s gehört einem anderen Benutzerkonto. OZG-Cloud Desktop verwendet ihn nicht, weil dieses Konto die Daten darin lesen und ändern könnte. Es wurde nichts verändert. Bitte melden Sie sich mit dem Konto an, dem der Ordner gehört, oder bitten Sie die Administration, ihn Ihrem Konto zu übertragen."
	msgRoleNotPermitted          = "Diese Aktion ist Ihrer Rolle nicht erlaubt."
	msgNeedsDecision             = "Der Vorgang kann erst beschieden werden, wenn ein unterschriebener Bescheid vorliegt."
	msgNotAllowedNow             = "Diese Aktion ist im aktuellen Status des Vorgangs nicht möglich. Es wurde nichts geändert."
	msgNotFound                  = "Der Vorgang oder Eintrag wurde nicht gefunden."
	msgFileTooLarge              = "Die Datei ist zu groß. Es wurde nichts gespeichert."
	msgStoreFailed               = "Die Änderung konnte nicht gespeichert werden; es wurde nichts geändert. (%v)"
	msgAttachmentTooLarge        = "Die Datei „%s“ ist zu groß (höchstens %d MB). Es wurde nichts gespeichert."
	msgFileUnreadable            = "Die Datei „%s“ kann nicht gelesen werden. Es wurde nichts gespeichert."
	titleAddFiles                = "Dateien zum Vorgang hinzufügen"
	msgFileWithoutName           = "Die Datei hat keinen Namen."
	msgFileNotOfCase             = "Die Datei gehört nicht zu diesem Vorgang."
	msgFileContentMissing        = "Der Inhalt der Datei „%s“ fehlt auf diesem Rechner."
	msgFileNotViewable           = "Die Datei konnte nicht zum Ansehen bereitgestellt werden: %v"
	msgNoViewer                  = "Für diese Datei ist kein Programm zum Anzeigen eingerichtet."
	msgReasonMissing             = "Bitte geben Sie einen Grund an."
	msgUnknownClerk              = "Diese Person ist nicht bekannt."
	msgHistoryBroken             = "Der Verlauf ist NICHT unversehrt: ein Eintrag wurde verändert oder entfernt. Bitte informieren Sie die Administration. (%v)"
	msgHistoryIntact             = "Der Verlauf ist unversehrt: alle %d Einträge sind lückenlos verkettet."
	msgBulkNeedsReason           = "Diese Aktion braucht einen Grund je Vorgang und ist als Sammelaktion nicht möglich."
	msgUnknownSort               = "Unbekannte Sortierung."
	msgUnknownStatus             = "Unbekannter Status."
	msgUnknownFilter             = "Unbekannter Filter."
	msgDecisionCaseDecided       = "Der Vorgang ist beschieden. Für einen neuen Bescheid, der den bisherigen ersetzt, öffnen Sie den Vorgang bitte zuerst wieder (Wiedereröffnen)."
	msgDecisionNotInWork         = "Einen Bescheid kann man erst erstellen, wenn der Vorgang in Bearbeitung ist."
	msgDecisionNotAssignee       = "Einen Bescheid erstellt die zuständige Person. Bitte weisen Sie sich den Vorgang zuerst zu."
	fmtQuoted                    = "„%s“"
	fmtDecisionTitle             = "„%s“ vom %s"
	msgChooseTemplate            = "Bitte eine Vorlage wählen."
	msgFeeAmountMissing          = "Bitte geben Sie den Betrag der Gebühr an."
	msgFeeAmountUnreadable       = "Der Betrag der Gebühr ist nicht lesbar. Bitte in Euro angeben, zum Beispiel „25,00“."
	msgFeeDueMissing             = "Bitte geben Sie an, bis wann die Gebühr zu zahlen ist."
	msgFeeDuePast                = "Das Fälligkeitsdatum der Gebühr liegt in der Vergangenheit."
	msgFeeNotAllowed             = "Für diese Antragsart dürfen keine Gebühren erhoben werden (zum Beispiel Wohngeld, § 64 SGB X). Bitte die Gebühr abwählen oder eine Vorlage ohne Gebühr nehmen."
	msgValueMissing              = "Bitte geben Sie „%s“ an; der Bescheid braucht diesen Text."
	msgBankMissing               = "Im Briefkopf fehlt die Bankverbindung (%s) für den Gebührenteil. Die Administration kann sie in den Briefeinstellungen eintragen; bis dahin lassen Sie die Gebühr bitte weg."
	msgPlaceholderNoValue        = "Für den Platzhalter {{%s}} gibt es in diesem Vorgang keinen Wert. Bitte ändern Sie den Text oder ergänzen Sie die Angabe im Vorgang."
	msgSecretMissing             = "Bitte geben Sie das Passwort oder die PIN des Schlüssels ein."
	msgNothingSigned             = "%s Es wurde nichts unterschrieben."
	fmtSupersedingTitle          = "Änderungsbescheid: %s"
	msgSignedWithoutTimestamp    = "Der Zeitstempeldienst war nicht erreichbar: Der Bescheid wurde ohne Zeitstempel unterschrieben. Die Unterschrift ist trotzdem gültig."
	msgSignatureUnconfirmed      = "Die Unterschrift ließ sich nicht bestätigen. Es wurde nichts gespeichert."
	msgSigned                    = "Der Bescheid ist unterschrieben und gespeichert."
	msgSignedTimestamped         = "Der Bescheid ist unterschrieben (mit Zeitstempel) und gespeichert."
	fmtDecisionFile              = "Bescheid %s %s %s.pdf"
	msgSignReasonPrefix          = "Bescheid "
	msgSwitchOnlyDemo            = "Die Anmeldung kann nur in der Demo gewechselt werden."
	notifyFollowUpDue            = "Wiedervorlage fällig"
	notifyFollowUpsDue           = "%d Wiedervorlagen fällig"
	notifyFollowUpsWhere         = "Die Liste finden Sie unter „Wiedervorlagen“."
	fmtFileNumberReason          = "%s: %s"
	msgMailUnfetched             = "%s Sie wird erst nach „Erneut versuchen“ wieder abgerufen."
	msgNoMailbox                 = "Es ist kein Postfach eingerichtet."
	msgMailGone                  = "Diese E-Mail steht nicht mehr in der Liste; sie wurde inzwischen eingelesen oder aus dem Postfach entfernt."
	msgNoMailGiven               = "Keine E-Mail angegeben."
	msgLettersAdminOnly          = "Die Briefeinstellungen darf nur die Administration ändern."
	fmtTemplateProblem           = "Vorlage „%s“: %s"
	titleChooseLogo              = "Logo wählen (PNG)"
	msgPlaceholderWithoutValue   = "Der Platzhalter {{%s}} hat keinen Wert.%s"
	msgNoSuchTemplate            = "Diese Vorlage gibt es nicht."
	msgNoSuchCaseType            = "Diese Antragsart gibt es nicht."
	msgPreviewNeedsFields        = "Die Vorschau kann erst gezeigt werden, wenn die markierten Angaben stimmen."
	msgMailAdminOnly             = "Die E-Mail-Einstellungen darf nur die Administration sehen und ändern."
	titleChooseCA                = "Zertifikat der Zertifizierungsstelle (PEM) wählen"
	msgMailNotTested             = "Die Verbindung wurde nicht getestet."
	msgMailTimeout               = "Der Server hat nicht rechtzeitig geantwortet."
	msgMailFails                 = "Die Verbindung funktioniert nicht."
	msgMailWorks                 = "Die Verbindung funktioniert."
	msgMailWorksLimited          = "Die Verbindung funktioniert, mit Einschränkungen."
	msgPrintUnsigned             = "Der Bescheid „%s“ zu %s ist nicht unterschrieben und kann nicht gedruckt werden."
	msgPrintNotOfCase            = "Der Bescheid gehört nicht zum Vorgang %s."
	msgPrintScope                = "Bitte wählen Sie, welche Bescheide gedruckt werden sollen."
	msgPrintNone                 = "Bitte wählen Sie mindestens einen Bescheid."
	msgPrintTooMany              = "Ein Sammeldruck umfasst höchstens %d Bescheide. Bitte drucken Sie in mehreren Teilen."
	msgPrintDocumentMissing      = "Der unterschriebene Bescheid zu %s fehlt auf diesem Rechner."
	msgPrintMergeFailed          = "Die Bescheide konnten nicht zu einer Druckdatei zusammengefügt werden. Bitte drucken Sie sie einzeln."
	msgPrintWriteFailed          = "Die Druckdatei konnte nicht geschrieben werden: %v"
	msgPostedRefused             = "Der Bescheid ist nicht unterschrieben oder wurde schon als versandt vermerkt."
	printFilePrefix              = "Sammeldruck-"
	titleChoosePDF               = "PDF-Datei zum Prüfen wählen"
	msgCheckTooLarge             = "Die Datei „%s“ ist zu groß zum Prüfen (höchstens %d MB)."
	msgCheckNotPDF               = "Die Datei „%s“ ist keine lesbare PDF-Datei."
	msgCheckNoSignature          = "Die Datei „%s“ enthält keine elektronische Signatur."
	msgCheckInvalid              = "Die Signatur ist NICHT gültig: %s. Die Datei wurde nach dem Unterschreiben verändert oder ist beschädigt."
	msgCheckPartial              = "Die Signatur von %s ist gültig, umfasst aber nicht das ganze Dokument: nach dem Unterschreiben wurde die Datei ergänzt."
	msgCheckValid                = "Die Signatur ist gültig: unterschrieben von %s; sie umfasst das ganze Dokument."
	msgCheckValidAt              = "Die Signatur ist gültig: unterschrieben von %s am %s; sie umfasst das ganze Dokument."
	msgCheckTrustNotChecked      = "%s Ob das Zertifikat vertrauenswürdig ist, wird hier nicht geprüft."
	layoutDateTimeGerman         = "02.01.2006 um 15:04 Uhr"
	msgKeyAdminOnly              = "Den Signaturschlüssel richtet nur die Administration ein."
	titleChooseKeyFile           = "Schlüsseldatei (PKCS#12, .p12 oder .pfx) wählen"
	msgKeyFileTooLarge           = "Die Datei „%s“ ist keine PKCS#12-Schlüsseldatei (zu groß). Es wurde nichts geändert."
	msgKeyFileBad                = "Die Datei „%s“ ist keine lesbare PKCS#12-Schlüsseldatei. Es wurde nichts geändert."
	msgKeyFileNotStored          = "Die Schlüsseldatei konnte nicht im Datenordner abgelegt werden. Es wurde nichts geändert."
	msgKeyFileMissing            = "Die Schlüsseldatei fehlt im Datenordner. Bitte wenden Sie sich an die Administration, damit sie den Schlüssel neu einrichtet. Es wurde nichts unterschrieben."
	msgNoKey                     = "Es ist noch kein Signaturschlüssel eingerichtet. Bitte wenden Sie sich an die Administration. Es wurde nichts unterschrieben."
	msgNothingSignedNorSaved     = "%s Es wurde nichts unterschrieben und nichts gespeichert."
	msgNotEnrolled               = "Dieser PC ist noch nicht mit der OZG-Cloud verbunden."
	msgServerAddress             = "Bitte prüfen Sie die Adresse des Servers."
	msgCodeMissing               = "Bitte geben Sie den Anmeldecode ein."
	msgFingerprintMissing        = "Bitte bestätigen Sie den Fingerabdruck des Servers oder wählen Sie eine Zertifikatsdatei."
	msgAlreadyEnrolled           = "Dieser PC ist bereits mit der OZG-Cloud verbunden (%s)."
	msgConnectAdminOnly          = "Mit der OZG-Cloud verbinden darf nur die Administration."
	msgChooseValue               = "Bitte wählen Sie, welcher Wert gelten soll."
	msgConflictNotFound          = "Der Konflikt wurde nicht gefunden."
)

// signMessages words package sign's errors.
var signMessages = []struct {
	err error
	msg string
}{
	{sign.ErrWrongPassword, "Das Passwort für die Schlüsseldatei ist falsch."},
	{sign.ErrNoKey, "Die Schlüsseldatei enthält keinen privaten Schlüssel mit Zertifikat."},
	{sign.ErrExpired, "Das Zertifikat ist abgelaufen. Bitte ein gültiges Zertifikat verwenden."},
	{sign.ErrNotYetValid, "Das Zertifikat ist noch nicht gültig."},
	{sign.ErrKeyUsage, "Das Zertifikat darf nicht zum Signieren verwendet werden (Schlüsselverwendung fehlt)."},
	{sign.ErrKeyMismatch, "Der Schlüssel passt nicht zum Zertifikat."},
	{sign.ErrKeyType, "Dieser Schlüsseltyp wird nicht unterstützt (erlaubt: RSA 2048, 3072, 4096 Bit, ECDSA P-256, P-384)."},
	{sign.ErrBadFile, "Die Datei ist keine lesbare PKCS#12-Schlüsseldatei."},
	{sign.ErrTooLarge, "Die Datei ist keine PKCS#12-Schlüsseldatei (zu groß)."},
	{sign.ErrPDF, "Die PDF-Datei ist beschädigt oder kann nicht gelesen werden."},
	{sign.ErrSpace, "Die Signatur passt nicht in den reservierten Platz der PDF-Datei."},
	{sign.ErrWrongPIN, "Die PIN ist falsch."},
	{sign.ErrPINLocked, "Die PIN ist gesperrt. Bitte die PUK oder die Administration fragen."},
	{sign.ErrTimestamp, "Der Zeitstempeldienst war nicht erreichbar; das Dokument wurde ohne Zeitstempel signiert."},
	{sign.ErrTokenMissing, "Die Signaturkarte oder das Token wurde nicht gefunden."},
	{sign.ErrNoPKCS11Support, "Diese Programmversion unterstützt keine Signaturkarten (PKCS#11)."},
}

// signMessage says an error of package sign in German; a generic sentence for any
// other error.
func signMessage(err error) string {
	for _, m := range signMessages {
		if errors.Is(err, m.err) {
			return m.msg
		}
	}
	return "Die Signatur konnte nicht erstellt werden."
}
