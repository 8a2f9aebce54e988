// Package layout lays out text, lines and images on A4 pages and returns each page's
// content stream. It is a small fork of go-pdf/fpdf (see README.md): only what the
// letters use, with fonts parsed once per process and shared by every document.
package layout

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Page size and unit: millimetres on A4, as fpdf.New("P", "mm", "A4", "").
const (
	PageW, PageH = 210.0, 297.0
	k            = 72 / 25.4 // points per millimetre
)

// Style names a font of the document: "" regular, "B" bold.
type Style string

// Doc is one document being laid out. Positions are in millimetres from the top
// left, as in fpdf. A Doc is not safe for concurrent use.
type Doc struct {
	fonts    map[Style]*Font
	resource map[Style]string // resource names in the content streams

	pages   [][]byte // content streams
	page    int      // current page, 1-based; 0 before the first
	x, y    float64
	lMargin float64
	tMargin float64
	rMargin float64
	lasth   float64

	style    Style
	sizePt   float64
	fontSize float64 // in millimetres
	textGray float64

	lineWidth      float64
	autoBreak      bool
	breakTrigger   float64
	inHeader       bool
	inFooter       bool
	header, footer func()
}

// New returns a document that writes text in the given fonts; resource names their
// entries in each page's /Font resources.
func New(fonts map[Style]*Font, resource map[Style]string) *Doc {
	d := &Doc{fonts: fonts, resource: resource, lMargin: 10, tMargin: 10, rMargin: 10, lineWidth: 0.2}
	d.SetAutoPageBreak(true, 20)
	return d
}

// SetMargins sets the left, top and right margins.
func (d *Doc) SetMargins(left, top, right float64) {
	d.lMargin, d.tMargin, d.rMargin = left, top, right
}

// SetAutoPageBreak turns automatic page breaks on or off; a cell that would end
// below PageH-margin starts a new page.
func (d *Doc) SetAutoPageBreak(on bool, margin float64) {
	d.autoBreak = on
	d.breakTrigger = PageH - margin
}

// SetHeaderFunc sets what AddPage draws at the top of every page; afterwards the
// position is the top left margin.
func (d *Doc) SetHeaderFunc(f func()) { d.header = f }

// SetFooterFunc sets what Close draws on every page once all pages exist, so the
// footer may print the page count.
func (d *Doc) SetFooterFunc(f func()) { d.footer = f }

// PageNo returns the current page number.
func (d *Doc) PageNo() int { return d.page }

// PageCount returns the number of pages so far (all of them while footers run).
func (d *Doc) PageCount() int { return len(d.pages) }

// X, Y, SetX, SetXY, Ln move the current position as fpdf's methods of the same name.
func (d *Doc) Y() float64         { return d.y }
func (d *Doc) SetX(x float64)     { d.x = x }
func (d *Doc) SetXY(x, y float64) { d.x, d.y = x, y }
func (d *Doc) Ln(h float64)       { d.x = d.lMargin; d.y += h }

// SetFont selects the style and size in points.
func (d *Doc) SetFont(style Style, sizePt float64) {
	d.style, d.sizePt, d.fontSize = style, sizePt, sizePt/k
}

// SetTextGray sets the text colour as a grey level 0 (black) to 255 (white).
func (d *Doc) SetTextGray(g int) { d.textGray = float64(g) / 255 }

// SetLineWidth sets the width of lines in millimetres.
func (d *Doc) SetLineWidth(w float64) {
	d.lineWidth = w
	if d.page > 0 {
		d.out(num(w*k), " w\n")
	}
}

// StringWidth returns the width of s in the current font, in millimetres.
func (d *Doc) StringWidth(s string) float64 {
	w := 0
	f := d.fonts[d.style]
	for _, r := range s {
		w += f.Width(r)
	}
	return float64(w) * d.fontSize / 1000
}

// AddPage starts a new page and draws the header.
func (d *Doc) AddPage() {
	style, size, gray, lw := d.style, d.sizePt, d.textGray, d.lineWidth
	d.pages = append(d.pages, make([]byte, 0, 4096))
	d.page = len(d.pages)
	d.x, d.y = d.lMargin, d.tMargin
	d.out("0 J 0 j ", num(lw*k), " w\n")
	if d.header != nil {
		d.inHeader = true
		d.header()
		d.inHeader = false
		d.x, d.y = d.lMargin, d.tMargin
	}
	if d.lineWidth != lw {
		d.SetLineWidth(lw)
	}
	d.style, d.sizePt, d.fontSize, d.textGray = style, size, size/k, gray
}

// Close draws the footer on every page.
func (d *Doc) Close() {
	if d.footer == nil {
		return
	}
	last := d.page
	for p := 1; p <= len(d.pages); p++ {
		d.page = p
		d.inFooter = true
		d.footer()
		d.inFooter = false
	}
	d.page = last
}

// Pages returns the content streams of the pages.
func (d *Doc) Pages() [][]byte { return d.pages }

func (d *Doc) out(parts ...string) {
	p := &d.pages[d.page-1]
	for _, s := range parts {
		*p = append(*p, s...)
	}
}

// num formats a coordinate as fpdf does, with two decimals.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// Cell prints s in a cell of width w (0: up to the right margin) and height h,
// aligned "L" or "R", and then moves right (ln 0), to the start of the next line
// (ln 1) or below (ln 2). A cell that would cross the page-break line starts a new
// page first. This is fpdf's CellFormat without borders and fill.
func (d *Doc) Cell(w, h float64, s string, ln int, align string) {
	if d.y+h > d.breakTrigger && !d.inHeader && !d.inFooter && d.autoBreak {
		x := d.x
		d.AddPage()
		d.x = x
	}
	if w == 0 {
		w = PageW - d.rMargin - d.x
	}
	if s != "" {
		dx := 0.0
		if align == "R" {
			dx = w - d.StringWidth(s)
		}
		if d.textGray != 0 {
			d.out("q ", strconv.FormatFloat(d.textGray, 'f', 3, 64), " g ")
		}
		d.out("BT /", d.resource[d.style], " ", num(d.sizePt), " Tf ",
			num((d.x+dx)*k), " ", num((PageH-(d.y+.5*h+.3*d.fontSize))*k), " Td <")
		p := &d.pages[d.page-1]
		for _, r := range s {
			if r > 0xFFFF {
				r = utf8.RuneError // the letters check their glyphs before; a BMP font cannot show more
			}
			*p = append(*p, hexDigits[r>>12&15], hexDigits[r>>8&15], hexDigits[r>>4&15], hexDigits[r&15])
		}
		d.out("> Tj ET")
		if d.textGray != 0 {
			d.out(" Q")
		}
		d.out("\n")
	}
	d.lasth = h
	switch ln {
	case 1:
		d.x = d.lMargin
		d.y += h
	case 2:
		d.y += h
	default:
		d.x += w
	}
}

const hexDigits = "0123456789ABCDEF"

// MultiCell prints s left-aligned in lines of at most width w, breaking at spaces
// (or inside a word longer than a line) and at "\n"; every line is a Cell with
// ln 2. This is fpdf's MultiCell for UTF-8 fonts, alignment "L", no border.
func (d *Doc) MultiCell(w, h float64, s string) {
	f := d.fonts[d.style]
	if w == 0 {
		w = PageW - d.rMargin - d.x
	}
	wmax := int(ceil(w * 1000 / d.fontSize))
	rs := []rune(strings.ReplaceAll(s, "\r", ""))
	nb := len(rs)
	for nb > 0 && rs[nb-1] == '\n' {
		nb--
	}
	rs = rs[:nb]
	sep, i, j, l := -1, 0, 0, 0
	for i < nb {
		c := rs[i]
		if c == '\n' {
			d.Cell(w, h, string(rs[j:i]), 2, "L")
			i++
			sep, j, l = -1, i, 0
			continue
		}
		if c == ' ' {
			sep = i
		}
		if c >= 0 && c < 0x10000 {
			switch cw := f.Widths[c]; cw {
			case 0:
				l += f.MissingWidth
			case 65535:
			default:
				l += cw
			}
		} else {
			l += f.MissingWidth
		}
		if l > wmax {
			if sep == -1 {
				if i == j {
					i++
				}
				d.Cell(w, h, string(rs[j:i]), 2, "L")
			} else {
				d.Cell(w, h, string(rs[j:sep]), 2, "L")
				i = sep + 1
			}
			sep, j, l = -1, i, 0
		} else {
			i++
		}
	}
	d.Cell(w, h, string(rs[j:i]), 2, "L")
	d.x = d.lMargin
}

func ceil(v float64) float64 {
	c := float64(int64(v))
	if c < v {
		c++
	}
	return c
}

// Line draws a line in black.
func (d *Doc) Line(x1, y1, x2, y2 float64) {
	d.out(num(x1*k), " ", num((PageH-y1)*k), " m ", num(x2*k), " ", num((PageH-y2)*k), " l S\n")
}

// FillRect fills a rectangle in black (the fill colour is never changed outside text).
func (d *Doc) FillRect(x, y, w, h float64) {
	d.out(num(x*k), " ", num((PageH-y)*k), " ", num(w*k), " ", num(-h*k), " re f\n")
}

// Image draws the image XObject named name (its resource name) at x, y with width
// w and height h.
func (d *Doc) Image(name string, x, y, w, h float64) {
	f5 := func(v float64) string { return strconv.FormatFloat(v, 'f', 5, 64) }
	d.out("q ", f5(w*k), " 0 0 ", f5(h*k), " ", f5(x*k), " ", f5((PageH-(y+h))*k), " cm /", name, " Do Q\n")
}
