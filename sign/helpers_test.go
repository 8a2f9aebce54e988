package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"software.sslmate.com/src/go-pkcs12"
)

var testNow = time.Date(2026, 6, 1, 10, 30, 0, 0, time.UTC)

var keyTypes = []string{"RSA 2048", "RSA 3072", "RSA 4096", "ECDSA P-256", "ECDSA P-384"}

var (
	keyMu    sync.Mutex
	keyCache = map[string]crypto.Signer{}
)

// testKey returns one key per type and test binary: RSA 4096 takes seconds.
func testKey(t testing.TB, typ string) crypto.Signer {
	t.Helper()
	keyMu.Lock()
	defer keyMu.Unlock()
	if k, ok := keyCache[typ]; ok {
		return k
	}
	var k crypto.Signer
	var err error
	switch typ {
	case "RSA 1024":
		k, err = rsa.GenerateKey(rand.Reader, 1024)
	case "RSA 2048":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "RSA 3072":
		k, err = rsa.GenerateKey(rand.Reader, 3072)
	case "RSA 4096":
		k, err = rsa.GenerateKey(rand.Reader, 4096)
	case "ECDSA P-256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ECDSA P-384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ECDSA P-521":
		k, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	default:
		t.Fatalf("unknown key type %q", typ)
	}
	if err != nil {
		t.Fatal(err)
	}
	keyCache[typ] = k
	return k
}

type certOpts struct {
	notBefore, notAfter time.Time
	usage               x509.KeyUsage
}

func defaultCertOpts() certOpts {
	return certOpts{
		notBefore: testNow.AddDate(-1, 0, 0),
		notAfter:  testNow.AddDate(2, 0, 0),
		usage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
}

// testChain makes a throw-away CA and a signing certificate for key.
func testChain(t testing.TB, key crypto.Signer, o certOpts) (leaf, ca *x509.Certificate) {
	t.Helper()
	caKey := testKey(t, "ECDSA P-256")
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Test-CA Gemeinde Musterstadt", Organization: []string{"Gemeinde Musterstadt"}},
		NotBefore:             testNow.AddDate(-2, 0, 0),
		NotAfter:              testNow.AddDate(5, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ = x509.ParseCertificate(caDER)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "Bürgerbüro Musterstadt", Organization: []string{"Gemeinde Musterstadt"}},
		NotBefore:    o.notBefore,
		NotAfter:     o.notAfter,
		KeyUsage:     o.usage,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return leaf, ca
}

func testP12(t testing.TB, key crypto.Signer, leaf, ca *x509.Certificate, password string) []byte {
	t.Helper()
	p12, err := pkcs12.Modern.Encode(key, leaf, []*x509.Certificate{ca}, password)
	if err != nil {
		t.Fatal(err)
	}
	return p12
}

// testSigner loads a PKCS#12 file made for typ, as the app would.
func testSigner(t testing.TB, typ string) *Key {
	t.Helper()
	key := testKey(t, typ)
	leaf, ca := testChain(t, key, defaultCertOpts())
	k, err := LoadPKCS12(testP12(t, key, leaf, ca, "geheim"), "geheim", testNow)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testPDF renders a small document with go-pdf/fpdf: a PDF from another writer than
// package pdf, so that signing is tested on files we did not make.
func testPDF(t testing.TB, pages int) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false) // keeps the page text findable for the one-byte change
	p.SetCreationDate(testNow)
	p.SetModificationDate(testNow)
	p.SetFont("Helvetica", "", 12)
	for i := 0; i < pages; i++ {
		p.AddPage()
		p.Cell(40, 10, "Bescheid Seite "+string(rune('1'+i)))
		p.Ln(12)
		p.MultiCell(0, 6, strings.Repeat("Der Antrag wird bewilligt. ", 40), "", "L", false)
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install %s (apt-get install -y %s)", name, pkg, pkg)
	}
	return path
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdfsig runs poppler's pdfsig; it exits 0 even on a bad signature, so callers read the output.
func pdfsig(t testing.TB, pdf []byte) string {
	t.Helper()
	bin := needTool(t, "pdfsig", "poppler-utils")
	out, _ := exec.Command(bin, writeTemp(t, "signed.pdf", pdf)).CombinedOutput()
	return string(out)
}

func qpdfCheck(t testing.TB, pdf []byte) {
	t.Helper()
	bin := needTool(t, "qpdf", "qpdf")
	out, err := exec.Command(bin, "--check", writeTemp(t, "signed.pdf", pdf)).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors found") {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

func legacyEncode(key crypto.Signer, leaf, ca *x509.Certificate, password string) ([]byte, error) {
	return pkcs12.LegacyDES.Encode(key, leaf, []*x509.Certificate{ca}, password)
}
