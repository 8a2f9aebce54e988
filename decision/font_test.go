package decision

import "testing"

// germanRunes are the glyphs a German letter cannot do without.
var germanRunes = []rune("äöüÄÖÜßẞ€„“‚‘§–")

func TestFontHasGermanGlyphs(t *testing.T) {
	for style, f := range fonts() {
		// A CJK ideograph DejaVu Sans lacks proves the lookup can say "missing".
		if f.Glyph('\u4e00') != 0 || f.Has('\u4e00') {
			t.Fatalf("%q: cmap lookup finds a glyph DejaVu Sans does not have", style)
		}
		for _, r := range append(germanRunes, []rune("ŁąśŞşğı")...) {
			if f.Glyph(r) == 0 || !f.Has(r) {
				t.Errorf("%q font has no glyph for %q (U+%04X)", style, r, r)
			}
		}
	}
}
