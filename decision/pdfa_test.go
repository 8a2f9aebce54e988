package decision

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/pdf"
)

// preflightJars is the classpath of Debian's Apache PDFBox Preflight (libpdfbox2-java).
var preflightJars = []string{
	"preflight.jar", "pdfbox2.jar", "fontbox2.jar", "xmpbox.jar", "commons-logging.jar",
	"javax.activation.jar", "jaxb-api.jar",
}

// richLetter is the most demanding letter for the validators: two pages, a logo with
// transparency, every German special character.
func richLetter(t testing.TB) Letter {
	l := testLetter(t, "teilbewilligung")
	img := image.NewNRGBA(image.Rect(0, 0, 60, 30))
	for x := 0; x < 60; x++ {
		for y := 0; y < 30; y++ {
			img.Set(x, y, color.NRGBA{0, 70, 140, uint8(4 * x)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	l.Letterhead.Logo = buf.Bytes()
	l.Recipient[0] = "Jürgen Öztürk-Weiß"
	l.Blocks = append(l.Blocks, Block{Kind: KindText, Title: "Hinweise",
		Text: "Sonderzeichen: ä ö ü Ä Ö Ü ß ẞ € „deutsch“ ‚halb‘ § 37 – Ende.\n\n" +
			strings.Repeat("Bitte beachten Sie die Auflagen im Anhang. ", 30)})
	return l
}

func TestPDFA(t *testing.T) {
	java := tool(t, "java", "default-jre-headless")
	tool(t, "qpdf", "qpdf")
	tool(t, "pdffonts", "poppler-utils")
	var cp []string
	for _, j := range preflightJars {
		p := filepath.Join("/usr/share/java", j)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s missing: install libpdfbox2-java libactivation-java libjaxb-api-java", p)
		}
		cp = append(cp, p)
	}
	l := richLetter(t)
	doc := render(t, l)
	path := writeTemp(t, "checked.pdf", doc)
	// One revision with one complete xref table, from which a signature's update starts.
	f, err := pdf.Read(doc)
	if err != nil || f.Repaired() || bytes.Count(doc, []byte("startxref")) != 1 {
		t.Fatalf("not one clean revision: %v", err)
	}
	for n := 1; n < f.Size(); n++ {
		if o, err := f.Object(n); o == nil || err != nil {
			t.Fatalf("object %d: %v, %v", n, o, err)
		}
	}

	// One JVM start for three files: this letter, a short one without QR code and with
	// names beyond Latin-1, and a plain PDF (core font, no OutputIntent, no XMP), which
	// must fail, so the check is real.
	short := testLetter(t, "ablehnung")
	short.Letterhead.VerifyURL = ""
	short.Recipient[0] = "Łukasz Wąsik und Şükrü Yılmaz"
	valid := preflight(t, java, cp, map[string][]byte{
		"letter.pdf": doc, "short.pdf": render(t, short), "plain.pdf": plainPDF(t)})
	for name, want := range map[string]bool{"letter.pdf": true, "short.pdf": true, "plain.pdf": false} {
		if valid[name] != want {
			t.Errorf("Preflight says %s valid=%v, want %v", name, valid[name], want)
		}
	}
	if out := run(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Fatalf("qpdf --check:\n%s", out)
	}
	fonts := strings.Split(strings.TrimSpace(run(t, "pdffonts", path)), "\n")
	if len(fonts) < 3 {
		t.Fatalf("pdffonts lists no fonts:\n%s", strings.Join(fonts, "\n"))
	}
	for _, f := range fonts[2:] {
		if fs := strings.Fields(f); len(fs) < 7 || fs[len(fs)-5] != "yes" {
			t.Errorf("font not embedded: %s", f)
		}
	}
	text := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	for _, s := range []string{"Jürgen Öztürk-Weiß", "ä ö ü Ä Ö Ü ß ẞ € „deutsch“ ‚halb‘ § 37 – Ende.",
		"Mit freundlichen Grüßen", "Rechtsbehelfsbelehrung", "Seite 2 von 2", "1.234,50 €", l.VerificationCode()} {
		if !strings.Contains(text, s) {
			t.Errorf("pdftotext lacks %q", s)
		}
	}
}

// plainPDF is a valid PDF that is not PDF/A: Helvetica is not embedded and it has
// neither OutputIntent nor XMP metadata.
func plainPDF(t *testing.T) []byte {
	w := pdf.NewWriter("1.4")
	catalog, pages, page := w.Alloc(), w.Alloc(), w.Alloc()
	font := w.Add(pdf.NewDict("Type", pdf.Name("Font"), "Subtype", pdf.Name("Type1"), "BaseFont", pdf.Name("Helvetica")))
	content := w.Alloc()
	w.WriteStream(content, nil, []byte("BT /F1 12 Tf 72 720 Td (Gruesse) Tj ET"))
	w.Write(page, pdf.NewDict("Type", pdf.Name("Page"), "Parent", pages, "MediaBox", pdf.Array{pdf.Integer(0), pdf.Integer(0), pdf.Integer(595), pdf.Integer(842)},
		"Resources", pdf.NewDict("Font", pdf.NewDict("F1", font)), "Contents", content))
	w.Write(pages, pdf.NewDict("Type", pdf.Name("Pages"), "Kids", pdf.Array{page}, "Count", pdf.Integer(1)))
	w.Write(catalog, pdf.NewDict("Type", pdf.Name("Catalog"), "Pages", pages))
	b, err := w.Finish(pdf.NewDict("Root", catalog))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// preflight validates the files with PDFBox Preflight in one JVM and returns, by file
// name, whether each is valid PDF/A-1b.
func preflight(t *testing.T, java string, cp []string, files map[string][]byte) map[string]bool {
	t.Helper()
	dir := t.TempDir()
	var list strings.Builder
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		list.WriteString(p + "\n")
	}
	listFile := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(listFile, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(java, "-cp", strings.Join(cp, ":"), "org.apache.pdfbox.preflight.Validator_A1b",
		"xml", "group", listFile).CombinedOutput()
	if err != nil {
		t.Fatalf("Preflight: %v\n%s", err, out)
	}
	report, err := os.ReadFile(listFile + ".preflight.xml")
	if err != nil {
		t.Fatalf("Preflight wrote no report: %v\n%s", err, out)
	}
	var r struct {
		Preflight []struct {
			Name    string `xml:"name,attr"`
			IsValid string `xml:"isValid"`
		} `xml:"preflight"`
	}
	if err := xml.Unmarshal(report, &r); err != nil {
		t.Fatalf("Preflight report: %v\n%s", err, report)
	}
	valid := map[string]bool{}
	for _, p := range r.Preflight {
		valid[p.Name] = strings.TrimSpace(p.IsValid) == "true"
	}
	if len(valid) != len(files) {
		t.Fatalf("Preflight reported %d of %d files:\n%s", len(valid), len(files), report)
	}
	return valid
}
