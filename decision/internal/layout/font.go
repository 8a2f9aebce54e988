package layout

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ErrFont reports a TrueType file this package cannot use.
var ErrFont = errors.New("layout: unusable TrueType font")

// Font is a TrueType font parsed once and shared by every document: its metrics in
// 1/1000 em, as fpdf's UTF-8 font parser computes them, and its character map.
// A Font is read-only after ParseFont and safe for concurrent use.
type Font struct {
	TTF []byte
	// Widths holds the advance of each BMP rune: 0 for a rune without glyph,
	// 65535 for a glyph of zero width (fpdf's markers).
	Widths       []int
	MissingWidth int
	// Descriptor values for the PDF font descriptor.
	Ascent, Descent, CapHeight, Flags, ItalicAngle, StemV int
	BBox                                                  [4]int
	cmap                                                  []byte
}

// ParseFont reads the metrics of a TrueType font with a (3,1) format 4 cmap.
func ParseFont(ttf []byte) (f *Font, err error) {
	defer func() {
		// The tables are read by their offsets; a truncated file ends here.
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%w: %v", ErrFont, r)
		}
	}()
	be := binary.BigEndian
	ttf = ttf[:len(ttf):len(ttf)] // a table beyond the end must fail, not reach into capacity
	tables := map[string][]byte{}
	n := int(be.Uint16(ttf[4:]))
	for i := range n {
		rec := ttf[12+16*i:]
		off, size := be.Uint32(rec[8:]), be.Uint32(rec[12:])
		tables[string(rec[:4])] = ttf[off : off+size]
	}
	for _, t := range []string{"head", "hhea", "hmtx", "cmap", "maxp", "post"} {
		if tables[t] == nil {
			return nil, fmt.Errorf("%w: no %s table", ErrFont, t)
		}
	}
	f = &Font{TTF: ttf}
	if f.cmap, err = unicodeCmap(tables["cmap"]); err != nil {
		return nil, err
	}
	head, hhea := tables["head"], tables["hhea"]
	upem := float64(be.Uint16(head[18:]))
	scale := 1000 / upem
	s := func(v int16) int { return int(float64(v) * scale) }
	f.BBox = [4]int{s(int16(be.Uint16(head[36:]))), s(int16(be.Uint16(head[38:]))),
		s(int16(be.Uint16(head[40:]))), s(int16(be.Uint16(head[42:])))}
	f.Ascent, f.Descent = s(int16(be.Uint16(hhea[4:]))), s(int16(be.Uint16(hhea[6:])))
	weight := 500
	f.CapHeight = f.Ascent
	if os2 := tables["OS/2"]; os2 != nil {
		weight = int(be.Uint16(os2[4:]))
		if be.Uint16(os2) > 1 {
			f.CapHeight = s(int16(be.Uint16(os2[88:])))
		}
	}
	f.StemV = 50 + int(math.Pow(float64(weight)/65, 2))
	post := tables["post"]
	f.ItalicAngle = int(int16(be.Uint16(post[4:])))
	f.Flags = 4
	if f.ItalicAngle != 0 {
		f.Flags |= 64
	}
	if weight >= 600 {
		f.Flags |= 262144
	}
	if be.Uint32(post[12:]) != 0 {
		f.Flags |= 1
	}

	hmtx := tables["hmtx"]
	nMetrics := int(be.Uint16(hhea[34:]))
	if nMetrics == 0 || 4*nMetrics > len(hmtx) {
		return nil, fmt.Errorf("%w: bad hmtx", ErrFont)
	}
	advance := func(g int) int {
		g = min(g, nMetrics-1) // glyphs after the last metric share its advance
		a := int(be.Uint16(hmtx[4*g:]))
		if a >= 1<<15 {
			a = 0
		}
		return a
	}
	round := func(v float64) int { return int(math.Floor(v + 0.5)) }
	f.MissingWidth = round(scale * float64(advance(0)))
	f.Widths = make([]int, 0x10000)
	for r := 1; r < 0xFFFF; r++ {
		g := f.Glyph(rune(r))
		if g == 0 {
			continue
		}
		w := round(scale * float64(advance(g)))
		if w == 0 {
			w = 65535
		}
		f.Widths[r] = w
	}
	return f, nil
}

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool { return r > 0 && r < 0xFFFF && f.Widths[r] != 0 }

// Width returns the advance of r in 1/1000 em, as fpdf's GetStringWidth counts it.
func (f *Font) Width(r rune) int {
	if r >= 0 && r < 0x10000 {
		switch w := f.Widths[r]; w {
		case 0:
		case 65535:
			return 0
		default:
			return w
		}
	}
	if f.MissingWidth != 0 {
		return f.MissingWidth
	}
	return 500
}

// unicodeCmap returns the format-4 subtable of the Windows Unicode BMP cmap.
func unicodeCmap(cmap []byte) ([]byte, error) {
	be := binary.BigEndian
	n := int(be.Uint16(cmap[2:]))
	for j := range n {
		e := cmap[4+8*j:]
		if be.Uint16(e) == 3 && be.Uint16(e[2:]) == 1 {
			sub := cmap[be.Uint32(e[4:]):]
			if be.Uint16(sub) != 4 {
				break
			}
			return sub, nil
		}
	}
	return nil, fmt.Errorf("%w: no (3,1) format 4 cmap", ErrFont)
}

// Glyph looks r up in the font's cmap; 0 means missing.
func (f *Font) Glyph(r rune) int {
	be := binary.BigEndian
	sub := f.cmap
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
		if pos+2 > len(sub) {
			return 0
		}
		g := int(be.Uint16(sub[pos:]))
		if g == 0 {
			return 0
		}
		return (g + delta) & 0xFFFF
	}
	return 0
}
