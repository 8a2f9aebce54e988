package identity

// Error is a sentinel error of this package: a stable machine code for programs (the
// central service's API, tests, logs) and a German sentence the desktop may show until
// its message catalog takes over. Compare with errors.Is against the Err values; get
// the code and text with errors.As.
type Error struct {
	Code    string // stable, English, snake_case; never changes once shipped
	Message string // German, for the clerk
}

// Error returns the package prefix and the machine code; the German text stays out of
// logs and error chains.
func (e *Error) Error() string { return "identity: " + e.Code }

// Password verifiers and rules.
var (
	ErrWrongPassword     = &Error{"wrong_password", "Das Passwort ist falsch."}
	ErrMalformedVerifier = &Error{"malformed_verifier", "Die gespeicherten Anmeldedaten dieses Benutzers sind beschädigt. Bitte wenden Sie sich an die Administration, damit sie das Passwort zurücksetzt."}
	ErrPasswordTooShort  = &Error{"password_too_short", "Das Passwort muss mindestens 10 Zeichen lang sein."}
	ErrPasswordTooLong   = &Error{"password_too_long", "Das Passwort darf höchstens 256 Zeichen lang sein."}
	ErrPasswordCommon    = &Error{"password_common", "Dieses Passwort ist zu leicht zu erraten: Es steht auf einer Liste häufiger Passwörter oder folgt einem bekannten Muster (etwa Wort mit Jahreszahl, Tastaturreihe, Wiederholung). Bitte wählen Sie ein anderes, zum Beispiel einen Satz aus mehreren Wörtern."}
	ErrPasswordPersonal  = &Error{"password_personal", "Das Passwort darf Ihren Namen oder Benutzernamen nicht enthalten."}
	ErrLocked            = &Error{"locked", "Nach zu vielen falschen Passwörtern ist die Anmeldung dieses Benutzers auf diesem PC vorübergehend gesperrt."}
)

// Grants.
var (
	ErrGrantMalformed   = &Error{"grant_malformed", "Die Anmeldeberechtigung dieses PCs ist unlesbar. Bitte melden Sie sich an, wenn der PC mit der OZG-Cloud verbunden ist."}
	ErrGrantSignature   = &Error{"grant_signature", "Die Anmeldeberechtigung dieses PCs ist nicht von der OZG-Cloud unterschrieben. Bitte melden Sie sich an, wenn der PC mit der OZG-Cloud verbunden ist."}
	ErrGrantWrongDevice = &Error{"grant_wrong_device", "Die Anmeldeberechtigung gilt für einen anderen PC."}
	ErrGrantExpired     = &Error{"grant_expired", "Die Offline-Anmeldung auf diesem PC ist abgelaufen. Bitte melden Sie sich an, wenn der PC mit der OZG-Cloud verbunden ist; bereits erledigte Arbeit bleibt erhalten und wird übertragen."}
	ErrGrantFromFuture  = &Error{"grant_from_future", "Die Uhr dieses PCs weicht um mehr als 5 Minuten von der Uhr der OZG-Cloud ab. Bitte lassen Sie Datum und Uhrzeit des PCs korrigieren."}
	ErrGrantRevoked     = &Error{"grant_revoked", "Die Anmeldung wurde von der Administration beendet (Benutzer deaktiviert oder PC gesperrt)."}
	ErrNoGrant          = &Error{"no_grant", "Der Benutzer war auf diesem PC nicht angemeldet."}
)

// Invitation codes.
var (
	ErrInvitationMalformed = &Error{"invitation_malformed", "Der Einladungscode hat nicht die richtige Form. Er besteht aus 16 Buchstaben und Ziffern in Vierergruppen, zum Beispiel ABCD-EFGH-JKLM-NPQR."}
	ErrInvitationWrong     = &Error{"invitation_wrong", "Der Einladungscode ist falsch."}
	ErrInvitationExpired   = &Error{"invitation_expired", "Der Einladungscode ist abgelaufen. Bitte lassen Sie sich von der Administration einen neuen geben."}
	ErrInvitationUsed      = &Error{"invitation_used", "Der Einladungscode wurde schon benutzt. Bitte lassen Sie sich von der Administration einen neuen geben."}
)

// Substitution.
var (
	ErrAbsenceInvalid = &Error{"absence_invalid", "Die Abwesenheit ist unvollständig: Sie braucht die abwesende Person, eine andere Person als Vertretung und einen Zeitraum, dessen Ende nicht vor dem Anfang liegt."}
	ErrAbsenceOverlap = &Error{"absence_overlap", "Für diese Person ist in diesem Zeitraum schon eine Abwesenheit eingetragen."}
)
