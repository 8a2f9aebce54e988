//go:build !cgo

package sign

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"time"
)

// Token is a key on a PKCS#11 token; this build has no PKCS#11 support (no cgo).
type Token struct{}

var _ Signer = (*Token)(nil)

// OpenPKCS11 returns ErrNoPKCS11Support (PKCS#11 needs cgo) for a module on the
// list, ErrModuleNotAllowed or ErrModuleConfig otherwise, like the cgo build.
func OpenPKCS11(cfg TokenConfig, now time.Time) (*Token, error) {
	if err := checkModule(cfg); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("sign: open token %q: %w", cfg.TokenLabel, ErrNoPKCS11Support)
}

// Public returns nil.
func (t *Token) Public() crypto.PublicKey { return nil }

// Sign returns ErrNoPKCS11Support.
func (t *Token) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, ErrNoPKCS11Support
}

// Chain returns nil.
func (t *Token) Chain() []*x509.Certificate { return nil }

// Close does nothing.
func (t *Token) Close() error { return nil }
