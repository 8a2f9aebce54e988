package decision

import _ "embed"

// DejaVu Sans (Bitstream Vera licence, see fonts/LICENSE-DejaVu.txt) covers every
// German glyph including the capital sharp s, and PDF/A needs every font embedded.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// fontFamily is the family name the letters use inside fpdf.
const fontFamily = "DejaVu"
