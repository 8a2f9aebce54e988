package app

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/ozgcloud/desktop/sign"
)

type testSigner struct {
	crypto.Signer
	chain []*x509.Certificate
}

func (s testSigner) Chain() []*x509.Certificate { return s.chain }

func plainPDF(t *testing.T) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	doc.AddPage()
	doc.SetFont("Helvetica", "", 12)
	doc.Text(20, 30, "Bescheid")
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// signedPDF returns a small PDF signed by "Testsiegel Musterhausen".
func signedPDF(t *testing.T) []byte {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Testsiegel Musterhausen", Organization: []string{"Gemeinde Musterhausen"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	out, err := sign.Sign(plainPDF(t), testSigner{key, []*x509.Certificate{cert}}, sign.Options{Time: now, Name: "Gemeinde Musterhausen"})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCheckSignature(t *testing.T) {
	a, rt := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	dir := t.TempDir()
	good := signedPDF(t)
	bad := bytes.Clone(good)
	i := bytes.Index(bad, []byte("/CreationDate (D:2"))
	bad[i+len("/CreationDate (D:2")] = '1' // a year in the signed range, nothing structural
	files := map[string][]byte{"bescheid.pdf": good, "veraendert.pdf": bad, "unsigniert.pdf": plainPDF(t)}
	ids := map[string]string{}
	for name, b := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		var err error
		rt.files = []string{p}
		if d, err = a.AddAttachmentsFromDialog(d.ID); err != nil {
			t.Fatal(err)
		}
		ids[name] = d.Attachments[len(d.Attachments)-1].ID
	}

	c, err := a.CheckSignature(d.ID, ids["bescheid.pdf"])
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Signatures) != 1 || !c.Signatures[0].Valid || !c.Signatures[0].WholeDocument || c.Signatures[0].Signer != "Testsiegel Musterhausen" {
		t.Fatalf("valid signature: %+v", c)
	}
	if !strings.HasPrefix(c.Summary, "Die Signatur ist gültig: unterschrieben von Testsiegel Musterhausen (Gemeinde Musterhausen) am 28.11.2026") {
		t.Errorf("summary %q", c.Summary)
	}

	c, err = a.CheckSignature(d.ID, ids["veraendert.pdf"])
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Signatures) != 1 || c.Signatures[0].Valid || !strings.Contains(c.Summary, "NICHT gültig") {
		t.Fatalf("changed byte: %+v", c)
	}

	c, err = a.CheckSignature(d.ID, ids["unsigniert.pdf"])
	if err != nil || len(c.Signatures) != 0 || !strings.Contains(c.Summary, "keine elektronische Signatur") {
		t.Fatalf("unsigned: %+v %v", c, err)
	}

	// From disk, through the file dialog.
	rt.files = []string{filepath.Join(dir, "bescheid.pdf")}
	if c, err = a.CheckSignatureFromDialog(); err != nil || c.File != "bescheid.pdf" || !c.Signatures[0].Valid {
		t.Fatalf("from dialog: %+v %v", c, err)
	}
	notPDF := filepath.Join(dir, "notiz.txt")
	os.WriteFile(notPDF, []byte("Hallo"), 0o600)
	rt.files = []string{notPDF}
	if _, err = a.CheckSignatureFromDialog(); uiError(t, err).Code != CodeUnreadable {
		t.Errorf("a text file was checked as PDF")
	}
}

func TestSummaryWithoutSignature(t *testing.T) {
	a, _ := newApp(t, 0)
	if s := a.signatureSummary("x.pdf", nil); s != "Die Datei „x.pdf“ enthält keine elektronische Signatur." {
		t.Errorf("summary %q", s)
	}
}
