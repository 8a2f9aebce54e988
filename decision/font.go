package decision

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
)

// DejaVu Sans (Bitstream Vera licence, see fonts/LICENSE-DejaVu.txt) covers every
// German glyph including the capital sharp s, and PDF/A needs every font embedded.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// fontFamily is the family name the letters use inside fpdf.
const fontFamily = "DejaVu"

// ErrGlyph reports text with a character the embedded font cannot print.
var ErrGlyph = errors.New("decision: character not in font")

// printable says for each BMP rune whether both fonts have a glyph for it.
var printable = sync.OnceValue(func() []bool {
	ok := make([]bool, 0x10000)
	reg, err1 := unicodeCmap(fontRegular)
	bold, err2 := unicodeCmap(fontBold)
	if err1 != nil || err2 != nil {
		panic(fmt.Sprint("decision: embedded fonts: ", err1, err2))
	}
	for r := range ok {
		ok[r] = glyphIndex(reg, rune(r)) != 0 && glyphIndex(bold, rune(r)) != 0
	}
	return ok
})

// checkGlyphs returns ErrGlyph with a German message for the first character of s the
// fonts lack, which would otherwise vanish from the printed letter without a trace.
func checkGlyphs(s string) error {
	ok := printable()
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			continue
		}
		if int(r) >= len(ok) || !ok[r] {
			return clerkErr(ErrGlyph, "Das Zeichen „%c“ (U+%04X) kann im Bescheid nicht gedruckt werden. Bitte ersetzen Sie es.", r, r)
		}
	}
	return nil
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

var errNoCmap = errors.New("decision: font has no (3,1) format 4 cmap")

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
