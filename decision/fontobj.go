package decision

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
)

// sharedFont is an embedded font as every letter writes it: the whole (already subset)
// TrueType file, all its widths and a CIDToGIDMap for all its characters, compressed
// once per process. fpdf instead cuts a new subset for each document and compresses
// it, its 128 KB character map and more with four new zlib writers: about 8 MB of
// allocation and most of the remaining time per letter. Its content streams address
// glyphs by Unicode code point (CID = rune), so the same objects serve every letter.
type sharedFont struct {
	res      string // resource name in fpdf's content streams, without the slash
	base     string // BaseFont and FontName
	desc     string // FontDescriptor entries before /FontFile2
	widths   string // the CIDFont's /DW and /W entries
	cidToGID []byte // compressed
	file     []byte // compressed TrueType file
	size     int    // uncompressed size of file
}

// fpdfToUnicode is fpdf's identity ToUnicode CMap: a CID is its Unicode code point.
const fpdfToUnicode = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"

var sharedFonts = sync.OnceValue(func() []sharedFont {
	fonts, err := makeSharedFonts(fontProto())
	if err != nil {
		return nil // fpdf writes the fonts itself, as without the cache
	}
	return fonts
})

func makeSharedFonts(proto *fpdf.Fpdf) (fonts []sharedFont, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decision: shared fonts: %v", r)
		}
	}()
	m := field(reflect.ValueOf(proto).Elem(), "fonts", reflect.Map)
	if !m.IsValid() {
		return nil, fmt.Errorf("decision: shared fonts: %w", errStructure)
	}
	for it := m.MapRange(); it.Next(); {
		def := reflect.New(m.Type().Elem()).Elem()
		def.Set(it.Value())
		id := field(def, "i", reflect.String)
		if !id.IsValid() {
			return nil, fmt.Errorf("decision: shared fonts: %w", errStructure)
		}
		name := def.FieldByName("Name").String()
		desc := def.FieldByName("Desc").Interface().(fpdf.FontDescType)
		cw := def.FieldByName("Cw").Interface().([]int)
		ttf := fontRegular
		if strings.HasSuffix(it.Key().String(), "B") {
			ttf = fontBold
		}
		f, err := newSharedFont("F"+id.String(), "utf8"+name, desc, cw, ttf)
		if err != nil {
			return nil, err
		}
		fonts = append(fonts, f)
	}
	if len(fonts) != 2 {
		return nil, fmt.Errorf("decision: shared fonts: %w: %d fonts", errStructure, len(fonts))
	}
	sort.Slice(fonts, func(i, j int) bool { return fonts[i].res < fonts[j].res })
	return fonts, nil
}

func newSharedFont(res, base string, d fpdf.FontDescType, cw []int, ttf []byte) (sharedFont, error) {
	cmap, err := unicodeCmap(ttf)
	if err != nil {
		return sharedFont{}, err
	}
	var w strings.Builder
	if d.MissingWidth != 0 {
		fmt.Fprintf(&w, "/DW %d ", d.MissingWidth)
	}
	w.WriteString("/W [")
	gids := make([]byte, 2*0x10000)
	for r := 1; r < len(cw) && r < 0x10000; r++ {
		g := glyphIndex(cmap, rune(r))
		if g == 0 || cw[r] == 0 {
			continue
		}
		gids[2*r], gids[2*r+1] = byte(g>>8), byte(g)
		width := cw[r]
		if width == 65535 {
			width = 0
		}
		fmt.Fprintf(&w, "%d [%d] ", r, width)
	}
	w.WriteString("]")
	var s strings.Builder
	fmt.Fprintf(&s, "/Ascent %d /Descent %d /CapHeight %d /Flags %d /FontBBox [%d %d %d %d] /ItalicAngle %d /StemV %d /MissingWidth %d",
		d.Ascent, d.Descent, d.CapHeight, (d.Flags|4)&^32, d.FontBBox.Xmin, d.FontBBox.Ymin, d.FontBBox.Xmax,
		d.FontBBox.Ymax, d.ItalicAngle, d.StemV, d.MissingWidth)
	return sharedFont{res: res, base: base, desc: s.String(), widths: w.String(),
		cidToGID: deflate(gids), file: deflate(ttf), size: len(ttf)}, nil
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b) // writes to a bytes.Buffer do not fail
	zw.Close()
	return buf.Bytes()
}

// dropFonts removes the fonts from a laid-out document so that fpdf does not write
// them; toPDFA writes the shared fonts instead. It reports false when it cannot.
func dropFonts(pdf *fpdf.Fpdf) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	m := field(reflect.ValueOf(pdf).Elem(), "fonts", reflect.Map)
	if !m.IsValid() || m.Len() != 2 {
		return false
	}
	m.Set(reflect.MakeMap(m.Type()))
	return true
}
