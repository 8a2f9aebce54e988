package app

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/model"
)

// The administration's letter settings as the forms send them: parsed into decision's
// types, with German messages per field. The rules are decision's (IBAN, BIC,
// placeholders); what is left here is reading the form.

// Limits of what the administration may save.
const (
	maxLogoBytes  = 1 << 20
	maxLogoPixels = 4000
	maxBlocks     = 30
	maxBlockText  = 20000
)

// clerkPlaceholders are filled by the clerk when making a decision (decision.Data's
// Values); the check of a template gives them sample values.
var clerkPlaceholders = []PlaceholderView{
	{Name: "ablehnungsgrund", Label: "Grund der Ablehnung (schreibt die Sachbearbeitung)"},
	{Name: "bewilligt", Label: "Was bewilligt wird (schreibt die Sachbearbeitung)"},
	{Name: "teilablehnungsgrund", Label: "Grund der Teilablehnung (schreibt die Sachbearbeitung)"},
	{Name: decision.ClerkPrefix + "NAME", Label: "Weiterer Text, den die Sachbearbeitung beim Bescheid eingibt (NAME frei wählbar)"},
}

// casePlaceholders are filled by decision.Fill from the case, the letterhead and the
// decision's data (decision.FromCase), with what the administration reads about them.
var casePlaceholders = []PlaceholderView{
	{Name: "antragsteller.name", Label: "Name der antragstellenden Person"},
	{Name: "antragsteller.strasse", Label: "Straße und Hausnummer"},
	{Name: "antragsteller.ort", Label: "Postleitzahl und Ort"},
	{Name: "antragsteller.anschrift", Label: "Anschrift in einer Zeile"},
	{Name: "aktenzeichen", Label: "Aktenzeichen"},
	{Name: "vorgang.titel", Label: "Titel des Vorgangs"},
	{Name: "vorgangsart", Label: "Antragsart"},
	{Name: "eingangsdatum", Label: "Eingangsdatum des Antrags"},
	{Name: "datum", Label: "Datum des Bescheids"},
	{Name: "behoerde.name", Label: "Name der Behörde (Briefkopf)"},
	{Name: "behoerde.anschrift", Label: "Anschrift der Behörde (Briefkopf)"},
	{Name: "bank", Label: "Bank (Briefkopf)"},
	{Name: "iban", Label: "IBAN (Briefkopf)"},
	{Name: "bic", Label: "BIC (Briefkopf)"},
	{Name: "verwendungszweck", Label: "Verwendungszweck (das Aktenzeichen)"},
	{Name: "sachbearbeitung.name", Label: "Name der Sachbearbeitung"},
	{Name: "gebuehr", Label: "Gebühr in Euro"},
	{Name: "faelligkeit", Label: "Fälligkeit der Gebühr"},
	{Name: "rechtsbehelf", Label: "Rechtsbehelfsbelehrung der Antragsart"},
	{Name: "form.FELD", Label: "Wert des Formularfelds FELD aus dem Antrag"},
}

var blockKinds = []Option{
	{Value: string(decision.KindSubject), Label: "Betreff"},
	{Value: string(decision.KindSalutation), Label: "Anrede"},
	{Value: string(decision.KindTenor), Label: "Entscheidung (Tenor)"},
	{Value: string(decision.KindReasons), Label: "Begründung"},
	{Value: string(decision.KindFee), Label: "Gebühr"},
	{Value: string(decision.KindRemedy), Label: "Rechtsbehelfsbelehrung"},
	{Value: string(decision.KindText), Label: "Weiterer Text"},
}

var remedyKinds = []Option{
	{Value: string(decision.RemedyWiderspruch), Label: "Widerspruch bei der Behörde"},
	{Value: string(decision.RemedyKlage), Label: "Klage beim Verwaltungsgericht"},
}

func letterheadForm(h decision.Letterhead) LetterheadForm {
	f := LetterheadForm{
		Authority: h.Authority, Unit: h.Unit, Street: h.Street, PostalCode: h.PostalCode, City: h.City,
		Phone: h.Phone, Email: h.Email, Website: h.Website, BankName: h.BankName, IBAN: h.IBAN, BIC: h.BIC,
		VerifyURL: h.VerifyURL,
	}
	if len(h.Logo) > 0 {
		f.Logo = base64.StdEncoding.EncodeToString(h.Logo)
	}
	return f
}

func templateForm(t decision.Template, changed bool) TemplateForm {
	f := TemplateForm{ID: t.ID, Name: t.Name, Blocks: []BlockForm{}, Changed: changed}
	for _, b := range t.Blocks {
		f.Blocks = append(f.Blocks, BlockForm{Kind: string(b.Kind), Title: b.Title, Text: b.Text})
	}
	return f
}

func remedyForm(ct model.CaseType, cfg letterConfig) RemedyForm {
	f := RemedyForm{CaseType: ct.Code, CaseTypeLabel: ct.Name}
	if r := cfg.remedy(ct.Code); r != nil {
		f.Kind, f.Body, f.Address, f.Period = string(r.Kind), r.Body, r.Address, r.Period
		return f
	}
	f.Default = true
	f.Kind, f.Body, f.Address, f.Period = string(decision.RemedyWiderspruch), cfg.Letterhead.Authority, cfg.Letterhead.Address(), "eines Monats"
	return f
}

// --- letterhead ---

var (
	postalCode = regexp.MustCompile(`^[0-9]{5}$`)
	phone      = regexp.MustCompile(`^\+?[0-9][0-9 ()/\-]{3,30}$`)
	email      = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// letterhead checks the form and returns the letterhead to save, or the German
// message per field.
func letterhead(f LetterheadForm) (decision.Letterhead, map[string]string) {
	errs := map[string]string{}
	tr := strings.TrimSpace
	h := decision.Letterhead{
		Authority: tr(f.Authority), Unit: tr(f.Unit), Street: tr(f.Street), PostalCode: tr(f.PostalCode),
		City: tr(f.City), Phone: tr(f.Phone), Email: tr(f.Email), Website: tr(f.Website),
		BankName: tr(f.BankName), VerifyURL: tr(f.VerifyURL),
	}
	if h.Authority == "" {
		errs["authority"] = "Bitte den Namen der Behörde angeben."
	}
	if h.Street == "" {
		errs["street"] = "Bitte Straße und Hausnummer angeben."
	}
	if !postalCode.MatchString(h.PostalCode) {
		errs["postalCode"] = "Die Postleitzahl hat fünf Ziffern."
	}
	if h.City == "" {
		errs["city"] = "Bitte den Ort angeben."
	}
	if h.Phone != "" && !phone.MatchString(h.Phone) {
		errs["phone"] = "Die Telefonnummer darf nur Ziffern, Leerzeichen, +, -, / und Klammern enthalten."
	}
	if h.Email != "" && !email.MatchString(h.Email) {
		errs["email"] = "Die E-Mail-Adresse ist nicht gültig."
	}
	if strings.ContainsAny(h.Website, " \t") {
		errs["website"] = "Die Internetadresse darf keine Leerzeichen enthalten."
	}
	if strings.TrimSpace(f.IBAN) != "" {
		iban, err := decision.CheckIBAN(f.IBAN)
		if err != nil {
			errs["iban"] = ibanMessage(err)
		}
		h.IBAN = iban
	}
	if strings.TrimSpace(f.BIC) != "" {
		b, err := decision.CheckBIC(f.BIC)
		if err != nil {
			errs["bic"] = "Die BIC hat 8 oder 11 Zeichen, zum Beispiel BYLADEM1001."
		}
		h.BIC = b
	}
	if (h.IBAN != "" || h.BIC != "") && h.BankName == "" {
		errs["bankName"] = "Bitte den Namen der Bank angeben."
	}
	if h.VerifyURL != "" {
		u, err := url.Parse(h.VerifyURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs["verifyUrl"] = "Die Prüfadresse muss mit https:// beginnen, zum Beispiel https://ozg-cloud.example/pruefen/."
		}
	}
	if f.Logo != "" {
		logo, err := base64.StdEncoding.DecodeString(f.Logo)
		if err != nil {
			errs["logo"] = "Das Logo ist keine PNG-Datei."
		} else if msg := checkLogo(logo); msg != "" {
			errs["logo"] = msg
		} else {
			h.Logo = logo
		}
	}
	return h, errs
}

// ibanMessage says in German what is wrong with an IBAN (decision.CheckIBAN's error).
func ibanMessage(err error) string {
	var le *decision.IBANLengthError
	switch {
	case errors.As(err, &le):
		return fmt.Sprintf("Die IBAN ist nicht gültig: Eine IBAN aus %s hat %d Zeichen, diese hat %d.", le.Country, le.Want, le.Got)
	case errors.Is(err, decision.ErrIBANChars):
		return "Die IBAN darf nur Buchstaben und Ziffern enthalten."
	case errors.Is(err, decision.ErrIBANChecksum):
		return "Die IBAN ist nicht gültig: Die Prüfziffern stimmen nicht. Bitte prüfen Sie die Eingabe auf Tippfehler."
	}
	return "Die IBAN ist nicht gültig: Sie beginnt mit dem Ländercode und zwei Prüfziffern, zum Beispiel DE02 1203 0000 0000 2020 51."
}

const notPNG = "Das Logo ist keine PNG-Datei."

// checkLogo returns a German message when b is not a PNG the letter can show.
func checkLogo(b []byte) string {
	if len(b) > maxLogoBytes {
		return fmt.Sprintf("Das Logo ist zu groß (höchstens %d KB).", maxLogoBytes>>10)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "png" {
		return notPNG
	}
	if cfg.Width > maxLogoPixels || cfg.Height > maxLogoPixels || cfg.Width == 0 || cfg.Height == 0 {
		return fmt.Sprintf("Das Logo ist zu groß (höchstens %d × %d Bildpunkte).", maxLogoPixels, maxLogoPixels)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		return notPNG
	}
	return ""
}

// --- templates ---

// template checks the form's shape and returns the template.
func templateOf(f TemplateForm) (decision.Template, map[string]string) {
	errs := map[string]string{}
	t := decision.Template{ID: f.ID, Name: strings.TrimSpace(f.Name)}
	if t.Name == "" {
		errs["name"] = "Bitte einen Namen für die Vorlage angeben."
	}
	if len(f.Blocks) == 0 {
		errs["blocks"] = "Die Vorlage braucht mindestens einen Textblock."
	}
	if len(f.Blocks) > maxBlocks {
		errs["blocks"] = fmt.Sprintf("Eine Vorlage hat höchstens %d Textblöcke.", maxBlocks)
	}
	remedy := false
	for i, b := range f.Blocks {
		kind := decision.BlockKind(b.Kind)
		if !validBlockKind(kind) {
			errs[fmt.Sprintf("blocks.%d.kind", i)] = "Bitte die Art des Blocks wählen."
		}
		text := strings.TrimRight(strings.ReplaceAll(b.Text, "\r\n", "\n"), " \n")
		if strings.TrimSpace(text) == "" {
			errs[fmt.Sprintf("blocks.%d.text", i)] = "Bitte einen Text eingeben oder den Block entfernen."
		}
		if len(text) > maxBlockText {
			errs[fmt.Sprintf("blocks.%d.text", i)] = fmt.Sprintf("Ein Block hat höchstens %d Zeichen.", maxBlockText)
		}
		if slices.Contains(decision.Placeholders(text), decision.PlaceholderRemedy) {
			remedy = true
		}
		t.Blocks = append(t.Blocks, decision.Block{Kind: kind, Title: strings.TrimSpace(b.Title), Text: text})
	}
	if !remedy && len(f.Blocks) > 0 {
		errs["blocks"] = "Ein Bescheid braucht die Rechtsbehelfsbelehrung: Bitte den Platzhalter {{rechtsbehelf}} in einem Block verwenden."
	}
	return t, errs
}

func validBlockKind(k decision.BlockKind) bool {
	for _, o := range blockKinds {
		if o.Value == string(k) {
			return true
		}
	}
	return false
}

// placeholderHint says how an admin gets a value for a placeholder that has none.
func placeholderHint(name string) string {
	switch name {
	case "iban", "bic", "bank":
		return " Bitte die Bankverbindung im Briefkopf angeben."
	case "behoerde.name", "behoerde.anschrift":
		return " Bitte Name und Anschrift der Behörde im Briefkopf angeben."
	}
	if decision.FromCase(name) {
		return ""
	}
	return " Diesen Platzhalter gibt es nicht. Bitte prüfen Sie die Schreibweise; die möglichen Platzhalter stehen in der Liste. Einen Text, den die Sachbearbeitung beim Bescheid eingibt, schreiben Sie als {{" + decision.ClerkPrefix + "name}}."
}

// --- remedies ---

func remedyOf(f RemedyForm) (model.CaseType, decision.Remedy, map[string]string) {
	errs := map[string]string{}
	ct, ok := model.CaseTypeByCode(f.CaseType)
	if !ok {
		errs["caseType"] = "Bitte eine Antragsart wählen."
	}
	r := decision.Remedy{
		Kind: decision.RemedyKind(f.Kind), Body: strings.TrimSpace(f.Body),
		Address: strings.TrimSpace(f.Address), Period: strings.TrimSpace(f.Period),
	}
	switch r.Kind {
	case decision.RemedyWiderspruch:
		if r.Body == "" {
			errs["body"] = "Bitte die Behörde angeben, bei der Widerspruch einzulegen ist."
		}
	case decision.RemedyKlage:
		if r.Body == "" || !strings.Contains(strings.ToLower(r.Body), "gericht") {
			errs["body"] = "Bitte das Verwaltungsgericht angeben, zum Beispiel „Verwaltungsgericht Schleswig“."
		}
	default:
		errs["kind"] = "Bitte Widerspruch oder Klage wählen."
	}
	if r.Address == "" {
		errs["address"] = "Bitte die Anschrift (Sitz) angeben."
	}
	if r.Period == "" {
		r.Period = "eines Monats"
	}
	if len([]rune(r.Period)) > 40 || strings.ContainsAny(r.Period, "{}") {
		errs["period"] = "Bitte die Frist so angeben, wie sie nach „innerhalb“ steht, zum Beispiel „eines Monats“."
	}
	return ct, r, errs
}
