package sign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// KeyFolder is the folder of the desktop's data folder that holds the PKCS#12 files
// the administration chose (copied there, so the key stays usable when the original
// is moved), readable by the user only.
const KeyFolder = "schluessel"

// MaxKeyFile bounds what is read as a PKCS#12 file; real ones are a few KB.
const MaxKeyFile = 1 << 20

// ErrTooLarge: a file chosen as a PKCS#12 file is larger than MaxKeyFile.
var ErrTooLarge = errors.New("sign: file too large for a PKCS#12 file")

// ReadPKCS12File reads a file chosen as the office's key and checks, without the
// password, that it is a PKCS#12 file with a key: a wrong password is what a real key
// file answers to the empty one. Errors: ErrTooLarge, ErrBadFile, ErrNoKey, and the
// file system's (not a regular file, unreadable).
func ReadPKCS12File(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sign: read key file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("sign: read key file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("sign: read key file: %w", os.ErrInvalid)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("sign: read key file: %w", err)
	}
	if len(data) > MaxKeyFile {
		return nil, fmt.Errorf("sign: read key file: %w", ErrTooLarge)
	}
	if _, err := LoadPKCS12(data, "", time.Now()); errors.Is(err, ErrBadFile) || errors.Is(err, ErrNoKey) {
		return nil, err
	}
	return data, nil
}

// StoreKeyFile writes data, a PKCS#12 file, into dir (created when missing) under a
// name made from its content, durably and readable by the user only, and returns the
// name. Storing the same file again gives the same name.
func StoreKeyFile(dir string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("sign: key folder: %w", err)
	}
	sum := sha256.Sum256(data)
	name := "siegel-" + hex.EncodeToString(sum[:8]) + ".p12"
	tmp, err := os.CreateTemp(dir, "tmp-*")
	if err != nil {
		return "", fmt.Errorf("sign: key file: %w", err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("sign: key file: %w", werr)
	}
	return name, nil
}

// ReadKeyFile returns the PKCS#12 file name (as StoreKeyFile returned it) from dir;
// only the base of name counts, so a stored name cannot point elsewhere.
func ReadKeyFile(dir, name string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.Base(name)))
	if err != nil {
		return nil, fmt.Errorf("sign: key file: %w", err)
	}
	return data, nil
}

// NewSealP12 makes a self-signed ECDSA P-256 seal certificate for commonName of
// organization, valid from notBefore to notAfter, and returns key and certificate as a
// PKCS#12 file protected by password. It serves demos and tests: a self-signed seal is
// no advanced or qualified one.
func NewSealP12(commonName, organization string, notBefore, notAfter time.Time, password string) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sign: seal key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("sign: seal serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{organization}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("sign: seal certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("sign: seal certificate: %w", err)
	}
	p12, err := pkcs12.Modern.Encode(key, cert, nil, password)
	if err != nil {
		return nil, fmt.Errorf("sign: seal pkcs12: %w", err)
	}
	return p12, nil
}

// Holder describes the certificate a signer signs with, for the administration.
type Holder struct {
	Subject  string // the common name, with the organization when it differs
	KeyType  string // "RSA 3072", "ECDSA P-256"
	NotAfter time.Time
}

// Describe returns the holder of s's certificate (the zero Holder without one).
func Describe(s Signer) Holder {
	chain := s.Chain()
	if len(chain) == 0 || chain[0] == nil {
		return Holder{}
	}
	cert := chain[0]
	h := Holder{Subject: cert.Subject.CommonName, NotAfter: cert.NotAfter}
	if o := cert.Subject.Organization; len(o) > 0 && o[0] != cert.Subject.CommonName {
		h.Subject += " (" + o[0] + ")"
	}
	var err error
	if h.KeyType, err = keyType(cert.PublicKey); err != nil {
		h.KeyType = cert.PublicKeyAlgorithm.String()
	}
	return h
}
