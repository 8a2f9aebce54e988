package decision

import (
	"crypto/sha256"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/decision/internal/layout"
	"github.com/ozgcloud/desktop/pdf"
)

type pdfaInfo struct {
	Title   string
	Created time.Time
}

const producer = "OZG-Cloud Desktop"

// logoName is the logo's resource name in the content streams.
const logoName = "I1"

// writePDFA writes the laid-out pages as a PDF/A-1b document: the binary header
// comment, the embedded fonts, an sRGB OutputIntent, XMP metadata matching the Info
// dictionary, and a trailer /ID, in one revision with one complete xref table, from
// which a signature's incremental update can start.
func writePDFA(d *layout.Doc, logo *logoImage, info pdfaInfo) ([]byte, error) {
	w := pdf.NewWriter("1.4")
	size := len(srgbProfile) + 16<<10
	for _, f := range embeddedFonts() {
		size += len(f.file) + len(f.cidToGID) + len(f.widths) + len(toUnicode) + 1024
	}
	for _, c := range d.Pages() {
		size += len(c) + 256
	}
	if logo != nil {
		size += len(logo.rgb)
	}
	w.Grow(size)
	catalog, pages := w.Alloc(), w.Alloc()

	fontDict := &pdf.Dict{}
	for _, f := range embeddedFonts() {
		fontDict.Set(f.res, f.write(w))
	}
	res := pdf.NewDict("ProcSet", pdf.Array{pdf.Name("PDF"), pdf.Name("Text"), pdf.Name("ImageB"), pdf.Name("ImageC"), pdf.Name("ImageI")},
		"Font", fontDict)
	if logo != nil {
		img := w.Alloc()
		w.WriteStream(img, pdf.NewDict("Type", pdf.Name("XObject"), "Subtype", pdf.Name("Image"),
			"Width", pdf.Integer(logo.w), "Height", pdf.Integer(logo.h), "ColorSpace", pdf.Name("DeviceRGB"),
			"BitsPerComponent", pdf.Integer(8), "Filter", pdf.Name("FlateDecode")), logo.rgb)
		res.Set("XObject", pdf.NewDict(logoName, img))
	}
	resRef := w.Add(res)

	id := sha256.New()
	mediaBox := pdf.Array{pdf.Integer(0), pdf.Integer(0), pdf.Real(595.28), pdf.Real(841.89)}
	var kids pdf.Array
	for _, content := range d.Pages() {
		id.Write(content)
		c := w.Alloc()
		w.WriteStream(c, nil, content)
		kids = append(kids, w.Add(pdf.NewDict("Type", pdf.Name("Page"), "Parent", pages, "MediaBox", mediaBox,
			"Resources", resRef, "Contents", c)))
	}
	w.Write(pages, pdf.NewDict("Type", pdf.Name("Pages"), "Kids", kids, "Count", pdf.Integer(len(kids))))

	created := info.Created.UTC()
	infoRef := w.Add(pdf.NewDict("Title", pdf.TextString(info.Title), "Creator", pdf.TextString(producer), "Producer", pdf.TextString(producer),
		"CreationDate", pdf.String(pdfDate(created)), "ModDate", pdf.String(pdfDate(created))))
	meta := w.Alloc()
	w.WriteStream(meta, pdf.NewDict("Type", pdf.Name("Metadata"), "Subtype", pdf.Name("XML")), []byte(xmpPacket(info.Title, created)))
	icc := w.Alloc()
	w.WriteStream(icc, pdf.NewDict("N", pdf.Integer(3)), srgbProfile)
	intent := w.Add(pdf.NewDict("Type", pdf.Name("OutputIntent"), "S", pdf.Name("GTS_PDFA1"),
		"OutputConditionIdentifier", pdf.String("sRGB IEC61966-2.1"), "Info", pdf.String("sRGB IEC61966-2.1"), "DestOutputProfile", icc))
	w.Write(catalog, pdf.NewDict("Type", pdf.Name("Catalog"), "Pages", pages, "Lang", pdf.String("de-DE"),
		"Metadata", meta, "OutputIntents", pdf.Array{intent}))

	id.Write([]byte(info.Title))
	id.Write([]byte(pdfDate(created)))
	sum := pdf.HexString(id.Sum(nil)[:16])
	out, err := w.Finish(pdf.NewDict("Root", catalog, "Info", infoRef, "ID", pdf.Array{sum, sum}))
	if err != nil {
		return nil, err
	}
	return out, nil
}

func pdfDate(t time.Time) string { return t.Format("D:20060102150405") + "Z" }

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func xmpPacket(title string, created time.Time) string {
	date := created.Format("2006-01-02T15:04:05Z")
	return `<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>1</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + xmlEscape(title) + `</rdf:li></rdf:Alt></dc:title>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>` + producer + `</xmp:CreatorTool>
<xmp:CreateDate>` + date + `</xmp:CreateDate>
<xmp:ModifyDate>` + date + `</xmp:ModifyDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>` + producer + `</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
}
