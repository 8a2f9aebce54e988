package decision

import (
	"bytes"
	"compress/zlib"
	"sync"

	"github.com/ozgcloud/desktop/decision/internal/layout"
	"github.com/ozgcloud/desktop/pdf"
)

// embeddedFont is a font as every letter writes it: the whole TrueType file, all its
// widths and a CIDToGIDMap for all its characters, compressed once per process, so a
// letter costs a copy of these bytes and no font work. The content streams address
// glyphs by Unicode code point (CID = rune, Identity-H), so the same objects serve
// every letter.
type embeddedFont struct {
	res      string // resource name in the content streams
	base     string // BaseFont and FontName
	desc     *pdf.Dict
	widths   pdf.Raw // the CIDFont's /W, about 6,000 entries, laid out once
	dw       int
	cidToGID []byte // compressed
	file     []byte // compressed TrueType file
	size     int    // uncompressed size of file
}

// toUnicode is an identity ToUnicode CMap: a CID is its Unicode code point.
const toUnicode = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"

// Resource names of the two fonts in every page's /Font dictionary.
var fontResource = map[layout.Style]string{"": "F1", "B": "F2"}

var embeddedFonts = sync.OnceValue(func() []embeddedFont {
	f := fonts()
	return []embeddedFont{
		newEmbeddedFont(fontResource[""], "DejaVuSans", f[""]),
		newEmbeddedFont(fontResource["B"], "DejaVuSans-Bold", f["B"]),
	}
})

func newEmbeddedFont(res, base string, f *layout.Font) embeddedFont {
	var w pdf.Array
	// One entry per character: "c [w]".
	gids := make([]byte, 2*0x10000)
	for r := 1; r < len(f.Widths); r++ {
		g := f.Glyph(rune(r))
		if g == 0 || f.Widths[r] == 0 {
			continue
		}
		gids[2*r], gids[2*r+1] = byte(g>>8), byte(g)
		width := f.Widths[r]
		if width == 65535 {
			width = 0
		}
		w = append(w, pdf.Integer(r), pdf.Array{pdf.Integer(width)})
	}
	i := func(v int) pdf.Integer { return pdf.Integer(v) }
	desc := pdf.NewDict(
		"Type", pdf.Name("FontDescriptor"), "FontName", pdf.Name(base),
		"Ascent", i(f.Ascent), "Descent", i(f.Descent), "CapHeight", i(f.CapHeight),
		// Nonsymbolic (32) off, symbolic (4) on: the font has its own encoding.
		"Flags", i((f.Flags|4)&^32),
		"FontBBox", pdf.Array{i(f.BBox[0]), i(f.BBox[1]), i(f.BBox[2]), i(f.BBox[3])},
		"ItalicAngle", i(f.ItalicAngle), "StemV", i(f.StemV), "MissingWidth", i(f.MissingWidth))
	return embeddedFont{res: res, base: base, desc: desc, widths: pdf.AppendObject(nil, w), dw: f.MissingWidth,
		cidToGID: deflate(gids), file: deflate(f.TTF), size: len(f.TTF)}
}

// write writes the font's six objects and returns the reference of its Type0 font.
func (f *embeddedFont) write(w *pdf.Writer) pdf.Ref {
	font, cid, uni, desc, gid, file := w.Alloc(), w.Alloc(), w.Alloc(), w.Alloc(), w.Alloc(), w.Alloc()
	w.Write(font, pdf.NewDict("Type", pdf.Name("Font"), "Subtype", pdf.Name("Type0"), "BaseFont", pdf.Name(f.base),
		"Encoding", pdf.Name("Identity-H"), "DescendantFonts", pdf.Array{cid}, "ToUnicode", uni))
	cidDict := pdf.NewDict("Type", pdf.Name("Font"), "Subtype", pdf.Name("CIDFontType2"), "BaseFont", pdf.Name(f.base),
		"CIDSystemInfo", pdf.NewDict("Registry", pdf.String("Adobe"), "Ordering", pdf.String("UCS"), "Supplement", pdf.Integer(0)),
		"FontDescriptor", desc)
	if f.dw != 0 {
		cidDict.Set("DW", pdf.Integer(f.dw))
	}
	cidDict.Set("W", f.widths)
	cidDict.Set("CIDToGIDMap", gid)
	w.Write(cid, cidDict)
	w.WriteStream(uni, nil, []byte(toUnicode))
	d := f.desc.Clone()
	d.Set("FontFile2", file)
	w.Write(desc, d)
	w.WriteStream(gid, pdf.NewDict("Filter", pdf.Name("FlateDecode")), f.cidToGID)
	w.WriteStream(file, pdf.NewDict("Filter", pdf.Name("FlateDecode"), "Length1", pdf.Integer(f.size)), f.file)
	return font
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b) // writes to a bytes.Buffer do not fail
	zw.Close()
	return buf.Bytes()
}
