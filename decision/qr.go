package decision

import (
	"github.com/go-pdf/fpdf"
	"rsc.io/qr"
)

// drawQR draws text as a QR code of size mm at x, y, each dark module a filled
// rectangle, so no image is embedded. Rows of dark modules become one rectangle each.
func drawQR(pdf *fpdf.Fpdf, text string, x, y, size float64) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		pdf.SetError(err)
		return
	}
	m := size / float64(code.Size)
	pdf.SetFillColor(0, 0, 0)
	for row := 0; row < code.Size; row++ {
		for col := 0; col < code.Size; {
			if !code.Black(col, row) {
				col++
				continue
			}
			start := col
			for col < code.Size && code.Black(col, row) {
				col++
			}
			pdf.Rect(x+float64(start)*m, y+float64(row)*m, float64(col-start)*m, m, "F")
		}
	}
}
