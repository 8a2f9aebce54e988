package decision

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"
	"rsc.io/qr"
)

// Page geometry in millimetres, after DIN 5008 form B on A4.
const (
	pageW, pageH = 210.0, 297.0
	marginLeft   = 25.0
	marginRight  = 20.0
	textW        = pageW - marginLeft - marginRight

	// The address field; its first 17.7 mm are the zone for the return line.
	addrX, addrY, addrW, addrH = 20.0, 45.0, 85.0, 45.0
	addrZoneH                  = 17.7
	addrPad                    = 5.0 // text starts at 25 mm, in line with the body

	infoX, infoY, infoW = 125.0, 50.0, 65.0

	foldMark1, foldMark2, holeMark = 105.0, 210.0, 148.5

	bodyTop1   = 98.5 // first page: two blank lines below the address field
	bodyTopN   = 27.0 // following pages, below the short header
	footerTop  = 266.0
	bodyBottom = 260.0
	qrX, qrY   = 170.0, footerTop
	qrSize     = 20.0

	lineH     = 4.8 // 10 pt text
	fontSize  = 10.0
	smallSize = 7.0
)

// RenderOptions controls what is not part of the letter itself.
type RenderOptions struct {
	// Created is the document's creation time in its metadata; zero means the letter's
	// date at midnight, so the same letter always gives the same bytes.
	Created time.Time
}

// Render lays the letter out as a PDF/A-1b document. The same letter and options give
// the same bytes. Errors for the clerk, with a German message: ErrLetter for missing
// parts or an address too wide for the window, ErrLogo for a logo that is not a PNG,
// ErrGlyph for a character the font lacks. Render is safe for concurrent use.
func Render(l Letter, opts RenderOptions) ([]byte, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	if err := checkGlyphs(l.text()); err != nil {
		return nil, err
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Date(l.Date.Year(), l.Date.Month(), l.Date.Day(), 0, 0, 0, 0, time.UTC)
	}
	pdf := newDocument(created)
	pdf.SetFont(fontFamily, "", fontSize)
	for _, line := range l.Recipient {
		if pdf.GetStringWidth(line) > addrW-addrPad {
			return nil, clerkErr(ErrLetter, "Die Anschriftzeile „%s“ ist zu lang für das Fenster des Umschlags. Bitte kürzen Sie sie.", line)
		}
	}
	if len(l.Letterhead.Logo) > 0 {
		logo, err := opaquePNG(l.Letterhead.Logo)
		if err != nil {
			return nil, err
		}
		pdf.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(logo))
	}
	r := &renderer{pdf: pdf, l: l, code: l.VerificationCode()}
	if u := l.VerificationURL(); u != "" {
		code, err := qr.Encode(u, qr.M)
		if err != nil {
			return nil, fmt.Errorf("decision: QR code for %s: %w", l.FileNumber, err)
		}
		r.qr = code
	}
	if fontCache && shareFonts {
		r.shared = sharedFonts()
	}
	r.letter()
	r.final = true // the footer fpdf's Output draws last may drop the fonts
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("decision: render %s: %w", l.FileNumber, err)
	}
	info := pdfaInfo{Title: title(l), Created: created}
	if r.dropped {
		info.Fonts = r.shared
	}
	doc, err := toPDFA(out.Bytes(), info)
	if err != nil {
		return nil, fmt.Errorf("decision: render %s: %w", l.FileNumber, err)
	}
	return doc, nil
}

func title(l Letter) string {
	if t, ok := TemplateByID(l.TemplateID); ok {
		return t.Name + " " + l.FileNumber
	}
	return "Bescheid " + l.FileNumber
}

func newDocument(created time.Time) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	// fpdf makes a new zlib writer (about 1 MB of state) per stream; two pages of
	// uncompressed text cost a few kilobytes, the writers a third of a millisecond each.
	pdf.SetCompression(false)
	pdf.AliasNbPages("{nb}")
	addFonts(pdf)
	pdf.SetMargins(marginLeft, bodyTopN, marginRight)
	pdf.SetCellMargin(0) // text starts exactly at the DIN positions
	pdf.SetAutoPageBreak(true, pageH-bodyBottom)
	return pdf
}

// logoCache keeps the last normalised logo: every letter of an office has the same.
var logoCache struct {
	sync.Mutex
	key [sha256.Size]byte
	png []byte
}

// opaquePNG checks that b is a PNG and re-encodes it as 8-bit RGB on white: PDF/A-1
// forbids the soft mask fpdf would write for transparency, and fpdf refuses 16-bit
// and interlaced PNGs.
func opaquePNG(b []byte) ([]byte, error) {
	key := sha256.Sum256(b)
	logoCache.Lock()
	defer logoCache.Unlock()
	if logoCache.png != nil && logoCache.key == key {
		return logoCache.png, nil
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, clerkErr(ErrLogo, "Das Logo ist keine gültige PNG-Datei. Bitte laden Sie das Logo als PNG hoch.")
	}
	flat := image.NewRGBA(img.Bounds())
	draw.Draw(flat, flat.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Over)
	var out bytes.Buffer
	if err := png.Encode(&out, flat); err != nil {
		return nil, fmt.Errorf("decision: re-encode logo: %w", err)
	}
	logoCache.key, logoCache.png = key, out.Bytes()
	return logoCache.png, nil
}

type renderer struct {
	pdf  *fpdf.Fpdf
	l    Letter
	code string
	qr   *qr.Code // nil without a verification URL

	shared  []sharedFont // fonts written by toPDFA; nil: fpdf writes them
	final   bool         // set before fpdf draws the last page's footer
	dropped bool         // fonts taken out of fpdf, so toPDFA must write shared
}

func (r *renderer) letter() {
	pdf := r.pdf
	pdf.SetHeaderFuncMode(r.header, true)
	pdf.SetFooterFunc(r.footer)
	pdf.AddPage()
	r.letterhead()
	r.addressField()
	r.infoBlock()
	pdf.SetXY(marginLeft, bodyTop1)
	for i, b := range r.l.Blocks {
		r.block(b, i == 0)
	}
	r.closing()
}

// header draws what every page has, and on pages after the first the short header.
func (r *renderer) header() {
	pdf := r.pdf
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.2)
	for _, y := range []float64{foldMark1, foldMark2} {
		pdf.Line(3, y, 8, y)
	}
	pdf.Line(3, holeMark, 11, holeMark)
	if pdf.PageNo() == 1 {
		return
	}
	pdf.SetFont(fontFamily, "", 8)
	pdf.SetXY(marginLeft, 12)
	pdf.CellFormat(textW, 4, r.l.Letterhead.Authority+" · Aktenzeichen "+r.l.FileNumber+" · "+FormatDate(r.l.Date), "", 0, "L", false, 0, "")
	pdf.Line(marginLeft, 17, pageW-marginRight, 17)
	pdf.SetXY(marginLeft, bodyTopN)
	pdf.SetFont(fontFamily, "", fontSize)
}

func (r *renderer) letterhead() {
	pdf, h := r.pdf, r.l.Letterhead
	pdf.SetFont(fontFamily, "B", 16)
	pdf.SetXY(marginLeft, 15)
	pdf.CellFormat(110, 7, h.Authority, "", 1, "L", false, 0, "")
	pdf.SetFont(fontFamily, "", 10)
	if h.Unit != "" {
		pdf.SetX(marginLeft)
		pdf.CellFormat(110, 5, h.Unit, "", 1, "L", false, 0, "")
	}
	if len(h.Logo) > 0 {
		// 20 mm high, right-aligned; fpdf keeps the aspect ratio when w is 0.
		info := pdf.GetImageInfo("logo")
		w := 20 * info.Width() / info.Height()
		if w > 45 {
			w = 45
		}
		pdf.ImageOptions("logo", pageW-marginRight-w, 12, w, 0, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
}

func (r *renderer) addressField() {
	pdf, h := r.pdf, r.l.Letterhead
	pdf.SetFont(fontFamily, "", 6)
	ret := h.Authority + " · " + h.Street + " · " + h.PostalCode + " " + h.City
	// The return line sits at the bottom of the 17.7 mm zone, just above the recipient.
	pdf.SetXY(addrX+addrPad, addrY+addrZoneH-4.5)
	pdf.CellFormat(addrW-addrPad, 3.5, fitText(pdf, ret, addrW-addrPad), "", 0, "L", false, 0, "")
	pdf.SetFont(fontFamily, "", fontSize)
	y := addrY + addrZoneH + 0.8
	for _, line := range r.l.Recipient { // Render checked that each line fits
		pdf.SetXY(addrX+addrPad, y)
		pdf.CellFormat(addrW-addrPad, 4.23, line, "", 0, "L", false, 0, "")
		y += 4.23
	}
}

// fitText shortens s with an ellipsis until it fits w. Only the administration's data
// (letterhead, contact) goes through it, where an overlong entry shows in the preview.
func fitText(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && pdf.GetStringWidth(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

func (r *renderer) infoBlock() {
	pdf, l := r.pdf, r.l
	rows := [][2]string{{"Aktenzeichen", l.FileNumber}}
	if l.Contact.Name != "" {
		rows = append(rows, [2]string{"Ansprechpartner/in", l.Contact.Name})
	}
	if l.Contact.Phone != "" {
		rows = append(rows, [2]string{"Telefon", l.Contact.Phone})
	}
	if l.Contact.Email != "" {
		rows = append(rows, [2]string{"E-Mail", l.Contact.Email})
	}
	rows = append(rows, [2]string{"Datum", FormatDate(l.Date)})
	y := infoY
	for _, row := range rows {
		pdf.SetFont(fontFamily, "", smallSize)
		pdf.SetTextColor(80, 80, 80)
		pdf.SetXY(infoX, y)
		pdf.CellFormat(infoW, 3, row[0], "", 0, "L", false, 0, "")
		pdf.SetFont(fontFamily, "", 9)
		pdf.SetTextColor(0, 0, 0)
		pdf.SetXY(infoX, y+3)
		pdf.CellFormat(infoW, 4, fitText(pdf, row[1], infoW), "", 0, "L", false, 0, "")
		y += 8
	}
}

func (r *renderer) block(b Block, first bool) {
	pdf := r.pdf
	if !first {
		pdf.Ln(lineH)
	}
	switch b.Kind {
	case KindSubject:
		pdf.SetFont(fontFamily, "B", fontSize)
		r.text(b.Text)
		pdf.SetFont(fontFamily, "", fontSize)
		return
	}
	if b.Title != "" {
		// A title never stands alone at the bottom of a page.
		if pdf.GetY()+3*lineH > bodyBottom {
			pdf.AddPage()
		}
		pdf.SetFont(fontFamily, "B", fontSize)
		pdf.SetX(marginLeft)
		pdf.CellFormat(textW, lineH, b.Title, "", 1, "L", false, 0, "")
	}
	pdf.SetFont(fontFamily, "", fontSize)
	r.text(b.Text)
}

func (r *renderer) text(s string) {
	pdf := r.pdf
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		pdf.SetX(marginLeft)
		if strings.TrimSpace(para) == "" {
			pdf.Ln(lineH)
			continue
		}
		pdf.MultiCell(textW, lineH, para, "", "L", false)
	}
}

func (r *renderer) closing() {
	pdf := r.pdf
	// Greeting, "Im Auftrag" and the name stay together on one page.
	if pdf.GetY()+6*lineH > bodyBottom {
		pdf.AddPage()
	} else {
		pdf.Ln(lineH)
	}
	pdf.SetFont(fontFamily, "", fontSize)
	for _, s := range []string{"Mit freundlichen Grüßen", "", "Im Auftrag", "", r.l.Signer} {
		pdf.SetX(marginLeft)
		pdf.CellFormat(textW, lineH, s, "", 1, "L", false, 0, "")
	}
}

func (r *renderer) footer() {
	pdf, h := r.pdf, r.l.Letterhead
	pdf.SetAutoPageBreak(false, 0)
	defer pdf.SetAutoPageBreak(true, pageH-bodyBottom)
	pdf.SetFont(fontFamily, "", 8)
	pdf.SetXY(marginLeft, footerTop-5)
	pdf.CellFormat(qrX-2-marginLeft, 4, fmt.Sprintf("Seite %d von {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	pdf.SetLineWidth(0.2)
	pdf.Line(marginLeft, footerTop, qrX-2, footerTop)
	cols := [][]string{
		{h.Authority, h.Unit, h.Street, h.PostalCode + " " + h.City},
		{prefixed("Telefon ", h.Phone), h.Email, h.Website},
		{h.BankName, prefixed("IBAN ", h.IBAN), prefixed("BIC ", h.BIC)},
	}
	colW := (qrX - 2 - marginLeft) / 3
	pdf.SetFont(fontFamily, "", smallSize)
	for i, col := range cols {
		y := footerTop + 1.5
		for _, s := range col {
			if s == "" {
				continue
			}
			pdf.SetXY(marginLeft+float64(i)*colW, y)
			pdf.CellFormat(colW, 3.2, fitText(pdf, s, colW-1), "", 0, "L", false, 0, "")
			y += 3.2
		}
	}
	pdf.SetXY(marginLeft, footerTop+15.5)
	verify := "Prüfcode " + r.code
	if h.VerifyURL != "" {
		verify += " · prüfbar unter " + h.VerifyURL
	}
	pdf.CellFormat(qrX-2-marginLeft, 3.2, fitText(pdf, verify, qrX-2-marginLeft), "", 0, "L", false, 0, "")
	if r.qr != nil {
		drawQR(pdf, r.qr, qrX, qrY, qrSize)
	}
	if r.final && r.shared != nil {
		// Last use of the fonts: fpdf goes on to write the document.
		r.dropped = dropFonts(pdf)
	}
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}
