package layout

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

func testFonts(t testing.TB) (map[Style]*Font, map[Style][]byte) {
	t.Helper()
	ttf := map[Style][]byte{}
	fonts := map[Style]*Font{}
	for style, file := range map[Style]string{"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"} {
		b, err := os.ReadFile("../../fonts/" + file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := ParseFont(b)
		if err != nil {
			t.Fatal(err)
		}
		ttf[style], fonts[style] = b, f
	}
	return fonts, ttf
}

// TestMetricsMatchFpdf proves the fork measures every character as fpdf does, so
// lines break where they always broke.
func TestMetricsMatchFpdf(t *testing.T) {
	fonts, ttf := testFonts(t)
	for style, f := range fonts {
		ref := fpdf.New("P", "mm", "A4", "")
		ref.AddUTF8FontFromBytes("dejavu", string(style), ttf[style])
		ref.SetFont("dejavu", string(style), 10)
		d := New(fonts, map[Style]string{"": "F1", "B": "F2"})
		d.SetFont(style, 10)
		for r := rune(1); r < 0xFFFF; r++ {
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			s := string(r)
			if got, want := d.StringWidth(s), ref.GetStringWidth(s); got != want {
				t.Fatalf("%q: width of U+%04X is %v, fpdf says %v", style, r, got, want)
			}
		}
		desc := ref.GetFontDesc("dejavu", string(style))
		got := fpdf.FontDescType{Ascent: f.Ascent, Descent: f.Descent, CapHeight: f.CapHeight, Flags: f.Flags,
			ItalicAngle: f.ItalicAngle, StemV: f.StemV, MissingWidth: f.MissingWidth}
		got.FontBBox.Xmin, got.FontBBox.Ymin, got.FontBBox.Xmax, got.FontBBox.Ymax = f.BBox[0], f.BBox[1], f.BBox[2], f.BBox[3]
		if got != desc {
			t.Errorf("%q: descriptor %+v, fpdf says %+v", style, got, desc)
		}
	}
}

// TestMultiCellMatchesFpdf lays out the same paragraphs with fpdf and the fork and
// compares where each line went.
func TestMultiCellMatchesFpdf(t *testing.T) {
	fonts, ttf := testFonts(t)
	paras := []string{
		"Kurz.",
		strings.Repeat("Bitte beachten Sie die Auflagen im Anhang. ", 30),
		"Einwortohneleerzeichen" + strings.Repeat("x", 200) + " und danach weiter",
		"Łukasz Wąsik und Şükrü Yılmaz beantragen „etwas“ – für 1.234,50 € (§ 37).\nZweite Zeile\n\nnach Leerzeile\n\n",
	}
	for _, w := range []float64{165, 60, 3} {
		ref := fpdf.New("P", "mm", "A4", "")
		ref.SetCellMargin(0)
		ref.SetMargins(25, 27, 20)
		ref.SetAutoPageBreak(true, 37)
		ref.AddUTF8FontFromBytes("dejavu", "", ttf[""])
		ref.SetFont("dejavu", "", 10)
		ref.AddPage()
		d := New(fonts, map[Style]string{"": "F1"})
		d.SetMargins(25, 27, 20)
		d.SetAutoPageBreak(true, 37)
		d.SetFont("", 10)
		d.AddPage()
		for _, p := range paras {
			ref.MultiCell(w, 4.8, p, "", "L", false)
			d.MultiCell(w, 4.8, p)
			if ref.PageNo() != d.PageNo() || ref.GetY() != d.Y() {
				t.Fatalf("width %v, after %.20q: page %d y %v, fpdf page %d y %v", w, p, d.PageNo(), d.Y(), ref.PageNo(), ref.GetY())
			}
		}
		if ref.Err() {
			t.Fatal(ref.Error())
		}
	}
}

func TestCellWritesText(t *testing.T) {
	fonts, _ := testFonts(t)
	d := New(fonts, map[Style]string{"": "F1", "B": "F2"})
	d.SetFooterFunc(func() {
		d.Cell(0, 4, "Seite "+string(rune('0'+d.PageNo()))+" von "+string(rune('0'+d.PageCount())), 0, "R")
	})
	d.AddPage()
	d.SetFont("B", 12)
	d.SetTextGray(80)
	d.Cell(50, 5, "Grüße", 1, "L")
	d.AddPage()
	d.Close()
	p := d.Pages()
	if len(p) != 2 {
		t.Fatalf("%d pages", len(p))
	}
	// "Grüße" as UTF-16 code points in grey, bold; each page's footer knows the total.
	for _, want := range []string{"q 0.314 g BT /F2 12.00 Tf", "<0047007200FC00DF0065> Tj ET Q"} {
		if !bytes.Contains(p[0], []byte(want)) {
			t.Errorf("page 1 lacks %q:\n%s", want, p[0])
		}
	}
	if !bytes.Contains(p[1], []byte("<005300650069007400650020003200200076006F006E00200032>")) {
		t.Errorf("page 2 lacks its footer \"Seite 2 von 2\":\n%s", p[1])
	}
}

func TestParseFontRejectsGarbage(t *testing.T) {
	_, ttf := testFonts(t)
	for _, b := range [][]byte{nil, []byte("not a font"), ttf[""][:300]} {
		if _, err := ParseFont(b); err == nil {
			t.Errorf("ParseFont(%d bytes) accepted", len(b))
		}
	}
}
