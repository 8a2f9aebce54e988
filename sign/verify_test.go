package sign

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"github.com/ozgcloud/desktop/pdf"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// xrefStreamPDF rewrites a PDF with qpdf so it uses an xref stream and object streams (PDF 1.5 style).
func xrefStreamPDF(t testing.TB, pdf []byte) []byte {
	t.Helper()
	bin := needTool(t, "qpdf", "qpdf")
	in := writeTemp(t, "in.pdf", pdf)
	out := filepath.Join(t.TempDir(), "out.pdf")
	if b, err := exec.Command(bin, "--object-streams=generate", in, out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "/XRef") || !strings.Contains(string(b), "/ObjStm") {
		t.Fatal("qpdf wrote no xref stream")
	}
	return b
}

func TestSignXrefStreamInput(t *testing.T) {
	in := xrefStreamPDF(t, testPDF(t, 2))
	signed, err := Sign(in, testSigner(t, "RSA 3072"), Options{Time: testNow})
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	infos, err := Verify(signed)
	if err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].WholeDocument {
		t.Fatalf("Verify = %+v, %v", infos, err)
	}
	if f, err := pdf.Read(signed); err != nil || !f.XRefStream() {
		t.Fatalf("update of an xref-stream file should end with an xref stream (err %v)", err)
	}
	out := pdfsig(t, signed)
	if !strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Total document signed") {
		t.Fatalf("pdfsig:\n%s", out)
	}
	qpdfCheck(t, signed)

	twice, err := Sign(signed, testSigner(t, "ECDSA P-384"), Options{Time: testNow})
	if err != nil {
		t.Fatalf("second Sign: %v", err)
	}
	infos, err = Verify(twice)
	if err != nil || len(infos) != 2 || !infos[0].Valid || !infos[1].Valid || !infos[1].WholeDocument {
		t.Fatalf("Verify twice = %+v, %v", infos, err)
	}
	if out := pdfsig(t, twice); strings.Count(out, "Signature is Valid.") != 2 {
		t.Fatalf("pdfsig twice:\n%s", out)
	}
	qpdfCheck(t, twice)
}

func TestSignTwice(t *testing.T) {
	first, err := Sign(testPDF(t, 1), testSigner(t, "ECDSA P-256"), Options{Time: testNow})
	if err != nil {
		t.Fatal(err)
	}
	later := testNow.Add(time.Hour)
	second, err := Sign(first, testSigner(t, "RSA 2048"), Options{Time: later})
	if err != nil {
		t.Fatalf("second Sign: %v", err)
	}
	infos, err := Verify(second)
	if err != nil || len(infos) != 2 {
		t.Fatalf("Verify = %+v, %v", infos, err)
	}
	if !infos[0].Valid || infos[0].WholeDocument || infos[0].RevisionEnd != int64(len(first)) || infos[0].Field != "Signatur1" {
		t.Errorf("first signature = %+v", infos[0])
	}
	if !infos[1].Valid || !infos[1].WholeDocument || infos[1].Field != "Signatur2" || !infos[1].SigningTime.Equal(later) || infos[1].KeyType != "RSA 2048" {
		t.Errorf("second signature = %+v", infos[1])
	}
	out := pdfsig(t, second)
	if strings.Count(out, "Signature is Valid.") != 2 || !strings.Contains(out, "Total document signed") {
		t.Fatalf("pdfsig:\n%s", out)
	}
	qpdfCheck(t, second)
}

func TestVerifyUnsigned(t *testing.T) {
	infos, err := Verify(testPDF(t, 1))
	if err != nil || len(infos) != 0 {
		t.Fatalf("Verify unsigned = %+v, %v", infos, err)
	}
}

func TestBadPDF(t *testing.T) {
	k := testSigner(t, "ECDSA P-256")
	pdf := testPDF(t, 1)
	for name, in := range map[string][]byte{
		"empty":             nil,
		"not a pdf":         []byte("Sehr geehrte Damen und Herren"),
		"truncated":         pdf[:len(pdf)/2],
		"startxref garbage": []byte(string(pdf[:len(pdf)-20]) + "startxref\n99999999\n%%EOF\n"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Sign(in, k, Options{Time: testNow}); !errors.Is(err, ErrPDF) {
				t.Errorf("Sign = %v, want ErrPDF", err)
			}
			if _, err := Verify(in); !errors.Is(err, ErrPDF) {
				t.Errorf("Verify = %v, want ErrPDF", err)
			}
		})
	}
}

func TestSignRefusesEncrypted(t *testing.T) {
	bin := needTool(t, "qpdf", "qpdf")
	in := writeTemp(t, "in.pdf", testPDF(t, 1))
	out := filepath.Join(t.TempDir(), "enc.pdf")
	if b, err := exec.Command(bin, "--encrypt", "", "owner", "256", "--", in, out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --encrypt: %v\n%s", err, b)
	}
	enc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Sign(enc, testSigner(t, "ECDSA P-256"), Options{Time: testNow}); !errors.Is(err, ErrPDF) {
		t.Fatalf("Sign encrypted = %v, want ErrPDF", err)
	}
}

func TestVerifyRejectsWidenedGap(t *testing.T) {
	signed, err := Sign(testPDF(t, 1), testSigner(t, "ECDSA P-256"), Options{Time: testNow})
	if err != nil {
		t.Fatal(err)
	}
	// Moving the start of the gap one byte earlier leaves a byte unsigned.
	i := strings.Index(string(signed), "/ByteRange [0 ")
	bad := []byte(string(signed))
	j := i + len("/ByteRange [0 ")
	k := j
	for bad[k] != ' ' {
		k++
	}
	n := 0
	for _, c := range bad[j:k] {
		n = n*10 + int(c-'0')
	}
	copy(bad[j:k], []byte(strings.Repeat(" ", k-j)))
	copy(bad[j:], []byte(itoa(n-1)))
	infos, err := Verify(bad)
	if err != nil || len(infos) != 1 || infos[0].Valid {
		t.Fatalf("Verify = %+v, %v", infos, err)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestParsePDFDate(t *testing.T) {
	for in, want := range map[string]time.Time{
		"D:20260601103000+00'00'": testNow,
		"D:20260601123000+02'00'": testNow,
		"D:20260601103000Z":       testNow,
		"D:2026":                  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parsePDFDate(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("parsePDFDate(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "D:", "D:123", "D:202606011030001234"} {
		if _, err := parsePDFDate(in); err == nil {
			t.Errorf("parsePDFDate(%q) accepted", in)
		}
	}
}

func TestPDFDateRoundTrip(t *testing.T) {
	tz := time.FixedZone("CEST", 2*3600)
	in := time.Date(2026, 6, 1, 12, 30, 5, 0, tz)
	got, err := parsePDFDate(pdfDate(in))
	if err != nil || !got.Equal(in) {
		t.Fatalf("%s -> %v, %v", pdfDate(in), got, err)
	}
}

// FuzzVerify feeds Verify (the pdf package fuzzes its reader on its own).
// Large seeds make the default minimization look like a hang; run with
// go test -fuzz FuzzVerify -fuzzminimizetime 200x ./sign/
func FuzzVerify(f *testing.F) {
	pdf := testPDF(f, 1)
	f.Add(pdf)
	if signed, err := Sign(pdf, testSigner(f, "ECDSA P-256"), Options{Time: testNow}); err == nil {
		f.Add(signed)
	}
	f.Add(xrefStreamPDF(f, pdf))
	f.Add([]byte("xref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 1/Root 1 0 R>>\nstartxref\n0\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Verify(data); err != nil && !errors.Is(err, ErrPDF) {
			t.Fatalf("Verify: %v does not wrap ErrPDF", err)
		}
	})
}

// A certificate swapped for another with the same issuer, serial and key must
// not pass: the signing-certificate-v2 attribute binds the one that signed.
func TestVerifyRejectsSwappedCertificate(t *testing.T) {
	key := testKey(t, "ECDSA P-256")
	caKey := testKey(t, "RSA 2048") // fixed-length signatures keep both certificates the same size
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "CA"}, NotBefore: testNow.AddDate(-1, 0, 0),
		NotAfter: testNow.AddDate(1, 0, 0), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	leaf := func(cn string) *x509.Certificate {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: cn}, NotBefore: testNow.AddDate(-1, 0, 0),
			NotAfter: testNow.AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return c
	}
	a, b := leaf("Amt Musterstadt A"), leaf("Amt Musterstadt B")
	if len(a.Raw) != len(b.Raw) {
		t.Fatal("certificates differ in length")
	}
	signed, err := Sign(testPDF(t, 1), &Key{key: key, chain: []*x509.Certificate{a}}, Options{Time: testNow})
	if err != nil {
		t.Fatal(err)
	}
	swapped := bytes.Replace(signed, []byte(hex.EncodeToString(a.Raw)), []byte(hex.EncodeToString(b.Raw)), 1)
	if bytes.Equal(swapped, signed) {
		t.Fatal("certificate not found in /Contents")
	}
	infos, err := Verify(swapped)
	if err != nil || len(infos) != 1 || infos[0].Valid || !strings.Contains(infos[0].Reason, "Zertifikat") {
		t.Fatalf("Verify swapped = %+v, %v", infos, err)
	}
}
