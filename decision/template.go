package decision

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // letters show Berlin dates on every OS

	"github.com/ozgcloud/desktop/model"
)

// Template is a decision's text as data; blocks hold placeholders like {{aktenzeichen}}.
type Template struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Blocks []Block `json:"blocks"`
}

// Data is what a letter needs beyond the case.
type Data struct {
	Letterhead Letterhead
	Clerk      model.Clerk
	Date       time.Time // the letter's date
	Fee        *Fee      // nil when the decision sets no fee
	// Values fills further placeholders by name, for example "ablehnungsgrund".
	Values map[string]string
	// Remedy fills {{rechtsbehelf}}; nil means the Matrix's rule for the case type and
	// template, and without a Matrix a Widerspruch at the letterhead's authority.
	Remedy *Remedy
	// Matrix is the municipality's remedy matrix (DefaultMatrix for its Land).
	Matrix *Matrix
	// Location turns the case's timestamps into dates; nil means Europe/Berlin.
	Location *time.Location
}

// MissingValueError names a placeholder that has no value.
type MissingValueError struct{ Placeholder string }

func (e *MissingValueError) Error() string {
	return "Für den Platzhalter {{" + e.Placeholder + "}} fehlt ein Wert."
}

// Is makes errors.Is(err, ErrMissingValue) true.
func (e *MissingValueError) Is(target error) bool { return target == ErrMissingValue }

var placeholder = regexp.MustCompile(`\{\{\s*([^{}\s]+)\s*\}\}`)

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return loc
}()

// Fill makes a letter from template t for case c. It returns a *MissingValueError
// (errors.Is ErrMissingValue) for the first placeholder without a value.
func Fill(t Template, c *model.Case, d Data) (Letter, error) {
	loc := d.Location
	if loc == nil {
		loc = berlin
	}
	blocks, err := feeBlocks(t, c, d)
	if err != nil {
		return Letter{}, fmt.Errorf("decision: fill %s for %s: %w", t.ID, c.FileNumber, err)
	}
	v, remedyErr := values(t, c, d, loc)
	// A remedy that cannot be printed is reported where the letter needs it, in
	// the order of the placeholders.
	check := func(err error) error {
		var m *MissingValueError
		if remedyErr != nil && errors.As(err, &m) && m.Placeholder == PlaceholderRemedy {
			return fmt.Errorf("decision: fill %s for %s: %w", t.ID, c.FileNumber, remedyErr)
		}
		return err
	}
	l := Letter{
		TemplateID: t.ID,
		Letterhead: d.Letterhead,
		FileNumber: c.FileNumber,
		Date:       d.Date,
		Contact:    Contact{Name: d.Clerk.Name, Phone: d.Clerk.Phone, Email: d.Clerk.Email},
		Signer:     d.Clerk.Name,
		Recipient:  recipient(c.Applicant),
	}
	for _, b := range blocks {
		title, err := expand(b.Title, v, c)
		if err != nil {
			return Letter{}, check(err)
		}
		text, err := expand(b.Text, v, c)
		if err != nil {
			return Letter{}, check(err)
		}
		l.Blocks = append(l.Blocks, Block{Kind: b.Kind, Title: title, Text: text})
	}
	return l, nil
}

// remedyText returns the instructions for the letter: Data.Remedy, else the matrix's
// rule, else a Widerspruch at the letterhead's authority.
func remedyText(t Template, c *model.Case, d Data) (string, error) {
	w := DefaultRemedyWording()
	if d.Matrix != nil {
		w = d.Matrix.Wording
	}
	switch {
	case d.Remedy != nil:
		return d.Remedy.TextWith(w)
	case d.Matrix != nil:
		return d.Matrix.Text(c.Type, t.ID)
	}
	h := d.Letterhead
	if h.Authority == "" || h.Street == "" || h.City == "" {
		return "", fmt.Errorf("%w: the letterhead has no authority with an address", ErrRemedy)
	}
	r := Remedy{Kind: RemedyWiderspruch, Body: h.Authority, Address: h.Address()}
	if _, ok := DativeOf(h.Authority); !ok {
		r.Dative = "der Behörde " + h.Authority // grammatical for any name
	}
	return r.TextWith(w)
}

func recipient(a model.Applicant) []string {
	lines := []string{a.Name}
	if a.Street != "" {
		lines = append(lines, a.Street)
	}
	if a.PostalCode != "" || a.City != "" {
		lines = append(lines, strings.TrimSpace(a.PostalCode+" "+a.City))
	}
	return lines
}

// values returns the placeholders' values; the error is why {{rechtsbehelf}} has none.
func values(t Template, c *model.Case, d Data, loc *time.Location) (map[string]string, error) {
	a := c.Applicant
	v := map[string]string{
		"antragsteller.name":    a.Name,
		"antragsteller.strasse": a.Street,
		"antragsteller.ort":     strings.TrimSpace(a.PostalCode + " " + a.City),
		"aktenzeichen":          c.FileNumber,
		"vorgang.titel":         c.Title,
		"behoerde.name":         d.Letterhead.Authority,
		"behoerde.anschrift":    d.Letterhead.Address(),
		"bank":                  d.Letterhead.BankName,
		"iban":                  d.Letterhead.IBAN,
		"bic":                   d.Letterhead.BIC,
		"verwendungszweck":      c.FileNumber,
		"sachbearbeitung.name":  d.Clerk.Name,
	}
	if a.Street != "" && a.City != "" {
		v["antragsteller.anschrift"] = a.Street + ", " + v["antragsteller.ort"]
	}
	remedy, remedyErr := remedyText(t, c, d)
	if remedyErr == nil {
		v[PlaceholderRemedy] = remedy
	}
	if ct, ok := model.CaseTypeByCode(c.Type); ok {
		v["vorgangsart"] = ct.Name
	}
	if !c.ReceivedAt.IsZero() {
		v["eingangsdatum"] = FormatDate(c.ReceivedAt.In(loc))
	}
	if !d.Date.IsZero() {
		v["datum"] = FormatDate(d.Date)
	}
	feeValues(v, c, d)
	for k, x := range d.Values {
		v[k] = x
	}
	return v, remedyErr
}

func expand(s string, v map[string]string, c *model.Case) (string, error) {
	var missing string
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		val := v[name]
		if val == "" && c != nil && strings.HasPrefix(name, "form.") {
			val = formValue(c.Form, strings.TrimPrefix(name, "form."))
		}
		if strings.TrimSpace(val) == "" && missing == "" {
			missing = name
		}
		return val
	})
	if missing != "" {
		return "", &MissingValueError{Placeholder: missing}
	}
	return out, nil
}

// formValue finds a form field by its dotted path of names; a single name is also
// searched for anywhere in the tree, since forms nest fields differently.
func formValue(fields []model.FormField, path string) string {
	if v, ok := formPath(fields, strings.Split(path, ".")); ok {
		return v
	}
	if !strings.Contains(path, ".") {
		return formSearch(fields, path)
	}
	return ""
}

func formPath(fields []model.FormField, path []string) (string, bool) {
	for _, f := range fields {
		if f.Name != path[0] {
			continue
		}
		if len(path) == 1 {
			return f.Value, f.Value != ""
		}
		return formPath(f.Items, path[1:])
	}
	return "", false
}

func formSearch(fields []model.FormField, name string) string {
	for _, f := range fields {
		if f.Name == name && f.Value != "" {
			return f.Value
		}
		if v := formSearch(f.Items, name); v != "" {
			return v
		}
	}
	return ""
}

const remedyPlaceholder = "{{rechtsbehelf}}"

// Templates returns the built-in templates: Bewilligung, Ablehnung, Teilbewilligung
// and Gebührenbescheid. The slice is new on every call, so callers may change it.
func Templates() []Template {
	// The three decisions on an application share their subject line and the opening
	// of the operative part; the fee notice has its own.
	subject := Block{Kind: KindSubject, Text: "{{vorgangsart}}: Ihr Antrag vom {{eingangsdatum}}\nAktenzeichen {{aktenzeichen}}"}
	const tenorIntro = "auf Ihren Antrag vom {{eingangsdatum}} ergeht folgender Bescheid:\n\n"
	salutation := Block{Kind: KindSalutation, Text: "Guten Tag {{antragsteller.name}},"}
	remedy := Block{Kind: KindRemedy, Title: "Rechtsbehelfsbelehrung", Text: remedyPlaceholder}
	fee := Block{Kind: KindFee, Title: "Gebühr", Text: feeText}
	return []Template{
		{ID: "bewilligung", Name: "Bewilligung", Blocks: []Block{
			subject,
			salutation,
			{Kind: KindTenor, Text: tenorIntro + "1. Ihrem Antrag „{{vorgang.titel}}“ wird stattgegeben.\n2. {{kostenentscheidung}}"},
			{Kind: KindReasons, Title: "Begründung", Text: "Ihr Antrag ist am {{eingangsdatum}} bei uns eingegangen. Die Prüfung hat ergeben, dass die Voraussetzungen erfüllt sind. Dem Antrag war daher stattzugeben."},
			fee, remedy,
		}},
		{ID: "ablehnung", Name: "Ablehnung", Blocks: []Block{
			subject,
			salutation,
			{Kind: KindTenor, Text: tenorIntro + "1. Ihr Antrag „{{vorgang.titel}}“ wird abgelehnt.\n2. Für diesen Bescheid werden keine Kosten erhoben."},
			{Kind: KindReasons, Title: "Begründung", Text: "Ihr Antrag ist am {{eingangsdatum}} bei uns eingegangen. {{ablehnungsgrund}}\n\nDem Antrag konnte daher nicht entsprochen werden."},
			remedy,
		}},
		{ID: "teilbewilligung", Name: "Teilbewilligung", Blocks: []Block{
			subject,
			salutation,
			{Kind: KindTenor, Text: tenorIntro + "1. Ihrem Antrag „{{vorgang.titel}}“ wird teilweise stattgegeben: {{bewilligt}}\n2. Im Übrigen wird der Antrag abgelehnt.\n3. {{kostenentscheidung}}"},
			{Kind: KindReasons, Title: "Begründung", Text: "Ihr Antrag ist am {{eingangsdatum}} bei uns eingegangen. {{teilablehnungsgrund}}"},
			fee, remedy,
		}},
		{ID: "gebuehrenbescheid", Name: "Gebührenbescheid", Blocks: []Block{
			{Kind: KindSubject, Text: "Gebührenbescheid zu Ihrem Antrag vom {{eingangsdatum}}\nAktenzeichen {{aktenzeichen}}"},
			salutation,
			{Kind: KindTenor, Text: "für die Bearbeitung Ihres Antrags „{{vorgang.titel}}“ wird eine Verwaltungsgebühr in Höhe von {{gebuehr}} festgesetzt."},
			{Kind: KindReasons, Title: "Begründung", Text: "Die Gebühr beruht auf {{gebuehr.grundlage}}. Die Amtshandlung ist gebührenpflichtig; Gründe für eine Ermäßigung oder Befreiung liegen nicht vor."},
			fee, remedy,
		}},
	}
}

// TemplateByID returns the built-in template with the id.
func TemplateByID(id string) (Template, bool) {
	for _, t := range Templates() {
		if t.ID == id {
			return t, true
		}
	}
	return Template{}, false
}
