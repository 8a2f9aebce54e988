// Package sign loads signing keys and makes and checks PAdES signatures of PDF files.
package sign

import "errors"

// Sentinel errors; Message turns each into the German sentence the clerk sees.
var (
	ErrWrongPassword   = errors.New("sign: wrong password")
	ErrNoKey           = errors.New("sign: no private key or certificate in the file")
	ErrExpired         = errors.New("sign: certificate expired")
	ErrNotYetValid     = errors.New("sign: certificate not yet valid")
	ErrKeyUsage        = errors.New("sign: certificate not usable for signatures")
	ErrKeyMismatch     = errors.New("sign: key does not match certificate")
	ErrKeyType         = errors.New("sign: unsupported key type")
	ErrBadFile         = errors.New("sign: not a readable PKCS#12 file")
	ErrPDF             = errors.New("sign: malformed PDF")
	ErrSpace           = errors.New("sign: signature larger than reserved space")
	ErrTimestamp       = errors.New("sign: no timestamp")
	ErrTokenMissing    = errors.New("sign: token not available")
	ErrWrongPIN        = errors.New("sign: wrong PIN")
	ErrPINLocked       = errors.New("sign: PIN locked")
	ErrNoPKCS11Support = errors.New("sign: PKCS#11 not built in")
)

var messages = []struct {
	err error
	msg string
}{
	{ErrWrongPassword, "Das Passwort für die Schlüsseldatei ist falsch."},
	{ErrNoKey, "Die Schlüsseldatei enthält keinen privaten Schlüssel mit Zertifikat."},
	{ErrExpired, "Das Zertifikat ist abgelaufen. Bitte ein gültiges Zertifikat verwenden."},
	{ErrNotYetValid, "Das Zertifikat ist noch nicht gültig."},
	{ErrKeyUsage, "Das Zertifikat darf nicht zum Signieren verwendet werden (Schlüsselverwendung fehlt)."},
	{ErrKeyMismatch, "Der Schlüssel passt nicht zum Zertifikat."},
	{ErrKeyType, "Dieser Schlüsseltyp wird nicht unterstützt (erlaubt: RSA 2048, 3072, 4096 Bit, ECDSA P-256, P-384)."},
	{ErrBadFile, "Die Datei ist keine lesbare PKCS#12-Schlüsseldatei."},
	{ErrTooLarge, "Die Datei ist keine PKCS#12-Schlüsseldatei (zu groß)."},
	{ErrPDF, "Die PDF-Datei ist beschädigt oder kann nicht gelesen werden."},
	{ErrSpace, "Die Signatur passt nicht in den reservierten Platz der PDF-Datei."},
	{ErrWrongPIN, "Die PIN ist falsch."},
	{ErrPINLocked, "Die PIN ist gesperrt. Bitte die PUK oder die Administration fragen."},
	{ErrTimestamp, "Der Zeitstempeldienst war nicht erreichbar; das Dokument wurde ohne Zeitstempel signiert."},
	{ErrTokenMissing, "Die Signaturkarte oder das Token wurde nicht gefunden."},
	{ErrNoPKCS11Support, "Diese Programmversion unterstützt keine Signaturkarten (PKCS#11)."},
}

// Message returns the German message for an error of this package,
// or a generic sentence for any other error; "" for nil.
func Message(err error) string {
	if err == nil {
		return ""
	}
	for _, m := range messages {
		if errors.Is(err, m.err) {
			return m.msg
		}
	}
	return "Die Signatur konnte nicht erstellt werden."
}
