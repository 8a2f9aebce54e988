package sign

import (
	"crypto/x509"
	"errors"
	"testing"
)

func TestLoadPKCS12Errors(t *testing.T) {
	rsaKey := testKey(t, "RSA 2048")
	ecKey := testKey(t, "ECDSA P-256")
	good := defaultCertOpts()
	leaf, ca := testChain(t, rsaKey, good)

	expired := good
	expired.notAfter = testNow.Add(-1)
	notYet := good
	notYet.notBefore = testNow.AddDate(0, 0, 1)
	noUsage := good
	noUsage.usage = x509.KeyUsageKeyEncipherment

	chainFor := func(o certOpts) func() []byte {
		return func() []byte {
			l, c := testChain(t, rsaKey, o)
			return testP12(t, rsaKey, l, c, "geheim")
		}
	}
	tests := []struct {
		name     string
		p12      func() []byte
		password string
		want     error
	}{
		{"wrong password", func() []byte { return testP12(t, rsaKey, leaf, ca, "geheim") }, "falsch", ErrWrongPassword},
		{"expired", chainFor(expired), "geheim", ErrExpired},
		{"not yet valid", chainFor(notYet), "geheim", ErrNotYetValid},
		{"no signing key usage", chainFor(noUsage), "geheim", ErrKeyUsage},
		{"key does not match certificate", func() []byte { return testP12(t, ecKey, leaf, ca, "geheim") }, "geheim", ErrKeyMismatch},
		{"RSA 1024", func() []byte {
			k := testKey(t, "RSA 1024")
			l, c := testChain(t, k, good)
			return testP12(t, k, l, c, "geheim")
		}, "geheim", ErrKeyType},
		{"ECDSA P-521", func() []byte {
			k := testKey(t, "ECDSA P-521")
			l, c := testChain(t, k, good)
			return testP12(t, k, l, c, "geheim")
		}, "geheim", ErrKeyType},
		{"not a PKCS#12 file", func() []byte { return []byte("%PDF-1.4 kein Schlüssel") }, "geheim", ErrBadFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := LoadPKCS12(tt.p12(), tt.password, testNow)
			if !errors.Is(err, tt.want) {
				t.Fatalf("LoadPKCS12 = %v, %v; want %v", k, err, tt.want)
			}
		})
	}
}

func TestLoadPKCS12Legacy(t *testing.T) {
	// Files exported by older tools (3DES) still load.
	key := testKey(t, "RSA 2048")
	leaf, ca := testChain(t, key, defaultCertOpts())
	p12, err := legacyEncode(key, leaf, ca, "geheim")
	if err != nil {
		t.Fatal(err)
	}
	k, err := LoadPKCS12(p12, "geheim", testNow)
	if err != nil {
		t.Fatalf("LoadPKCS12 legacy: %v", err)
	}
	if len(k.Chain()) != 2 || k.Chain()[0].Subject.CommonName != "Bürgerbüro Musterstadt" {
		t.Fatalf("chain = %v", k.Chain())
	}
}

func TestSignChecksCertificateAtSigningTime(t *testing.T) {
	k := testSigner(t, "ECDSA P-256")
	_, err := Sign(testPDF(t, 1), k, Options{Time: k.Chain()[0].NotAfter.AddDate(0, 0, 1)})
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("Sign after expiry = %v, want ErrExpired", err)
	}
}

func TestKeyMismatchDirect(t *testing.T) {
	leaf, ca := testChain(t, testKey(t, "RSA 2048"), defaultCertOpts())
	k := &Key{key: testKey(t, "RSA 3072"), chain: []*x509.Certificate{leaf, ca}}
	if err := Check(k, testNow); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("Check = %v, want ErrKeyMismatch", err)
	}
}
