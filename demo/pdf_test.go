package demo

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/pdf"
)

// checkXref reads the PDF with package pdf and checks that its cross-reference table
// was intact (not repaired by scanning), that every object it lists is where it
// says, and that every stream's /Length matches its data.
func checkXref(data []byte) error {
	if !bytes.HasPrefix(data, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(data, []byte("%%EOF\n")) {
		return fmt.Errorf("no PDF header or trailer")
	}
	f, err := pdf.Read(data)
	if err != nil {
		return err
	}
	if f.Repaired() {
		return fmt.Errorf("cross-reference table unreadable")
	}
	for n := 1; n < f.Size(); n++ {
		o, err := f.Object(n)
		if err != nil {
			return err
		}
		if o == nil {
			return fmt.Errorf("object %d missing", n)
		}
		if s, ok := o.(*pdf.Stream); ok {
			if l, _ := s.Dict.Int("Length"); int(l) != len(s.Data) {
				return fmt.Errorf("object %d: /Length %d for %d bytes", n, l, len(s.Data))
			}
		}
	}
	return nil
}

func TestPDFXrefOffsets(t *testing.T) {
	pages := map[int]int{}
	err := Generate(5, 300, testNow, func(c Case) error {
		if err := checkXref(c.Representation); err != nil {
			return fmt.Errorf("%s: %w", c.Case.Title, err)
		}
		n, err := pdf.PageCount(c.Representation)
		if err != nil {
			return err
		}
		pages[n]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pages per PDF: %v", pages)
}

func TestPDFLongFormGetsMorePages(t *testing.T) {
	var lines []pdfLine
	for i := range 150 {
		lines = append(lines, pdfLine{Text: fmt.Sprintf("Zeile %d: Grüße aus Müllers Straße (Nr. 5) \\ Ende", i), Indent: i % 3})
	}
	lines = append(lines, pdfLine{Text: strings.Repeat("Donaudampfschifffahrtsgesellschaftskapitänsmütze ", 12)})
	doc := renderPDF(pdfDoc{Title: "Antrag: Test", Lines: lines, Footer: "Test", Created: testNow})
	if err := checkXref(doc); err != nil {
		t.Fatal(err)
	}
	if n, err := pdf.PageCount(doc); err != nil || n < 3 {
		t.Fatalf("%d pages for 150+ lines", n)
	}
	text := pdfToText(t, doc)
	if text != "" && !strings.Contains(text, "Seite 1 von") {
		t.Fatalf("no page numbers in %q", text[:min(200, len(text))])
	}
}

func TestWrapStaysOnPage(t *testing.T) {
	s := winAnsi(strings.Repeat("Wohnungsbaugenossenschaft Musterhausen eG, ", 10) + strings.Repeat("W", 200))
	for _, width := range []float64{100, 300, 483} {
		for _, bold := range []bool{false, true} {
			parts := wrap(s, width, bodySize, bold)
			var joined int
			for i, p := range parts {
				w := width
				if i > 0 {
					w -= indentPoints
				}
				if textWidth(p, bodySize, bold) > w {
					t.Errorf("width %v: line %d is %v wide", width, i, textWidth(p, bodySize, bold))
				}
				joined += len(p)
			}
			if joined+len(parts)-1 < len(s) {
				t.Errorf("width %v: text lost (%d of %d bytes)", width, joined, len(s))
			}
		}
	}
}

func TestWinAnsi(t *testing.T) {
	got := winAnsi("äöüÄÖÜß€„“–é\tX→ẞ中")
	want := []byte{0xE4, 0xF6, 0xFC, 0xC4, 0xD6, 0xDC, 0xDF, 0x80, 0x84, 0x93, 0x96, 0xE9, ' ', 'X', '-', '>', 'S', 'S', '?'}
	if !bytes.Equal(got, want) {
		t.Fatalf("winAnsi = % x, want % x", got, want)
	}
}

// pdfToText runs pdftotext; it returns "" (and logs) when poppler is not installed.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed (apt-get install poppler-utils); text check skipped")
		return ""
	}
	f := filepath.Join(t.TempDir(), "a.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func TestPDFWithExternalTools(t *testing.T) {
	qpdf, qerr := exec.LookPath("qpdf")
	if qerr != nil {
		t.Log("qpdf not installed (apt-get install qpdf); qpdf --check skipped")
	}
	n := 0
	err := Generate(11, 40, testNow, func(c Case) error {
		n++
		if n%4 != 0 {
			return nil
		}
		if qerr == nil {
			f := filepath.Join(t.TempDir(), "antrag.pdf")
			if err := os.WriteFile(f, c.Representation, 0o600); err != nil {
				return err
			}
			out, err := exec.Command(qpdf, "--check", f).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors") {
				return fmt.Errorf("qpdf --check %s: %v\n%s", c.Case.Title, err, out)
			}
		}
		text := pdfToText(t, c.Representation)
		if text == "" {
			return nil
		}
		flat := strings.Join(strings.Fields(text), " ")
		for _, want := range []string{"Antrag:", c.Case.Applicant.Name, "Antragsteller/in", "Gemeinde Musterhausen – Bürgerbüro und Ordnungsamt", "Straße und Hausnummer"} {
			if !strings.Contains(flat, want) {
				return fmt.Errorf("pdftotext of %q lacks %q:\n%s", c.Case.Title, want, text)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Umlauts, ß, the euro sign and PDF string escapes survive the round trip.
	doc := renderPDF(pdfDoc{Title: "Antrag: Hundesteuer-Anmeldung", Lines: []pdfLine{
		{Text: "Halter: Jürgen Größmann-Öztürk (Weißdornstraße 5) \\ Ärger"},
		{Text: "Gebühr: 1.234,56 € „zitiert“"},
	}, Footer: "Test", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if text := pdfToText(t, doc); text != "" {
		for _, want := range []string{"Jürgen Größmann-Öztürk (Weißdornstraße 5) \\ Ärger", "1.234,56 € „zitiert“", "Hundesteuer-Anmeldung"} {
			if !strings.Contains(text, want) {
				t.Errorf("pdftotext lacks %q:\n%s", want, text)
			}
		}
	}
}
