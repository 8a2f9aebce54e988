package decision

import (
	"rsc.io/qr"

	"github.com/ozgcloud/desktop/decision/internal/layout"
)

// drawQR draws the QR code of size mm at x, y, each dark module a filled rectangle,
// so no image is embedded. Runs of dark modules in a row become one rectangle.
func drawQR(pdf *layout.Doc, code *qr.Code, x, y, size float64) {
	m := size / float64(code.Size)
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
			pdf.FillRect(x+float64(start)*m, y+float64(row)*m, float64(col-start)*m, m)
		}
	}
}
