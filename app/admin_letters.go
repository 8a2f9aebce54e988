package app

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/model"
)

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
	{Name: clerkPrefix + "NAME", Label: "Weiterer Text, den die Sachbearbeitung beim Bescheid eingibt (NAME frei wählbar)"},
}

// clerkPrefix marks placeholders the administration adds for the clerk to fill, so
// that a misspelt case placeholder is still caught.
const clerkPrefix = "eingabe."

// casePlaceholders are filled by decision.Fill from the case, the letterhead and the
// decision's data.
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

func (a *App) requireAdmin() error {
	if err := a.ready(); err != nil {
		return err
	}
	if a.current().Role != model.RoleAdministration {
		return &Error{Code: CodeNotAllowed, Message: "Die Briefeinstellungen darf nur die Administration ändern."}
	}
	return nil
}

func invalid(fields map[string]string) error {
	return &Error{Code: CodeInvalid, Message: "Bitte prüfen Sie die markierten Angaben. Es wurde nichts gespeichert.", Fields: fields}
}

func (a *App) letterSettings() (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	cfg, err := a.letterConfig()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	overrides, err := a.savedTemplates()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	s := LetterSettings{
		Letterhead:   letterheadForm(cfg.Letterhead),
		Templates:    []TemplateForm{},
		Remedies:     []RemedyForm{},
		Placeholders: append(append([]PlaceholderView{}, casePlaceholders...), clerkPlaceholders...),
		BlockKinds:   blockKinds,
		RemedyKinds:  remedyKinds,
		Problems:     []string{},
	}
	for _, t := range cfg.Templates {
		_, changed := overrides[t.ID]
		s.Templates = append(s.Templates, templateForm(t, changed))
		if err := a.checkTemplate(t, cfg.Letterhead, nil, model.CaseTypes[0]); err != nil {
			s.Problems = append(s.Problems, fmt.Sprintf("Vorlage „%s“: %s", t.Name, err.msg))
		}
	}
	for _, ct := range model.CaseTypes {
		s.Remedies = append(s.Remedies, remedyForm(ct, cfg))
	}
	return s, nil
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
	bic        = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
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
	if iban := compact(f.IBAN); iban != "" {
		if msg := checkIBAN(iban); msg != "" {
			errs["iban"] = msg
		} else {
			h.IBAN = groupIBAN(iban)
		}
	}
	if b := compact(f.BIC); b != "" {
		if !bic.MatchString(b) {
			errs["bic"] = "Die BIC hat 8 oder 11 Zeichen, zum Beispiel BYLADEM1001."
		} else {
			h.BIC = b
		}
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

func compact(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// ibanLength is the length of the IBAN in the countries whose accounts an office in
// Germany will name; other countries are checked by the checksum only.
var ibanLength = map[string]int{"DE": 22, "AT": 20, "CH": 21, "NL": 18, "BE": 16, "LU": 20, "FR": 27, "DK": 18, "PL": 28}

// checkIBAN returns a German message when s (compact, upper case) is not a valid IBAN.
func checkIBAN(s string) string {
	if len(s) < 15 || len(s) > 34 || !isLetters(s[:2]) || !isDigits(s[2:4]) {
		return "Die IBAN ist nicht gültig: Sie beginnt mit dem Ländercode und zwei Prüfziffern, zum Beispiel DE02 1203 0000 0000 2020 51."
	}
	if n, ok := ibanLength[s[:2]]; ok && len(s) != n {
		return fmt.Sprintf("Die IBAN ist nicht gültig: Eine IBAN aus %s hat %d Zeichen, diese hat %d.", s[:2], n, len(s))
	}
	// ISO 13616: move the first four characters to the end, letters to 10..35, mod 97 = 1.
	var digits strings.Builder
	for _, r := range s[4:] + s[:4] {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			fmt.Fprintf(&digits, "%d", r-'A'+10)
		default:
			return "Die IBAN darf nur Buchstaben und Ziffern enthalten."
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	if new(big.Int).Mod(n, big.NewInt(97)).Int64() != 1 {
		return "Die IBAN ist nicht gültig: Die Prüfziffern stimmen nicht. Bitte prüfen Sie die Eingabe auf Tippfehler."
	}
	return ""
}

func groupIBAN(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
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

func (a *App) saveLetterhead(f LetterheadForm) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	h, errs := letterhead(f)
	if len(errs) > 0 {
		return LetterSettings{}, invalid(errs)
	}
	if err := a.saveSetting(settingLetterhead, h); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.letterSettings()
}

// chooseLetterLogo asks for a PNG file and returns it as base64 for the form; "" when
// the dialog was cancelled. Nothing is saved until the letterhead is.
func (a *App) chooseLetterLogo() (string, error) {
	if err := a.requireAdmin(); err != nil {
		return "", err
	}
	paths, err := a.runtime().OpenFiles("Logo wählen (PNG)")
	if err != nil {
		return "", &Error{Code: CodeUnreadable, Message: "Der Dateidialog konnte nicht geöffnet werden."}
	}
	if len(paths) == 0 {
		return "", nil
	}
	name := filepath.Base(paths[0])
	st, err := os.Stat(paths[0])
	if err != nil || !st.Mode().IsRegular() {
		return "", unreadable(name)
	}
	if st.Size() > maxLogoBytes {
		return "", &Error{Code: CodeTooLarge, Message: fmt.Sprintf("Das Logo ist zu groß (höchstens %d KB).", maxLogoBytes>>10), Fields: map[string]string{"logo": "Das Logo ist zu groß."}}
	}
	b, err := os.ReadFile(paths[0])
	if err != nil {
		return "", unreadable(name)
	}
	if msg := checkLogo(b); msg != "" {
		return "", &Error{Code: CodeInvalid, Message: msg, Fields: map[string]string{"logo": msg}}
	}
	return base64.StdEncoding.EncodeToString(b), nil
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
		if strings.Contains(text, "{{rechtsbehelf}}") {
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
	for _, p := range casePlaceholders {
		if p.Name == name {
			return ""
		}
	}
	return " Diesen Platzhalter gibt es nicht. Bitte prüfen Sie die Schreibweise; die möglichen Platzhalter stehen in der Liste. Einen Text, den die Sachbearbeitung beim Bescheid eingibt, schreiben Sie als {{" + clerkPrefix + "name}}."
}

// sampleCase is the case a template is tried on: every field a letter may name.
func (a *App) sampleCase(ct model.CaseType) model.Case {
	day := a.today()
	return model.Case{
		ID: "beispiel", Type: ct.Code, Title: ct.Name, Status: model.StatusInBearbeitung,
		FileNumber: model.FileNumber(ct.Prefix, day.Year(), 42, a.db.DeviceCode()),
		ReceivedAt: day.AddDate(0, 0, -14),
		Applicant:  model.Applicant{Name: "Erika Mustermann", Street: "Musterweg 1", PostalCode: "12345", City: "Musterstadt"},
	}
}

func (a *App) sampleData(t decision.Template, lh decision.Letterhead, remedy *decision.Remedy) decision.Data {
	day := a.today()
	values := map[string]string{}
	for _, p := range clerkPlaceholders {
		if !strings.HasPrefix(p.Name, clerkPrefix) {
			values[p.Name] = "(Text der Sachbearbeitung: " + p.Label + ")"
		}
	}
	// A form field is filled from the case's application; the sample has none.
	for _, b := range t.Blocks {
		for _, s := range []string{b.Title, b.Text} {
			for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
				switch name := m[1]; {
				case strings.HasPrefix(name, "form.") && len(name) > len("form."):
					values[name] = "(Angabe aus dem Antrag: " + strings.TrimPrefix(name, "form.") + ")"
				case strings.HasPrefix(name, clerkPrefix) && len(name) > len(clerkPrefix):
					values[name] = "(Text der Sachbearbeitung: " + strings.TrimPrefix(name, clerkPrefix) + ")"
				}
			}
		}
	}
	clerk := a.current()
	if clerk.Name == "" {
		clerk.Name = "Max Beispiel"
	}
	return decision.Data{
		Letterhead: lh, Clerk: clerk, Date: day, Location: a.loc,
		Fee:    &decision.Fee{Cents: 5000, Due: day.AddDate(0, 1, 0)},
		Values: values, Remedy: remedy,
	}
}

var placeholderRE = regexp.MustCompile(`\{\{\s*([^{}\s]+)\s*\}\}`)

// checkTemplate fills t for a sample case of type ct and renders it; the error names
// the block and the placeholder without a value, in German.
func (a *App) checkTemplate(t decision.Template, lh decision.Letterhead, remedy *decision.Remedy, ct model.CaseType) *fieldError {
	_, err := a.sampleLetter(t, lh, remedy, ct)
	return err
}

// fieldError is a German message for one field of a form.
type fieldError struct{ field, msg string }

func (a *App) sampleLetter(t decision.Template, lh decision.Letterhead, remedy *decision.Remedy, ct model.CaseType) ([]byte, *fieldError) {
	c := a.sampleCase(ct)
	l, err := decision.Fill(t, &c, a.sampleData(t, lh, remedy))
	var mv *decision.MissingValueError
	if errors.As(err, &mv) {
		field := "blocks"
		for i, b := range t.Blocks {
			if strings.Contains(b.Text, mv.Placeholder) || strings.Contains(b.Title, mv.Placeholder) {
				field = fmt.Sprintf("blocks.%d.text", i)
				break
			}
		}
		return nil, &fieldError{field, fmt.Sprintf("Der Platzhalter {{%s}} hat keinen Wert.%s", mv.Placeholder, placeholderHint(mv.Placeholder))}
	}
	if err != nil {
		return nil, &fieldError{"blocks", err.Error()}
	}
	pdf, err := decision.Render(l, decision.RenderOptions{Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		// Render's errors are German sentences for the clerk (decision.ErrLetter, ErrGlyph, ErrLogo).
		field := "blocks"
		if errors.Is(err, decision.ErrLogo) {
			field = "logo"
		}
		return nil, &fieldError{field, err.Error()}
	}
	return pdf, nil
}

func (a *App) saveLetterTemplate(f TemplateForm) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	shipped, ok := decision.TemplateByID(f.ID)
	if !ok {
		return LetterSettings{}, &Error{Code: CodeNotFound, Message: "Diese Vorlage gibt es nicht."}
	}
	t, errs := templateOf(f)
	if len(errs) > 0 {
		return LetterSettings{}, invalid(errs)
	}
	cfg, err := a.letterConfig()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	if fe := a.checkTemplate(t, cfg.Letterhead, nil, model.CaseTypes[0]); fe != nil {
		return LetterSettings{}, &Error{Code: CodeInvalid, Message: fe.msg + " Es wurde nichts gespeichert.", Fields: map[string]string{fe.field: fe.msg}}
	}
	overrides, err := a.savedTemplates()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	if sameTemplate(t, shipped) {
		delete(overrides, t.ID)
	} else {
		overrides[t.ID] = t
	}
	if err := a.saveSetting(settingTemplates, overrides); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.letterSettings()
}

func sameTemplate(x, y decision.Template) bool {
	if x.Name != y.Name || len(x.Blocks) != len(y.Blocks) {
		return false
	}
	for i := range x.Blocks {
		if x.Blocks[i] != y.Blocks[i] {
			return false
		}
	}
	return true
}

func (a *App) resetLetterTemplate(id string) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	overrides, err := a.savedTemplates()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	delete(overrides, id)
	if err := a.saveSetting(settingTemplates, overrides); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.letterSettings()
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

func (a *App) saveLetterRemedy(f RemedyForm) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	ct, r, errs := remedyOf(f)
	if len(errs) > 0 {
		return LetterSettings{}, invalid(errs)
	}
	cfg, err := a.letterConfig()
	if err != nil {
		return LetterSettings{}, toError(err)
	}
	only := decision.Template{ID: "rechtsbehelf", Name: "Rechtsbehelf", Blocks: []decision.Block{{Kind: decision.KindRemedy, Text: "{{rechtsbehelf}}"}}}
	if fe := a.checkTemplate(only, cfg.Letterhead, &r, ct); fe != nil {
		return LetterSettings{}, invalid(map[string]string{"body": fe.msg})
	}
	rem := map[string]decision.Remedy{}
	if err := a.loadSetting(settingRemedies, &rem); err != nil {
		return LetterSettings{}, toError(err)
	}
	rem[ct.Prefix] = r
	if err := a.saveSetting(settingRemedies, rem); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.letterSettings()
}

func (a *App) resetLetterRemedy(caseType string) (LetterSettings, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterSettings{}, err
	}
	ct, ok := model.CaseTypeByCode(caseType)
	if !ok {
		return LetterSettings{}, &Error{Code: CodeNotFound, Message: "Diese Antragsart gibt es nicht."}
	}
	rem := map[string]decision.Remedy{}
	if err := a.loadSetting(settingRemedies, &rem); err != nil {
		return LetterSettings{}, toError(err)
	}
	delete(rem, ct.Prefix)
	if err := a.saveSetting(settingRemedies, rem); err != nil {
		return LetterSettings{}, toError(err)
	}
	return a.letterSettings()
}

// --- preview ---

func (a *App) previewLetter(in LetterPreviewInput) (LetterPreview, error) {
	if err := a.requireAdmin(); err != nil {
		return LetterPreview{}, err
	}
	cfg, err := a.letterConfig()
	if err != nil {
		return LetterPreview{}, toError(err)
	}
	if in.Template.ID == "" {
		in.Template = templateForm(cfg.Templates[0], false)
	}
	h, errs := letterhead(in.Letterhead)
	t, terrs := templateOf(in.Template)
	for k, v := range terrs {
		errs[k] = v
	}
	ct := model.CaseTypes[0]
	remedy := cfg.remedy(ct.Code)
	if in.Remedy.CaseType != "" {
		c, r, rerrs := remedyOf(in.Remedy)
		for k, v := range rerrs {
			errs["remedy."+k] = v
		}
		ct, remedy = c, &r
	}
	if len(errs) > 0 {
		return LetterPreview{}, &Error{Code: CodeInvalid, Message: "Die Vorschau kann erst gezeigt werden, wenn die markierten Angaben stimmen.", Fields: errs}
	}
	pdf, fe := a.sampleLetter(t, h, remedy, ct)
	if fe != nil {
		return LetterPreview{}, &Error{Code: CodeInvalid, Message: fe.msg, Fields: map[string]string{fe.field: fe.msg}}
	}
	return LetterPreview{PDF: base64.StdEncoding.EncodeToString(pdf), Pages: pageCount(pdf)}, nil
}
