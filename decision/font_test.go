package decision

import (
	"encoding/binary"
	"testing"
)

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

// unicodeCmap returns the format-4 subtable of the font's Windows Unicode BMP cmap.
func unicodeCmap(ttf []byte) ([]byte, error) {
	be := binary.BigEndian
	numTables := int(be.Uint16(ttf[4:]))
	for i := 0; i < numTables; i++ {
		rec := ttf[12+16*i:]
		if string(rec[:4]) != "cmap" {
			continue
		}
		cmap := ttf[be.Uint32(rec[8:]):]
		n := int(be.Uint16(cmap[2:]))
		for j := 0; j < n; j++ {
			e := cmap[4+8*j:]
			if be.Uint16(e) == 3 && be.Uint16(e[2:]) == 1 {
				sub := cmap[be.Uint32(e[4:]):]
				if be.Uint16(sub) != 4 {
					return nil, errNoCmap
				}
				return sub, nil
			}
		}
	}
	return nil, errNoCmap
}

type testError string

func (e testError) Error() string { return string(e) }

const errNoCmap = testError("no (3,1) format 4 cmap")

// glyphIndex looks r up in a format-4 cmap subtable; 0 means missing.
func glyphIndex(sub []byte, r rune) int {
	be := binary.BigEndian
	segX2 := int(be.Uint16(sub[6:]))
	ends := sub[14:]
	starts := sub[16+segX2:]
	deltas := sub[16+2*segX2:]
	offsets := sub[16+3*segX2:]
	c := int(r)
	for s := 0; s < segX2/2; s++ {
		end := int(be.Uint16(ends[2*s:]))
		if c > end {
			continue
		}
		start := int(be.Uint16(starts[2*s:]))
		if c < start {
			return 0
		}
		delta := int(be.Uint16(deltas[2*s:]))
		off := int(be.Uint16(offsets[2*s:]))
		if off == 0 {
			return (c + delta) & 0xFFFF
		}
		pos := 16 + 3*segX2 + 2*s + off + 2*(c-start)
		g := int(be.Uint16(sub[pos:]))
		if g == 0 {
			return 0
		}
		return (g + delta) & 0xFFFF
	}
	return 0
}
