// Package sign loads signing keys (PKCS#12 files kept in the data folder, PKCS#11
// tokens), makes self-signed seals for demos, and makes and checks PAdES signatures.
package sign

import "errors"

// Sentinel errors, to test with errors.Is; the app says them in German for the clerk.
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
