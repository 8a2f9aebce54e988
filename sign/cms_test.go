package sign

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"testing"
)

func FuzzParseCMS(f *testing.F) {
	d := sha256.Sum256([]byte("Bescheid"))
	for _, typ := range []string{"RSA 2048", "ECDSA P-256"} {
		der, err := buildCMS(testSigner(f, typ), crypto.SHA256, d[:], rand.Reader)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		if c, err := parseCMS(der); err == nil {
			c.checkSignature(d[:])
		}
		checkTimestampToken(der)
	})
}
