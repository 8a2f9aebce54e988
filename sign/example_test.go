package sign_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/ozgcloud/desktop/sign"
	"software.sslmate.com/src/go-pkcs12"
)

func Example() {
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

	// A throw-away key and certificate in a PKCS#12 file, as an office would have one.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "Gemeinde Musterstadt", Organization: []string{"Gemeinde Musterstadt"}},
		NotBefore:    now.AddDate(-1, 0, 0),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	cert, _ := x509.ParseCertificate(der)
	p12, _ := pkcs12.Modern.Encode(key, cert, nil, "geheim")

	doc := fpdf.New("P", "mm", "A4", "")
	doc.AddPage()
	doc.SetFont("Helvetica", "", 12)
	doc.Cell(40, 10, "Bescheid")
	var pdf bytes.Buffer
	doc.Output(&pdf)

	signer, err := sign.LoadPKCS12(p12, "falsch", now)
	fmt.Println(errors.Is(err, sign.ErrWrongPassword))
	signer, _ = sign.LoadPKCS12(p12, "geheim", now)
	signed, _ := sign.Sign(pdf.Bytes(), signer, sign.Options{Time: now})

	infos, _ := sign.Verify(signed)
	for _, in := range infos {
		fmt.Println(in.Field, in.Valid, in.WholeDocument, in.SignerName, in.KeyType, in.SigningTime.Format(time.RFC3339))
	}
	// Output:
	// true
	// Signatur1 true true Gemeinde Musterstadt ECDSA P-256 2026-06-01T10:00:00Z
}
