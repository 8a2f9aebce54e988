package decision

import (
	"bytes"
	"testing"

	"github.com/go-pdf/fpdf"
)

func TestFontCacheSameBytes(t *testing.T) {
	if !copyFonts(fpdf.New("P", "mm", "A4", ""), fontProto()) {
		t.Fatal("font definitions could not be copied: fpdf's internals changed; check fontcache.go")
	}
	l := richLetter(t)
	cached := render(t, l)
	fontCache = false
	parsed := render(t, l)
	fontCache = true
	if !bytes.Equal(cached, parsed) {
		t.Fatal("a letter with copied font definitions differs from one with parsed fonts")
	}
	// The copies share nothing mutable: a second cached render is still the same.
	again := render(t, l)
	if !bytes.Equal(again, parsed) {
		t.Fatal("rendering changed the cached font definitions")
	}
}
