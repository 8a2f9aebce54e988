package sign

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"testing"
)

// BenchmarkSign signs a two-page letter with RSA-3072 from a PKCS#12 file, in memory.
func BenchmarkSign(b *testing.B) {
	pdf := testPDF(b, 2)
	k := testSigner(b, "RSA 3072")
	b.ReportAllocs()
	b.SetBytes(int64(len(pdf)))
	for b.Loop() {
		if _, err := Sign(pdf, k, Options{Time: testNow}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	signed, err := Sign(testPDF(b, 2), testSigner(b, "RSA 3072"), Options{Time: testNow})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Verify(signed); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRSA3072Primitive is the floor of BenchmarkSign: one RSA-3072 private-key operation.
func BenchmarkRSA3072Primitive(b *testing.B) {
	k := testSigner(b, "RSA 3072")
	d := sha256.Sum256([]byte("Bescheid"))
	for b.Loop() {
		if _, err := k.Sign(rand.Reader, d[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}
