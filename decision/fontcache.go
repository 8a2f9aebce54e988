package decision

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/go-pdf/fpdf"
)

// fpdf parses a UTF-8 TrueType font completely for every document and hashes its
// 65,536-entry width table into a font id: about 4 ms of a 10 ms letter. Its API offers
// no way to share the parsed definition, so addFonts copies the definitions parsed
// once into each new document through reflection. That reaches into fpdf's unexported
// fields, so it is written for the exact version in go.mod (v0.9.0): if the fields are
// not as expected, it falls back to parsing, and TestFontCacheSameBytes proves the
// copy gives byte-identical documents.
var fontProto = sync.OnceValue(func() *fpdf.Fpdf {
	p := fpdf.New("P", "mm", "A4", "")
	p.AliasNbPages("{nb}") // as in every document: it changes the fonts' preset subset
	p.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	p.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	return p
})

// Tests switch these off to compare with fpdf's own loading and writing of fonts.
var (
	fontCache  = true
	shareFonts = true
)

func addFonts(pdf *fpdf.Fpdf) {
	if fontCache && copyFonts(pdf, fontProto()) {
		return
	}
	pdf.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
}

// copyFonts puts a copy of src's font definitions into dst: each with its own used-rune
// set and its own shallow copy of the parsed font file (which fpdf re-reads, resetting
// its own maps, when it writes the subset), so documents never share mutable state.
func copyFonts(dst, src *fpdf.Fpdf) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	sf := field(reflect.ValueOf(src).Elem(), "fonts", reflect.Map)
	df := field(reflect.ValueOf(dst).Elem(), "fonts", reflect.Map)
	if !sf.IsValid() || !df.IsValid() || sf.Len() != 2 || df.Len() != 0 {
		return false
	}
	for it := sf.MapRange(); it.Next(); {
		def := reflect.New(sf.Type().Elem()).Elem()
		def.Set(it.Value())
		uf := field(def, "utf8File", reflect.Pointer)
		runes := field(def, "usedRunes", reflect.Map)
		if !uf.IsValid() || uf.IsNil() || !runes.IsValid() {
			return false
		}
		file := reflect.New(uf.Type().Elem())
		file.Elem().Set(uf.Elem())
		fr := field(file.Elem(), "fileReader", reflect.Pointer)
		if !fr.IsValid() || fr.IsNil() {
			return false
		}
		reader := reflect.New(fr.Type().Elem())
		reader.Elem().Set(fr.Elem())
		pos := field(reader.Elem(), "readerPosition", reflect.Int64)
		if !pos.IsValid() {
			return false
		}
		pos.SetInt(0)
		fr.Set(reader)
		uf.Set(file)
		used := reflect.MakeMapWithSize(runes.Type(), runes.Len())
		for r := runes.MapRange(); r.Next(); {
			used.SetMapIndex(r.Key(), r.Value())
		}
		runes.Set(used)
		df.SetMapIndex(it.Key(), def)
	}
	return true
}

// field returns the named field of struct v, settable even when unexported, or an
// invalid Value when it is missing or not of kind k.
func field(v reflect.Value, name string, k reflect.Kind) reflect.Value {
	f := v.FieldByName(name)
	if !f.IsValid() || f.Kind() != k || !f.CanAddr() {
		return reflect.Value{}
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}
