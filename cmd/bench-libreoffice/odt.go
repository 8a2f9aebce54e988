package main

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/ozgcloud/desktop/decision"
)

// The geometry follows decision/render.go (DIN 5008 form B), so that LibreOffice lays
// out the same page our renderer does: letterhead, address field with return line,
// information block, fold and hole marks, body, footer with page numbers, the
// authority's data, the verification code and its QR code, and on the following pages
// a short header.
const (
	odtMarginLeft  = 25.0
	odtMarginRight = 20.0
	odtAddrX       = 20.0
	odtAddrY       = 45.0
	odtAddrW       = 85.0
	odtAddrH       = 45.0
	odtAddrZoneH   = 17.7
	odtAddrPad     = 5.0
	odtInfoX       = 125.0
	odtInfoY       = 50.0
	odtInfoW       = 65.0
	odtBodyTop1    = 98.5
	odtBodyBottom  = 260.0
	odtQRSize      = 20.0
	odtFooterCol   = (170.0 - 2 - odtMarginLeft) / 3
)

const (
	nsOffice = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"`
	nsAll    = nsOffice +
		` xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"` +
		` xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"` +
		` xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"` +
		` xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"` +
		` xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"` +
		` xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"` +
		` xmlns:xlink="http://www.w3.org/1999/xlink"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/"` +
		` xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"` +
		` office:version="1.3"`
	xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	mimeODT   = "application/vnd.oasis.opendocument.text"
)

// ODT returns the letter as an OpenDocument text file with the same text and layout
// as decision.Render gives it, for LibreOffice to convert. The same letter gives the
// same bytes.
func ODT(l decision.Letter) ([]byte, error) {
	var qrPNG []byte
	if u := l.VerificationURL(); u != "" {
		code, err := qr.Encode(u, qr.M)
		if err != nil {
			return nil, fmt.Errorf("odt: QR code for %s: %w", l.FileNumber, err)
		}
		qrPNG = code.PNG()
	}
	parts := []struct {
		name  string
		data  []byte
		store bool
	}{
		// The mimetype comes first and uncompressed, so tools can sniff the type.
		{"mimetype", []byte(mimeODT), true},
		{"content.xml", []byte(contentXML(l)), false},
		{"styles.xml", []byte(stylesXML(l, qrPNG != nil)), false},
		{"meta.xml", []byte(metaXML(l)), false},
	}
	if qrPNG != nil {
		parts = append(parts, struct {
			name  string
			data  []byte
			store bool
		}{"Pictures/qr.png", qrPNG, true})
	}
	parts = append(parts, struct {
		name  string
		data  []byte
		store bool
	}{"META-INF/manifest.xml", []byte(manifestXML(qrPNG != nil)), false})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	mod := time.Date(l.Date.Year(), l.Date.Month(), l.Date.Day(), 0, 0, 0, 0, time.UTC)
	for _, p := range parts {
		h := &zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: mod}
		if p.store {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, fmt.Errorf("odt: %s: %w", p.name, err)
		}
		if _, err := w.Write(p.data); err != nil {
			return nil, fmt.Errorf("odt: %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("odt: %w", err)
	}
	return buf.Bytes(), nil
}

func mm(v float64) string { return fmt.Sprintf("%.2fmm", v) }

// odfText escapes s for an ODF paragraph; ODF collapses runs of spaces, so the second
// and later spaces of a run become text:s.
func odfText(s string) string {
	var b strings.Builder
	spaces := 0
	flush := func() {
		if spaces > 1 {
			fmt.Fprintf(&b, `<text:s text:c="%d"/>`, spaces-1)
		}
		spaces = 0
	}
	for _, r := range s {
		switch r {
		case ' ':
			if spaces == 0 {
				b.WriteByte(' ')
			}
			spaces++
			continue
		case '\t':
			flush()
			b.WriteString("<text:tab/>")
			continue
		}
		flush()
		xml.EscapeText(&b, []byte(string(r)))
	}
	flush()
	return b.String()
}

func para(b *strings.Builder, style, text string) {
	fmt.Fprintf(b, `<text:p text:style-name="%s">%s</text:p>`, style, odfText(text))
}

func lines(s string) []string {
	return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

func fontDecls() string {
	return `<office:font-face-decls><style:font-face style:name="DejaVu Sans" svg:font-family="&apos;DejaVu Sans&apos;" style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls>`
}

// frame opens a page-anchored text frame on page 1.
func frame(b *strings.Builder, name string, x, y, w, h float64) {
	height := ""
	if h > 0 {
		height = ` svg:height="` + mm(h) + `"`
	}
	fmt.Fprintf(b, `<draw:frame draw:style-name="fr" draw:name="%s" text:anchor-type="page" text:anchor-page-number="1" svg:x="%s" svg:y="%s" svg:width="%s"%s draw:z-index="1"><draw:text-box>`,
		name, mm(x), mm(y), mm(w), height)
}

func contentXML(l decision.Letter) string {
	h := l.Letterhead
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<office:document-content ` + nsAll + `>`)
	b.WriteString(fontDecls())
	b.WriteString(`<office:automatic-styles>`)
	b.WriteString(`<style:style style:name="fr" style:family="graphic" style:parent-style-name="Frame"><style:graphic-properties fo:border="none" fo:padding="0mm" fo:margin-left="0mm" fo:margin-right="0mm" fo:margin-top="0mm" fo:margin-bottom="0mm" style:wrap="run-through" style:run-through="foreground" style:vertical-pos="from-top" style:vertical-rel="page" style:horizontal-pos="from-left" style:horizontal-rel="page" draw:fill="none"/></style:style>`)
	b.WriteString(`<style:style style:name="mark" style:family="graphic"><style:graphic-properties draw:stroke="solid" svg:stroke-width="0.2mm" svg:stroke-color="#000000" style:wrap="run-through" style:run-through="foreground" style:vertical-pos="from-top" style:vertical-rel="page" style:horizontal-pos="from-left" style:horizontal-rel="page"/></style:style>`)
	b.WriteString(`<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Betreff" style:master-page-name="Erste"/>`)
	b.WriteString(`</office:automatic-styles><office:body><office:text>`)

	// Fold marks at 105 and 210 mm, the hole mark at 148.5 mm.
	for _, m := range []struct{ y, x2 float64 }{{105, 8}, {210, 8}, {148.5, 11}} {
		fmt.Fprintf(&b, `<draw:line draw:style-name="mark" text:anchor-type="page" text:anchor-page-number="1" svg:x1="3mm" svg:y1="%s" svg:x2="%s" svg:y2="%s" draw:z-index="0"><text:p/></draw:line>`,
			mm(m.y), mm(m.x2), mm(m.y))
	}

	frame(&b, "Briefkopf", odtMarginLeft, 15, 110, 0)
	para(&b, "Kopf", h.Authority)
	if h.Unit != "" {
		para(&b, "Einheit", h.Unit)
	}
	b.WriteString(`</draw:text-box></draw:frame>`)

	// The return line sits at the bottom of the 17.7 mm zone, the recipient below it.
	frame(&b, "Anschrift", odtAddrX+odtAddrPad, odtAddrY+odtAddrZoneH-4.5, odtAddrW-odtAddrPad, odtAddrH-odtAddrZoneH+4.5)
	para(&b, "Ruecksendung", h.Authority+" · "+h.Street+" · "+h.PostalCode+" "+h.City)
	for _, line := range l.Recipient {
		para(&b, "Anschrift", line)
	}
	b.WriteString(`</draw:text-box></draw:frame>`)

	frame(&b, "Info", odtInfoX, odtInfoY, odtInfoW, 0)
	for _, r := range l.InfoRows() {
		para(&b, "InfoLabel", r[0])
		para(&b, "InfoWert", r[1])
	}
	b.WriteString(`</draw:text-box></draw:frame>`)

	// The body: each "\n" is a new paragraph and an empty line an empty one, as in
	// decision/render.go; one empty line between blocks.
	first := true
	for i, blk := range l.Blocks {
		if i > 0 {
			para(&b, "Standard", "")
		}
		style := "Text"
		if blk.Kind == decision.KindSubject {
			style = "Betreff"
		} else if blk.Title != "" {
			para(&b, "Titel", blk.Title)
		}
		for _, line := range lines(blk.Text) {
			s := style
			if first {
				s, first = "P1", false // the first paragraph selects the first page's style
			}
			para(&b, s, line)
		}
	}
	para(&b, "Standard", "")
	closing := []string{"Mit freundlichen Grüßen", "", "Im Auftrag", "", l.Signer}
	for i, s := range closing {
		style := "Schluss" // greeting, "Im Auftrag" and name stay on one page
		if i == len(closing)-1 {
			style = "Text"
		}
		para(&b, style, s)
	}
	b.WriteString(`</office:text></office:body></office:document-content>`)
	return b.String()
}

func stylesXML(l decision.Letter, withQR bool) string {
	h := l.Letterhead
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<office:document-styles ` + nsAll + `>`)
	b.WriteString(fontDecls())
	b.WriteString(`<office:styles>`)
	b.WriteString(`<style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-top="0mm" fo:margin-bottom="0mm" fo:orphans="2" fo:widows="2"/><style:text-properties style:font-name="DejaVu Sans" fo:font-size="10pt" fo:language="de" fo:country="DE" fo:hyphenate="false"/></style:default-style>`)
	styles := []struct{ name, par, text string }{
		{"Standard", `fo:line-height="4.8mm"`, ``},
		{"Text", `fo:line-height="4.8mm"`, ``},
		{"Betreff", `fo:line-height="4.8mm" fo:keep-with-next="always"`, `fo:font-weight="bold"`},
		{"Titel", `fo:line-height="4.8mm" fo:keep-with-next="always"`, `fo:font-weight="bold"`},
		{"Schluss", `fo:line-height="4.8mm" fo:keep-with-next="always"`, ``},
		{"Kopf", `fo:line-height="7mm"`, `fo:font-size="16pt" fo:font-weight="bold"`},
		{"Einheit", `fo:line-height="5mm"`, ``},
		{"Ruecksendung", `fo:line-height="4.5mm"`, `fo:font-size="6pt"`},
		{"Anschrift", `fo:line-height="4.23mm"`, ``},
		{"InfoLabel", `fo:line-height="3mm"`, `fo:font-size="7pt" fo:color="#505050"`},
		{"InfoWert", `fo:line-height="5mm"`, `fo:font-size="9pt"`},
		{"Kurzkopf", `fo:line-height="4mm" fo:border-bottom="0.2mm solid #000000" fo:padding-bottom="1mm"`, `fo:font-size="8pt"`},
		{"Seite", `fo:line-height="4mm" fo:text-align="end" fo:margin-right="22mm" fo:border-bottom="0.2mm solid #000000" fo:padding-bottom="0.5mm"`, `fo:font-size="8pt"`},
		{"Fuss", `fo:line-height="3.2mm"`, `fo:font-size="7pt"`},
		{"QR", `fo:text-align="end"`, `fo:font-size="7pt"`}, // no fixed line height: it would clip the image
	}
	for _, s := range styles {
		fmt.Fprintf(&b, `<style:style style:name="%s" style:family="paragraph"><style:paragraph-properties %s/>`, s.name, s.par)
		if s.text != "" {
			fmt.Fprintf(&b, `<style:text-properties %s/>`, s.text)
		}
		b.WriteString(`</style:style>`)
	}
	b.WriteString(`<style:style style:name="Frame" style:family="graphic"><style:graphic-properties fo:border="none" fo:padding="0mm"/></style:style>`)
	b.WriteString(`<style:style style:name="Graphics" style:family="graphic"><style:graphic-properties fo:border="none" fo:padding="0mm"/></style:style>`)
	b.WriteString(`</office:styles><office:automatic-styles>`)
	footerH := 297.0 - odtBodyBottom - 10
	fmt.Fprintf(&b, `<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="210mm" fo:page-height="297mm" fo:margin-top="%s" fo:margin-bottom="10mm" fo:margin-left="%s" fo:margin-right="%s"/><style:footer-style><style:header-footer-properties fo:min-height="%s" fo:margin-top="0mm"/></style:footer-style></style:page-layout>`,
		mm(odtBodyTop1), mm(odtMarginLeft), mm(odtMarginRight), mm(footerH))
	fmt.Fprintf(&b, `<style:page-layout style:name="pm2"><style:page-layout-properties fo:page-width="210mm" fo:page-height="297mm" fo:margin-top="12mm" fo:margin-bottom="10mm" fo:margin-left="%s" fo:margin-right="%s"/><style:header-style><style:header-footer-properties fo:min-height="5mm" fo:margin-bottom="10mm"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="%s" fo:margin-top="0mm"/></style:footer-style></style:page-layout>`,
		mm(odtMarginLeft), mm(odtMarginRight), mm(footerH))
	fmt.Fprintf(&b, `<style:style style:name="Ft" style:family="table"><style:table-properties style:width="%s" table:align="left"/></style:style>`, mm(3*odtFooterCol+2+odtQRSize))
	fmt.Fprintf(&b, `<style:style style:name="FtA" style:family="table-column"><style:table-column-properties style:column-width="%s"/></style:style>`, mm(odtFooterCol))
	fmt.Fprintf(&b, `<style:style style:name="FtQ" style:family="table-column"><style:table-column-properties style:column-width="%s"/></style:style>`, mm(odtQRSize+2))
	b.WriteString(`<style:style style:name="FtC" style:family="table-cell"><style:table-cell-properties fo:padding="0mm" fo:border="none" style:vertical-align="top"/></style:style>`)
	b.WriteString(`<style:style style:name="qr" style:family="graphic" style:parent-style-name="Graphics"><style:graphic-properties fo:border="none" fo:padding="0mm" style:vertical-pos="top" style:vertical-rel="baseline"/></style:style>`)
	b.WriteString(`</office:automatic-styles><office:master-styles>`)

	verify := "Prüfcode " + l.VerificationCode()
	if h.VerifyURL != "" {
		verify += " · prüfbar unter " + h.VerifyURL
	}
	cols := [][]string{
		{h.Authority, h.Unit, h.Street, h.PostalCode + " " + h.City},
		{prefixed("Telefon ", h.Phone), h.Email, h.Website},
		{h.BankName, prefixed("IBAN ", h.IBAN), prefixed("BIC ", h.BIC)},
	}
	// Both page styles have the footer; object and table names must be unique.
	footer := func(page string) string {
		var f strings.Builder
		f.WriteString(`<style:footer><text:p text:style-name="Seite">Seite <text:page-number text:select-page="current">1</text:page-number> von <text:page-count>1</text:page-count></text:p>`)
		fmt.Fprintf(&f, `<table:table table:name="Fuss%s" table:style-name="Ft"><table:table-column table:style-name="FtA" table:number-columns-repeated="3"/><table:table-column table:style-name="FtQ"/><table:table-row>`, page)
		for _, col := range cols {
			f.WriteString(`<table:table-cell table:style-name="FtC" office:value-type="string">`)
			n := 0
			for _, s := range col {
				if s != "" {
					para(&f, "Fuss", s)
					n++
				}
			}
			if n == 0 {
				para(&f, "Fuss", "")
			}
			f.WriteString(`</table:table-cell>`)
		}
		f.WriteString(`<table:table-cell table:style-name="FtC" table:number-rows-spanned="2" office:value-type="string"><text:p text:style-name="QR">`)
		if withQR {
			fmt.Fprintf(&f, `<draw:frame draw:style-name="qr" draw:name="QR%s" text:anchor-type="as-char" svg:width="%s" svg:height="%s" draw:z-index="2"><draw:image xlink:href="Pictures/qr.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame>`,
				page, mm(odtQRSize), mm(odtQRSize))
		}
		f.WriteString(`</text:p></table:table-cell></table:table-row><table:table-row>`)
		f.WriteString(`<table:table-cell table:style-name="FtC" table:number-columns-spanned="3" office:value-type="string">`)
		para(&f, "Fuss", verify)
		f.WriteString(`</table:table-cell><table:covered-table-cell/><table:covered-table-cell/><table:covered-table-cell/></table:table-row></table:table></style:footer>`)
		return f.String()
	}

	fmt.Fprintf(&b, `<style:master-page style:name="Erste" style:page-layout-name="pm1" style:next-style-name="Folge">%s</style:master-page>`, footer("1"))
	fmt.Fprintf(&b, `<style:master-page style:name="Folge" style:page-layout-name="pm2"><style:header>`)
	para(&b, "Kurzkopf", h.Authority+" · Aktenzeichen "+l.FileNumber+" · "+decision.FormatDate(l.Date))
	fmt.Fprintf(&b, `</style:header>%s</style:master-page>`, footer("2"))
	b.WriteString(`</office:master-styles></office:document-styles>`)
	return b.String()
}

func metaXML(l decision.Letter) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<office:document-meta ` + nsAll + `><office:meta><dc:title>`)
	xml.EscapeText(&b, []byte("Bescheid "+l.FileNumber))
	b.WriteString(`</dc:title><dc:language>de-DE</dc:language></office:meta></office:document-meta>`)
	return b.String()
}

func manifestXML(withQR bool) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">`)
	entries := [][2]string{{"/", mimeODT}, {"content.xml", "text/xml"}, {"styles.xml", "text/xml"}, {"meta.xml", "text/xml"}}
	if withQR {
		entries = append(entries, [2]string{"Pictures/qr.png", "image/png"})
	}
	for _, e := range entries {
		version := ""
		if e[0] == "/" {
			version = ` manifest:version="1.3"`
		}
		fmt.Fprintf(&b, `<manifest:file-entry manifest:full-path="%s"%s manifest:media-type="%s"/>`, e[0], version, e[1])
	}
	b.WriteString(`</manifest:manifest>`)
	return b.String()
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}
