package demo

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var xrefEntry = regexp.MustCompile(`^(\d{10}) (\d{5}) ([nf]) ?$`)

// checkXref verifies that startxref points at the table and every in-use entry points
// at "N 0 obj".
func checkXref(pdf []byte) error {
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		return fmt.Errorf("no PDF header or trailer")
	}
	i := bytes.LastIndex(pdf, []byte("startxref\n"))
	if i < 0 {
		return fmt.Errorf("no startxref")
	}
	rest := strings.SplitN(string(pdf[i+len("startxref\n"):]), "\n", 2)
	off, err := strconv.Atoi(rest[0])
	if err != nil || off <= 0 || off >= len(pdf) {
		return fmt.Errorf("bad startxref %q", rest[0])
	}
	lines := strings.Split(string(pdf[off:]), "\n")
	if lines[0] != "xref" {
		return fmt.Errorf("startxref points at %q", lines[0])
	}
	var first, count int
	if _, err := fmt.Sscanf(lines[1], "%d %d", &first, &count); err != nil || first != 0 {
		return fmt.Errorf("bad subsection %q", lines[1])
	}
	for n := 0; n < count; n++ {
		m := xrefEntry.FindStringSubmatch(lines[2+n])
		if m == nil || len(lines[2+n]) != 19 {
			return fmt.Errorf("bad xref entry %d %q", n, lines[2+n])
		}
		if m[3] == "f" {
			continue
		}
		at, _ := strconv.Atoi(m[1])
		want := strconv.Itoa(n) + " 0 obj"
		if !bytes.HasPrefix(pdf[at:], []byte(want)) {
			return fmt.Errorf("entry %d points at %q", n, pdf[at:min(at+12, len(pdf))])
		}
	}
	if !strings.Contains(string(pdf[off:]), "/Size "+strconv.Itoa(count)+" ") {
		return fmt.Errorf("trailer /Size does not match %d entries", count)
	}
	// Every stream's /Length must match its data.
	for _, m := range regexp.MustCompile(`(?s)/Length (\d+) >>\nstream\n`).FindAllSubmatchIndex(pdf, -1) {
		n, _ := strconv.Atoi(string(pdf[m[2]:m[3]]))
		if !bytes.HasPrefix(pdf[m[1]+n:], []byte("\nendstream")) {
			return fmt.Errorf("stream at %d: /Length %d is wrong", m[0], n)
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
		pages[bytes.Count(c.Representation, []byte("/Type /Page "))]++
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
	pdf := renderPDF(pdfDoc{Title: "Antrag: Test", Lines: lines, Footer: "Test", Created: testNow})
	if err := checkXref(pdf); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(pdf, []byte("/Type /Page ")); n < 3 {
		t.Fatalf("%d pages for 150+ lines", n)
	}
	text := pdfToText(t, pdf)
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
	pdf := renderPDF(pdfDoc{Title: "Antrag: Hundesteuer-Anmeldung", Lines: []pdfLine{
		{Text: "Halter: Jürgen Größmann-Öztürk (Weißdornstraße 5) \\ Ärger"},
		{Text: "Gebühr: 1.234,56 € „zitiert“"},
	}, Footer: "Test", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if text := pdfToText(t, pdf); text != "" {
		for _, want := range []string{"Jürgen Größmann-Öztürk (Weißdornstraße 5) \\ Ärger", "1.234,56 € „zitiert“", "Hundesteuer-Anmeldung"} {
			if !strings.Contains(text, want) {
				t.Errorf("pdftotext lacks %q:\n%s", want, text)
			}
		}
	}
}
