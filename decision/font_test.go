package decision

import "testing"

// germanRunes are the glyphs a German letter cannot do without.
var germanRunes = []rune("äöüÄÖÜßẞ€„“‚‘§–")

func TestFontHasGermanGlyphs(t *testing.T) {
	for _, f := range []struct {
		name string
		data []byte
	}{{"regular", fontRegular}, {"bold", fontBold}} {
		cmap, err := unicodeCmap(f.data)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		// A CJK ideograph DejaVu Sans lacks proves the lookup can say "missing".
		if glyphIndex(cmap, '\u4e00') != 0 {
			t.Fatalf("%s: cmap lookup finds a glyph DejaVu Sans does not have", f.name)
		}
		for _, r := range germanRunes {
			if glyphIndex(cmap, r) == 0 {
				t.Errorf("%s font has no glyph for %q (U+%04X)", f.name, r, r)
			}
		}
	}
}
