package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// Signer is a signing key together with its certificate chain,
// whether it lives in a file or on a token.
type Signer interface {
	crypto.Signer
	// Chain returns the signing certificate first, then its issuers (may be empty).
	Chain() []*x509.Certificate
}

// Key is a software key loaded from a PKCS#12 file.
type Key struct {
	key   crypto.Signer
	chain []*x509.Certificate
}

var _ Signer = (*Key)(nil)

// Public returns the public key.
func (k *Key) Public() crypto.PublicKey { return k.key.Public() }

// Sign signs digest with the private key.
func (k *Key) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return k.key.Sign(rand, digest, opts)
}

// Chain returns the signing certificate first, then the issuers from the file.
func (k *Key) Chain() []*x509.Certificate { return k.chain }

// LoadPKCS12 decodes a PKCS#12 file (modern AES or legacy 3DES/RC2) and checks
// the key against its certificate at time now. Errors: ErrWrongPassword,
// ErrBadFile, ErrNoKey and those of Check.
func LoadPKCS12(data []byte, password string, now time.Time) (*Key, error) {
	priv, cert, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) {
			return nil, fmt.Errorf("sign: load pkcs12: %w", ErrWrongPassword)
		}
		return nil, fmt.Errorf("sign: load pkcs12: %w: %v", ErrBadFile, err)
	}
	if priv == nil || cert == nil {
		return nil, fmt.Errorf("sign: load pkcs12: %w", ErrNoKey)
	}
	s, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("sign: load pkcs12: %T: %w", priv, ErrKeyType)
	}
	k := &Key{key: s, chain: append([]*x509.Certificate{cert}, cas...)}
	if err := Check(k, now); err != nil {
		return nil, err
	}
	return k, nil
}

// Check reports whether s may sign at time now: supported key type, key matches
// the certificate, certificate valid at now, and key usage allows signatures.
// Errors: ErrKeyType, ErrKeyMismatch, ErrExpired, ErrNotYetValid, ErrKeyUsage, ErrNoKey.
func Check(s Signer, now time.Time) error {
	chain := s.Chain()
	if len(chain) == 0 || chain[0] == nil {
		return fmt.Errorf("sign: check: %w", ErrNoKey)
	}
	cert := chain[0]
	if _, err := keyType(s.Public()); err != nil {
		return fmt.Errorf("sign: check %q: %w", cert.Subject.CommonName, err)
	}
	if !samePublicKey(s.Public(), cert.PublicKey) {
		return fmt.Errorf("sign: check %q: %w", cert.Subject.CommonName, ErrKeyMismatch)
	}
	if now.After(cert.NotAfter) {
		return fmt.Errorf("sign: check %q: valid until %s: %w", cert.Subject.CommonName, cert.NotAfter.Format(time.DateOnly), ErrExpired)
	}
	if now.Before(cert.NotBefore) {
		return fmt.Errorf("sign: check %q: valid from %s: %w", cert.Subject.CommonName, cert.NotBefore.Format(time.DateOnly), ErrNotYetValid)
	}
	// A certificate without the extension places no restriction (RFC 5280 4.2.1.3).
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return fmt.Errorf("sign: check %q: %w", cert.Subject.CommonName, ErrKeyUsage)
	}
	return nil
}

func samePublicKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

// keyType names the key ("RSA 3072", "ECDSA P-256") or returns ErrKeyType.
func keyType(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch n := k.N.BitLen(); n {
		case 2048, 3072, 4096:
			return fmt.Sprintf("RSA %d", n), nil
		default:
			return "", fmt.Errorf("RSA %d: %w", n, ErrKeyType)
		}
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384():
			return "ECDSA " + k.Curve.Params().Name, nil
		}
		return "", fmt.Errorf("ECDSA %s: %w", k.Curve.Params().Name, ErrKeyType)
	}
	return "", fmt.Errorf("%T: %w", pub, ErrKeyType)
}

// hashFor picks the digest for a key: SHA-384 for P-384 keeps the strengths equal.
func hashFor(pub crypto.PublicKey) crypto.Hash {
	if k, ok := pub.(*ecdsa.PublicKey); ok && k.Curve == elliptic.P384() {
		return crypto.SHA384
	}
	return crypto.SHA256
}
