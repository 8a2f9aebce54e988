package decision

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors; the concrete errors carry a German message for the clerk.
var (
	ErrMissingValue = errors.New("decision: placeholder without a value")
	ErrLogo         = errors.New("decision: logo is not a PNG")
	ErrLetter       = errors.New("decision: letter incomplete")
)

// clerkError carries a German message for the clerk; errors.Is matches its sentinel.
type clerkError struct {
	kind error
	msg  string
}

func (e *clerkError) Error() string { return e.msg }
func (e *clerkError) Unwrap() error { return e.kind }

func clerkErr(kind error, format string, args ...any) error {
	return &clerkError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// Letterhead is the authority's data printed on every letter.
type Letterhead struct {
	Authority  string `json:"authority"` // "Gemeinde Musterhausen"
	Unit       string `json:"unit,omitempty"`
	Street     string `json:"street"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
	Website    string `json:"website,omitempty"`
	BankName   string `json:"bankName,omitempty"`
	IBAN       string `json:"iban,omitempty"`
	BIC        string `json:"bic,omitempty"`
	// VerifyURL is the central cloud's verification address; the verification code is
	// appended to it in the QR code. Empty: no QR code, only the code.
	VerifyURL string `json:"verifyUrl,omitempty"`
	// Logo is an optional PNG shown top right.
	Logo []byte `json:"logo,omitempty"`
}

// Address returns "Street, PostalCode City".
func (h Letterhead) Address() string {
	return h.Street + ", " + h.PostalCode + " " + h.City
}

// Contact is the clerk the citizen may call, printed in the information block.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// BlockKind says what part of the letter a block is.
type BlockKind string

const (
	KindSubject    BlockKind = "betreff"
	KindSalutation BlockKind = "anrede"
	KindTenor      BlockKind = "tenor"
	KindReasons    BlockKind = "begruendung"
	KindFee        BlockKind = "gebuehr"
	KindRemedy     BlockKind = "rechtsbehelf"
	KindText       BlockKind = "text"
)

// Block is one part of a letter: an optional bold title and a text in which "\n"
// breaks a line and an empty line starts a paragraph.
type Block struct {
	Kind  BlockKind `json:"kind"`
	Title string    `json:"title,omitempty"`
	Text  string    `json:"text"`
}

// Letter is a filled decision, ready to render; the clerk may edit its blocks.
type Letter struct {
	TemplateID string     `json:"templateId"`
	Letterhead Letterhead `json:"letterhead"`
	// Recipient holds the address lines, name first (at most six).
	Recipient  []string  `json:"recipient"`
	FileNumber string    `json:"fileNumber"`
	Date       time.Time `json:"date"` // the letter's calendar date
	Contact    Contact   `json:"contact"`
	Blocks     []Block   `json:"blocks"`
	// Signer is the clerk's name under "Im Auftrag".
	Signer string `json:"signer"`
}

// InfoRows returns the information block beside the address, as label and value:
// the file number, the contact's name, phone and e-mail where given, and the date.
func (l Letter) InfoRows() [][2]string {
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
	return append(rows, [2]string{"Datum", FormatDate(l.Date)})
}

// VerificationCode returns the code printed on the letter: the first 64 bits of the
// SHA-256 of the letter's content, as four groups of four hex digits. The cloud keeps
// the same hash of every decision it stores, so the code identifies the content.
func (l Letter) VerificationCode() string {
	c := l
	c.Letterhead.Logo = nil
	b, _ := json.Marshal(c) // plain structs of strings and times: cannot fail
	sum := sha256.Sum256(b)
	h := strings.ToUpper(hex.EncodeToString(sum[:8]))
	return h[0:4] + "-" + h[4:8] + "-" + h[8:12] + "-" + h[12:16]
}

// VerificationURL returns the address encoded in the QR code, or "" without VerifyURL.
func (l Letter) VerificationURL() string {
	if l.Letterhead.VerifyURL == "" {
		return ""
	}
	return l.Letterhead.VerifyURL + l.VerificationCode()
}

func (l Letter) check() error {
	var missing []string
	if l.Letterhead.Authority == "" {
		missing = append(missing, "Behörde im Briefkopf")
	}
	if len(l.Recipient) == 0 {
		missing = append(missing, "Empfänger")
	}
	if l.FileNumber == "" {
		missing = append(missing, "Aktenzeichen")
	}
	if l.Date.IsZero() {
		missing = append(missing, "Datum")
	}
	if len(missing) > 0 {
		return clerkErr(ErrLetter, "Dem Bescheid fehlt: %s.", strings.Join(missing, ", "))
	}
	if len(l.Recipient) < 2 {
		return clerkErr(ErrLetter, "Die Anschrift ist unvollständig: Neben dem Namen fehlen Straße, Postleitzahl und Ort.")
	}
	if len(l.Recipient) > 6 {
		return clerkErr(ErrLetter, "Die Anschrift hat mehr als sechs Zeilen und passt nicht ins Fenster des Umschlags.")
	}
	return nil
}

// FormatDate formats a calendar date the German way, "02.01.2027".
func FormatDate(t time.Time) string { return t.Format("02.01.2006") }

// FormatEuro formats an amount in cents the German way, "1.234,50 €".
func FormatEuro(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	euros := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range euros {
		if i > 0 && (len(euros)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	fmt.Fprintf(&b, ",%02d €", cents%100)
	return b.String()
}

// text returns every string the letter prints, for the glyph check.
func (l Letter) text() string {
	h := l.Letterhead
	parts := []string{h.Authority, h.Unit, h.Street, h.PostalCode, h.City, h.Phone, h.Email,
		h.Website, h.BankName, h.IBAN, h.BIC, h.VerifyURL, l.FileNumber, l.Contact.Name,
		l.Contact.Phone, l.Contact.Email, l.Signer}
	parts = append(parts, l.Recipient...)
	for _, b := range l.Blocks {
		parts = append(parts, b.Title, b.Text)
	}
	return strings.Join(parts, "\n")
}
