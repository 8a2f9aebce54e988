//go:build cgo

package sign

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ThalesGroup/crypto11"
	"github.com/miekg/pkcs11"
)

// Token is a key on a PKCS#11 token; Close releases the token's sessions.
type Token struct {
	ctx    *crypto11.Context
	signer crypto11.Signer
	chain  []*x509.Certificate
}

var _ Signer = (*Token)(nil)

// OpenPKCS11 logs in to the token and finds the key pair and its certificate,
// then checks them at time now like LoadPKCS12. The module must be on cfg.Modules
// (by default the list fixed at installation): it is native code the process runs.
// Errors: ErrModuleNotAllowed, ErrModuleConfig, ErrTokenMissing, ErrWrongPIN,
// ErrNoKey and those of Check.
func OpenPKCS11(cfg TokenConfig, now time.Time) (*Token, error) {
	if err := checkModule(cfg); err != nil {
		return nil, err
	}
	ctx, err := crypto11.Configure(&crypto11.Config{Path: cfg.Module, TokenLabel: cfg.TokenLabel, Pin: cfg.PIN})
	if err != nil {
		var perr pkcs11.Error
		if errors.As(err, &perr) && (perr == pkcs11.CKR_PIN_INCORRECT || perr == pkcs11.CKR_PIN_LEN_RANGE) {
			return nil, fmt.Errorf("sign: open token %q: %w", cfg.TokenLabel, ErrWrongPIN)
		}
		if errors.As(err, &perr) && perr == pkcs11.CKR_PIN_LOCKED {
			return nil, fmt.Errorf("sign: open token %q: %w", cfg.TokenLabel, ErrPINLocked)
		}
		return nil, fmt.Errorf("sign: open token %q: %w: %v", cfg.TokenLabel, ErrTokenMissing, err)
	}
	t := &Token{ctx: ctx}
	if err := t.find(cfg); err != nil {
		ctx.Close()
		return nil, err
	}
	if err := Check(t, now); err != nil {
		ctx.Close()
		return nil, err
	}
	return t, nil
}

func (t *Token) find(cfg TokenConfig) error {
	var label []byte
	if cfg.KeyLabel != "" {
		label = []byte(cfg.KeyLabel)
	}
	var err error
	if label != nil {
		t.signer, err = t.ctx.FindKeyPair(nil, label)
	} else {
		var all []crypto11.Signer
		all, err = t.ctx.FindAllKeyPairs()
		if err == nil && len(all) == 1 {
			t.signer = all[0]
		}
	}
	if err != nil {
		return fmt.Errorf("sign: token key %q: %w: %v", cfg.KeyLabel, ErrNoKey, err)
	}
	if t.signer == nil {
		return fmt.Errorf("sign: token key %q: %w", cfg.KeyLabel, ErrNoKey)
	}
	// The certificate belongs to the key by its public key, whatever its label.
	certs, err := t.ctx.FindAllPairedCertificates()
	if err != nil {
		return fmt.Errorf("sign: token certificates: %w: %v", ErrNoKey, err)
	}
	for _, c := range certs {
		if c.Leaf != nil && samePublicKey(t.signer.Public(), c.Leaf.PublicKey) {
			t.chain = []*x509.Certificate{c.Leaf}
			break
		}
	}
	if t.chain == nil {
		return fmt.Errorf("sign: token key %q: no certificate: %w", cfg.KeyLabel, ErrNoKey)
	}
	return nil
}

// Public returns the public key.
func (t *Token) Public() crypto.PublicKey { return t.signer.Public() }

// Sign signs digest on the token.
func (t *Token) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, err := t.signer.Sign(rand, digest, opts)
	if err != nil {
		return nil, fmt.Errorf("sign: token: %w: %v", ErrTokenMissing, err)
	}
	return sig, nil
}

// Chain returns the certificate found on the token for the key.
func (t *Token) Chain() []*x509.Certificate { return t.chain }

// Close logs out and releases the token.
func (t *Token) Close() error { return t.ctx.Close() }
