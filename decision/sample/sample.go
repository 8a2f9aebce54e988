// Package sample is the one sample decision that cmd/decision-sample, its benchmarks and
// cmd/bench-libreoffice share: the demo case a sample letter is written for, the
// two-page letter the benchmarks measure, and a throw-away test certificate to sign
// with. It lives in one place so the LibreOffice comparison cannot drift from the
// letter BenchmarkSignedLetter measures. Not for production: the certificate is made
// on the spot and nobody trusts it.
package sample

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sign"
)

// The texts are German because cmd/decision-sample shows them to a clerk.
var (
	ErrUnknownCaseType = errors.New("unbekannte Antragsart")
	ErrNoDemoCase      = errors.New("kein Demo-Vorgang")
)

// P12Password is the password of every throw-away PKCS#12 file.
const P12Password = "test"

// Date is the date of the benchmark letter; fixed, so every run measures the same text.
var Date = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// Case returns the first demo case of the type, with a file number as the store would
// give it.
func Case(seed int64, caseType string, now time.Time) (model.Case, error) {
	t, ok := model.CaseTypeByCode(caseType)
	if !ok {
		return model.Case{}, fmt.Errorf("%w %q", ErrUnknownCaseType, caseType)
	}
	var found *model.Case
	errFound := errors.New("found")
	err := demo.Generate(seed, 200, now, func(g demo.Case) error {
		if g.Case.Type == caseType {
			c := g.Case
			found = &c
			return errFound
		}
		return nil
	})
	if found == nil {
		if err == nil {
			err = fmt.Errorf("%w der Art %s", ErrNoDemoCase, t.Name)
		}
		return model.Case{}, err
	}
	found.FileNumber = model.FileNumber(t.Prefix, found.ReceivedAt.Year(), 42, demo.DeviceCode)
	return *found, nil
}

// Letter returns the letter the benchmarks measure: a Teilbewilligung for the first
// demo building case, dated Date, whose long reason makes it two pages long.
func Letter() (decision.Letter, error) {
	c, err := Case(1, "BAU", Date)
	if err != nil {
		return decision.Letter{}, fmt.Errorf("sample: letter: %w", err)
	}
	tpl, _ := decision.TemplateByID("teilbewilligung")
	l, err := decision.Fill(tpl, &c, decision.Data{
		Letterhead: decision.Letterhead{Authority: "Gemeinde Musterhausen", Street: "Rathausplatz 1", PostalCode: "12345", City: "Musterhausen",
			IBAN: "DE02 1203 0000 0000 2020 51", BIC: "BYLADEM1001", BankName: "Sparkasse Musterhausen", VerifyURL: "https://ozg-cloud.example/v1/verify/"},
		Clerk: model.Clerk{Name: "Martina Becker"}, Date: Date,
		Fee:    &decision.Fee{Cents: 12345, Due: Date.AddDate(0, 1, 0)},
		Values: map[string]string{"bewilligt": "das Vorhaben", "teilablehnungsgrund": strings.Repeat("Die Abstandsflächen nach Art. 6 BayBO sind nicht eingehalten. ", 25)},
	})
	if err != nil {
		return decision.Letter{}, fmt.Errorf("sample: fill the letter: %w", err)
	}
	return l, nil
}

// ThrowAwayP12 makes a CA and a one-day RSA-3072 signing certificate for cn, as a
// PKCS#12 file with the password P12Password, so that samples and benchmarks run the
// same path as a real key file.
func ThrowAwayP12(now time.Time, cn string) ([]byte, error) {
	caKey, err := rsa.GenerateKey(rand.Reader, 3072)
	if err != nil {
		return nil, fmt.Errorf("sample: CA key: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 3072)
	if err != nil {
		return nil, fmt.Errorf("sample: signing key: %w", err)
	}
	caTpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test-CA (Wegwerf)", Organization: []string{"OZG-Cloud Desktop"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	ca, err := certify(caTpl, caTpl, &caKey.PublicKey, caKey, "CA certificate")
	if err != nil {
		return nil, err
	}
	leafTpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn, Organization: []string{"Gemeinde Musterhausen"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	leaf, err := certify(leafTpl, ca, &key.PublicKey, caKey, "signing certificate")
	if err != nil {
		return nil, err
	}
	p12, err := pkcs12.Modern.Encode(key, leaf, []*x509.Certificate{ca}, P12Password)
	if err != nil {
		return nil, fmt.Errorf("sample: encode pkcs12: %w", err)
	}
	return p12, nil
}

// certify issues tpl for pub, signed by parent's key signer; what names the
// certificate in errors.
func certify(tpl, parent *x509.Certificate, pub *rsa.PublicKey, signer *rsa.PrivateKey, what string) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("sample: %s: %w", what, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("sample: %s: %w", what, err)
	}
	return c, nil
}

// ThrowAwayKey is ThrowAwayP12 loaded with sign.LoadPKCS12.
func ThrowAwayKey(now time.Time, cn string) (*sign.Key, error) {
	p12, err := ThrowAwayP12(now, cn)
	if err != nil {
		return nil, err
	}
	k, err := sign.LoadPKCS12(p12, P12Password, now)
	if err != nil {
		return nil, fmt.Errorf("sample: load throw-away key: %w", err)
	}
	return k, nil
}
