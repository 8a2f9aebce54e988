package pdfmerge_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/pdfmerge"
	"github.com/ozgcloud/desktop/sign"
)

var day = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

type testKey struct {
	crypto.Signer
	chain []*x509.Certificate
}

func (k testKey) Chain() []*x509.Certificate { return k.chain }

func newKey(t testing.TB) sign.Signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Testsiegel", Organization: []string{"Gemeinde Musterhausen"}},
		NotBefore: day.Add(-time.Hour), NotAfter: day.Add(48 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{key, []*x509.Certificate{cert}}
}

// letter renders a signed letter of about the given number of pages; paragraphs is
// how much reasoning it carries.
func letter(t testing.TB, key sign.Signer, n, paragraphs int) []byte {
	t.Helper()
	reasons := strings.Repeat("Die Prüfung hat ergeben, dass die Voraussetzungen für die beantragte Erlaubnis vorliegen; Nebenbestimmungen sind nicht erforderlich. ", 4)
	var blocks []decision.Block
	blocks = append(blocks, decision.Block{Kind: decision.KindSubject, Text: fmt.Sprintf("Ihr Antrag\nAktenzeichen HST-2026-%04d-A7", n)})
	for i := 0; i < paragraphs; i++ {
		blocks = append(blocks, decision.Block{Kind: decision.KindReasons, Title: fmt.Sprintf("Abschnitt %d", i+1), Text: reasons})
	}
	l := decision.Letter{
		TemplateID: "test",
		Letterhead: decision.Letterhead{Authority: "Gemeinde Musterhausen", Street: "Marktplatz 1", PostalCode: "24999", City: "Musterhausen"},
		Recipient:  []string{fmt.Sprintf("Empfänger Nummer %d", n), "Lindenstraße 4", "12345 Musterhausen"},
		FileNumber: fmt.Sprintf("HST-2026-%04d-A7", n), Date: day, Blocks: blocks, Signer: "Anna Schmidt",
	}
	pdf, err := decision.Render(l, decision.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := sign.Sign(pdf, key, sign.Options{Time: day.Add(time.Hour), Name: "Gemeinde Musterhausen"})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func pages(t testing.TB, pdf []byte) int {
	t.Helper()
	d, err := pdfmerge.Parse(pdf)
	if err != nil {
		t.Fatal(err)
	}
	return d.Pages()
}

func tool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed (make deps)", name)
	}
}

// TestDuplexEveryLetterOnAFrontSide merges letters of one, two and three pages and
// checks with poppler and qpdf that each begins on an odd page, blank pages between.
func TestDuplexEveryLetterOnAFrontSide(t *testing.T) {
	tool(t, "qpdf")
	tool(t, "pdfinfo")
	tool(t, "pdftotext")
	key := newKey(t)
	// Paragraph counts that give 1, 3, 2, 1, 2 pages (checked below).
	var docs [][]byte
	var want []int
	for i, paras := range []int{1, 11, 7, 1, 7} {
		d := letter(t, key, i+1, paras)
		docs = append(docs, d)
		want = append(want, pages(t, d))
	}
	if fmt.Sprint(want) != "[1 3 2 1 2]" {
		t.Fatalf("letters have %v pages; adjust the paragraph counts", want)
	}
	out, blanks, err := pdfmerge.Duplex(docs)
	if err != nil {
		t.Fatal(err)
	}
	// 1+b, 3+b, 2, 1+b, 2 = 12 pages, 3 blank.
	if blanks != 3 {
		t.Errorf("blanks = %d, want 3", blanks)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "sammeldruck.pdf")
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
	check, err := exec.Command("qpdf", "--check", file).CombinedOutput()
	if err != nil || !strings.Contains(string(check), "No syntax or stream encoding errors found") || strings.Contains(string(check), "WARNING") {
		t.Fatalf("qpdf --check: %v\n%s", err, check)
	}
	info, err := exec.Command("pdfinfo", file).Output()
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info); m == nil || string(m[1]) != "12" {
		t.Fatalf("pdfinfo:\n%s", info)
	}
	starts := map[int]int{} // page -> letter number that starts there
	p := 1
	for i, n := range want {
		starts[p] = i + 1
		p += n
		if n%2 == 1 && i < len(want)-1 {
			p++
		}
	}
	for pg := 1; pg <= 12; pg++ {
		txt, err := exec.Command("pdftotext", "-f", strconv.Itoa(pg), "-l", strconv.Itoa(pg), file, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := string(txt)
		n, first := starts[pg]
		switch {
		case first:
			if pg%2 != 1 || !strings.Contains(text, fmt.Sprintf("Empfänger Nummer %d", n)) {
				t.Errorf("page %d should start letter %d:\n%s", pg, n, text)
			}
		case strings.TrimSpace(text) == "":
			if pg%2 != 0 {
				t.Errorf("blank page %d is a front side", pg)
			}
		case strings.Contains(text, "Empfänger Nummer"):
			t.Errorf("page %d starts a letter but should not:\n%s", pg, text)
		}
	}
	// The fonts of the letters are written once, not five times.
	total := 0
	for _, d := range docs {
		total += len(d)
	}
	if len(out) > total/2 {
		t.Errorf("merged %d bytes from %d: shared fonts were not written once", len(out), total)
	}
}

func TestMergeKeepsTextAndUmlauts(t *testing.T) {
	tool(t, "pdftotext")
	key := newKey(t)
	out, blanks, err := pdfmerge.Duplex([][]byte{letter(t, key, 7, 1)})
	if err != nil || blanks != 0 {
		t.Fatalf("%v, %d blanks", err, blanks)
	}
	file := filepath.Join(t.TempDir(), "a.pdf")
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command("pdftotext", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Empfänger Nummer 7", "Lindenstraße 4", "Prüfung", "HST-2026-0007-A7"} {
		if !strings.Contains(string(txt), s) {
			t.Errorf("%q missing in\n%s", s, txt)
		}
	}
}

// TestMergeXrefStreams merges a letter that qpdf rewrote with an xref stream and
// object streams (PDF 1.5 style), as other programs write them, next to a classic one.
func TestMergeXrefStreams(t *testing.T) {
	tool(t, "qpdf")
	tool(t, "pdftotext")
	key := newKey(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "stm.pdf")
	if err := os.WriteFile(in, letter(t, key, 3, 7), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("qpdf", "--object-streams=generate", in, out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, b)
	}
	stm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(stm), "/ObjStm") || !strings.Contains(string(stm), "/XRef") {
		t.Fatal("qpdf wrote no xref stream and object streams")
	}
	merged, blanks, err := pdfmerge.Duplex([][]byte{letter(t, key, 1, 1), stm})
	if err != nil {
		t.Fatal(err)
	}
	if blanks != 1 || pages(t, merged) != 4 {
		t.Fatalf("%d blanks, %d pages; want 1 blank and 4 pages", blanks, pages(t, merged))
	}
	file := filepath.Join(dir, "merged.pdf")
	if err := os.WriteFile(file, merged, 0o600); err != nil {
		t.Fatal(err)
	}
	if check, err := exec.Command("qpdf", "--check", file).CombinedOutput(); err != nil || strings.Contains(string(check), "WARNING") {
		t.Fatalf("qpdf --check: %v\n%s", err, check)
	}
	txt, err := exec.Command("pdftotext", "-f", "3", "-l", "3", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(txt), "Empfänger Nummer 3") {
		t.Errorf("page 3 should start the xref-stream letter:\n%s", txt)
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("%PDF-1.4\nnothing"), []byte("hello world startxref 5 %%EOF")} {
		if _, err := pdfmerge.Parse(b); !errors.Is(err, pdfmerge.ErrPDF) {
			t.Errorf("Parse(%q) = %v, want ErrPDF", b, err)
		}
	}
	if _, _, err := pdfmerge.Duplex(nil); err == nil {
		t.Error("Duplex of nothing succeeded")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n4 0 obj << /Length 3 >> stream\nabc\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := pdfmerge.Parse(b)
		if err != nil {
			return
		}
		w := pdfmerge.New()
		if err := w.Add(d); err != nil {
			return
		}
		if _, err := w.Bytes(); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkDuplex50(b *testing.B) {
	key := newKey(b)
	docs := make([][]byte, 50)
	for i := range docs {
		docs[i] = letter(b, key, i, 1+i%8)
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := pdfmerge.Duplex(docs); err != nil {
			b.Fatal(err)
		}
	}
}
