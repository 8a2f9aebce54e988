package decision

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/go-pdf/fpdf"
)

// TestFontCacheSameBytes proves that copying fpdf's parsed font definitions gives the
// very document fpdf makes when it parses the fonts itself.
func TestFontCacheSameBytes(t *testing.T) {
	if !copyFonts(fpdf.New("P", "mm", "A4", ""), fontProto()) {
		t.Fatal("font definitions could not be copied: fpdf's internals changed; check fontcache.go")
	}
	shareFonts = false
	defer func() { fontCache, shareFonts = true, true }()
	l := richLetter(t)
	cached := render(t, l)
	fontCache = false
	parsed := render(t, l)
	fontCache = true
	if !bytes.Equal(cached, parsed) {
		t.Fatal("a letter with copied font definitions differs from one with parsed fonts")
	}
	// The copies share nothing mutable: a second cached render is still the same.
	if again := render(t, l); !bytes.Equal(again, parsed) {
		t.Fatal("rendering changed the cached font definitions")
	}
}

// TestSharedFontsSameText proves that the shared font objects show the same words at
// the same places as the subset fpdf writes.
func TestSharedFontsSameText(t *testing.T) {
	if sharedFonts() == nil {
		t.Fatal("shared fonts could not be made: fpdf's internals changed; check fontobj.go")
	}
	l := richLetter(t)
	shared := words(t, render(t, l))
	shareFonts = false
	defer func() { shareFonts = true }()
	own := words(t, render(t, l))
	if !reflect.DeepEqual(shared, own) {
		t.Fatalf("text differs: %d words with shared fonts, %d with fpdf's", len(shared), len(own))
	}
}
