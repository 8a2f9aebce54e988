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

	"github.com/ozgcloud/desktop/decision/internal/layout"
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
	code := l.VerificationCode()
	l = l.printed()
	if err := checkGlyphs(l.text()); err != nil {
		return nil, err
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Date(l.Date.Year(), l.Date.Month(), l.Date.Day(), 0, 0, 0, 0, time.UTC)
	}
	pdf := newDocument()
	pdf.SetFont("", fontSize)
	for _, line := range l.Recipient {
		if pdf.StringWidth(line) > addrW-addrPad {
			return nil, clerkErr(ErrLetter, "Die Anschriftzeile „%s“ ist zu lang für das Fenster des Umschlags. Bitte kürzen Sie sie.", line)
		}
	}
	r := &renderer{pdf: pdf, l: l, code: code}
	if len(l.Letterhead.Logo) > 0 {
		logo, err := opaqueLogo(l.Letterhead.Logo)
		if err != nil {
			return nil, err
		}
		r.logo = logo
	}
	if u := l.VerificationURL(); u != "" {
		code, err := qr.Encode(u, qr.M)
		if err != nil {
			return nil, fmt.Errorf("decision: QR code for %s: %w", l.FileNumber, err)
		}
		r.qr = code
	}
	r.letter()
	pdf.Close()
	doc, err := writePDFA(pdf, r.logo, pdfaInfo{Title: title(l), Created: created})
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

// newDocument starts a letter. Its content streams stay uncompressed: a zlib writer
// costs more than the few kilobytes of text two pages hold.
func newDocument() *layout.Doc {
	pdf := layout.New(fonts(), fontResource)
	pdf.SetMargins(marginLeft, bodyTopN, marginRight)
	pdf.SetAutoPageBreak(true, pageH-bodyBottom)
	return pdf
}

// logoImage is a logo as the letter embeds it: 8-bit RGB on white, compressed.
type logoImage struct {
	w, h int
	rgb  []byte
}

// logoCache keeps the last logo: every letter of an office has the same.
var logoCache struct {
	sync.Mutex
	key  [sha256.Size]byte
	logo *logoImage
}

// opaqueLogo checks that b is a PNG and flattens it to 8-bit RGB on white: PDF/A-1
// forbids the soft mask transparency would need.
func opaqueLogo(b []byte) (*logoImage, error) {
	key := sha256.Sum256(b)
	logoCache.Lock()
	defer logoCache.Unlock()
	if logoCache.logo != nil && logoCache.key == key {
		return logoCache.logo, nil
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, clerkErr(ErrLogo, "Das Logo ist keine gültige PNG-Datei. Bitte laden Sie das Logo als PNG hoch.")
	}
	bounds := img.Bounds()
	if bounds.Dx() == 0 || bounds.Dy() == 0 || bounds.Dx()*bounds.Dy() > 4096*4096 {
		return nil, clerkErr(ErrLogo, "Das Logo ist leer oder zu groß. Bitte laden Sie ein Logo von höchstens 4096 × 4096 Bildpunkten hoch.")
	}
	flat := image.NewRGBA(bounds)
	draw.Draw(flat, flat.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, bounds.Min, draw.Over)
	rgb := make([]byte, 0, 3*bounds.Dx()*bounds.Dy())
	for i := 0; i < len(flat.Pix); i += 4 {
		rgb = append(rgb, flat.Pix[i], flat.Pix[i+1], flat.Pix[i+2])
	}
	logoCache.key = key
	logoCache.logo = &logoImage{w: bounds.Dx(), h: bounds.Dy(), rgb: deflate(rgb)}
	return logoCache.logo, nil
}

type renderer struct {
	pdf  *layout.Doc
	l    Letter
	code string
	qr   *qr.Code   // nil without a verification URL
	logo *logoImage // nil without a logo
}

func (r *renderer) letter() {
	pdf := r.pdf
	pdf.SetHeaderFunc(r.header)
	pdf.SetFooterFunc(r.footer)
	pdf.AddPage()
	r.letterhead()
	r.addressField()
	r.infoBlock()
	pdf.SetXY(marginLeft, bodyTop1)
	for i, b := range r.l.Blocks {
		if i > 0 && r.l.Blocks[i-1].Kind == KindSubject {
			pdf.Ln(lineH) // DIN 5008: two blank lines between subject and salutation
		}
		r.block(b, i == 0)
	}
	r.closing()
}

// header draws what every page has, and on pages after the first the short header.
func (r *renderer) header() {
	pdf := r.pdf
	pdf.SetLineWidth(0.2)
	for _, y := range []float64{foldMark1, foldMark2} {
		pdf.Line(3, y, 8, y)
	}
	pdf.Line(3, holeMark, 11, holeMark)
	if pdf.PageNo() == 1 {
		return
	}
	pdf.SetFont("", 8)
	pdf.SetXY(marginLeft, 12)
	pdf.Cell(textW, 4, r.l.Letterhead.Authority+" · Aktenzeichen "+r.l.FileNumber+" · "+FormatDate(r.l.Date), 0, "L")
	pdf.Line(marginLeft, 17, pageW-marginRight, 17)
	pdf.SetXY(marginLeft, bodyTopN)
	pdf.SetFont("", fontSize)
}

func (r *renderer) letterhead() {
	pdf, h := r.pdf, r.l.Letterhead
	pdf.SetFont("B", 16)
	pdf.SetXY(marginLeft, 15)
	pdf.Cell(110, 7, h.Authority, 1, "L")
	pdf.SetFont("", 10)
	if h.Unit != "" {
		pdf.SetX(marginLeft)
		pdf.Cell(110, 5, h.Unit, 1, "L")
	}
	if r.logo != nil {
		// 20 mm high, right-aligned, at most 45 mm wide, keeping the aspect ratio.
		ratio := float64(r.logo.w) / float64(r.logo.h)
		w := min(20*ratio, 45)
		pdf.Image(logoName, pageW-marginRight-w, 12, w, w/ratio)
	}
}

func (r *renderer) addressField() {
	pdf, h := r.pdf, r.l.Letterhead
	pdf.SetFont("", 6)
	ret := h.Authority + " · " + h.Street + " · " + h.PostalCode + " " + h.City
	// The return line sits at the bottom of the 17.7 mm zone, just above the recipient.
	pdf.SetXY(addrX+addrPad, addrY+addrZoneH-4.5)
	pdf.Cell(addrW-addrPad, 3.5, fitText(pdf, ret, addrW-addrPad), 0, "L")
	pdf.SetFont("", fontSize)
	y := addrY + addrZoneH + 0.8
	for _, line := range r.l.Recipient { // Render checked that each line fits
		pdf.SetXY(addrX+addrPad, y)
		pdf.Cell(addrW-addrPad, 4.23, line, 0, "L")
		y += 4.23
	}
}

// fitText shortens s with an ellipsis until it fits w. Only the administration's data
// (letterhead, contact) goes through it, where an overlong entry shows in the preview.
func fitText(pdf *layout.Doc, s string, w float64) string {
	if pdf.StringWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && pdf.StringWidth(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

func (r *renderer) infoBlock() {
	pdf := r.pdf
	y := infoY
	for _, row := range r.l.InfoRows() {
		pdf.SetFont("", smallSize)
		pdf.SetTextGray(80)
		pdf.SetXY(infoX, y)
		pdf.Cell(infoW, 3, row[0], 0, "L")
		pdf.SetFont("", 9)
		pdf.SetTextGray(0)
		pdf.SetXY(infoX, y+3)
		pdf.Cell(infoW, 4, fitText(pdf, row[1], infoW), 0, "L")
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
		pdf.SetFont("B", fontSize)
		r.text(b.Text)
		pdf.SetFont("", fontSize)
		return
	}
	if b.Title != "" {
		// A title never stands alone at the bottom of a page.
		if pdf.Y()+3*lineH > bodyBottom {
			pdf.AddPage()
		}
		pdf.SetFont("B", fontSize)
		pdf.SetX(marginLeft)
		pdf.Cell(textW, lineH, b.Title, 1, "L")
	}
	pdf.SetFont("", fontSize)
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
		pdf.MultiCell(textW, lineH, para)
	}
}

func (r *renderer) closing() {
	pdf := r.pdf
	// Greeting, "Im Auftrag" and the name stay together on one page.
	if pdf.Y()+6*lineH > bodyBottom {
		pdf.AddPage()
	} else {
		pdf.Ln(lineH)
	}
	pdf.SetFont("", fontSize)
	for _, s := range []string{"Mit freundlichen Grüßen", "", "Im Auftrag", "", r.l.Signer} {
		pdf.SetX(marginLeft)
		pdf.Cell(textW, lineH, s, 1, "L")
	}
}

func (r *renderer) footer() {
	pdf, h := r.pdf, r.l.Letterhead
	pdf.SetAutoPageBreak(false, 0)
	defer pdf.SetAutoPageBreak(true, pageH-bodyBottom)
	pdf.SetFont("", 8)
	if pdf.PageCount() > 1 { // "Seite 1 von 1" says nothing
		pdf.SetXY(marginLeft, footerTop-5)
		pdf.Cell(qrX-2-marginLeft, 4, fmt.Sprintf("Seite %d von %d", pdf.PageNo(), pdf.PageCount()), 0, "R")
	}
	pdf.SetLineWidth(0.2)
	pdf.Line(marginLeft, footerTop, qrX-2, footerTop)
	cols := [][]string{
		{h.Authority, h.Unit, h.Street, h.PostalCode + " " + h.City},
		{prefixed("Telefon ", h.Phone), h.Email, h.Website},
		{h.BankName, prefixed("IBAN ", h.IBAN), prefixed("BIC ", h.BIC)},
	}
	colW := (qrX - 2 - marginLeft) / 3
	pdf.SetFont("", smallSize)
	for i, col := range cols {
		y := footerTop + 1.5
		for _, s := range col {
			if s == "" {
				continue
			}
			pdf.SetXY(marginLeft+float64(i)*colW, y)
			pdf.Cell(colW, 3.2, fitText(pdf, s, colW-1), 0, "L")
			y += 3.2
		}
	}
	pdf.SetXY(marginLeft, footerTop+15.5)
	verify := "Prüfcode " + r.code
	if h.VerifyURL != "" {
		verify += " · prüfbar unter " + h.VerifyURL
	}
	pdf.Cell(qrX-2-marginLeft, 3.2, fitText(pdf, verify, qrX-2-marginLeft), 0, "L")
	if r.qr != nil {
		drawQR(pdf, r.qr, qrX, qrY, qrSize)
	}
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}
