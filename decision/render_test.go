package decision

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// tool returns the path of an external program or fails the test naming the Debian
// package to install; these checks are part of `make test`, never skipped.
func tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install %s (apt-get install -y %s)", name, pkg, pkg)
	}
	return p
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func render(t testing.TB, l Letter) []byte {
	t.Helper()
	b, err := Render(l, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type word struct {
	page       int
	x, y, w, h float64 // millimetres from the top left
	text       string
}

var (
	pageRE = regexp.MustCompile(`<page `)
	wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// words returns every word pdftotext finds, with its box in millimetres.
func words(t testing.TB, pdf []byte) []word {
	t.Helper()
	tool(t, "pdftotext", "poppler-utils")
	out := run(t, "pdftotext", "-bbox", writeTemp(t, "l.pdf", pdf), "-")
	var ws []word
	page := 0
	for _, line := range strings.Split(out, "\n") {
		if pageRE.MatchString(line) {
			page++
			continue
		}
		m := wordRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		f := func(i int) float64 { v, _ := strconv.ParseFloat(m[i], 64); return v * 25.4 / 72 }
		ws = append(ws, word{page: page, x: f(1), y: f(2), w: f(3) - f(1), h: f(4) - f(2), text: unescapeXML(m[5])})
	}
	return ws
}

func unescapeXML(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'").Replace(s)
}

func find(t testing.TB, ws []word, page int, text string) word {
	t.Helper()
	return findBelow(t, ws, page, text, 0)
}

// findBelow returns the first word text on page whose top is at or below y mm.
func findBelow(t testing.TB, ws []word, page int, text string, y float64) word {
	t.Helper()
	for _, w := range ws {
		if w.page == page && w.text == text && w.y >= y {
			return w
		}
	}
	t.Fatalf("word %q not on page %d", text, page)
	return word{}
}

func TestLayoutDIN5008(t *testing.T) {
	l := testLetter(t, "bewilligung")
	ws := words(t, render(t, l))
	inside := func(w word, x0, y0, x1, y1 float64) bool {
		return w.x >= x0 && w.y >= y0 && w.x+w.w <= x1 && w.y+w.h <= y1
	}
	// Recipient: every line inside the address field below the 17.7 mm zone.
	for _, line := range l.Recipient {
		first := strings.Fields(line)[0]
		w := findBelow(t, ws, 1, first, addrY+addrZoneH)
		if !inside(w, addrX, addrY+addrZoneH, addrX+addrW, addrY+addrH) {
			t.Errorf("recipient word %q at %.1f,%.1f outside the address field", first, w.x, w.y)
		}
		if w.x < 24.5 || w.x > 25.5 {
			t.Errorf("recipient starts at x=%.1f mm, want 25", w.x)
		}
	}
	// Return line: inside the top zone.
	var inZone bool
	for _, w := range ws {
		if w.page == 1 && w.text == "Rathausplatz" && inside(w, addrX, addrY, addrX+addrW, addrY+addrZoneH) {
			inZone = true
		}
	}
	if !inZone {
		t.Error("return line not in the top zone of the address field")
	}
	// Information block at 125 mm.
	for _, s := range []string{"Aktenzeichen", l.FileNumber, "Datum", "27.11.2026", l.Contact.Email} {
		w := find(t, ws, 1, s)
		if w.x < infoX-0.5 || w.x > infoX+0.5 || w.x+w.w > pageW-marginRight+0.5 {
			t.Errorf("info block %q at x=%.1f..%.1f, want from 125 within the right margin", s, w.x, w.x+w.w)
		}
	}
	// Body: left margin 25 mm, right margin 20 mm, below the address field.
	for _, w := range ws {
		if w.page == 1 && w.y > addrY+addrH && w.y < footerTop-6 {
			if w.x < marginLeft-0.5 || w.x+w.w > pageW-marginRight+0.5 {
				t.Errorf("body word %q at x=%.1f..%.1f outside the margins", w.text, w.x, w.x+w.w)
			}
		}
	}
	find(t, ws, 1, "Seite")
	find(t, ws, 1, l.VerificationCode())
}

func TestLongTextFlowsWithShortHeader(t *testing.T) {
	l := testLetter(t, "ablehnung")
	long := strings.Repeat("Die Prüfung der Unterlagen hat ergeben, dass die Voraussetzungen nicht vorliegen. ", 40)
	l.Blocks[3].Text += "\n\n" + long + "ENDE-DER-BEGRUENDUNG"
	ws := words(t, render(t, l))
	pages := 0
	for _, w := range ws {
		pages = max(pages, w.page)
	}
	if pages != 2 {
		t.Fatalf("%d pages, want 2", pages)
	}
	find(t, ws, 2, "Aktenzeichen") // the short header
	hdr := find(t, ws, 2, l.FileNumber)
	if hdr.y > 17 {
		t.Errorf("short header at y=%.1f, want at the top", hdr.y)
	}
	var seite2 bool
	for i := 0; i+3 < len(ws); i++ {
		if ws[i].page == 2 && ws[i].text == "Seite" && ws[i+1].text == "2" && ws[i+2].text == "von" && ws[i+3].text == "2" {
			seite2 = true
		}
	}
	if !seite2 {
		t.Error(`no "Seite 2 von 2" on page 2`)
	}
	end := find(t, ws, 2, "ENDE-DER-BEGRUENDUNG")
	signer := find(t, ws, 2, strings.Fields(l.Signer)[0])
	if signer.y <= end.y {
		t.Error("signer above the end of the reasons")
	}
	for _, w := range ws {
		if w.y+w.h > pageH-5 || (w.y+w.h > bodyBottom+1 && w.y < footerTop-6) {
			t.Errorf("word %q on page %d at y=%.1f runs into the footer or off the page", w.text, w.page, w.y)
		}
	}
	// Every word of the long text is somewhere: nothing cut off.
	n := 0
	for _, w := range ws {
		if w.text == "Unterlagen" {
			n++
		}
	}
	if n != 40 {
		t.Errorf("%d of 40 repetitions found", n)
	}
}

func TestRenderDeterministic(t *testing.T) {
	l := testLetter(t, "gebuehrenbescheid")
	a, b := render(t, l), render(t, l)
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same letter differ")
	}
	l.Blocks[2].Text += " Geändert."
	if bytes.Equal(a, render(t, l)) {
		t.Fatal("a changed letter renders the same bytes")
	}
}

func TestLogo(t *testing.T) {
	l := testLetter(t, "bewilligung")
	l.Letterhead.Logo = []byte("GIF89a not a png")
	_, err := Render(l, RenderOptions{})
	if !errors.Is(err, ErrLogo) || !strings.Contains(err.Error(), "keine gültige PNG-Datei") {
		t.Fatalf("err = %v, want ErrLogo with a German message", err)
	}
	// A PNG with transparency is accepted (flattened, since PDF/A-1 forbids soft masks).
	img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		img.Set(x, x/2, color.NRGBA{0, 80, 160, 128})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	l.Letterhead.Logo = buf.Bytes()
	out := render(t, l)
	if bytes.Contains(out, []byte("/SMask")) {
		t.Fatal("logo written with a soft mask")
	}
	// 16-bit PNGs are flattened to 8-bit RGB like any other.
	deep := image.NewRGBA64(image.Rect(0, 0, 30, 10))
	for x := 0; x < 30; x++ {
		for y := 0; y < 10; y++ {
			deep.Set(x, y, color.RGBA64{0, 0x4000, uint16(x) << 11, 0xFFFF})
		}
	}
	buf.Reset()
	if err := png.Encode(&buf, deep); err != nil {
		t.Fatal(err)
	}
	l.Letterhead.Logo = buf.Bytes()
	render(t, l)
}

func TestAddressIncomplete(t *testing.T) {
	l := testLetter(t, "bewilligung")
	l.Recipient = l.Recipient[:1]
	if _, err := Render(l, RenderOptions{}); !errors.Is(err, ErrLetter) || !strings.HasPrefix(err.Error(), "Die Anschrift ist unvollständig") {
		t.Fatalf("err = %v", err)
	}
}

func TestLetterIncomplete(t *testing.T) {
	l := testLetter(t, "bewilligung")
	l.FileNumber = ""
	l.Recipient = nil
	_, err := Render(l, RenderOptions{})
	if !errors.Is(err, ErrLetter) || !strings.Contains(err.Error(), "Empfänger, Aktenzeichen") {
		t.Fatalf("err = %v", err)
	}
}

// A batch renders on every core; the fonts and the logo cache are shared, so check for races.
func TestRenderConcurrent(t *testing.T) {
	l := testLetter(t, "bewilligung")
	want := render(t, l)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			b, err := Render(l, RenderOptions{})
			if err == nil && !bytes.Equal(b, want) {
				err = errors.New("concurrent render differs")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestGlyphMissing(t *testing.T) {
	l := testLetter(t, "bewilligung")
	l.Recipient[0] = "Li 李"
	_, err := Render(l, RenderOptions{})
	if !errors.Is(err, ErrGlyph) || !strings.Contains(err.Error(), "„李“ (U+674E) kann im Bescheid nicht gedruckt werden") {
		t.Fatalf("err = %v", err)
	}
	l.Recipient = []string{"Łukasz Dąbrowski", "Şahin Yılmaz", "Ελένη Παπαδοπούλου", "Дмитрий Иванов", "Nguyễn Văn An"}
	if _, err := Render(l, RenderOptions{}); err != nil {
		t.Fatalf("European names: %v", err)
	}
	l.Recipient = []string{"Łukasz Dąbrowski, Şahin Yılmaz, Ελένη Παπαδοπούλου, Дмитрий Иванов", "12345 Musterhausen"}
	_, err = Render(l, RenderOptions{})
	if !errors.Is(err, ErrLetter) || !strings.HasPrefix(err.Error(), "Die Anschriftzeile „Łukasz") {
		t.Fatalf("overlong address line: %v", err)
	}
}
