package decision

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"github.com/ozgcloud/desktop/decision/internal/layout"
)

// DejaVu Sans (Bitstream Vera licence, see fonts/LICENSE-DejaVu.txt) covers every
// German glyph including the capital sharp s, Polish, Turkish and most European
// names, and PDF/A needs every font embedded.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// ErrGlyph reports text with a character the embedded font cannot print.
var ErrGlyph = errors.New("decision: character not in font")

// fonts are parsed once per process and shared by every letter.
var fonts = sync.OnceValue(func() map[layout.Style]*layout.Font {
	reg, err1 := layout.ParseFont(fontRegular)
	bold, err2 := layout.ParseFont(fontBold)
	if err1 != nil || err2 != nil {
		panic(fmt.Sprint("decision: embedded fonts: ", err1, err2))
	}
	return map[layout.Style]*layout.Font{"": reg, "B": bold}
})

// checkGlyphs returns ErrGlyph with a German message for the first character of s the
// fonts lack, which would otherwise vanish from the printed letter without a trace.
func checkGlyphs(s string) error {
	f := fonts()
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			continue
		}
		if !f[""].Has(r) || !f["B"].Has(r) {
			return clerkErr(ErrGlyph, "Das Zeichen „%c“ (U+%04X) kann im Bescheid nicht gedruckt werden. Bitte ersetzen Sie es.", r, r)
		}
	}
	return nil
}
